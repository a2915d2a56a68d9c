"""Catalog's Seller Central pages: the seller's listings (docs/decisions/0072-seller-listings.md).

``selectors`` reads a seller's offers with their stock and buy-box standing,
``forms`` parses what the seller types, ``views`` renders the pages and
``dashboard`` registers the onboarding step and the dashboard card. Writes are
``catalog.services.offer_*``.
"""
