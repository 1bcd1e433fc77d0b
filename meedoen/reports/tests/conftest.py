"""A school year of school A for the report tests.

Placements and hour entries are plain rows (factories, ``bulk_create``): the reports only
read them, and the services that write them are tested in their own apps. The internship
period goes through the planning services.
"""

import datetime
from types import SimpleNamespace

import pytest

from meedoen.core.tests import factories as f
from meedoen.evaluations.models import AttentionFlag
from meedoen.hours.models import EntryStatus, HourEntry
from meedoen.placements.models import PlacementStatus as S
from meedoen.planning.tests.factories import make_period

YEAR = 2026


def confirmed_hours(placement, hours: int, *, day: datetime.date):
    entries, left = [], hours * 60
    n = 0
    while left > 0:
        minutes = min(left, 600)
        entries.append(
            HourEntry(
                placement=placement,
                date=day + datetime.timedelta(days=n),
                minutes=minutes,
                activity="Helpen",
                status=EntryStatus.CONFIRMED,
            )
        )
        left -= minutes
        n += 1
    HourEntry.objects.bulk_create(entries)


@pytest.fixture(autouse=True)
def _presets(request):
    """The presets come with a data migration; a flushed database (live-server tests) gets
    them back here."""
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        from meedoen.reports.services import scheme_presets_ensure

        scheme_presets_ensure()


@pytest.fixture
def world(personas, settings):
    from meedoen.reports.services import scheme_presets_ensure

    scheme_presets_ensure()
    settings.DEMO_SKIP_MFA = True
    w = personas
    start = datetime.date(YEAR, 10, 1)
    s = [
        f.StudentFactory(
            school_class=w.class_a1, first_name=f"Leerling{i}", last_name=f"Achternaam{i}"
        )
        for i in range(1, 8)
    ]
    p = {}
    for i in (1, 2, 3):
        p[i] = f.PlacementFactory(
            student=s[i - 1], organisation=w.org_x, status=S.COMPLETED, start_date=start
        )
        confirmed_hours(p[i], 30, day=start)
    p[4] = f.PlacementFactory(student=s[3], organisation=w.org_y, status=S.ACTIVE, start_date=start)
    confirmed_hours(p[4], 10, day=start)
    p[5] = f.PlacementFactory(
        student=s[4], organisation=w.org_y, status=S.APPROVED, start_date=start
    )
    p[6] = f.PlacementFactory(
        student=s[5], organisation=w.org_x, status=S.CANCELLED, start_date=start
    )
    p[7] = f.PlacementFactory(
        student=s[6],
        organisation=w.org_x,
        status=S.COMPLETED,
        start_date=datetime.date(YEAR - 1, 10, 1),
    )
    confirmed_hours(p[7], 30, day=datetime.date(YEAR - 1, 10, 1))
    w.period = make_period(actor=w.coordinator, cohort=w.class_a1.cohort, students=25)
    AttentionFlag.objects.create(organisation=w.org_y, reason="Slechte evaluatie")
    # The personas' own placement of Sanne (approved, no dates) is in this year too.
    w.placement.start_date = start
    w.placement.save()
    return SimpleNamespace(**{**w.__dict__, "s": s, "p": p, "year": YEAR})
