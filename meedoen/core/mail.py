"""Queueing e-mail after the surrounding transaction commits, never inside it."""

from django.db import transaction

from .tasks import send_email


def mail_queue(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str | None = None,
    from_email: str | None = None,
) -> None:
    """Queue a message to be sent by the worker once the current transaction commits."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=str(subject), body=body, to=recipients, html=html, from_email=from_email
        )
    )
