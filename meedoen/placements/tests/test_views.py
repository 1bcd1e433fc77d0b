"""Pages per role, through the web client; an outsider sees nothing."""

import pytest
from django.urls import reverse

from meedoen.placements import services
from meedoen.placements.models import Placement, PlacementStatus, SignatureRequest

from .factories import accepted, applied, issued, sign_all

pytestmark = pytest.mark.django_db
S = PlacementStatus


def login(client, user):
    client.force_login(user)
    return client


def test_student_applies_through_the_page(client, world):
    login(client, world.student_user)
    page = client.get(reverse("placements:list"))
    assert world.vacancy.title in page.content.decode()
    url = reverse("placements:apply", kwargs={"vacancy_pk": world.vacancy.pk})
    response = client.post(
        url, {"motivation": "Graag", "start_date": "2027-02-01", "end_date": "2027-03-31"}
    )
    placement = Placement.objects.get(vacancy=world.vacancy)
    assert response.status_code == 302
    assert response.url == reverse("placements:detail", kwargs={"pk": placement.pk})
    again = client.post(url, {"start_date": "2027-02-01", "end_date": "2027-03-31"})
    assert again.status_code == 200
    assert "already" in again.content.decode() or "al een" in again.content.decode()


def test_organisation_accepts_on_the_page_and_sees_only_what_it_needs(client, world):
    placement = applied(world)
    login(client, world.organisation)
    listing = client.get(reverse("placements:list")).content.decode()
    assert "Sanne Jansen" in listing
    assert "Dyslexie" not in listing and "petra@example.org" not in listing
    detail = client.get(reverse("placements:detail", kwargs={"pk": placement.pk})).content.decode()
    assert "Dyslexie" not in detail  # support needs not shared for this placement
    client.post(reverse("placements:action", kwargs={"pk": placement.pk}), {"action": "accept"})
    placement.refresh_from_db()
    assert placement.status == S.ACCEPTED


def test_coordinator_list_counts_filters_and_waiting(client, world):
    placement = accepted(world)
    login(client, world.coordinator)
    page = client.get(reverse("placements:list")).content.decode()
    assert "school: approve or reject" in page or "school: goedkeuren of afkeuren" in page
    filtered = client.get(reverse("placements:list"), {"status": S.ACCEPTED}).content.decode()
    assert reverse("placements:detail", kwargs={"pk": placement.pk}) in filtered
    by_class = client.get(reverse("placements:list"), {"school_class": world.class_a2.pk})
    assert (
        reverse("placements:detail", kwargs={"pk": placement.pk}) not in by_class.content.decode()
    )
    services.placement_create(
        by=world.coordinator,
        student=world.student_a2,
        organisation=world.org_y,
        activity="Sport",
        start_date=world.start,
        end_date=world.end,
    )
    by_org = client.get(reverse("placements:list"), {"organisation": world.org_y.pk})
    assert "Daan Bakker" in by_org.content.decode()
    assert "Sanne Jansen" not in by_org.content.decode()


def test_coordinator_approves_and_issues_on_the_page(client, world, outbox):
    placement = accepted(world)
    login(client, world.coordinator)
    url = reverse("placements:action", kwargs={"pk": placement.pk})
    client.post(url, {"action": "approve"})  # without confirming: refused
    placement.refresh_from_db()
    assert placement.status == S.ACCEPTED
    client.post(url, {"action": "approve", "not_paid_work": "on"})
    placement.refresh_from_db()
    assert placement.status == S.APPROVED
    with outbox() as sent:
        client.post(reverse("placements:issue", kwargs={"pk": placement.pk}))
    assert len(sent.links()) == 4
    detail = client.get(reverse("placements:detail", kwargs={"pk": placement.pk})).content.decode()
    assert "Stageovereenkomst" in detail
    assert (
        reverse("placements:signature_resend", kwargs={"pk": SignatureRequest.objects.first().pk})
        in detail
    )


def test_other_school_gets_404_for_the_placement_and_its_actions(client, world):
    placement = accepted(world)
    login(client, world.coordinator2)
    assert client.get(reverse("placements:detail", kwargs={"pk": placement.pk})).status_code == 404
    response = client.post(
        reverse("placements:action", kwargs={"pk": placement.pk}),
        {"action": "approve", "not_paid_work": "on"},
    )
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.status == S.ACCEPTED
    missing = client.get(reverse("placements:detail", kwargs={"pk": 999999}))
    assert missing.status_code == 404


def test_outsider_sees_nothing(client, world):
    placement = applied(world)
    login(client, world.outsider)
    assert "Sanne" not in client.get(reverse("placements:list")).content.decode()
    assert client.get(reverse("placements:detail", kwargs={"pk": placement.pk})).status_code == 404


def test_student_sees_own_placement_agreement_and_signatures(client, world, outbox):
    with outbox():
        placement = issued(world)
    login(client, world.student_user)
    page = client.get(reverse("placements:detail", kwargs={"pk": placement.pk})).content.decode()
    assert "Petra Jansen" in page and "Olga Organisatie" in page
    version = placement.agreement.current_version
    pdf = client.get(reverse("placements:agreement_pdf", kwargs={"pk": version.pk}))
    assert pdf.content.startswith(b"%PDF")


def test_self_found_form_refuses_a_company(client, world):
    login(client, world.student_user)
    response = client.post(
        reverse("placements:propose"),
        {
            "organisation_name": "Snackbar BV",
            "legal_form": "company",
            "street": "Hoek 1",
            "postcode": "2312 AB",
            "city": "Leiden",
            "contact_name": "Baas",
            "contact_email": "baas@example.org",
            "activity": "Frituren",
            "start_date": "2027-02-01",
            "end_date": "2027-03-01",
            "hours": "30",
        },
    )
    assert response.status_code == 200
    assert "company" in response.content.decode() or "bedrijf" in response.content.decode()
    assert not Placement.objects.filter(source="self_found").exists()


def test_group_placement_pages(client, world, outbox):
    login(client, world.coordinator)
    url = reverse("placements:group_create")
    assert "A1" in client.get(url).content.decode()
    response = client.post(
        url + f"?class={world.class_a1.pk}",
        {
            "class": world.class_a1.pk,
            "name": "A1 in de tuin",
            "students": [world.student.pk],
            "organisation": world.org_x.pk,
            "activity": "Tuin",
            "start_date": "2027-02-01",
            "end_date": "2027-03-01",
            "hours": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group_page = client.get(response.url)
    assert "A1 in de tuin" in group_page.content.decode()


def test_coordinator_edits_the_model_agreement(client, world):
    login(client, world.coordinator)
    url = reverse("placements:template_edit", kwargs={"kind": "individual"})
    page = client.get(url).content.decode()
    assert "verzekerd via de school" in page
    response = client.post(
        url,
        {
            "title": "Onze overeenkomst",
            "insurance": "Polis 123",
            "safety": "Veilig",
            "conduct": "Netjes",
            "absence": "Bellen",
            "intro": "",
            "extra": "",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        url, {"title": "X", "insurance": "", "safety": "a", "conduct": "b", "absence": "c"}
    )
    assert bad.status_code == 200


def test_settings_page_saves_rules(client, world):
    login(client, world.coordinator)
    response = client.post(
        reverse("placements:settings"),
        {
            "require_non_profit": "on",
            "forbid_commercial": "on",
            "check_dates": "on",
            "check_age_level": "on",
            "require_both_guardians": "on",
            "group_students_sign": "on",
            "signing_link_days": "10",
            "reminder_days": "2",
        },
    )
    assert response.status_code == 302
    from meedoen.placements.models import SchoolPlacementRules

    rules = SchoolPlacementRules.objects.get(school=world.school_a)
    assert rules.require_both_guardians and rules.signing_link_days == 10


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(5):
        from meedoen.core.tests import factories as f

        s = f.StudentFactory(school_class=world.class_a1)
        services.placement_create(
            by=world.coordinator,
            student=s,
            organisation=world.org_x,
            activity="Klus",
            start_date=world.start,
            end_date=world.end,
        )
    login(client, world.coordinator)
    with django_assert_max_num_queries(20):
        client.get(reverse("placements:list"))


def test_timeline_shows_the_signed_version_not_as_a_reason(client, world, outbox):
    """A signature's event records the agreement version; the timeline shows it as the
    version ("Versie 1"), not as a reason ("Reden: v1")."""
    with outbox() as sent:
        placement = issued(world)
    sign_all(world, sent.links()[:1], placement)
    login(client, world.coordinator)
    page = client.get(
        reverse("placements:detail", kwargs={"pk": placement.pk}), HTTP_ACCEPT_LANGUAGE="nl"
    )
    timeline = page.content.decode().split('class="timeline"')[1]
    assert "Versie 1" in timeline
    assert "Reden: v1" not in timeline and ": v1" not in timeline
