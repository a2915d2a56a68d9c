"""The shopper's review forms, and the list page's filters read from the query string.

The forms check what a browser can get wrong (a missing star rating, a title
past its limit) field by field; the services (``reviews.services``) still
decide, and their ``ApplicationError`` is shown as the form's error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_int
from reviews.models import ReviewReport
from reviews.photos import MAX_PHOTOS, MAX_UPLOAD_BYTES
from reviews.selectors import DEFAULT_SORT, SORTS
from reviews.services import BODY_MAX, NOTE_MAX, TITLE_MAX, rating_parse

STAR_CHOICES = [(str(stars), f"{stars} star{'s' if stars > 1 else ''}") for stars in range(1, 6)]
RATING_ERROR = "Choose a star rating from 1 to 5."
PER_PAGE = 10


class ReviewText(forms.CharField):
    """A text area's value with the browser's CRLF line breaks counted as one character each."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to ``MAX_PHOTOS`` uploads under one name; ``reviews.photos`` checks and re-encodes each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [super(MultiplePhotoField, self).clean(item, initial) for item in files if item]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"A review can have at most {MAX_PHOTOS} photos.")
        return files


class ReviewForm(forms.Form):
    """Stars, title, text and photos; on edit, the review's photos to remove."""

    rating = forms.ChoiceField(
        label="Overall rating",
        choices=STAR_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_ERROR, "invalid_choice": RATING_ERROR},
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text=f"What matters most, in a few words (up to {TITLE_MAX} characters).",
    )
    body = ReviewText(
        label="Your review",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"What did you like or dislike? How did you use it? (up to {BODY_MAX:,} characters)",
    )
    photos = MultiplePhotoField(
        label="Photos",
        required=False,
        help_text=f"Up to {MAX_PHOTOS} photos in all: JPEG, PNG, WebP or GIF, "
        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB each.",
    )
    photos_remove = forms.TypedMultipleChoiceField(
        label="Remove photos", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_photos = list(review.photos.all()) if review is not None else []
        if self.existing_photos:
            self.fields["photos_remove"].choices = [
                (photo.pk, f"Remove photo {number}") for number, photo in enumerate(self.existing_photos, 1)
            ]
        else:
            del self.fields["photos_remove"]

    def photos_removable(self):
        """``(photo, checkbox)`` pairs for the edit page, each checkbox labelled with its photo."""
        if "photos_remove" not in self.fields:
            return []
        return list(zip(self.existing_photos, self["photos_remove"], strict=True))


def rating_initial(value) -> str | None:
    """The stars of ``?rating=N`` (the request e-mail's one-click link) if 1-5, else nothing."""
    try:
        return str(rating_parse(value)) if value is not None else None
    except ApplicationError:
        return None


class ReportForm(forms.Form):
    """Why a shopper reports a review (``ReviewReport.Reason``) and an optional note."""

    reason = forms.ChoiceField(
        choices=ReviewReport.Reason.choices,
        error_messages={
            "required": "Choose why you are reporting this review.",
            "invalid_choice": "Choose why you are reporting this review.",
        },
    )
    note = forms.CharField(max_length=NOTE_MAX, required=False)


@dataclass(frozen=True, slots=True)
class ReviewFilters:
    """The list page's filters as read from its query string; a bad value is ignored with a notice."""

    stars: int | None = None
    with_photos: bool = False
    sort: str = DEFAULT_SORT
    page: int = 1
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> ReviewFilters:
        notices = []
        stars = None
        raw_stars = query.get("stars", "")
        if raw_stars:
            try:
                stars = parse_int(raw_stars[:20], minimum=1, maximum=5)
            except ApplicationError:
                notices.append("The star filter takes a number from 1 to 5: showing every rating.")
        sort = query.get("sort", "") or DEFAULT_SORT
        if sort not in SORTS:
            notices.append("Unknown sort order: showing the most helpful reviews first.")
            sort = DEFAULT_SORT
        raw_photos = query.get("with_photos", "")
        with_photos = raw_photos in ("1", "on", "true")
        if raw_photos and not with_photos:
            notices.append("The photo filter takes 1 or nothing: showing reviews with and without photos.")
        try:
            page = parse_int(query.get("page", "1")[:20] or "1", minimum=1)
        except ApplicationError:
            page = 1
        return cls(stars=stars, with_photos=with_photos, sort=sort, page=page, notices=notices)

    def query(self, **changes) -> str:
        """The query string of these filters with ``changes`` (for links that keep the others)."""
        values = {"stars": self.stars, "with_photos": 1 if self.with_photos else None, "sort": self.sort}
        values.update(changes)
        if values.get("sort") == DEFAULT_SORT:
            values["sort"] = None
        pairs = [(key, value) for key, value in values.items() if value not in (None, "")]
        return "?" + urlencode(pairs)
