"""Completion of a placement and the certificate with its public verification."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from meedoen.core.errors import ServiceError
from meedoen.hours import selectors, services
from meedoen.hours.models import Certificate, PlacementCompletion
from meedoen.placements.models import Placement, PlacementStatus

from .helpers import evaluate_all, log_and_confirm


def status_of(placement):
    return Placement.objects.get(pk=placement.pk).status


def test_placement_completes_when_hours_confirmed_and_evaluations_in(world):
    log_and_confirm(world)
    assert status_of(world.placement) == PlacementStatus.ACTIVE  # evaluations missing
    blockers = services.completion_blockers(world.placement)
    assert any("Evaluations" in b for b in blockers)
    evaluate_all(world)
    assert status_of(world.placement) == PlacementStatus.COMPLETED
    assert PlacementCompletion.objects.get().automatic
    certificate = Certificate.objects.get(student=world.student)
    assert certificate.hours == 30
    assert certificate.organisations == [{"name": "Zorgcentrum X", "hours": "30.0"}]


def test_unconfirmed_hours_block_completion(world):
    evaluate_all(world)
    services.hour_entry_log(
        actor=world.student_user,
        placement=world.placement,
        date=world.placement.start_date,
        activity="x",
        minutes=60,
    )
    assert not services.placement_complete_if_ready(placement=world.placement)
    assert status_of(world.placement) == PlacementStatus.ACTIVE


def test_coordinator_completes_with_a_reason(world, client):
    with pytest.raises(ServiceError, match="reason"):
        services.placement_complete(actor=world.coordinator, placement=world.placement, reason="")
    with pytest.raises(ServiceError):
        services.placement_complete(
            actor=world.coordinator2, placement=world.placement, reason="Verhuisd"
        )
    client.force_login(world.coordinator)
    response = client.post(
        reverse("hours:complete", kwargs={"pk": world.placement.pk}),
        {"reason": "Organisatie gestopt"},
    )
    assert response.status_code == 302
    assert status_of(world.placement) == PlacementStatus.COMPLETED
    completion = PlacementCompletion.objects.get()
    assert not completion.automatic
    assert completion.reason == "Organisatie gestopt"
    assert not Certificate.objects.exists()  # the requirement is not met
    with pytest.raises(ServiceError, match="active"):
        services.placement_complete(actor=world.coordinator, placement=world.placement, reason="x")


def test_certificate_refused_until_requirement_met(world):
    with pytest.raises(ServiceError, match="not met"):
        services.certificate_issue(actor=world.coordinator, student=world.student)
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    assert len(certificate.code) == 14
    assert services.certificate_issue(actor=world.coordinator, student=world.student) == certificate


def test_certificate_pdf_and_png(world, client, tmp_path):
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    client.force_login(world.student_user)
    response = client.get(reverse("hours:certificate_pdf", kwargs={"pk": certificate.pk}))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        pdf = tmp_path / "certificaat.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "c")],
            check=True,
        )
        png = next(tmp_path.glob("c*.png"))
        assert png.read_bytes().startswith(b"\x89PNG")
        assert png.stat().st_size > 5000


def test_certificate_pdf_only_for_those_following_the_student(world, client):
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    url = reverse("hours:certificate_pdf", kwargs={"pk": certificate.pk})
    for persona in ("organisation", "coordinator2", "broker", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404, persona


def test_public_verification_shows_only_name_school_hours(world, client):
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    response = client.get(reverse("hours:verify"), {"code": certificate.code.lower()})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Sanne Jansen" in text
    assert "School A" in text
    assert "30.0" in text or "30,0" in text
    for secret in ("Zorgcentrum X", world.student.student_number, "2012", "Dyslexie"):
        assert secret not in text
    missing = client.get(reverse("hours:verify"), {"code": "AAAA-BBBB-CCCC"})
    assert "Sanne" not in missing.content.decode()
    assert "No valid certificate" in missing.content.decode()


def test_public_verification_api(world, client):
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    url = reverse("hours_api:certificate-verify", kwargs={"code": certificate.code})
    assert client.get(url).json() == {
        "valid": True,
        "name": "Sanne Jansen",
        "school": "School A",
        "hours": "30.0",
    }
    bad = client.get(reverse("hours_api:certificate-verify", kwargs={"code": "NOPE"}))
    assert bad.status_code == 404
    assert bad.json() == {"valid": False}


def test_revoked_certificate_does_not_verify(world):
    log_and_confirm(world)
    certificate = services.certificate_issue(actor=world.coordinator, student=world.student)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    assert selectors.certificate_by_code(certificate.code) is None
