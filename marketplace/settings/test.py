"""Settings for the test suite."""

from .base import *  # noqa: F403
from .base import DATA_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks eagerly unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache outlives each test: only tests/catalog/test_caching.py turns the page cache on.
CATALOG_PAGE_CACHE_SECONDS = 0
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default=str(DATA_DIR / "test-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Elasticsearch integration tests (run when ELASTICSEARCH_URL is set) delete and recreate this index.
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_TEST_INDEX", default="marketplace-products-test")
# Tests sign owners and staff in with force_login and no authenticator: the MFA requirement is
# off unless a test turns it on (tests/accounts/test_mfa.py). WebAuthn's relying party is the
# live server's host (localhost).
MFA_REQUIRED_FOR_PRIVILEGED = False
MFA_WEBAUTHN_RP_ID = ""
