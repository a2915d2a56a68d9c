"""The seller scorecard: how well each seller keeps its promises, and what follows from it.

Figures over the last 30 and 90 days (docs/scorecard.md defines each one):
order defect rate, pre-fulfilment cancellation rate, late shipment rate,
valid tracking rate, on-time delivery rate and promise accuracy. A seller
past a threshold (``settings.SELLER_SCORECARD_THRESHOLDS``) loses buy-box
eligibility (``Seller.buy_box_eligible``, the stored flag the buy box reads),
gets one warning e-mail, and after ``SELLER_SCORECARD_GRACE_DAYS`` still past
it is proposed to staff for suspension. Celery beat and
``manage.py scorecards_recompute`` recompute it; nothing computes it per
request.

This module sits above ``orders`` with the other post-payment modules of
fulfillment. Defects from apps above it arrive by domain event
(``dispute.created`` from payments) or by a direct call of
``order_defect_record`` (claims here, feedback from reviews).
See docs/decisions/0052-seller-scorecard.md.
"""

from fulfillment.scorecard.actions import scorecard_breached_email_send, scorecard_store, scorecards_recompute
from fulfillment.scorecard.defects import dispute_created_defects_record, order_defect_record
from fulfillment.scorecard.display import FigureCell, FigureRow, scorecard_get_for_seller, scorecard_rows
from fulfillment.scorecard.figures import (
    METRICS,
    WINDOWS,
    WindowFigures,
    scorecard_breaches,
    scorecard_figures,
    scorecard_thresholds,
    ship_by_date,
)
from marketplace.core import events

__all__ = [
    "METRICS",
    "WINDOWS",
    "FigureCell",
    "FigureRow",
    "WindowFigures",
    "dispute_created_defects_record",
    "order_defect_record",
    "register",
    "scorecard_breached_email_send",
    "scorecard_breaches",
    "scorecard_figures",
    "scorecard_get_for_seller",
    "scorecard_rows",
    "scorecard_store",
    "scorecard_thresholds",
    "scorecards_recompute",
    "ship_by_date",
]


def register() -> None:
    """Subscribe the scorecard's handlers (``FulfillmentConfig.ready``)."""
    events.subscribe_async("dispute.created", "fulfillment.scorecard.defects.dispute_created_defects_record")
    events.subscribe_async(
        "scorecard.breached", "fulfillment.scorecard.actions.scorecard_breached_email_send"
    )
