from django.core.mail import EmailMultiAlternatives


def email_send(
    *, subject: str, body: str, from_email: str, to: list[str], alternatives: list | None = None
) -> None:
    """Send a rendered e-mail with optional HTML (or other) alternatives."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    for content, mimetype in alternatives or []:
        message.attach_alternative(content, mimetype)
    message.send()
