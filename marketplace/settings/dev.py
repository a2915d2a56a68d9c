"""Settings for a developer's machine: ``make run``."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Passkeys need a domain, not an IP address: open http://localhost:8000 to add one.
MFA_WEBAUTHN_RP_ID = env.str("MFA_WEBAUTHN_RP_ID", default="")
