"""Each transition and each refusal: out of order, wrong actor, the school's criteria."""

import datetime

import pytest

from meedoen.core.errors import ServiceError
from meedoen.directory.models import LegalForm, Organisation
from meedoen.placements import services
from meedoen.placements import workflows as wf
from meedoen.placements.criteria import rules_for
from meedoen.placements.models import Placement, PlacementEvent, PlacementStatus, Source

from .factories import accepted, applied, approved, issued

pytestmark = pytest.mark.django_db
S = PlacementStatus


def unchanged(placement, status):
    placement.refresh_from_db()
    return placement.status == status


def test_every_action_leads_to_a_state_in_the_table():
    targets = {to for (_f, to) in wf.TRANSITIONS}
    assert set(wf.ACTIONS.values()) - {S.SIGNED} <= targets


def test_decline_with_reason(world):
    placement = applied(world)
    placement = services.placement_decline(placement=placement, by=world.organisation, reason="Vol")
    assert placement.status == S.DECLINED and placement.status_reason == "Vol"
    event = placement.events.last()
    assert (event.action, event.actor, event.reason) == ("decline", world.organisation, "Vol")


def test_decline_needs_a_reason(world):
    placement = applied(world)
    with pytest.raises(ServiceError, match="reason"):
        services.placement_decline(placement=placement, by=world.organisation, reason=" ")
    assert unchanged(placement, S.PROPOSED)


def test_reject_with_reason(world):
    placement = accepted(world)
    placement = services.placement_reject(placement=placement, by=world.coordinator, reason="Nee")
    assert placement.status == S.REJECTED


def test_student_cannot_accept_own_application(world):
    placement = applied(world)
    with pytest.raises(ServiceError):
        services.placement_accept(placement=placement, by=world.student_user)
    assert unchanged(placement, S.PROPOSED)


def test_other_organisation_cannot_accept(world):
    placement = applied(world)
    with pytest.raises(ServiceError):
        services.placement_accept(placement=placement, by=world.organisation_y)
    assert unchanged(placement, S.PROPOSED)


def test_broker_may_accept_for_the_organisation(world):
    placement = services.placement_accept(placement=applied(world), by=world.broker)
    assert placement.status == S.ACCEPTED


def test_bank_application_needs_acceptance_before_approval(world):
    placement = applied(world)
    with pytest.raises(ServiceError, match="not accepted"):
        services.placement_approve(placement=placement, by=world.coordinator, not_paid_work=True)
    assert unchanged(placement, S.PROPOSED)


def test_other_school_cannot_approve(world):
    placement = accepted(world)
    with pytest.raises(ServiceError):
        services.placement_approve(placement=placement, by=world.coordinator2, not_paid_work=True)
    assert unchanged(placement, S.ACCEPTED)


def test_out_of_order_transition(world):
    placement = applied(world)
    with pytest.raises(ServiceError, match="not possible now"):
        services.placement_activate(placement=placement, by=world.coordinator)
    with pytest.raises(ServiceError, match="not possible now"):
        services.agreement_issue(placement=placement, by=world.coordinator)
    with pytest.raises(ServiceError, match="not possible now"):
        services.placement_complete(placement=placement, by=world.coordinator)
    assert unchanged(placement, S.PROPOSED)
    assert list(placement.events.values_list("action", flat=True)) == ["apply"]


def test_approval_requires_confirmation_of_no_paid_work(world):
    placement = accepted(world)
    with pytest.raises(ServiceError, match="paid work"):
        services.placement_approve(placement=placement, by=world.coordinator)
    assert unchanged(placement, S.ACCEPTED)
    rules = rules_for(world.school_a)
    rules.require_no_paid_work = False
    rules.save()
    world.school_a._placement_rules_cache = None
    assert (
        services.placement_approve(placement=placement, by=world.coordinator).status == S.APPROVED
    )


def test_approval_checks_age_and_level(world):
    world.vacancy.min_age = 16
    world.vacancy.save()
    placement = services.placement_create(
        by=world.coordinator,
        student=world.student,
        vacancy=world.vacancy,
        activity="Koffie",
        start_date=world.start,
        end_date=world.end,
    )
    with pytest.raises(ServiceError, match="minimum age"):
        services.placement_approve(placement=placement, by=world.coordinator, not_paid_work=True)
    assert unchanged(placement, S.PROPOSED)


def test_application_checks_level(world):
    world.vacancy.levels = ["vwo"]
    world.vacancy.save()
    with pytest.raises(ServiceError, match="level"):
        applied(world)
    assert not Placement.objects.filter(vacancy=world.vacancy).exists()


def test_approval_refuses_a_company(world):
    shop = Organisation.objects.create(
        region=world.region, name="Winkel BV", legal_form=LegalForm.COMPANY, non_profit=False
    )
    placement = services.placement_create(
        by=world.coordinator,
        student=world.student_a2,
        organisation=shop,
        activity="Vakken vullen",
        start_date=world.start,
        end_date=world.end,
    )
    with pytest.raises(ServiceError, match="company"):
        services.placement_approve(placement=placement, by=world.coordinator, not_paid_work=True)
    assert unchanged(placement, S.PROPOSED)


def test_dates_outside_the_period(world):
    with pytest.raises(ServiceError, match="outside the internship period"):
        services.placement_create(
            by=world.coordinator,
            student=world.student_a2,
            organisation=world.org_x,
            activity="Zomerklus",
            start_date=datetime.date(2027, 8, 2),
            end_date=datetime.date(2027, 8, 20),
        )
    with pytest.raises(ServiceError, match="before the start"):
        services.placement_create(
            by=world.coordinator,
            student=world.student_a2,
            organisation=world.org_x,
            activity="Klus",
            start_date=world.end,
            end_date=world.start,
        )
    assert not Placement.objects.filter(student=world.student_a2).exists()


def test_double_application_is_refused(world):
    applied(world)
    with pytest.raises(ServiceError, match="already"):
        applied(world)
    assert Placement.objects.filter(vacancy=world.vacancy).count() == 1


def test_application_only_to_published_offers(world):
    world.vacancy.status = "paused"
    world.vacancy.save()
    with pytest.raises(ServiceError, match="not open"):
        applied(world)


def test_student_cancels_and_organisation_reports_no_show(world):
    placement = services.placement_cancel(
        placement=accepted(world), by=world.student_user, reason="Ziek"
    )
    assert placement.status == S.CANCELLED
    other = approved(world)
    with pytest.raises(ServiceError):
        services.placement_no_show(placement=other, by=world.organisation, reason="Niet gekomen")
    assert unchanged(other, S.APPROVED)


def test_no_show_after_signing(world, outbox):
    from .factories import sign_all

    with outbox() as sent:
        placement = issued(world)
    placement = sign_all(world, sent.links(), placement)
    placement = services.placement_no_show(
        placement=placement, by=world.organisation, reason="Niet verschenen"
    )
    assert placement.status == S.NO_SHOW


def test_cancel_of_issued_placement_withdraws_links(world, outbox):
    with outbox() as sent:
        placement = issued(world)
    services.placement_cancel(placement=placement, by=world.coordinator, reason="Verhuisd")
    token = sent.links()[0]
    with pytest.raises(services.InvalidLink):
        services.signing_request_for_token(token)


def test_self_found_creates_unverified_organisation_and_tells_broker(world, outbox):
    with outbox() as sent:
        placement = services.placement_propose_self_found(
            by=world.student_user,
            organisation_name="Stichting Buurtmoestuin",
            legal_form=LegalForm.FOUNDATION,
            non_profit=True,
            street="Tuinpad 3",
            postcode="2312 AB",
            city="Leiden",
            contact_name="Gerrit Groen",
            contact_email="gerrit@moestuin.example",
            activity="Moestuin bijhouden",
            description="Wieden, zaaien, oogsten.",
            start_date=world.start,
            end_date=world.end,
            hours=30,
        )
    assert placement.source == Source.SELF_FOUND and placement.status == S.PROPOSED
    assert placement.organisation.verified is False
    assert any("broker@example.org" in m.to for m in sent.messages)
    # The coordinator approves directly (no acceptance by login needed).
    placement = services.placement_approve(
        placement=placement, by=world.coordinator, not_paid_work=True
    )
    assert placement.status == S.APPROVED


def test_self_found_company_refused_when_school_forbids(world):
    before = Organisation.objects.count()
    with pytest.raises(ServiceError, match="company"):
        services.placement_propose_self_found(
            by=world.student_user,
            organisation_name="Snackbar De Hoek BV",
            legal_form=LegalForm.COMPANY,
            non_profit=False,
            street="Hoek 1",
            postcode="2312 AB",
            city="Leiden",
            contact_name="Eigenaar",
            contact_email="baas@snackbar.example",
            activity="Frituren",
            description="",
            start_date=world.start,
            end_date=world.end,
            hours=30,
        )
    assert Organisation.objects.count() == before
    assert not Placement.objects.filter(source=Source.SELF_FOUND).exists()
    assert not PlacementEvent.objects.filter(action="propose").exists()


def test_manual_placement_by_broker_needs_a_grant(world):
    with pytest.raises(ServiceError, match="may not place"):
        services.placement_create(
            by=world.broker,
            student=world.student_a2,
            organisation=world.org_x,
            activity="Klus",
            start_date=world.start,
            end_date=world.end,
        )


def test_activate_started_runs_on_start_date(world, outbox):
    from .factories import sign_all

    with outbox() as sent:
        placement = issued(world)
    sign_all(world, sent.links(), placement)
    assert services.activate_started(today=world.start - datetime.timedelta(days=1)) == 0
    assert services.activate_started(today=world.start) == 1
    assert unchanged(placement, S.ACTIVE)
