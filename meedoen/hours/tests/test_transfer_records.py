"""Change of school: within the platform the record moves along; between installations
it travels as a signed file, and a tampered file is refused with nothing written."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meedoen.core.errors import ServiceError
from meedoen.core.tests import factories as f
from meedoen.hours import selectors, services
from meedoen.hours.models import HourEntry, ImportedRecord, SchoolTransfer
from meedoen.students.models import Student

from .fixtures import image_bytes
from .helpers import log_and_confirm


def test_move_within_the_platform_keeps_the_record(world, client):
    log_and_confirm(world, hours=12)
    services.portfolio_file_add(
        actor=world.student_user,
        student=world.student,
        uploaded=SimpleUploadedFile("foto.png", image_bytes()),
    )
    services.student_transfer(
        actor=world.coordinator, student=world.student, to_school=world.school_b, note="Verhuisd"
    )
    student = Student.objects.get(pk=world.student.pk)
    assert student.school == world.school_b
    assert student.school_class is None
    assert HourEntry.objects.filter(placement__student=student).count() == 2
    assert selectors.progress_of(student).confirmed_hours == 12
    assert SchoolTransfer.objects.get().from_school_name == "School A"
    # The mentor's class grant no longer reaches the student; the new coordinator sees all.
    url = reverse("hours:portfolio", kwargs={"pk": student.pk})
    client.force_login(world.coordinator2)
    page = client.get(url).content.decode()
    assert "Zorgcentrum X" in page
    assert "foto.png" in page
    assert "School A" in page
    for persona in ("coordinator", "mentor"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404


def test_move_revokes_grants_by_name(world):
    from meedoen.students import services as student_services

    grant = student_services.access_grant_create(
        actor=world.coordinator,
        school=world.school_a,
        grantee=world.broker,
        student=world.student,
        expires_at=world.grant.expires_at,
    )
    services.student_transfer(
        actor=world.coordinator, student=world.student, to_school=world.school_b
    )
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_move_refusals(world):
    other_region_school = f.SchoolFactory()
    with pytest.raises(ServiceError, match="export"):
        services.student_transfer(
            actor=world.coordinator, student=world.student, to_school=other_region_school
        )
    with pytest.raises(ServiceError):
        services.student_transfer(
            actor=world.coordinator2, student=world.student, to_school=world.school_b
        )
    with pytest.raises(ServiceError, match="already"):
        services.student_transfer(
            actor=world.coordinator, student=world.student, to_school=world.school_a
        )
    f.StudentFactory(school_class=world.class_b1, student_number=world.student.student_number)
    with pytest.raises(ServiceError, match="student number"):
        services.student_transfer(
            actor=world.coordinator, student=world.student, to_school=world.school_b
        )
    assert Student.objects.get(pk=world.student.pk).school == world.school_a


# ---------------------------------------------------------------------------
# The signed record file
# ---------------------------------------------------------------------------


@pytest.fixture
def exported(world):
    log_and_confirm(world, hours=12)
    services.reflection_save(
        actor=world.student_user, placement=world.placement, what_did_you_learn="Geduld"
    )
    return world, services.record_export(actor=world.coordinator, student=world.student)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(members: dict[str, bytes]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return SimpleUploadedFile("record.zip", out.getvalue())


def _other_region(w):
    school = f.SchoolFactory(name="Noorderlicht College")
    coordinator = f.UserFactory(username="coordinator_elders")
    f.MembershipFactory(user=coordinator, role="coordinator", school=school)
    return school, coordinator


def test_export_contains_json_detached_signature_and_pdf(exported):
    _w, data = exported
    members = _members(data)
    assert set(members) == {"record.json", "record.json.sig", "record.pdf"}
    payload = json.loads(members["record.json"])
    assert payload["student"]["last_name"] == "Jansen"
    assert payload["placements"][0]["reflection"]["what_did_you_learn"] == "Geduld"
    assert json.loads(members["record.json.sig"])["algorithm"] == "Ed25519"
    assert members["record.pdf"].startswith(b"%PDF")


def test_import_in_another_region_verifies_and_keeps_the_hours(exported):
    w, data = exported
    school, coordinator = _other_region(w)
    record = services.record_import(
        actor=coordinator, school=school, uploaded=SimpleUploadedFile("r.zip", data)
    )
    student = record.student
    assert student.school == school
    assert student.full_name == "Sanne Jansen"
    assert selectors.progress_of(student).confirmed_hours == 12
    with pytest.raises(ServiceError, match="already"):
        services.record_import(
            actor=coordinator, school=school, uploaded=SimpleUploadedFile("r.zip", data)
        )


@pytest.mark.parametrize("how", ["hours", "name", "signature", "unknown-key", "no-signature"])
def test_tampered_file_is_refused_and_nothing_written(exported, how, settings):
    w, data = exported
    members = _members(data)
    if how == "hours":
        data = members["record.json"]
        members["record.json"] = data.replace(b'"minutes": 600', b'"minutes": 700')
    elif how == "name":
        members["record.json"] = members["record.json"].replace(b"Jansen", b"Janssen")
    elif how == "signature":
        sig = json.loads(members["record.json.sig"])
        sig["signature"] = sig["signature"][:-6] + "AAAAA="
        members["record.json.sig"] = json.dumps(sig).encode()
    elif how == "unknown-key":
        settings.SECRET_KEY = "another-installation-" + "k" * 40
        members = _members(services.record_export(actor=w.coordinator, student=w.student))
        settings.SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        del members["record.json.sig"]
    school, coordinator = _other_region(w)
    students_before = Student.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.record_import(actor=coordinator, school=school, uploaded=_zip(members))
    assert any(word in refused.value.messages[0] for word in ("signature", "trust", "record file"))
    assert Student.objects.count() == students_before
    assert not ImportedRecord.objects.exists()


def test_trusted_key_of_another_installation_is_accepted(exported, settings):
    from meedoen.hours import records

    w, _data = exported
    settings.SECRET_KEY = "another-installation-" + "k" * 40
    foreign_key = records.own_public_key()
    foreign = services.record_export(actor=w.coordinator, student=w.student)
    settings.SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    settings.MEEDOEN_TRUSTED_RECORD_KEYS = [foreign_key]
    school, coordinator = _other_region(w)
    record = services.record_import(
        actor=coordinator, school=school, uploaded=SimpleUploadedFile("r.zip", foreign)
    )
    assert record.confirmed_minutes == 12 * 60


def test_not_a_zip_is_refused(world):
    with pytest.raises(ServiceError, match="not a Meedoen record file"):
        services.record_import(
            actor=world.coordinator,
            school=world.school_a,
            uploaded=SimpleUploadedFile("r.zip", b"PK\x03\x04 broken"),
        )


def test_import_page_shows_a_clear_message(exported, client):
    w, data = exported
    members = _members(data)
    members["record.json"] = members["record.json"].replace(b"Jansen", b"Janssen")
    school, coordinator = _other_region(w)
    client.force_login(coordinator)
    response = client.post(reverse("hours:import"), {"file": _zip(members), "school": school.pk})
    assert response.status_code == 200
    assert "does not match its content" in response.content.decode()
    good = client.post(
        reverse("hours:import"),
        {"file": SimpleUploadedFile("r.zip", data), "school": school.pk},
    )
    assert good.status_code == 302


def test_export_page_only_for_the_school(world, client):
    url = reverse("hours:export", kwargs={"pk": world.student.pk})
    client.force_login(world.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    for persona in ("coordinator2", "mentor", "student_user", "organisation", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404, persona
