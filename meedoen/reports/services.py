"""Writes of the reports app: scheme versions, the coordinator's bottleneck text, exports."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError
from meedoen.core.policy import may, principal_for
from meedoen.directory.models import School

from .models import ExportStatus, ReportExport, SchemeKind, SchoolReportNote, SubsidyScheme
from .subsidy import PRESETS, SEED, clean_parameters

MAX_NOTE = 10_000


def scheme_create_version(
    *,
    actor,
    kind: str,
    name: str,
    valid_from: datetime.date,
    parameters: dict,
    source: str = "",
) -> SubsidyScheme:
    """A new version of a scheme (the platform administrator only); bad amounts are refused."""
    if not principal_for(actor).is_admin:
        raise ServiceError(_("Only the platform administrator changes subsidy schemes."))
    if kind not in SchemeKind.values:
        raise ServiceError(_("Unknown kind of scheme."))
    if not (name or "").strip():
        raise ServiceError(_("Give the scheme a name."))
    if valid_from is None:
        raise ServiceError(_("Enter the date from which the scheme applies."))
    cleaned = clean_parameters(kind, parameters)
    with transaction.atomic():
        # Lock the kind's versions so two administrators cannot take the same number.
        list(SubsidyScheme.objects.select_for_update().filter(kind=kind).values_list("pk"))
        top = SubsidyScheme.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
        return SubsidyScheme.objects.create(
            kind=kind,
            version=top + 1,
            name=name.strip()[:200],
            valid_from=valid_from,
            parameters=cleaned,
            source=(source or "").strip()[:300],
            created_by=actor,
        )


def scheme_presets_ensure() -> int:
    """Create the seed's presets that are missing (the migration adds them; a database that
    was flushed — tests with a live server, a reset — gets them back). Returns how many."""
    created = 0
    for kind, version, name, valid_from, parameters in PRESETS:
        _scheme, new = SubsidyScheme.objects.get_or_create(
            kind=kind,
            version=version,
            defaults={
                "name": name,
                "valid_from": valid_from,
                "parameters": parameters,
                "source": SEED,
            },
        )
        created += new
    return created


def report_note_save(
    *, actor, school: School, school_year: int, bottlenecks: str
) -> SchoolReportNote:
    """The coordinator's text on the year's bottlenecks (the school's coordinator only)."""
    if not may(actor, "school.manage", school):
        raise ServiceError(_("Only the school's coordinator writes the end-of-year report."))
    text = (bottlenecks or "").strip()
    if len(text) > MAX_NOTE:
        raise ServiceError(
            _("The text is too long: at most %(n)s characters.") % {"n": f"{MAX_NOTE:,}"}
        )
    with transaction.atomic():
        note, _created = SchoolReportNote.objects.select_for_update().get_or_create(
            school=school, school_year=school_year, defaults={"updated_by": actor}
        )
        note.bottlenecks = text
        note.updated_by = actor
        note.save()
    return note


def export_request(*, actor, report: str, target_id: int, school_year: int, fmt: str, title: str):
    """Queue a report file to be prepared in the background (after commit)."""
    from .tasks import build_export

    with transaction.atomic():
        export = ReportExport.objects.create(
            requested_by=actor,
            report=report,
            target_id=target_id,
            school_year=school_year,
            fmt=fmt,
            title=title[:250],
            language=get_language() or "",
        )
        transaction.on_commit(lambda: build_export.enqueue(export_id=export.pk))
    return export


def export_finish(
    *, export: ReportExport, filename: str, content_type: str, content: bytes
) -> None:
    ReportExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        filename=filename,
        content_type=content_type,
        content=content,
        finished_at=timezone.now(),
        error="",
    )


def export_fail(*, export: ReportExport, error: str) -> None:
    ReportExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def export_claim(export_id: int) -> ReportExport | None:
    """Take a queued export for preparation (a conditional UPDATE: one worker only)."""
    claimed = ReportExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return None
    return ReportExport.objects.select_related("requested_by").get(pk=export_id)
