"""Failed sign-ins: throttled by address, backed off by account, never a lock-out.

Every password check (sign-in and re-authentication) first takes one hit from
two of allauth's rate limits (``settings.ACCOUNT_RATE_LIMITS``), before the
password is hashed; a correct password gives its hits back, so only failures
count:

- ``login_failed_address``, per client address, whatever the account: past it
  the request is answered **429** and nothing is hashed. This is what stops
  one machine trying passwords, on the storefront's sign-in and the admin's
  (which goes through it).
- ``login_failed_account``, per account (the e-mail typed), from anywhere: past
  it, password sign-in *to that account* pauses for the rest of the window,
  with a message that offers the two ways in that need the mailbox: a code by
  e-mail, and the password reset (which also clears the count). So many
  addresses guessing together cannot go on, and cannot lock the owner out.

Wrong MFA codes use allauth's own ``login_failed`` limit, keyed by user.
docs/security.md has the numbers; ADR 0088 the reasons.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse

# allauth's own adapter uses this module for the same limits; the public
# ``allauth.core.ratelimit.consume`` returns a bool, and a correct password
# must give its hits back.
from allauth.core.internal import ratelimit
from django.http import HttpRequest

APP = "allauth.account"
ADDRESS_ACTION = "login_failed_address"
ACCOUNT_ACTION = "login_failed_account"


def failed_sign_in_take(request: HttpRequest, *, account_key: str) -> ratelimit.RateLimitUsage | None:
    """Take one failed sign-in from the address and the account, before the password is checked.

    Raise ImmediateHttpResponse (a 429 page) when the address is past its
    limit, and return None when the account is: the caller refuses the
    attempt without hashing. Otherwise return the usage, which the caller
    rolls back if the password turns out right.
    """
    address = ratelimit.consume(request, app=APP, action=ADDRESS_ACTION)
    if not address:
        raise ImmediateHttpResponse(ratelimit.respond_429(request))
    account = ratelimit.consume(request, app=APP, action=ACCOUNT_ACTION, key=account_key)
    if not account:
        return None
    return ratelimit.RateLimitUsage(usage=[*address.usage, *account.usage])


def failed_sign_ins_clear(request: HttpRequest, *, account_key: str) -> None:
    """Forget the account's failed sign-ins (its owner has just proved the mailbox is theirs)."""
    ratelimit.clear(request, app=APP, action=ACCOUNT_ACTION, key=account_key)
