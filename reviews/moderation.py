"""The automatic checks every review and seller reply passes before it is published.

A text that trips none is published at once; one that trips any is held for
staff with the reasons (the admin's moderation queue). The checks look for
what review spam and abuse are made of: links, e-mail addresses and phone
numbers (taking buyers off the marketplace), text repeated from another
review or with almost no distinct words, bursts of reviews from one account,
and reviews written by the members of a seller of the product.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

# An account writing more than this many reviews in 24 hours is held: buyers rarely do.
REVIEWS_PER_DAY = 5

LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]{2,}\.(com|net|org|io|co|biz|info|shop|store|xyz|ru|cn|ly|me)\b)",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Seven or more digits, possibly split by spaces, dots, dashes or brackets: a phone number.
PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s.()-]*\d){6,}(?!\w)")
WORD = re.compile(r"\w+")

REASON_LINK = "Contains a link"
REASON_EMAIL = "Contains an e-mail address"
REASON_PHONE = "Contains a phone number"
REASON_REPEATED = "Repeats the text of another review"
REASON_LOW_CONTENT = "Repeats the same words"
REASON_BURST = f"More than {REVIEWS_PER_DAY} reviews from this account in a day"
REASON_SELLER = "Written by a member of a seller of this product"


def normalized(text: str) -> str:
    """Lower case, words only: what two copies of a text have in common."""
    return " ".join(WORD.findall(text.lower()))


def text_reasons(*texts: str) -> list[str]:
    """The reasons ``texts`` (title, body, reply) would be held for, without context."""
    joined = "\n".join(texts)
    reasons = []
    if LINK.search(joined):
        reasons.append(REASON_LINK)
    if EMAIL.search(joined):
        reasons.append(REASON_EMAIL)
    if PHONE.search(joined):
        reasons.append(REASON_PHONE)
    words = WORD.findall(joined.lower())
    if len(words) >= 12 and len(set(words)) <= len(words) // 4:
        reasons.append(REASON_LOW_CONTENT)
    return reasons


def review_reasons(*, author, family, title: str, body: str, review_id: int | None = None) -> list[str]:
    """Why a review would be held (empty: publish it). ``review_id`` is the review being edited."""
    from reviews.models import Review
    from sellers.models import SellerMember

    reasons = text_reasons(title, body)
    others = Review.objects.exclude(pk=review_id) if review_id else Review.objects.all()
    body_key = normalized(body)
    if len(body_key) >= 20:
        candidates = others.filter(author=author) | others.filter(product=family)
        if any(normalized(text) == body_key for text in candidates.values_list("body", flat=True)[:500]):
            reasons.append(REASON_REPEATED)
    since = timezone.now() - timedelta(days=1)
    if others.filter(author=author, created_at__gte=since).count() >= REVIEWS_PER_DAY:
        reasons.append(REASON_BURST)
    family_ids = [family.pk, *family.variants.values_list("pk", flat=True)] if family.pk else []
    if SellerMember.objects.filter(user=author, seller__offers__product_id__in=family_ids).exists():
        reasons.append(REASON_SELLER)
    return reasons


def reply_reasons(*, body: str) -> list[str]:
    """Why a seller's reply would be held: the text checks only."""
    return text_reasons(body)
