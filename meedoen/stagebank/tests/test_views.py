"""The pages: writing, submitting, reviewing, the offer page, the public bank and embed."""

import pytest
from django.urls import reverse

from meedoen.directory.models import ContactPerson
from meedoen.stagebank.models import QualityCriterion, Vacancy

from .helpers import S, make_offer
from .test_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _skip_mfa(settings):
    settings.DEMO_SKIP_MFA = True


def test_done_when_journey(personas, client):
    """Organisation writes and submits; broker returns; organisation resubmits; broker
    publishes; a student finds and opens it; the public page has no contact details."""
    w = personas
    contact = ContactPerson.objects.create(
        organisation=w.org_x, name="Olga Organisatie", email="olga@zorg.example", phone="071-1"
    )
    client.force_login(w.organisation)
    response = client.post(
        reverse("stagebank:create"),
        form_data(title="Wandelmaatje voor ouderen", contact=contact.pk, levels=["vmbo-t"]),
    )
    assert response.status_code == 302, response.context["form"].errors
    v = Vacancy.objects.get(title="Wandelmaatje voor ouderen")
    assert v.status == S.DRAFT and v.organisation == w.org_x
    client.post(reverse("stagebank:transition", args=[v.pk, "submit"]))
    v.refresh_from_db()
    assert v.status == S.SUBMITTED

    client.force_login(w.broker)
    review = reverse("stagebank:review", args=[v.pk])
    assert client.get(review).status_code == 200
    refused = client.post(review, {"decision": "return", "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    v.refresh_from_db()
    assert v.status == S.SUBMITTED
    client.post(review, {"decision": "return", "reason": "Noem de begeleider bij naam."})
    v.refresh_from_db()
    assert v.status == S.RETURNED

    client.force_login(w.organisation)
    page = client.get(reverse("stagebank:detail", args=[v.pk]))
    assert b"Noem de begeleider bij naam." in page.content
    edit = client.post(
        reverse("stagebank:edit", args=[v.pk]),
        form_data(title="Wandelmaatje voor ouderen", contact=contact.pk, levels=["vmbo-t"],
                  description="Met begeleiding door Olga, elke woensdag."),
    )  # fmt: skip
    assert edit.status_code == 302
    client.post(reverse("stagebank:transition", args=[v.pk, "submit"]))

    client.force_login(w.broker)
    codes = list(QualityCriterion.objects.filter(region=w.region).values_list("code", flat=True))
    partial = client.post(review, {"decision": "publish", "checklist": codes[:2]})
    assert partial.status_code == 200
    v.refresh_from_db()
    assert v.status == S.SUBMITTED
    client.post(review, {"decision": "publish", "checklist": codes})
    v.refresh_from_db()
    assert v.status == S.PUBLISHED

    client.force_login(w.student_user)
    found = client.get(reverse("stagebank:search"), {"q": "wandelmaatje", "near": "school"})
    assert [o.pk for o in found.context["page"]] == [v.pk]
    detail = client.get(reverse("stagebank:detail", args=[v.pk]))
    assert detail.status_code == 200
    assert b"olga@zorg.example" in detail.content  # students may contact the organisation
    assert b"km" in detail.content  # distance from the school
    assert b"History" not in detail.content and b"Geschiedenis" not in detail.content

    client.logout()
    public = client.get(reverse("stagebank:public_detail", args=[v.pk]))
    assert public.status_code == 200 and b"Wandelmaatje" in public.content
    for secret in (b"olga@zorg.example", b"Olga Organisatie", b"071-1", b"Rijnkade 3"):
        assert secret not in public.content
    listing = client.get(reverse("stagebank:public"), {"q": "wandelmaatje"})
    assert b"Wandelmaatje" in listing.content and b"olga@zorg.example" not in listing.content


def test_public_bank_shows_only_published(personas, client):
    draft = make_offer(personas, S.DRAFT, title="Geheim concept")
    paused = make_offer(personas, S.PAUSED, title="Even gepauzeerd")
    assert client.get(reverse("stagebank:public_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("stagebank:public_detail", args=[paused.pk])).status_code == 404
    listing = client.get(reverse("stagebank:public"))
    assert b"Geheim concept" not in listing.content and b"Even gepauzeerd" not in listing.content


def test_embed_may_be_framed_other_pages_not(personas, client):
    make_offer(personas, title="Voorlezen")
    embed = client.get(reverse("stagebank:embed"), {"region": personas.region.pk})
    assert embed.status_code == 200 and b"Voorlezen" in embed.content
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    public = client.get(reverse("stagebank:public"))
    assert public["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]


def test_timeline_on_the_offer_page_for_managers(personas, client):
    v = make_offer(personas, S.PUBLISHED)
    client.force_login(personas.organisation)
    page = client.get(reverse("stagebank:detail", args=[v.pk]))
    assert page.status_code == 200
    assert len(page.context["events"]) == 3
    assert [a for a, _ in page.context["actions"]] == ["pause", "close", "renew"]


def test_other_organisation_cannot_touch_the_offer(personas, client):
    v = make_offer(personas, S.DRAFT)
    client.force_login(personas.organisation_y)
    for url in (
        reverse("stagebank:detail", args=[v.pk]),
        reverse("stagebank:edit", args=[v.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("stagebank:transition", args=[v.pk, "submit"])).status_code == 404
    v.refresh_from_db()
    assert v.status == S.DRAFT


def test_refused_transition_is_a_message_not_an_error(personas, client):
    v = make_offer(personas, S.PUBLISHED)
    client.force_login(personas.organisation)
    response = client.post(reverse("stagebank:transition", args=[v.pk, "submit"]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert client.post(reverse("stagebank:transition", args=[v.pk, "explode"])).status_code == 404
    assert client.post(reverse("stagebank:transition", args=[999999, "pause"])).status_code == 404


def test_broker_writes_for_an_organisation(personas, client):
    client.force_login(personas.broker)
    choose = client.get(reverse("stagebank:create"))
    assert b"Zorgcentrum X" in choose.content and b"Sportclub Y" in choose.content
    response = client.post(
        reverse("stagebank:create"), {**form_data(), "organisation": personas.org_y.pk}
    )
    assert response.status_code == 302
    assert Vacancy.objects.get().organisation == personas.org_y
    client.force_login(personas.organisation)
    forged = client.post(
        reverse("stagebank:create"), {**form_data(), "organisation": personas.org_y.pk}
    )
    assert forged.status_code == 404


def test_form_errors_are_shown(personas, client):
    client.force_login(personas.organisation)
    response = client.post(reverse("stagebank:create"), form_data(capacity="0"))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    assert not Vacancy.objects.exists()


def test_broker_overview(personas, client):
    make_offer(personas, S.SUBMITTED, title="Eerst ingediend")
    make_offer(personas, S.SUBMITTED, title="Later ingediend")
    make_offer(personas, S.PUBLISHED, levels=["havo"], sector="sport")
    client.force_login(personas.broker)
    page = client.get(reverse("stagebank:overview"))
    assert page.status_code == 200
    assert [v.title for v in page.context["waiting"]] == ["Eerst ingediend", "Later ingediend"]
    assert dict((str(k), n) for k, n in page.context["level_rows"]).get("havo") == 1
    assert {o.name for o in page.context["without_published"]} == {"Sportclub Y"}
    by_state = {code: n for code, _label, n in page.context["by_state"]}
    assert by_state["submitted"] == 2 and by_state["published"] == 1


def test_criteria_page(personas, client):
    client.force_login(personas.broker)
    url = reverse("stagebank:criteria")
    assert client.get(url).status_code == 200
    client.post(url, {"new-label": "Er is een vaste begeleider", "new-order": "9"})
    assert QualityCriterion.objects.filter(label="Er is een vaste begeleider").exists()
    c = QualityCriterion.objects.get(region=personas.region, code="clear-task")
    client.post(url, {"criterion": c.pk, f"c{c.pk}-label": c.label, f"c{c.pk}-order": "4"})
    c.refresh_from_db()
    assert c.active is False


def test_dashboard_panels(personas):
    """Through the hook itself: the dashboard also shows other apps' panels."""
    from django.template.loader import render_to_string

    from meedoen.core.policy import principal_for
    from meedoen.stagebank.panels import panels

    make_offer(personas, S.SUBMITTED, title="Wacht op beoordeling")
    user = personas.organisation
    [(template, panel)] = panels(user, principal_for(user))
    assert "Wacht op beoordeling" in render_to_string(template, {"panel": panel})
    user = personas.broker
    [(template, panel)] = panels(user, principal_for(user))
    assert panel["waiting"] == 1
    assert reverse("stagebank:overview") in render_to_string(template, {"panel": panel})
    assert panels(personas.student_user, principal_for(personas.student_user)) == []


def test_navigation_entries(personas):
    from meedoen.core.policy import principal_for
    from meedoen.stagebank.nav import items

    def urls(user):
        return {url for _label, url in items(principal_for(user))}

    assert urls(personas.organisation) == {
        reverse("stagebank:search"),
        reverse("stagebank:mine"),
    }
    assert urls(personas.broker) == {reverse("stagebank:search"), reverse("stagebank:overview")}
    assert urls(personas.student_user) == {reverse("stagebank:search")}
    assert urls(personas.outsider) == set()


def test_offer_page_links_a_student_to_the_application(personas, client):
    """A student who finds a published offer can apply from its page; others (and group
    offers, which the school arranges) get no such link."""
    v = make_offer(personas, S.PUBLISHED, title="Voorleesmiddag")
    group = make_offer(
        personas, S.PUBLISHED, title="Groepsklus", kind="group", group_min=2, group_max=4
    )
    apply_url = reverse("placements:apply", args=[v.pk]).encode()
    client.force_login(personas.student_user)
    page = client.get(reverse("stagebank:detail", args=[v.pk]))
    assert page.status_code == 200 and page.context["can_apply"]
    assert apply_url in page.content
    assert client.get(reverse("placements:apply", args=[v.pk])).status_code == 200
    group_page = client.get(reverse("stagebank:detail", args=[group.pk]))
    assert not group_page.context["can_apply"]
    assert reverse("placements:apply", args=[group.pk]).encode() not in group_page.content
    for user in (personas.organisation, personas.coordinator, personas.broker):
        client.force_login(user)
        page = client.get(reverse("stagebank:detail", args=[v.pk]))
        assert page.status_code == 200 and not page.context["can_apply"]
        assert apply_url not in page.content
