"""Recording audit events. Called from services and selectors, never from templates."""

from collections.abc import Iterable

from django.db import models

from .models import AuditEvent


def audit_record(
    *, actor, action: str, obj: models.Model, fields: Iterable[str] = (), note: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=list(fields),
        note=note[:300],
    )
