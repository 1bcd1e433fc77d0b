"""The agreement: PDF per version with its SHA-256, the school's template, new versions."""

import hashlib
import shutil
import subprocess

import pytest

from meedoen.core.errors import ServiceError
from meedoen.placements import agreements, services
from meedoen.placements.models import AgreementVersion, PlacementStatus, SignatureRequest

from .factories import issued, sign_all

pytestmark = pytest.mark.django_db
S = PlacementStatus


def test_issued_version_stores_pdf_and_hash(world, outbox, tmp_path):
    with outbox():
        placement = issued(world)
    version = placement.agreement.current_version
    pdf = bytes(version.pdf)
    assert pdf.startswith(b"%PDF")
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()
    for words in [
        "Stageovereenkomst",
        "Sanne Jansen",
        "Zorgcentrum X",
        "verzekerd via de school",
        "Veiligheid",
        "Gedrag",
        "Afwezigheid en problemen",
        "Olga Organisatie",
    ]:
        assert words in version.html
    (tmp_path / "agreement.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "agreement.pdf"),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        page = next(tmp_path.glob("page*.png"))
        assert page.stat().st_size > 10_000


def test_group_agreement_lists_every_student(world, outbox):
    with outbox():
        group = services.placement_group_create(
            by=world.coordinator,
            students=[world.student, world.student_a2],
            name="Klas A",
            organisation=world.org_x,
            activity="Tuinonderhoud",
            start_date=world.start,
            end_date=world.end,
            contact=world.contact,
        )
        services.placement_approve(
            placement=group.placements.first(), by=world.coordinator, not_paid_work=True
        )
        agreement = services.agreement_issue(
            placement=group.placements.first(), by=world.coordinator
        )
    html = agreement.current_version.html
    assert "Groepsovereenkomst" in html
    assert "Leerlingen van de groep (2)" in html
    assert "Sanne Jansen" in html and "Daan Bakker" in html


def test_coordinator_edits_the_template_within_fixed_clauses(world, outbox):
    fields = agreements.default_template_fields("individual")
    fields["conduct"] = "Telefoon blijft in de tas."
    services.agreement_template_save(
        by=world.coordinator, school=world.school_a, kind="individual", **fields
    )
    with outbox():
        placement = issued(world)
    html = placement.agreement.current_version.html
    assert "Telefoon blijft in de tas." in html
    assert agreements.FIXED_CLAUSES["conduct"][1] in html  # the fixed sentence stays


def test_template_refuses_empty_required_clause(world):
    fields = agreements.default_template_fields("individual")
    fields["insurance"] = "  "
    with pytest.raises(ServiceError, match="required clause"):
        services.agreement_template_save(
            by=world.coordinator, school=world.school_a, kind="individual", **fields
        )


def test_template_of_another_school_refused(world):
    with pytest.raises(ServiceError):
        services.agreement_template_save(
            by=world.coordinator2,
            school=world.school_a,
            kind="individual",
            **agreements.default_template_fields("individual"),
        )


def test_change_after_signing_starts_a_new_version(world, outbox):
    with outbox() as sent:
        placement = issued(world)
    placement = sign_all(world, sent.links(), placement)
    assert placement.status == S.SIGNED
    with outbox() as sent:
        services.agreement_revise(
            placement=placement,
            by=world.coordinator,
            reason="Andere einddatum",
            start_date=world.start,
            end_date=world.end.replace(day=15),
            hours=25,
            activity=placement.activity,
            tasks=placement.tasks,
        )
    placement.refresh_from_db()
    assert placement.status == S.AGREEMENT_ISSUED
    versions = list(AgreementVersion.objects.filter(agreement=placement.agreement))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].superseded_at is not None and versions[0].completed_at is not None
    assert versions[0].sha256 != versions[1].sha256
    assert bytes(versions[0].pdf).startswith(b"%PDF")  # the signed version stays stored
    assert len(sent.links()) == 4
    placement = sign_all(world, sent.links(), placement)
    assert placement.status == S.SIGNED
    assert (
        SignatureRequest.objects.filter(version=versions[1], signed_at__isnull=False).count() == 4
    )


def test_issue_refused_without_contact_email(world, outbox):
    from meedoen.placements.models import Agreement

    world.contact.email = ""
    world.contact.save()
    world.vacancy.contact = None
    world.vacancy.save()
    from .factories import approved

    placement = approved(world)
    placement.contact = None
    placement.save()
    with pytest.raises(ServiceError, match="contact person"):
        services.agreement_issue(placement=placement, by=world.coordinator)
    placement.refresh_from_db()
    assert placement.status == S.APPROVED
    assert not Agreement.objects.exists()
