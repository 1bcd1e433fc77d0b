"""The portfolio: reflection, uploads checked by their bytes and stored privately, the
access-checked file view, the page and its PDF."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meedoen.core.errors import ServiceError
from meedoen.hours import services
from meedoen.hours.models import PortfolioFile, Reflection
from meedoen.hours.uploads import MAX_UPLOAD_BYTES

from .fixtures import image_bytes

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(w, name, content, **kw):
    return services.portfolio_file_add(
        actor=w.student_user, student=w.student, uploaded=SimpleUploadedFile(name, content), **kw
    )


def test_reflection_with_guided_questions(world):
    services.reflection_save(
        actor=world.student_user,
        placement=world.placement,
        what_did_you_do="Koffie schenken",
        what_did_you_learn="Geduld",
        what_would_you_do_again="Ja",
        skills_used="Luisteren",
    )
    reflection = Reflection.objects.get()
    assert reflection.what_did_you_learn == "Geduld"


def test_only_the_student_writes_the_reflection(world):
    with pytest.raises(ServiceError):
        services.reflection_save(actor=world.coordinator, placement=world.placement)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.png", image_bytes("PNG")),
        ("foto.JPG", image_bytes("JPEG")),
        ("foto.webp", image_bytes("WEBP")),
        ("verslag.pdf", PDF_BYTES),
    ],
)
def test_allowed_uploads_are_stored_privately(world, name, content, settings):
    item = upload(world, name, content, caption="Op de stage")
    path = item.file.path
    assert path.startswith(os.path.join(str(settings.MEDIA_ROOT), "private"))
    assert os.path.basename(path) != name  # random name on disk
    assert item.original_name == name
    with open(path, "rb") as fh:
        assert fh.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.png", b"this is plain text, not a picture", "not what its name says"),
        ("foto.jpg", PDF_BYTES, "not what its name says"),
        ("verslag.pdf", image_bytes("PNG"), "not what its name says"),
        ("programma.exe", b"MZ\x90\x00\x03\x00\x00\x00", "not what its name says"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "cannot be read"),
        ("foto.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not what its name"),
        ("leeg.png", b"", "empty"),
    ],
)
def test_uploads_are_checked_by_their_bytes(world, name, content, message):
    with pytest.raises(ServiceError, match=message):
        upload(world, name, content)
    assert not PortfolioFile.objects.exists()


def test_too_large_upload_is_refused(world):
    big = SimpleUploadedFile("groot.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ServiceError, match="5 MB"):
        services.portfolio_file_add(actor=world.student_user, student=world.student, uploaded=big)


def test_others_cannot_upload_to_a_portfolio(world):
    with pytest.raises(ServiceError):
        services.portfolio_file_add(
            actor=world.coordinator,
            student=world.student,
            uploaded=SimpleUploadedFile("foto.png", image_bytes()),
        )


def test_upload_through_the_page(world, client):
    client.force_login(world.student_user)
    url = reverse("hours:upload", kwargs={"pk": world.student.pk})
    bad = client.post(url, {"file": SimpleUploadedFile("foto.png", b"GIF89a nope")})
    assert bad.status_code == 200
    assert "not what its name says" in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("foto.png", image_bytes())})
    assert good.status_code == 302
    assert PortfolioFile.objects.count() == 1


def test_file_is_served_only_through_the_access_checked_view(world, client):
    item = upload(world, "foto.png", image_bytes())
    url = reverse("hours:file", kwargs={"pk": item.pk})
    for persona, status in [
        ("student_user", 200),
        ("coordinator", 200),
        ("mentor", 200),
        ("admin", 200),
        ("organisation", 404),
        ("coordinator2", 404),
        ("broker", 404),
        ("outsider", 404),
    ]:
        client.force_login(getattr(world, persona))
        response = client.get(url)
        assert response.status_code == status, persona
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == image_bytes()
    client.logout()
    assert client.get(url).status_code == 302


def test_portfolio_page_and_pdf(world, client):
    services.reflection_save(
        actor=world.student_user,
        placement=world.placement,
        what_did_you_do="Koffie schenken bij de bewoners",
    )
    upload(world, "foto.png", image_bytes(), caption="Bij de bewoners")
    client.force_login(world.student_user)
    page = client.get(reverse("hours:portfolio", kwargs={"pk": world.student.pk}))
    assert "Koffie schenken bij de bewoners" in page.content.decode()
    pdf = client.get(reverse("hours:portfolio_pdf", kwargs={"pk": world.student.pk}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_organisation_and_outsider_see_no_portfolio(world, client):
    for persona in ("organisation", "outsider", "coordinator2", "broker"):
        client.force_login(getattr(world, persona))
        for name in ("hours:portfolio", "hours:portfolio_pdf"):
            response = client.get(reverse(name, kwargs={"pk": world.student.pk}))
            assert response.status_code == 404, (persona, name)


def test_student_removes_a_file(world, client):
    item = upload(world, "foto.png", image_bytes())
    path = item.file.path
    client.force_login(world.student_user)
    with_commit = client.post(reverse("hours:file_delete", kwargs={"pk": item.pk}))
    assert with_commit.status_code == 302
    assert not PortfolioFile.objects.exists()
    del path  # the file goes after commit (tests roll back, so it stays on disk here)
