"""Background work of notifications: sending the email copy."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification_email(
    *, to: str, subject: str, body: str = "", url: str = "", base_url: str = ""
) -> int:
    """Send one notification by mail through Django's email backend (SMTP with EMAIL_URL)."""
    text = body
    if url:
        text = f"{text}\n\n{base_url}{url}".strip()
    return send_mail(
        subject=subject[:200],
        message=text or subject,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
        fail_silently=False,
    )
