"""Fulfillment's Seller Central pages for inventory, warehouses and shipping/return settings.

(The shipping queue, parcels, returns and scorecard pages are ``fulfillment/views_seller.py`` and
``fulfillment/views_returns.py``.)
"""
