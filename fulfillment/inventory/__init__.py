"""Seller Central's inventory: the history of every stock change, low-stock alerts, stock set by hand,
warehouses and the seller's shipping and return settings (docs/decisions/0073-inventory-history.md).

``history`` and ``alerts`` sit below ``fulfillment.stock`` (which writes through them);
``services`` and ``selectors`` sit above it.
"""
