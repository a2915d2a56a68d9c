"""REST API v1 for a shopper's returns (docs/api.md, ADR 0093): thin views over
``fulfillment.returns`` and ``fulfillment.selectors_returns``."""
