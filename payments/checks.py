"""Production refuses the sandbox payment provider unless SANDBOX_ALLOWED names it (core.checks)."""

from django.core.checks import Error, register

from marketplace.core.checks import sandbox_allowed, sandbox_refused
from payments.providers import configured_provider_name


@register()
def payment_provider_check(app_configs=None, **kwargs) -> list[Error]:
    if configured_provider_name() == "sandbox" and not sandbox_allowed("payments"):
        return [
            sandbox_refused(
                name="payments",
                what="The sandbox payment provider would take the payments (no STRIPE_SECRET_KEY)",
                fix="Set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET",
                check_id="payments.E001",
            )
        ]
    return []
