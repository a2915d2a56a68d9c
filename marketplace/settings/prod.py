"""Production settings: refuse to start without real secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, REDIS_URL, SECRET_KEY, env

_weak_key = len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5  # Django's check security.W009
if _weak_key or SECRET_KEY.startswith(("dev-only", "test-only", "django-insecure")):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names this site answers to.")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

# No sandbox unless asked for: a system check refuses each one in use (docs/configuration.md).
SANDBOX_ALLOWED = env.list("SANDBOX_ALLOWED", default=[])
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The TLS proxy in front appends the client's address to X-Forwarded-For; the sign-in rate
# limits key on it (0 when nothing is in front of gunicorn).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)
# The REST API's per-address throttle trusts the same proxy (docs/api.md).
REST_FRAMEWORK["NUM_PROXIES"] = ALLAUTH_TRUSTED_PROXY_COUNT  # noqa: F405
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="WARNING")  # noqa: F405
# JSON logs unless LOG_FORMAT says otherwise, and the access log on (gunicorn's own is off).
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # noqa: F405
LOGGING["loggers"]["marketplace.request"]["level"] = "INFO"  # noqa: F405
# Probes and scrapes come over plain HTTP from inside the network, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# The storefront page cache (ADR 0040) is invalidated through cache keys, so every process must
# share the cache: without Redis it is off unless explicitly asked for.
CATALOG_PAGE_CACHE_SECONDS = env.int("CATALOG_PAGE_CACHE_SECONDS", default=60 if REDIS_URL else 0)
