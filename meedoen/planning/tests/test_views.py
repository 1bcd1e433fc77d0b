"""Pages of the period planning per role, the downloads, and the API."""

import io

import openpyxl
import pytest
from django.urls import reverse

from meedoen.planning import services
from meedoen.planning.models import InternshipPeriod, PeriodEvent, ShiftDecision

from .factories import make_offer, make_period, week_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas, settings):
    settings.DEMO_SKIP_MFA = True
    w = personas
    w.cohort = w.class_a1.cohort
    w.year = w.cohort.school_year
    # School A: 30 students in week 50 (submitted); school B: 25 in week 50 (confirmed).
    w.period_a = make_period(
        actor=w.coordinator, cohort=w.cohort, status="submitted", students=30, note="Kerst"
    )
    w.period_b = make_period(
        actor=w.coordinator2,
        cohort=w.class_b1.cohort,
        status="confirmed",
        broker=w.broker,
        students=25,
    )
    w.draft = make_period(actor=w.coordinator, cohort=w.cohort, week=10, students=12)
    # 40 places all year, 60 in week 51: week 50 is a peak, week 51 has room.
    make_offer(organisation=w.org_x, school_year=w.year, capacity=40)
    make_offer(
        organisation=w.org_y,
        school_year=w.year,
        capacity=60,
        start_date=week_of(w.year, 51),
        end_date=week_of(w.year, 51, 5),
        sector="sport",
    )
    return w


def url(name, **kwargs):
    return reverse(f"planning:{name}", kwargs=kwargs or None)


def test_coordinator_sees_own_periods_peaks_and_advice(client, w):
    client.force_login(w.coordinator)
    response = client.get(url("periods"), {"year": w.year})
    assert response.status_code == 200
    page = response.content.decode()
    assert "School A" in page and "Kerst" not in page  # the note is on the detail page
    assert response.context["drafts"] == 1
    assert {p.pk for p in response.context["periods"]} == {w.period_a.pk, w.draft.pk}
    assert "<svg" in page and 'role="img"' in page
    peaks = response.context["my_peaks"]
    assert peaks, "school A is part of the week-50 peak"
    advice = [s for _v, _m, _n, items in peaks for s in items]
    assert advice and advice[0].period_id == w.period_a.pk
    assert "School B" not in page  # other schools are counted, not named, here


def test_coordinator_accepts_advice_and_the_period_moves(client, w):
    client.force_login(w.coordinator)
    response = client.get(url("periods"), {"year": w.year})
    view, _mine, _n, advice = response.context["my_peaks"][0]
    s = advice[0]
    response = client.post(
        url("period_shift", pk=s.period_id),
        {"weeks": s.shift_weeks, "peak_week": view.first_monday.isoformat(), "decision": "accept"},
    )
    assert response.status_code == 302
    w.period_a.refresh_from_db()
    assert w.period_a.start_date == s.new_start
    assert w.period_a.events.filter(kind=PeriodEvent.Kind.SHIFTED).exists()


def test_ignored_advice_is_not_offered_again(client, w):
    client.force_login(w.coordinator)
    response = client.get(url("periods"), {"year": w.year})
    view, _mine, _n, advice = response.context["my_peaks"][0]
    s = advice[0]
    client.post(
        url("period_shift", pk=s.period_id),
        {"weeks": s.shift_weeks, "peak_week": view.first_monday.isoformat(), "decision": "ignore"},
    )
    assert ShiftDecision.objects.filter(decision="ignored").count() == 1
    response = client.get(url("periods"), {"year": w.year})
    again = [
        (x.period_id, x.shift_weeks) for _v, _m, _n, items in response.context["my_peaks"]
        for x in items
    ]  # fmt: skip
    assert (s.period_id, s.shift_weeks) not in again


def test_coordinator_creates_a_period_and_bad_input_writes_nothing(client, w):
    client.force_login(w.coordinator)
    data = {
        "cohort": w.cohort.pk,
        "classes": [w.class_a2.pk],
        "format": "ribbon",
        "kind": "individual",
        "start_date": week_of(w.year, 14).isoformat(),
        "end_date": week_of(w.year, 24).isoformat(),
        "weekdays": ["2"],
        "students": "27",
        "hours_per_student": "30",
        "year": w.year,
    }
    before = InternshipPeriod.objects.count()
    bad = client.post(url("period_create"), data | {"end_date": week_of(w.year, 12).isoformat()})
    assert bad.status_code == 200
    assert "The end date is before the start date." in bad.content.decode()
    negative = client.post(url("period_create"), data | {"students": "-3"})
    assert "at least 1" in negative.content.decode()
    overlap = client.post(
        url("period_create"), data | {"start_date": week_of(w.year, 9).isoformat()}
    )
    assert "overlaps" in overlap.content.decode()  # the draft of week 10 is for all classes
    assert InternshipPeriod.objects.count() == before
    good = client.post(url("period_create"), data)
    assert good.status_code == 302
    period = InternshipPeriod.objects.latest("pk")
    assert period.weekdays == [2] and list(period.classes.all()) == [w.class_a2]


def test_other_schools_period_looks_missing(client, w):
    client.force_login(w.coordinator2)
    for name in ("period", "period_edit"):
        assert client.get(url(name, pk=w.draft.pk)).status_code == 404
    assert client.post(url("period_delete", pk=w.draft.pk)).status_code == 404
    assert InternshipPeriod.objects.filter(pk=w.draft.pk).exists()


def test_mentor_sees_the_periods_of_their_classes_only(client, w):
    client.force_login(w.mentor)
    response = client.get(url("periods"), {"year": w.year})
    assert [p.pk for p in response.context["periods"]] == [w.period_a.pk]  # not the draft


def test_student_sees_own_period_on_the_dashboard(client, w):
    client.force_login(w.student_user)
    response = client.get(reverse("core:dashboard"))
    page = response.content.decode()
    assert "My internship period" in page
    assert w.period_a.start_date.strftime("%Y") in page
    assert client.get(url("overview")).status_code == 404


def test_overview_is_published_to_schools_and_organisations(client, w):
    client.force_login(w.organisation)
    response = client.get(url("overview"), {"year": w.year})
    assert response.status_code == 200
    assert "has not published" in response.content.decode()
    assert client.get(url("overview_pdf"), {"year": w.year}).status_code == 404
    services.overview_publish(actor=w.broker, region=w.region, school_year=w.year)
    response = client.get(url("overview"), {"year": w.year})
    page = response.content.decode()
    assert response.status_code == 200
    assert "School A" in page and "School B" in page
    assert "Sanne" not in page and "Jansen" not in page  # no student data
    assert "Shifting advice" not in page
    assert response.context["data"].peaks


def test_broker_sees_peaks_advice_and_who_has_not_submitted(client, w):
    client.force_login(w.broker)
    response = client.get(url("overview"), {"year": w.year})
    assert response.status_code == 200
    data = response.context["data"]
    peak = data.peaks[0]
    assert {name for _sid, name, _m in peak.peak.schools} == {"School A", "School B"}
    assert peak.advice
    assert response.context["missing"] == []  # both schools submitted
    filtered = client.get(url("overview"), {"year": w.year, "sector": "sport", "level": "vmbo-t"})
    assert filtered.status_code == 200
    assert filtered.context["filter_label"] == "Sport, vmbo theoretical"
    rounds = client.get(url("round"), {"year": w.year})
    assert [p.pk for p in rounds.context["waiting"]] == [w.period_a.pk]


def test_pdf_and_xlsx_downloads(client, w):
    client.force_login(w.broker)
    pdf = client.get(url("overview_pdf"), {"year": w.year})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(url("overview_xlsx"), {"year": w.year})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:3] == ["Weeks x schools", "Demand and supply", "Peaks"]
    assert "Periods" in book.sheetnames  # the broker's copy lists the periods
    sheet = book["Weeks x schools"]
    schools = [row[0] for row in sheet.iter_rows(min_row=7, values_only=True)]
    assert "School A" in schools and "School B" in schools


def test_broker_confirms_from_the_round(client, w):
    client.force_login(w.broker)
    response = client.post(url("period_transition", pk=w.period_a.pk), {"to": "confirmed"})
    assert response.status_code == 302
    w.period_a.refresh_from_db()
    assert w.period_a.status == "confirmed"
    # The broker cannot see (or move) a draft.
    assert (
        client.post(url("period_transition", pk=w.draft.pk), {"to": "submitted"}).status_code == 404
    )


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------


def api(name, **kwargs):
    return reverse(f"planning_api:{name}", kwargs=kwargs or None)


def period_json(w, **over):
    return {
        "school": w.school_a.pk,
        "cohort": w.cohort.pk,
        "classes": [w.class_a2.pk],
        "format": "block",
        "start_date": week_of(w.year, 20).isoformat(),
        "end_date": week_of(w.year, 20, 5).isoformat(),
        "students": 27,
    } | over


def test_api_lists_what_each_role_may_see(client, w):
    expected = {
        "coordinator": {w.period_a.pk, w.draft.pk},
        "coordinator2": {w.period_b.pk},
        "broker": {w.period_a.pk, w.period_b.pk},
        "mentor": {w.period_a.pk},
        "student_user": {w.period_a.pk},
        "organisation": set(),
        "outsider": set(),
    }
    for persona, ids in expected.items():
        client.force_login(getattr(w, persona))
        data = client.get(api("period-list")).json()
        assert {row["id"] for row in data["results"]} == ids, persona


def test_api_crud_for_the_coordinator(client, w):
    client.force_login(w.coordinator)
    created = client.post(api("period-list"), period_json(w), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["classes"] == [w.class_a2.pk]
    changed = client.patch(
        api("period-detail", pk=pk), {"students": 30}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["students"] == 30
    moved = client.post(
        api("period-transition", pk=pk), {"to": "submitted"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "submitted"
    refused = client.delete(api("period-detail", pk=pk))
    assert refused.status_code == 400 and "draft" in refused.json()["detail"]
    gone = client.delete(api("period-detail", pk=w.draft.pk))
    assert gone.status_code == 204


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"end_date": "2000-01-01"}, "end date is before"),
        ({"students": -1}, "at least 1"),
        ({"start_date": "2000-01-01", "end_date": "2000-01-02"}, "within school year"),
    ],
)
def test_api_bad_input_answers_400_and_writes_nothing(client, w, over, message):
    client.force_login(w.coordinator)
    before = InternshipPeriod.objects.count()
    response = client.post(
        api("period-list"), period_json(w, **over), content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert InternshipPeriod.objects.count() == before


def test_api_refuses_another_schools_period(client, w):
    client.force_login(w.coordinator2)
    response = client.post(api("period-list"), period_json(w), content_type="application/json")
    assert response.status_code == 400 and "may not plan" in response.json()["detail"]
    patch = client.patch(
        api("period-detail", pk=w.draft.pk), {"students": 1}, content_type="application/json"
    )
    assert patch.status_code == 404
    client.force_login(w.broker)  # reads, but does not write, the school's periods
    patch = client.patch(
        api("period-detail", pk=w.period_a.pk), {"students": 1}, content_type="application/json"
    )
    assert patch.status_code == 404


def test_api_overview(client, w):
    client.force_login(w.broker)
    data = client.get(api("overview"), {"year": w.year}).json()
    assert data["threshold"] == 0.8
    week50 = next(row for row in data["weeks"] if row["week"] == 50)
    assert week50["demand"] == 55 and week50["supply"] == 40
    assert data["peaks"][0]["advice"]
    client.force_login(w.organisation)
    assert client.get(api("overview"), {"year": w.year}).status_code == 404
    services.overview_publish(actor=w.broker, region=w.region, school_year=w.year)
    data = client.get(api("overview"), {"year": w.year}).json()
    assert data["peaks"] and all(p["advice"] == [] for p in data["peaks"])
    assert client.get(api("overview"), {"year": w.year, "level": "x"}).status_code == 400


def test_period_history_table_scrolls_inside_its_box(client, w):
    """The history table is wider than a phone: it scrolls in its own box, so the page
    itself does not scroll sideways at 320px (found by the browser tests)."""
    client.force_login(w.coordinator)
    html = client.get(url("period", pk=w.period_a.pk)).content.decode()
    tables = html.split("<table")[1:]
    assert tables, html
    before = html.split("<table")
    for i in range(len(tables)):
        assert before[i].rstrip().endswith('<div class="table-scroll">'), before[i][-200:]


def test_charts_scroll_in_their_own_box_on_a_phone(client, w):
    """The charts have a minimum width (planning.css) and scroll inside a box of their own,
    so they stay readable at 320px (the browser tests measure it)."""
    client.force_login(w.broker)
    html = client.get(url("overview")).content.decode()
    assert "planning/planning.css" in html
    assert '<div class="chart-scroll" data-chart="demand"><svg' in html
    assert '<div class="chart-scroll" data-chart="heatmap"><svg' in html
    client.force_login(w.coordinator)
    html = client.get(url("periods")).content.decode()
    assert "planning/planning.css" in html
    assert '<div class="chart-scroll" data-chart="demand"><svg' in html
