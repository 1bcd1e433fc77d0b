"""The whole journey of one placement, and of a group, through the services."""

import pytest

from meedoen.placements import selectors, services
from meedoen.placements.models import (
    Agreement,
    PlacementEvent,
    PlacementStatus,
    SignatureRequest,
)

from .factories import sign_all

pytestmark = pytest.mark.django_db
S = PlacementStatus


def test_bank_application_to_active(world, outbox):
    with outbox() as sent:
        placement = services.placement_apply(
            by=world.student_user, vacancy=world.vacancy, start_date=world.start, end_date=world.end
        )
    assert placement.status == S.PROPOSED
    assert sent.messages[0].to == ["olga@zorgcentrum.example"]

    placement = services.placement_accept(placement=placement, by=world.organisation)
    assert placement.status == S.ACCEPTED
    placement = services.placement_approve(
        placement=placement, by=world.coordinator, not_paid_work=True
    )
    assert placement.status == S.APPROVED

    with outbox() as sent:
        services.agreement_issue(placement=placement, by=world.coordinator)
    placement.refresh_from_db()
    assert placement.status == S.AGREEMENT_ISSUED
    recipients = sorted(m.to[0] for m in sent.messages)
    assert recipients == sorted(
        [
            "sanne@example.org",
            "petra@example.org",
            "olga@zorgcentrum.example",
            "coordinator@example.org",
        ]
    )
    tokens = sent.links()
    assert len(tokens) == 4
    assert not selectors.placement_is_active(placement)

    with outbox() as sent:
        placement = sign_all(world, tokens, placement)
    assert placement.status == S.SIGNED
    assert any("ondertekend" in m.subject or "signed" in m.subject for m in sent.messages)
    version = Agreement.objects.get(placement=placement).current_version
    assert version.completed_at is not None
    assert set(
        SignatureRequest.objects.filter(version=version).values_list(
            "signed_document_sha256", flat=True
        )
    ) == {version.sha256}

    placement = services.placement_activate(placement=placement, by=world.coordinator)
    assert placement.status == S.ACTIVE
    assert selectors.placement_is_active(placement)
    placement = services.placement_complete(placement=placement, by=world.coordinator)
    assert placement.status == S.COMPLETED

    actions = list(
        PlacementEvent.objects.filter(placement=placement).values_list("action", flat=True)
    )
    assert actions == [
        "apply",
        "accept",
        "approve",
        "issue",
        "sign",
        "sign",
        "sign",
        "sign",
        "signed",
        "activate",
        "complete",
    ]


def test_group_placement_one_agreement(world, outbox):
    with outbox():
        group = services.placement_group_create(
            by=world.coordinator,
            students=[world.student, world.student_a2],
            name="A-klas bij X",
            organisation=world.org_x,
            activity="Tuinonderhoud",
            start_date=world.start,
            end_date=world.end,
            hours=20,
            contact=world.contact,
        )
    members = list(group.placements.all())
    assert [m.status for m in members] == [S.PROPOSED, S.PROPOSED]
    services.placement_approve(placement=members[0], by=world.coordinator, not_paid_work=True)
    assert set(group.placements.values_list("status", flat=True)) == {S.APPROVED}
    with outbox() as sent:
        agreement = services.agreement_issue(placement=members[1], by=world.coordinator)
    assert agreement.group_id == group.pk and agreement.kind == "group"
    assert Agreement.objects.count() == 1
    version = agreement.current_version
    assert "Sanne Jansen" in version.html and "Daan" in version.html
    tokens = sent.links()
    assert len(tokens) == 6  # two students, a parent of each (minors), organisation, school
    sign_all(world, tokens, members[0])
    assert set(group.placements.values_list("status", flat=True)) == {S.SIGNED}
