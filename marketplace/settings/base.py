"""Settings shared by every environment.

Everything that differs between machines comes from the environment (see the
configuration table in README.md). With nothing set, the project runs on the
embedded defaults: an embedded PostgreSQL under ``.data/``, Celery tasks run
eagerly, a local-memory cache and console e-mail.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(environ.Env().str("MARKETPLACE_DATA_DIR", default=str(BASE_DIR / ".data")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, []),
    SEARCH_BACKEND=(str, "postgres"),
)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",  # integrator keys of sellers, hashed (sellers/api_keys.py, ADR 0096)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our own static files
    "django_htmx",
    "csp",
    "django_elasticsearch_dsl",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.headless",  # app sign-in for the REST API (X-Session-Token); HEADLESS_ONLY stays False
    "marketplace.core",
    "marketplace.accounts",
    "sellers",
    "catalog",
    "fulfillment",
    "orders",
    "payments",
    "reviews",
    "marketplace.demo",
]

MIDDLEWARE = [
    # First, so every answer is counted and carries its request id (docs/operations.md).
    "marketplace.core.middleware.MetricsMiddleware",
    "marketplace.core.middleware.RequestIdMiddleware",
    # Who and from where, for the audit log (docs/audit.md).
    "marketplace.core.audit.AuditContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "marketplace.core.headers.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff reach no admin page without a second factor (MFA_REQUIRED_FOR_PRIVILEGED).
    "marketplace.accounts.middleware.StaffMFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
SITE_ID = 1
SITE_DOMAIN = env.str("SITE_DOMAIN", default="127.0.0.1:8000")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog.context_processors.storefront",
                "orders.context_processors.cart",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL under .data/.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from marketplace.core.embedded_postgres import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(DATA_DIR)}
# Persistent connections: opening one costs ~10 ms, which would cap every page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the storefront's read-only pages (marketplace/core/replica.py, ADR 0084):
# the "replica" alias and its router exist only when DATABASE_REPLICA_URL is set.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
# The apps whose models those pages may read from the replica; all others stay on the primary.
DATABASE_REPLICA_APPS = env.list(
    "DATABASE_REPLICA_APPS", default=["catalog", "sellers", "reviews", "fulfillment"]
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},  # a test run never creates a second test database
    }
    DATABASE_ROUTERS = ["marketplace.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mkt",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
# allauth's backend alone (a ModelBackend, for permissions too): with Django's own in front, each
# wrong password was hashed twice (ADR 0088).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: e-mail is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "marketplace.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Marketplace] "
# Accounts hardening (docs/security.md, ADR 0088). A code e-mailed to the address signs in too,
# so the owner always gets in while password sign-in to the account is paused.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Changing or adding an e-mail address, and every MFA change, asks for the password (or a second
# factor) again if the last confirmation is older than 5 minutes; so does the payout account.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Failed sign-ins (marketplace/accounts/throttle.py). Refused attempts are answered before any
# password is hashed. By address, whatever the account: 429. By account, from anywhere: password
# sign-in pauses (a code by e-mail and the password reset still work, and the reset clears it).
# "login_failed" is allauth's own, used for wrong MFA codes (keyed by user).
ACCOUNT_RATE_LIMITS = {
    "login_failed_address": env.str("LOGIN_FAILED_ADDRESS_LIMITS", default="5/m/ip,20/h/ip"),
    "login_failed_account": env.str("LOGIN_FAILED_ACCOUNT_LIMITS", default="10/15m/key,30/d/key"),
    "login_failed": "10/m/ip,5/5m/key",
}
# Proxies in front that append the client's address to X-Forwarded-For (0: REMOTE_ADDR is the
# client). The rate limits above key on that address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# Two-factor authentication (allauth.mfa): an authenticator app, security keys and passkeys
# (which also sign in on their own), and recovery codes.
MFA_ADAPTER = "marketplace.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# A code from the 30 seconds before or after also counts (a clock a little off, a code typed at the
# turn of the period); each code works once.
MFA_TOTP_TOLERANCE = 1
# The WebAuthn relying party: the site's domain (empty: the host of each request).
MFA_WEBAUTHN_RP_ID = env.str("MFA_WEBAUTHN_RP_ID", default=SITE_DOMAIN.partition(":")[0])
# Staff (before any admin page) and seller owners and finance members (before Seller Central)
# must have an authenticator. Off only where SANDBOX_ALLOWED names "mfa" (system check).
MFA_REQUIRED_FOR_PRIVILEGED = env.bool("MFA_REQUIRED_FOR_PRIVILEGED", default=True)
# "Sign out everywhere" (allauth.usersessions) lists the sessions it records at each sign-in.
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Serve MEDIA_ROOT from Django (demo and single-machine mode; object storage
# takes over in a real deployment).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: EMAIL_URL (smtp://user:pass@host:587, consolemail://, ...).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key, _value in _email.items():
    if _key != "EMAIL_BACKEND":
        globals()[_key] = _value
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Marketplace <no-reply@marketplace.test>")
# Seconds an SMTP call may block: a sending worker holds the e-mail's row lock meanwhile.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Days a sent e-mail stays in the outbound table (accounts.OutboundEmail) before it is deleted.
OUTBOUND_EMAIL_KEEP_DAYS = env.int("OUTBOUND_EMAIL_KEEP_DAYS", default=30)

# Celery: Redis broker when REDIS_URL is set; eager in-process otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Delivery (ADR 0060). A message is acknowledged when its task has finished (acks_late), and put
# back at once when the pool process running it dies (reject_on_worker_lost); a process holds
# one message at a time (prefetch 1), so a death strands at most one per process. If the whole
# worker dies, Redis hands its unacknowledged messages out again after the visibility timeout.
# Nothing depends on that for correctness: the outbox and outbound e-mail sweeps re-drive the
# work from the database every minute. The timeout must exceed the longest task and the longest
# retry countdown (600 s), or Redis would give a message that is still running, or waiting for
# its countdown, to a second worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Minutes an unpaid order holds its stock before orders.tasks.order_expire_unpaid_task cancels it.
ORDER_RESERVATION_MINUTES = env.int("ORDER_RESERVATION_MINUTES", default=15)
# Stock held by unpaid orders (orders/holds.py): orders waiting for payment per account, and units
# of one offer those orders may hold between them.
ORDER_MAX_UNPAID_PER_ACCOUNT = env.int("ORDER_MAX_UNPAID_PER_ACCOUNT", default=3)
ORDER_MAX_UNPAID_UNITS_PER_OFFER = env.int("ORDER_MAX_UNPAID_UNITS_PER_OFFER", default=30)
# Periodic tasks (celery beat); each app adds its own entry.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "marketplace.core.tasks.outbox_sweep_task", "schedule": 60.0},
    # E-mails whose on-commit kick never ran (the process died) or whose sending failed.
    "accounts-outbound-email-sweep": {
        "task": "marketplace.accounts.tasks.outbound_email_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "accounts-outbound-email-prune": {
        "task": "marketplace.accounts.tasks.outbound_email_prune_task",
        "schedule": crontab(minute=45, hour=3),
    },
    "orders-expire-unpaid": {
        "task": "orders.tasks.order_expire_unpaid_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Sales counts decay every day (orders/sales.py, ADR 0083).
    "orders-sales-counts-refresh": {
        "task": "orders.tasks.sales_counts_refresh_task",
        "schedule": crontab(minute=10, hour=0),
        "options": {"expires": 23 * 60 * 60},
    },
    # Weekly payouts, Monday 06:00 UTC, for the week that ended on Sunday; retries hourly.
    "payments-payout-run": {
        "task": "payments.tasks.payout_run_task",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "payments-payout-retry": {
        "task": "payments.tasks.payout_retry_task",
        "schedule": crontab(minute=30),
        "options": {"expires": 3000},
    },
    "payments-reconcile": {
        "task": "payments.tasks.reconciliation_run_task",
        "schedule": 60.0 * 60,
        "options": {"expires": 55 * 60},
    },
    # Product page views counted in the cache -> catalog.ProductViewDaily (ADR 0078).
    "catalog-product-views-flush": {
        "task": "catalog.tasks.product_views_flush_task",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Pull the scan events of every parcel not yet delivered (webhooks may have been missed).
    "fulfillment-track-open-shipments": {
        "task": "fulfillment.tasks.shipments_track_open_task",
        "schedule": 30.0 * 60,
        "options": {"expires": 25 * 60},
    },
}

# Carrier adapters: code -> class (fulfillment/carriers/). A real carrier is added here.
CARRIERS = {"sandbox": "fulfillment.carriers.sandbox.SandboxCarrier"}
# The stand-ins allowed to run: the sandbox payment provider ("payments"), the sandbox carrier
# ("carrier"), an e-mail backend that delivers nothing ("email") and privileged accounts without
# a second factor ("mfa", when MFA_REQUIRED_FOR_PRIVILEGED is off). All here; production
# allows none unless the environment names them (system checks, marketplace/core/checks.py).
SANDBOX_ALLOWED = env.list("SANDBOX_ALLOWED", default=["payments", "carrier", "email", "mfa"])
# /bench/bare/, the cheapest response: the baseline of bench/ (docs/performance.md).
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=True)
# The sandbox carrier signs its webhooks with this secret (HMAC-SHA256).
CARRIER_SANDBOX_WEBHOOK_SECRET = env.str(
    "CARRIER_SANDBOX_WEBHOOK_SECRET", default="sandbox-carrier-not-secret"
)
# Shares of sandbox parcels that arrive after the promised date, or hit an exception first.
CARRIER_SANDBOX_LATE_SHARE = env.float("CARRIER_SANDBOX_LATE_SHARE", default=0.08)
CARRIER_SANDBOX_EXCEPTION_SHARE = env.float("CARRIER_SANDBOX_EXCEPTION_SHARE", default=0.03)

# Returns: the defaults for sellers without a return policy of their own (fulfillment.ReturnPolicy).
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
RETURN_SHIPPING_REFUND = env.str("RETURN_SHIPPING_REFUND", default="seller_fault")  # always | never
RETURN_LABEL_SERVICE = env.str("RETURN_LABEL_SERVICE", default="ground")
# Claims (fulfillment/claims.py): days after the promised date before "not arrived" can be claimed,
# and days after a return's approval before "return not refunded" can.
CLAIM_LATE_GRACE_DAYS = env.int("CLAIM_LATE_GRACE_DAYS", default=3)
CLAIM_RETURN_REFUND_DAYS = env.int("CLAIM_RETURN_REFUND_DAYS", default=14)

# Search (the search issue builds the backends).
SEARCH_BACKEND = env("SEARCH_BACKEND")
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_DSL = {"default": {"hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200"}}
ELASTICSEARCH_DSL_AUTOSYNC = False
ELASTICSEARCH_DSL_AUTO_REFRESH = False
# No indexing on model signals at all: Celery indexes from the outbox (catalog/search/elasticsearch.py).
ELASTICSEARCH_DSL_SIGNAL_PROCESSOR = "django_elasticsearch_dsl.signals.BaseSignalProcessor"
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="marketplace-products")

# Payments (the payments issue builds the Stripe adapter).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# The signing secret of the Connect webhook endpoint (connected accounts' events, e.g. account.updated).
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
# How old (in seconds) a Stripe webhook signature may be before the call is refused.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# "sandbox" or "stripe"; empty: stripe when STRIPE_SECRET_KEY is set, the sandbox otherwise.
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="")
# Signs the sandbox's simulated webhooks; empty: derived from SECRET_KEY.
SANDBOX_WEBHOOK_SECRET = env.str("SANDBOX_WEBHOOK_SECRET", default="")
# Seller ledger and payouts (ADR 0032): days after delivery before a sale can be paid out,
# the smallest payout made, the commission when neither seller nor category sets one.
PAYOUT_HOLD_DAYS = env.int("PAYOUT_HOLD_DAYS", default=7)
PAYOUT_MINIMUM = Decimal(env.str("PAYOUT_MINIMUM", default="25.00"))
DEFAULT_COMMISSION_RATE = Decimal(env.str("DEFAULT_COMMISSION_RATE", default="0.15"))
# Transfer attempts per payout before it is left to staff.
PAYOUT_MAX_ATTEMPTS = env.int("PAYOUT_MAX_ATTEMPTS", default=8)
# The sandbox's transfer service answers "unavailable" (to rehearse failed payouts).
SANDBOX_TRANSFERS_UNAVAILABLE = env.bool("SANDBOX_TRANSFERS_UNAVAILABLE", default=False)

# Fraud screening (payments.fraud): an order scoring FRAUD_HOLD_SCORE or more is held for review.
FRAUD_HOLD_SCORE = env.int("FRAUD_HOLD_SCORE", default=50)
FRAUD_HIGH_VALUE_AMOUNT = Decimal(env.str("FRAUD_HIGH_VALUE_AMOUNT", default="500.00"))
FRAUD_NEW_ACCOUNT_HOURS = env.int("FRAUD_NEW_ACCOUNT_HOURS", default=24)
FRAUD_ACCOUNT_ORDERS_PER_HOUR = env.int("FRAUD_ACCOUNT_ORDERS_PER_HOUR", default=3)
FRAUD_ACCOUNT_ORDERS_PER_DAY = env.int("FRAUD_ACCOUNT_ORDERS_PER_DAY", default=10)
FRAUD_CARD_ORDERS_PER_DAY = env.int("FRAUD_CARD_ORDERS_PER_DAY", default=3)
FRAUD_CARD_ACCOUNTS_PER_DAY = env.int("FRAUD_CARD_ACCOUNTS_PER_DAY", default=2)
FRAUD_IP_ORDERS_PER_HOUR = env.int("FRAUD_IP_ORDERS_PER_HOUR", default=5)
FRAUD_AMOUNT_HISTORY_FACTOR = Decimal(env.str("FRAUD_AMOUNT_HISTORY_FACTOR", default="5"))
FRAUD_AMOUNT_HISTORY_MIN_ORDERS = env.int("FRAUD_AMOUNT_HISTORY_MIN_ORDERS", default=3)
FRAUD_DECLINES_PER_HOUR = env.int("FRAUD_DECLINES_PER_HOUR", default=3)
# Points per rule; a rule missing here uses payments.fraud.DEFAULT_POINTS.
FRAUD_RULE_POINTS = env.dict("FRAUD_RULE_POINTS", cast={"value": int}, default={})
# Reconciliation (payments.reconciliation): how far back each run looks, and how long a
# payment may stay unmatched before it is flagged (webhooks still on their way).
RECONCILIATION_WINDOW_HOURS = env.int("RECONCILIATION_WINDOW_HOURS", default=72)
RECONCILIATION_GRACE_MINUTES = env.int("RECONCILIATION_GRACE_MINUTES", default=30)

# REST API v1 (marketplace/api/, docs/api.md, docs/decisions/0090-rest-api.md).
REST_FRAMEWORK = {
    # Apps: allauth's headless session token; browsers: the session cookie. No HTTP Basic, which
    # would take passwords with no rate limit and no MFA.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only, both ways: no browsable API, no form posts.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.CursorPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_THROTTLE_CLASSES": [
        "marketplace.api.throttling.UserThrottle",
        "marketplace.api.throttling.IPThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="1200/hour"),
        "ip": env.str("API_THROTTLE_IP", default="600/hour"),
    },
    # The per-address throttle reads the address the sign-in limits and the audit log use.
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "marketplace.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# allauth's headless API, for apps only (/_allauth/app/v1/...): the storefront keeps allauth's
# normal pages (HEADLESS_ONLY False), so e-mailed links open those pages.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": "REST API v1 of the marketplace (docs/api.md). Errors are application/problem+json.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["marketplace.api.schema.only_api_v1"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Tax (orders.tax): the calculator class, and how long a country's rates stay cached.
TAX_CALCULATOR = env.str("TAX_CALCULATOR", default="orders.tax.TableTaxCalculator")
TAX_RATE_CACHE_SECONDS = env.int("TAX_RATE_CACHE_SECONDS", default=300)

# Storefront.
MARKETPLACE_NAME = "Marketplace"
MARKETPLACE_CURRENCY = "USD"
CATALOG_PAGE_SIZE = 24
# Storefront pages cached for shoppers who are not signed in (catalog/cache.py); 0 turns it off.
CATALOG_PAGE_CACHE_SECONDS = env.int("CATALOG_PAGE_CACHE_SECONDS", default=60)
# Cart limits (orders/cart.py): units of one offer, lines (saved for later included), units in the cart.
CART_MAX_QUANTITY_PER_LINE = env.int("CART_MAX_QUANTITY_PER_LINE", default=30)
CART_MAX_LINES = env.int("CART_MAX_LINES", default=50)
CART_MAX_UNITS = env.int("CART_MAX_UNITS", default=100)

# Logs (marketplace/core/logs.py): one line per record on stderr, each with its request id; JSON
# (python-json-logger) with LOG_FORMAT=json, the production default, else readable text. The
# Celery worker and beat use this too. marketplace.request is the access log (one line a request),
# quiet here because runserver prints its own; production turns it on.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "marketplace.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}, "marketplace.request": {"level": "WARNING"}},
}

# Prometheus metrics at /metrics (marketplace/core/metrics.py): for a bearer token, or from this
# machine with DEBUG on; 404 for anyone else. A Celery worker serves its own on
# METRICS_WORKER_PORT (0: off), behind the same token.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_WORKER_PORT = env.int("METRICS_WORKER_PORT", default=0)
METRICS_WORKER_ADDRESS = env.str("METRICS_WORKER_ADDRESS", default="0.0.0.0")  # noqa: S104 (token-protected)

# Error reports to Sentry, only when SENTRY_DSN is set (marketplace/core/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from marketplace.core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Seller scorecard (fulfillment/scorecard/, docs/scorecard.md). A figure at or past its
# threshold (below it for valid tracking) takes the seller out of the buy box. Amazon's
# defaults; a figure counts only once it covers SELLER_SCORECARD_MIN_ORDERS orders (or parcels).
SELLER_SCORECARD_THRESHOLDS = {
    "order_defect_rate": Decimal(env.str("SELLER_SCORECARD_MAX_DEFECT_RATE", default="0.01")),
    "cancellation_rate": Decimal(env.str("SELLER_SCORECARD_MAX_CANCELLATION_RATE", default="0.025")),
    "late_shipment_rate": Decimal(env.str("SELLER_SCORECARD_MAX_LATE_SHIPMENT_RATE", default="0.04")),
    "valid_tracking_rate": Decimal(env.str("SELLER_SCORECARD_MIN_VALID_TRACKING_RATE", default="0.95")),
}
SELLER_SCORECARD_MIN_ORDERS = env.int("SELLER_SCORECARD_MIN_ORDERS", default=10)
# Days a seller may stay past a threshold before it is proposed to staff for suspension.
SELLER_SCORECARD_GRACE_DAYS = env.int("SELLER_SCORECARD_GRACE_DAYS", default=14)
# A parcel counts for valid tracking once its label is this old (time for the first carrier scan).
SELLER_SCORECARD_TRACKING_GRACE_HOURS = env.int("SELLER_SCORECARD_TRACKING_GRACE_HOURS", default=48)
CELERY_BEAT_SCHEDULE["fulfillment-scorecards-recompute"] = {
    "task": "fulfillment.tasks.scorecards_recompute_task",
    "schedule": crontab(minute=15),
    "options": {"expires": 50 * 60},
}

# Review requests: a few days after delivery, once per order line (reviews/requests.py).
CELERY_BEAT_SCHEDULE["reviews-requests-send"] = {
    "task": "reviews.tasks.review_requests_send_task",
    "schedule": crontab(minute=40),
    "options": {"expires": 50 * 60},
}
REVIEW_REQUEST_DELAY_DAYS = env.int("REVIEW_REQUEST_DELAY_DAYS", default=5)

# Content-Security-Policy, enforced (django-csp; docs/decisions/0080-security-headers.md).
# Scripts and styles come from our own origin; an inline one needs the request's nonce
# ({{ CSP_NONCE }}). Stripe.js, its frames and its API are the only other origins, as Stripe's
# own CSP guide lists them. Media in object storage adds its origin with MEDIA_ORIGIN.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

_MEDIA_ORIGINS = [origin for origin in [env.str("MEDIA_ORIGIN", default="")] if origin]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "https://js.stripe.com"],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https://*.stripe.com", *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF, "https://api.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report/",
    },
}
# Powerful browser features nobody here uses are off for the page and every frame in it;
# Stripe's frames keep payment (the Payment Request API) on the payment page.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "usb": [],
    "payment": ["self", '"https://js.stripe.com"'],
}

# Privacy (marketplace/accounts/privacy/, docs/privacy.md): carts untouched this many days are
# deleted (signed-in users' and guests'); guest carts (keyed by session) go sooner.
RETENTION_CART_DAYS = env.int("RETENTION_CART_DAYS", default=90)
RETENTION_GUEST_DAYS = env.int("RETENTION_GUEST_DAYS", default=30)
CELERY_BEAT_SCHEDULE["privacy-retention-purge"] = {
    "task": "marketplace.accounts.privacy.tasks.privacy_retention_purge_task",
    "schedule": crontab(minute=20, hour=4),
}
CELERY_BEAT_SCHEDULE["privacy-exports-expire"] = {
    "task": "marketplace.accounts.privacy.tasks.privacy_exports_expire_task",
    "schedule": crontab(minute=25, hour=4),
}
