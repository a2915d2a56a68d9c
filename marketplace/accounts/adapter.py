"""django-allauth adapters: account e-mails through the outbound table, sign-in throttling, WebAuthn."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from marketplace.accounts import throttle


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "sign_in_paused": (
            "There have been too many failed sign-ins to this account, so signing in with its "
            "password is paused for a while. Sign in with a code sent to your e-mail instead, or "
            "reset your password."
        ),
    }

    def send_mail(self, template_prefix, email, context):
        """Render the e-mail now (in the request) and store it; a worker sends it once that commits."""
        from marketplace.accounts.services import email_enqueue

        context = {"email": email, **context, "marketplace_name": settings.MARKETPLACE_NAME}
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [
                [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
            ],
            "headers": dict(message.extra_headers),
        }
        email_enqueue(payload)

    def pre_authenticate(self, request, **credentials):
        """Count the attempt by address and by account before the password is hashed.

        allauth's ``authenticate`` rolls the usage back when the password is
        right, so only failures count (marketplace/accounts/throttle.py).
        """
        account_key = self._get_login_attempts_cache_key(request, **credentials)
        usage = throttle.failed_sign_in_take(request, account_key=account_key)
        if usage is None:
            raise self.validation_error("sign_in_paused")
        self._login_failed_rl_usage = usage

    def _delete_login_attempts_cached_email(self, request, **credentials):
        """After a password reset, the account's failed sign-ins no longer count."""
        account_key = self._get_login_attempts_cache_key(request, **credentials)
        throttle.failed_sign_ins_clear(request, account_key=account_key)


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        """The WebAuthn relying party: ``MFA_WEBAUTHN_RP_ID``, else the request's host."""
        entity = super().get_public_key_credential_rp_entity()
        rp_id = settings.MFA_WEBAUTHN_RP_ID or context.request.get_host().partition(":")[0]
        return {**entity, "id": rp_id}
