"""Arguments for reviews's Seller Central URLs (tests/sellers/central_data.py explains)."""

from reviews.feedback import feedback_leave
from reviews.services import review_create

URL_KWARGS: dict = {
    "reviews": lambda world: {},
    "review-reply": lambda world: {"pk": world["review"].pk},
    "feedback": lambda world: {},
}


def world_extend(world: dict) -> None:
    """Add ``review`` (the buyer reviews the first line's product) and ``feedback`` (5 stars)."""
    buyer = world["order"].user
    line = world["seller_order"].lines.order_by("pk").first()
    world["review"] = review_create(
        user=buyer,
        product=line.product,
        rating=4,
        title="Does the job",
        body="Sturdy and it arrived quickly.",
    )
    world["feedback"] = feedback_leave(
        user=buyer,
        seller_order=world["seller_order"],
        rating=5,
        arrived_on_time=True,
        as_described=True,
        good_service=True,
        comment="Quick and careful.",
    )
