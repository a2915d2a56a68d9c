"""Seller Central's money pages: balance and availability, statements (page and CSV), payouts,
the payout account, and the dashboard card; routed in payments/urls_seller.py.

Owner and finance members see money (``Section.MONEY``); only the owner
connects a payout account (``Section.SETTINGS``: finance reads where the money
goes but cannot change it). docs/decisions/0074-seller-money-pages.md.
"""
