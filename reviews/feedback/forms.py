"""The buyer's seller feedback form: stars, three yes/no questions, an optional comment."""

from __future__ import annotations

from django import forms

from reviews.feedback.services import COMMENT_MAX, QUESTIONS

STAR_CHOICES = [(str(stars), f"{stars} star{'s' if stars > 1 else ''}") for stars in range(5, 0, -1)]
RATING_MESSAGE = "Choose a star rating from 1 to 5."
YES_NO = [("yes", "Yes"), ("no", "No")]


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        choices=STAR_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_MESSAGE, "invalid_choice": RATING_MESSAGE},
    )
    arrived_on_time = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label=QUESTIONS["arrived_on_time"],
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )
    as_described = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label=QUESTIONS["as_described"],
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )
    good_service = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label=QUESTIONS["good_service"],
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": f"The comment can be at most {COMMENT_MAX:,} characters."},
    )

    def questions(self) -> list[forms.BoundField]:
        """The three yes/no questions, in order, for the template's loop."""
        return [self[name] for name in QUESTIONS]
