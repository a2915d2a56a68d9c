import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import CountingMD5PasswordHasher


@pytest.fixture
def verified_user(db):
    """A user whose e-mail address is confirmed, so allauth lets them sign in."""
    user = UserFactory(email="shopper@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def redis_cache(settings):
    """The production cache (Django's RedisCache on the local Redis), under a prefix of its own.

    allauth keeps its rate-limit counters and locks in the default cache.
    """
    prefix = f"test-accounts-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    backend = caches["default"]
    try:
        backend._cache.get_client(write=True).ping()
    except Exception:  # noqa: BLE001 (any connection failure means no Redis here)
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield backend
    client = backend._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


class HashCounter:
    """How many password hashes were computed since the last ``reset()``."""

    def reset(self) -> None:
        CountingMD5PasswordHasher.hashes = 0

    @property
    def count(self) -> int:
        return CountingMD5PasswordHasher.hashes


@pytest.fixture
def hashes(settings):
    """Hash passwords with the counting hasher (the same MD5 the test settings use)."""
    settings.PASSWORD_HASHERS = ["tests.accounts.security.CountingMD5PasswordHasher"]
    counter = HashCounter()
    counter.reset()
    return counter
