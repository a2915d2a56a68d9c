"""System checks: production refuses the stand-ins that only a demo or a test may run on.

Each app that has a sandbox registers its own check (payments: the sandbox payment provider;
fulfillment: the sandbox carrier; here: an e-mail backend that sends nothing, and privileged
accounts without a second factor, ``MFA_REQUIRED_FOR_PRIVILEGED`` off). A check passes
when the stand-in is not in use, or when ``settings.SANDBOX_ALLOWED`` names it: every name in
dev and test, none in production unless the environment says so (``SANDBOX_ALLOWED=payments,
carrier,email`` for a demo stack).
"""

from django.conf import settings
from django.core.checks import Error, register

# E-mail backends that deliver nothing to anybody.
NON_DELIVERING_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


def sandbox_allowed(name: str) -> bool:
    """Whether ``settings.SANDBOX_ALLOWED`` lets the stand-in ``name`` run here."""
    return name in getattr(settings, "SANDBOX_ALLOWED", ())


def sandbox_refused(*, name: str, what: str, fix: str, check_id: str) -> Error:
    return Error(
        f"{what}, and SANDBOX_ALLOWED does not name {name!r}.",
        hint=f"{fix}, or set SANDBOX_ALLOWED={name} (with the others it needs) to run a demo.",
        id=check_id,
    )


@register()
def email_delivers_check(app_configs=None, **kwargs) -> list[Error]:
    if settings.EMAIL_BACKEND in NON_DELIVERING_BACKENDS and not sandbox_allowed("email"):
        return [
            sandbox_refused(
                name="email",
                what=f"E-mail goes to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}, not to the shoppers",
                fix="Set EMAIL_URL to the SMTP server (smtp+tls://user:pass@host:587)",
                check_id="core.E001",
            )
        ]
    return []


@register()
def mfa_required_check(app_configs=None, **kwargs) -> list[Error]:
    """Staff and seller owners and finance members need a second factor (ADR 0088)."""
    if not getattr(settings, "MFA_REQUIRED_FOR_PRIVILEGED", True) and not sandbox_allowed("mfa"):
        return [
            sandbox_refused(
                name="mfa",
                what=(
                    "MFA_REQUIRED_FOR_PRIVILEGED is off: staff and seller owners and finance members "
                    "would reach the admin and Seller Central with a password alone"
                ),
                fix="Unset MFA_REQUIRED_FOR_PRIVILEGED (it defaults to on)",
                check_id="core.E002",
            )
        ]
    return []
