"""django-allauth adapter: account e-mails go out through a Celery task."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from marketplace.accounts.tasks import send_email_task

        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [
                [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
            ],
        }
        send_email_task.delay_on_commit(payload)
