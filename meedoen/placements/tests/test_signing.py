"""Signing by personal link: the good flow and every bad link.

Expired, revoked, reused and forged links all answer with the same page and status, so a
link reveals nothing about whether it ever existed.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.core.errors import ServiceError
from meedoen.core.tests.html import without_csrf
from meedoen.placements import services
from meedoen.placements.criteria import rules_for
from meedoen.placements.models import Party, PlacementStatus, SignatureRequest

from .factories import issued, sign_all

pytestmark = pytest.mark.django_db
S = PlacementStatus


@pytest.fixture
def links(world, outbox):
    with outbox() as sent:
        placement = issued(world)
    tokens = {
        SignatureRequest.objects.get(token_hash=services.hash_token(t)).party: t
        for t in sent.links()
    }
    return placement, tokens, sent


def sign_page(client, token, **data):
    url = reverse("placements:sign", kwargs={"token": token})
    return client.post(url, data) if data else client.get(url)


def test_tokens_are_stored_only_as_hashes(links):
    _placement, tokens, _sent = links
    for token in tokens.values():
        assert not SignatureRequest.objects.filter(token_hash=token).exists()
        assert SignatureRequest.objects.filter(token_hash=services.hash_token(token)).exists()


def test_link_shows_agreement_then_signs_and_records(client, links):
    placement, tokens, _sent = links
    page = sign_page(client, tokens[Party.GUARDIAN])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stageovereenkomst" in text and "Petra Jansen" in text
    assert reverse("placements:sign_pdf", kwargs={"token": tokens[Party.GUARDIAN]}) in text
    pdf = client.get(reverse("placements:sign_pdf", kwargs={"token": tokens[Party.GUARDIAN]}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    done = sign_page(
        client,
        tokens[Party.GUARDIAN],
        typed_name="petra  jansen",
        confirm="on",
        REMOTE_ADDR="203.0.113.5",
    )
    assert done.status_code == 200
    request = SignatureRequest.objects.get(party=Party.GUARDIAN)
    assert request.signed_at is not None
    assert request.signed_name == "petra jansen"
    assert request.signed_ip == "127.0.0.1"  # the test client's address
    assert request.signed_document_sha256 == placement.agreement.current_version.sha256
    assert placement.events.filter(action="sign").count() == 1


def test_wrong_name_or_no_confirmation_changes_nothing(client, links):
    _placement, tokens, _sent = links
    page = sign_page(client, tokens[Party.STUDENT], typed_name="Iemand Anders", confirm="on")
    assert page.status_code == 200 and "Sanne Jansen" in page.content.decode()
    page = sign_page(client, tokens[Party.STUDENT], typed_name="Sanne Jansen")
    assert page.status_code == 200
    assert not SignatureRequest.objects.filter(signed_at__isnull=False).exists()


def neutral(client, token):
    """The response, with the token (in the language switch's return path) blanked out."""
    response = sign_page(client, token)
    assert response.status_code == 404
    return without_csrf(response.content).replace(token, "TOKEN")


def test_every_bad_link_answers_alike(client, world, links):
    placement, tokens, _sent = links
    forged = neutral(client, "x" * 43)
    # reused
    services.agreement_sign(
        token=tokens[Party.STUDENT], typed_name="Sanne Jansen", confirmed=True, ip="192.0.2.1"
    )
    reused = neutral(client, tokens[Party.STUDENT])
    # revoked
    request = SignatureRequest.objects.get(party=Party.ORGANISATION)
    services.signature_request_revoke(by=world.coordinator, request=request)
    revoked = neutral(client, tokens[Party.ORGANISATION])
    # expired
    SignatureRequest.objects.filter(party=Party.SCHOOL).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    expired = neutral(client, tokens[Party.SCHOOL])
    assert forged == reused == revoked == expired
    # and the same via POST and for the PDF
    assert sign_page(client, tokens[Party.STUDENT], typed_name="x", confirm="on").status_code == 404
    pdf = client.get(reverse("placements:sign_pdf", kwargs={"token": tokens[Party.SCHOOL]}))
    assert pdf.status_code == 404 and b"Stageovereenkomst" not in pdf.content
    with pytest.raises(services.InvalidLink):
        services.agreement_sign(
            token=tokens[Party.STUDENT], typed_name="Sanne Jansen", confirmed=True, ip=None
        )
    placement.refresh_from_db()
    assert placement.status == S.AGREEMENT_ISSUED


def test_resend_replaces_the_link(world, links, outbox):
    _placement, tokens, _sent = links
    request = SignatureRequest.objects.get(party=Party.ORGANISATION)
    services.signature_request_revoke(by=world.coordinator, request=request)
    with outbox() as sent:
        services.signature_request_resend(by=world.coordinator, request=request)
    [new] = sent.links()
    with pytest.raises(services.InvalidLink):
        services.signing_request_for_token(tokens[Party.ORGANISATION])
    assert services.signing_request_for_token(new).pk == request.pk


def test_resend_refused_for_other_school(world, links):
    request = SignatureRequest.objects.get(party=Party.ORGANISATION)
    with pytest.raises(ServiceError):
        services.signature_request_resend(by=world.coordinator2, request=request)


def test_either_guardian_may_sign_and_the_second_is_told(world, outbox):
    from meedoen.students.models import Guardian

    Guardian.objects.create(student=world.student, name="Jan Jansen", email="jan@example.org")
    with outbox() as sent:
        placement = issued(world)
    petra = sent.links("petra@example.org")[0]
    jan = sent.links("jan@example.org")[0]
    services.agreement_sign(token=petra, typed_name="Petra Jansen", confirmed=True, ip=None)
    with pytest.raises(ServiceError, match="already been signed"):
        services.agreement_sign(token=jan, typed_name="Jan Jansen", confirmed=True, ip=None)
    others = [t for t in sent.links() if t not in (petra, jan)]
    placement = sign_all(world, others, placement)
    assert placement.status == S.SIGNED


def test_school_may_require_both_guardians(world, outbox):
    from meedoen.students.models import Guardian

    Guardian.objects.create(student=world.student, name="Jan Jansen", email="jan@example.org")
    rules = rules_for(world.school_a)
    rules.require_both_guardians = True
    rules.save()
    with outbox() as sent:
        placement = issued(world)
    all_but_jan = [t for t in sent.links() if t not in sent.links("jan@example.org")]
    placement = sign_all(world, all_but_jan, placement)
    assert placement.status == S.AGREEMENT_ISSUED
    placement = sign_all(world, sent.links("jan@example.org"), placement)
    assert placement.status == S.SIGNED


def test_no_guardian_needed_from_the_schools_age(world, outbox):
    world.student.date_of_birth = datetime.date(2010, 1, 1)  # 17 at the start
    world.student.save()
    with outbox() as sent:
        issued(world)
    assert not SignatureRequest.objects.filter(party=Party.GUARDIAN).exists()
    assert len(sent.links()) == 3


def test_old_version_links_stop_working(world, links, outbox):
    placement, tokens, _sent = links
    with outbox():
        services.agreement_revise(
            placement=placement,
            by=world.coordinator,
            reason="Uren",
            start_date=world.start,
            end_date=world.end,
            hours=20,
            activity=placement.activity,
            tasks="",
        )
    with pytest.raises(services.InvalidLink):
        services.signing_request_for_token(tokens[Party.STUDENT])


def test_reminders_send_fresh_links_once(world, links, outbox):
    _placement, tokens, _sent = links
    assert services.send_signing_reminders() == 0  # too soon
    later = timezone.now() + datetime.timedelta(days=4)
    with outbox() as sent:
        assert services.send_signing_reminders(now=later) == 4
    assert len(sent.links()) == 4 and all(
        "Reminder" in m.subject or "Herinnering" in m.subject for m in sent.messages
    )
    assert services.send_signing_reminders(now=later) == 0  # claimed: not twice
    with pytest.raises(services.InvalidLink):
        services.signing_request_for_token(tokens[Party.STUDENT])


def test_reminder_command_runs(links):
    from django.core.management import call_command

    call_command("send_signing_reminders", verbosity=0)


def test_guardian_view_link(client, links):
    placement, _tokens, sent = links
    [view] = sent.view_links("petra@example.org")
    page = client.get(reverse("placements:guardian_view", kwargs={"token": view}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Zorgcentrum X" in text and "Petra Jansen" in text
    assert "Dyslexie" not in text  # support needs are not for this page
    pdf = client.get(reverse("placements:guardian_pdf", kwargs={"token": view}))
    assert pdf.content.startswith(b"%PDF")
    bad = client.get(reverse("placements:guardian_view", kwargs={"token": "y" * 43}))
    assert bad.status_code == 404
