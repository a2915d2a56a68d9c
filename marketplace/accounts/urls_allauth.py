"""allauth pages we guard more than allauth does, matched before ``allauth.urls``.

Recovery codes are a second factor that outlives the session: viewing or
downloading them asks for the password (or a code, or a key) again, as every
other MFA page does. The URLs and their names stay allauth's.
"""

from allauth.account.decorators import reauthentication_required
from allauth.mfa.recovery_codes import views as recovery_codes
from django.urls import path

urlpatterns = [
    path(
        "2fa/recovery-codes/",
        reauthentication_required(app="allauth.mfa")(recovery_codes.view_recovery_codes),
    ),
    path(
        "2fa/recovery-codes/download/",
        reauthentication_required(app="allauth.mfa")(recovery_codes.download_recovery_codes),
    ),
]
