"""Background preparation of report files (django-tasks; the worker is ``db_worker``).

The job checks the requester's access again when it runs — access may have been taken
away since the request — and stores the file on the export row, or the failure.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from . import exports, services
from .presenters import build, target_for

log = logging.getLogger(__name__)


@task(queue_name="default")
def build_export(*, export_id: int) -> str:
    export = services.export_claim(export_id)
    if export is None:
        return "skipped"
    try:
        with override(export.language or settings.LANGUAGE_CODE):
            target = target_for(
                export.requested_by, export.report, export.target_id, export.school_year
            )
            built = build(export.report, target, export.school_year)
            if export.report == "students" and export.fmt in ("csv", "xlsx"):
                content, ctype, name = exports.table_file(built, "students", export.fmt)
            else:
                content, ctype, name = exports.report_file(built, export.fmt)
    except Http404:
        services.export_fail(export=export, error=_("You no longer have access to this report."))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - any failure is recorded for the requester
        log.exception("report export %s failed", export_id)
        services.export_fail(export=export, error=f"{type(exc).__name__}")
        raise
    services.export_finish(export=export, filename=name, content_type=ctype, content=content)
    return "ready"
