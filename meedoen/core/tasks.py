"""Background jobs of the core: sending e-mail.

Mail is queued as a django-tasks job (a database row with django-tasks-db), so a
message survives a restart of the web server or the worker. A failed send raises,
which marks the job failed; the job row keeps the message for a retry.
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="default")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
