"""Background jobs of the core: sending e-mail.

Mail is queued as a django-tasks job (a database row with django-tasks-db), so a
message survives a restart of the web server or the worker. A failed send is queued
again with a growing delay (1, 2, 4, … minutes; ``MAIL_ATTEMPTS`` tries in all, about
four hours), then the job is marked failed and its row keeps the message, so a message is
never lost silently: the administrator sees failed jobs in the admin.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

MAIL_ATTEMPTS = 8


def retry_delay(attempt: int) -> datetime.timedelta:
    """The wait before try ``attempt + 1``: 1, 2, 4, … minutes."""
    return datetime.timedelta(minutes=2 ** (attempt - 1))


@task(queue_name="default")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    attempt: int = 1,
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except Exception:
        attempts = getattr(settings, "MAIL_ATTEMPTS", MAIL_ATTEMPTS)
        if attempt < attempts:
            logger.warning("Sending mail failed (try %s of %s); queued again.", attempt, attempts)
            send_email.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                subject=subject,
                body=body,
                to=to,
                html=html,
                from_email=from_email,
                attempt=attempt + 1,
            )
        raise
