"""Seller Central views live here (the seller issue builds them).

The public seller page lists offers, which belong to the catalog, so it is
``catalog.views.SellerDetailView``, routed under ``/sellers/`` by
``marketplace/urls.py``.
"""
