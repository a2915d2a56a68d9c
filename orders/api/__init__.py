"""REST API v1 for shoppers: cart, addresses, checkout and orders (docs/api.md, ADR 0093).

Thin views over ``orders.cart``, ``orders.checkout``, ``orders.placement``,
``orders.lifecycle``, ``orders.selectors_orders`` and the address services of
``marketplace.accounts``: no rule of the storefront is written again here.
"""
