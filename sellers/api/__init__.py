"""The seller API under ``/api/v1/seller/`` and the integrator keys it accepts (ADR 0096).

``auth``: the ``Api-Key`` authentication, the seller a request acts for and its scope check;
``central``, ``forms``, ``urls_seller``: Seller Central's keys page; ``listings``,
``inventory``, ``orders``, ``returns``, ``ledger``: the endpoints, thin views over the owning
apps' services and selectors; ``common``: what they share.
"""
