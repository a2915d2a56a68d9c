"""REST API v1 for paying an order: the sandbox's test cards or Stripe's client secret
(docs/api.md, ADR 0093). Thin views over ``payments.services`` and ``payments.stripe_checkout``."""
