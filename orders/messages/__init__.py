"""Buyer-seller messages: one conversation per seller order.

``services`` writes (a buyer's or a seller's message, marking a conversation
read), ``selectors`` reads (always scoped to the buyer or to the seller) and
measures the seller's response times. The e-mails are rendered by
``orders.notifications``. docs/decisions/0077-buyer-seller-messages.md has the
reasons.
"""
