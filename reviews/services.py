"""Writing product reviews: by their authors, voters, reporters, the selling seller and staff.

Every function runs in one transaction, locks the review it changes, and moves
the family's rating aggregate (``reviews.aggregates``) when the review enters
or leaves the published set, so the figures never drift from the rows.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from orders.seller_central.selectors import buyer_short_name
from reviews import aggregates, moderation, notifications
from reviews.eligibility import family_of, review_eligibility
from reviews.models import Review, ReviewPhoto, ReviewReport, ReviewVote, SellerReply
from reviews.photos import MAX_PHOTOS, photos_reencode

TITLE_MAX = 120
BODY_MAX = 5000
REPLY_MAX = 2000
NOTE_MAX = 500
# Any control character but tab and newline (a NUL cannot even be stored by PostgreSQL).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

RS = Review.Status


def rating_parse(value) -> int:
    """A star rating from a form or API value: a whole number from 1 to 5."""
    text = str(value).strip() if value is not None else ""
    if len(text) > 1 or not text.isdigit() or not 1 <= int(text) <= 5:
        raise ApplicationError("Choose a star rating from 1 to 5.")
    return int(text)


def text_clean(value, *, label: str, max_length: int, required: bool = True) -> str:
    """``value`` stripped; ``ApplicationError`` if empty (when required), too long or with control bytes."""
    text = str(value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ApplicationError(f"{label} cannot be empty.")
    if len(text) > max_length:
        raise ApplicationError(f"{label} can be at most {max_length:,} characters (it has {len(text):,}).")
    if CONTROL.search(text):
        raise ApplicationError(f"{label} contains characters that cannot be shown.")
    return text


def _author_name(user, line) -> str:
    """First name and last initial, from the account or the order's address; never the e-mail.

    (``User.get_full_name()`` falls back to the e-mail, which would be shown on the review.)
    """
    return buyer_short_name(getattr(user, "full_name", "") or line.seller_order.order.ship_full_name)[:80]


def _lock(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _publish_into_aggregates(review: Review) -> None:
    aggregates.product_rating_move(
        product_id=review.product_id, added=review.rating, photos=1 if review.photo_count else 0
    )


def _withdraw_from_aggregates(review: Review) -> None:
    aggregates.product_rating_move(
        product_id=review.product_id, removed=review.rating, photos=-1 if review.photo_count else 0
    )


@contextmanager
def _photos_stored(review: Review, files, *, start: int = 0):
    """Store ``files`` as the review's photos from position ``start``, then run the block.

    Files are not transactional: the ones written here are deleted again if
    anything in the block (or a later row) fails and the transaction rolls back.
    """
    written: list[tuple] = []
    try:
        for position, content in enumerate(files, start=start):
            photo = ReviewPhoto(review=review, position=position)
            photo.image.save(content.name, content, save=False)
            written.append((photo.image.storage, photo.image.name))
            photo.save()
        yield
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _photos_discard(photos) -> None:
    """Delete the photos' rows now and their files once the transaction commits (kept on rollback)."""
    for photo in photos:
        storage, name = photo.image.storage, photo.image.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        photo.delete()


@transaction.atomic
def review_create(*, user, product: Product, rating, title, body, photos=()) -> Review:
    """Write the buyer's review of ``product``'s family, published or held by the automatic checks.

    Refuse (``ApplicationError``) a buyer without a delivered line of the
    family, a second review of it, a rating outside 1-5, an empty or too long
    title or text, more than five photos or one that is not a readable image.
    """
    eligibility = review_eligibility(user=user, product=product)
    stars = rating_parse(rating)
    title = text_clean(title, label="The title", max_length=TITLE_MAX)
    body = text_clean(body, label="The review", max_length=BODY_MAX)
    files = photos_reencode(photos)
    family = eligibility.family
    reasons = moderation.review_reasons(author=user, family=family, title=title, body=body)
    now = timezone.now()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=family,
                purchased_product=eligibility.purchased_product,
                order_line=eligibility.line,
                author=user,
                author_name=_author_name(user, eligibility.line),
                rating=stars,
                title=title,
                body=body,
                variation_label=eligibility.variation_label,
                status=RS.PENDING if reasons else RS.PUBLISHED,
                held_reasons=reasons,
                published_at=None if reasons else now,
                photo_count=len(files),
            )
    except IntegrityError:  # the same buyer's other request won the race
        raise ApplicationError("You have already reviewed this product: edit your review instead.") from None
    with _photos_stored(review, files):
        if review.is_published:
            _publish_into_aggregates(review)
    return review


@transaction.atomic
def review_update(*, review: Review, user, rating, title, body, photos=(), photos_remove=()) -> Review:
    """The author edits a review: it goes through the automatic checks again.

    ``photos_remove`` are ids of the review's photos to drop; ``photos`` are
    new uploads (five in all at most). A rejected review may be edited (the
    rejection e-mail invites it) and is checked again; a removed one cannot be.
    """
    locked = _lock(review)
    if locked.author_id != getattr(user, "pk", None):
        raise ApplicationError("Only its author can edit a review.")
    if locked.status == RS.REMOVED:
        raise ApplicationError("This review was removed by the marketplace and cannot be edited.")
    stars = rating_parse(rating)
    title = text_clean(title, label="The title", max_length=TITLE_MAX)
    body = text_clean(body, label="The review", max_length=BODY_MAX)
    remove_ids = {int(pk) for pk in photos_remove if str(pk).isdigit() and len(str(pk)) < 12}
    keeping = locked.photos.exclude(pk__in=remove_ids).count()
    if keeping + len([p for p in photos or () if p]) > MAX_PHOTOS:
        raise ApplicationError(f"A review can have at most {MAX_PHOTOS} photos.")
    files = photos_reencode(photos)
    was_published = locked.is_published
    before = Review(product_id=locked.product_id, rating=locked.rating, photo_count=locked.photo_count)
    reasons = moderation.review_reasons(
        author=user, family=locked.product, title=title, body=body, review_id=locked.pk
    )
    _photos_discard(locked.photos.filter(pk__in=remove_ids))
    now = timezone.now()
    locked.rating, locked.title, locked.body = stars, title, body
    locked.photo_count = keeping + len(files)
    locked.held_reasons = reasons
    locked.status = RS.PENDING if reasons else RS.PUBLISHED
    locked.moderation_note = ""
    locked.edited_at = now
    if locked.is_published and locked.published_at is None:
        locked.published_at = now
    with _photos_stored(locked, files, start=keeping):
        locked.save()
        if was_published:
            _withdraw_from_aggregates(before)
        if locked.is_published:
            _publish_into_aggregates(locked)
    return locked


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """The author deletes a review (and its photos, votes, reports and reply); they may write again."""
    locked = _lock(review)
    if locked.author_id != getattr(user, "pk", None):
        raise ApplicationError("Only its author can delete a review.")
    if locked.is_published:
        _withdraw_from_aggregates(locked)
    _photos_discard(locked.photos.all())
    locked.delete()


@transaction.atomic
def review_vote(*, review: Review, user) -> Review:
    """Count the user's "helpful" vote: one per user, on a published review not their own."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("Sign in to vote on a review.")
    locked = _lock(review)
    if not locked.is_published:
        raise ApplicationError("This review is not shown any more.")
    if locked.author_id == user.pk:
        raise ApplicationError("You cannot vote on your own review.")
    try:
        with transaction.atomic():
            ReviewVote.objects.create(review=locked, user=user)
    except IntegrityError:
        raise ApplicationError("You have already found this review helpful.") from None
    locked.helpful_count += 1
    locked.save(update_fields=["helpful_count", "updated_at"])
    # The count and the order of the product page's reviews changed: its cached copy is stale.
    aggregates.page_versions_bump(product_ids=[locked.product_id], listings=False)
    return locked


@transaction.atomic
def review_report(*, review: Review, user, reason: str, note: str = "") -> ReviewReport:
    """Report a published review to staff (one report per user); it shows in the moderation queue."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("Sign in to report a review.")
    locked = _lock(review)
    if locked.status == RS.REMOVED:
        raise ApplicationError("This review has already been removed.")
    if not locked.is_published:
        raise ApplicationError("This review is not shown any more.")
    if reason not in ReviewReport.Reason.values:
        raise ApplicationError("Choose why you are reporting this review.")
    if locked.author_id == user.pk:
        raise ApplicationError("You cannot report your own review: edit or delete it instead.")
    note = text_clean(note, label="The note", max_length=NOTE_MAX, required=False)
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(review=locked, user=user, reason=reason, note=note)
    except IntegrityError:
        raise ApplicationError("You have already reported this review.") from None
    locked.report_count += 1
    locked.save(update_fields=["report_count", "updated_at"])
    aggregates.page_versions_bump(product_ids=[locked.product_id], listings=False)
    return report


def _moderated(locked: Review, *, staff, status: str, note: str) -> Review:
    was_published, previous = locked.is_published, locked.status
    now = timezone.now()
    locked.status = status
    locked.moderation_note = note
    locked.moderated_by = staff
    locked.moderated_at = now
    if status == RS.PUBLISHED and locked.published_at is None:
        locked.published_at = now
    locked.save()
    audit_record(
        action=f"review.{status}",
        target=locked,
        before={"status": previous},
        after={"status": status},
        reason=note,
        actor=staff,
    )
    if was_published and not locked.is_published:
        _withdraw_from_aggregates(locked)
    elif locked.is_published and not was_published:
        _publish_into_aggregates(locked)
    ReviewReport.objects.filter(review=locked, resolved_at__isnull=True).update(resolved_at=now)
    return locked


@transaction.atomic
def review_publish(*, review: Review, staff) -> Review:
    """Staff publish a held review, or keep a reported one (its open reports are resolved)."""
    locked = _lock(review)
    if locked.status == RS.REMOVED:
        raise ApplicationError("A removed review cannot be published again.")
    return _moderated(locked, staff=staff, status=RS.PUBLISHED, note="")


@transaction.atomic
def review_reject(*, review: Review, staff, reason: str) -> Review:
    """Staff reject a held or published review, saying why; the author is told by e-mail."""
    locked = _lock(review)
    reason = text_clean(reason, label="The reason", max_length=NOTE_MAX)
    if locked.status in (RS.REJECTED, RS.REMOVED):
        raise ApplicationError(f"This review is already {locked.get_status_display().lower()}.")
    _moderated(locked, staff=staff, status=RS.REJECTED, note=reason)
    notifications.review_moderated_notify(review=locked)
    return locked


@transaction.atomic
def review_remove(*, review: Review, staff, reason: str) -> Review:
    """Staff remove a review for good (abuse): hidden, not editable, the author cannot write another."""
    locked = _lock(review)
    reason = text_clean(reason, label="The reason", max_length=NOTE_MAX)
    if locked.status == RS.REMOVED:
        raise ApplicationError("This review has already been removed.")
    _moderated(locked, staff=staff, status=RS.REMOVED, note=reason)
    notifications.review_moderated_notify(review=locked)
    return locked


def review_seller_id(review: Review) -> int | None:
    """The seller who sold the reviewed line: the one who may reply."""
    line = review.order_line
    return line.seller_order.seller_id if line is not None else None


@transaction.atomic
def seller_reply_create(*, review: Review, seller, user, body) -> SellerReply:
    """The selling seller's one public reply, published or held by the text checks."""
    locked = _lock(review)
    if not locked.is_published:
        raise ApplicationError("You can reply only to a published review.")
    if review_seller_id(locked) != seller.pk:
        raise ApplicationError("Only the seller who sold this item can reply to its review.")
    body = text_clean(body, label="The reply", max_length=REPLY_MAX)
    reasons = moderation.reply_reasons(body=body)
    aggregates.page_versions_bump(product_ids=[locked.product_id], listings=False)
    try:
        with transaction.atomic():
            return SellerReply.objects.create(
                review=locked,
                seller=seller,
                author=user,
                body=body,
                status=SellerReply.Status.PENDING if reasons else SellerReply.Status.PUBLISHED,
                held_reasons=reasons,
                published_at=None if reasons else timezone.now(),
            )
    except IntegrityError:
        raise ApplicationError("This review already has your reply.") from None


@transaction.atomic
def seller_reply_moderate(*, reply: SellerReply, staff, publish: bool, reason: str = "") -> SellerReply:
    """Staff publish a held reply, or reject it with a reason."""
    locked = SellerReply.objects.select_for_update().get(pk=reply.pk)
    previous = locked.status
    if publish:
        locked.status = SellerReply.Status.PUBLISHED
        locked.published_at = locked.published_at or timezone.now()
        locked.moderation_note = ""
    else:
        locked.status = SellerReply.Status.REJECTED
        locked.moderation_note = text_clean(reason, label="The reason", max_length=NOTE_MAX)
    locked.save()
    audit_record(
        action=f"seller_reply.{locked.status}",
        target=locked,
        before={"status": previous},
        after={"status": locked.status},
        reason=locked.moderation_note,
        actor=staff,
    )
    aggregates.page_versions_bump(product_ids=[locked.review.product_id], listings=False)
    return locked


def family_review_of(*, user, product: Product) -> Review | None:
    """The user's review of ``product``'s family, if any (to offer "edit" instead of "write")."""
    if user is None or not user.is_authenticated:
        return None
    return Review.objects.filter(author=user, product=family_of(product)).first()
