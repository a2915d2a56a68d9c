"""django-allauth adapter: account e-mails go out through the outbound e-mail table."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
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
