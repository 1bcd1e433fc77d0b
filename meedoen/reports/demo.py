"""Demo data of the reports: the first school's coordinator has started the end-of-year
report with a text on the bottlenecks, so the report opens as a coordinator would find it
in June. The subsidy schemes' presets come with the migrations (and are put back if missing)."""

from __future__ import annotations

from meedoen.core.demo import DemoContext
from meedoen.students.models import current_school_year

from . import services
from .models import ReportExport, SchoolReportNote

BOTTLENECKS = (
    "Voor de blokweek voor de kerst waren er te weinig plaatsen in de zorg: een deel van de "
    "leerlingen is uitgeweken naar sport en cultuur.\n"
    "Leerlingen met een hulpvraag vinden moeilijk zelf een plek; de makelaar heeft "
    "bemiddeld. Het bevestigen van uren door organisaties loopt soms weken achter."
)


def seed(ctx: DemoContext) -> None:
    services.scheme_presets_ensure()
    coordinator = ctx.users.get("coordinator")
    if coordinator is None or not ctx.schools:
        return
    services.report_note_save(
        actor=coordinator,
        school=ctx.schools[0],
        school_year=current_school_year(),
        bottlenecks=BOTTLENECKS,
    )


def delete(region) -> None:
    SchoolReportNote.objects.filter(school__region=region).delete()
    ReportExport.objects.filter(requested_by__memberships__school__region=region).delete()
