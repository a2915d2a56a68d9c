"""The seller's Orders pages in Seller Central: the list, one order, acknowledge and cancel.

``selectors`` reads (always scoped to the member's seller), ``services`` writes
the acknowledgement (the cancellation is ``orders.lifecycle.seller_order_cancel``),
``views`` are routed by ``orders/urls_seller.py`` and ``cards`` registers the
dashboard card. docs/decisions/0075-seller-cancellations.md has the reasons.
"""
