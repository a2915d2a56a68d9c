"""Helpers for the accounts-hardening tests: TOTP codes, re-authentication, client addresses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.http import HttpRequest


def totp_code(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code of the base32 ``secret`` at ``at`` (now), as an authenticator app shows it."""
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def confirmed_just_now(client, user) -> None:
    """Record in the client's session that ``user`` re-entered the password just now.

    What allauth's re-authentication page records; for users the tests sign in
    with ``force_login``, who could not type a password on it.
    """
    session = client.session
    request = HttpRequest()
    request.session = session
    record_authentication(request, user, method="password", reauthenticated=True)
    session.save()


def sign_in_confirmed(client, user) -> None:
    """``force_login`` and a fresh re-authentication, as after typing the password again."""
    client.force_login(user)
    confirmed_just_now(client, user)


def verify_email(user):
    """Give ``user`` a confirmed primary e-mail address, so allauth lets them sign in."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def address(n: int) -> dict:
    """Test-client kwargs for a request from the client address 203.0.113.``n``."""
    return {"REMOTE_ADDR": f"203.0.113.{n}"}


class CountingMD5PasswordHasher(MD5PasswordHasher):
    """The test suite's MD5 hasher, counting every hash it computes (checks and new hashes)."""

    hashes = 0

    def encode(self, password, salt):
        type(self).hashes += 1
        return super().encode(password, salt)
