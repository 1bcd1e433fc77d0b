"""The organisation's confirmation link: confirm, dispute, and every bad link."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meedoen.core.errors import ServiceError
from meedoen.core.tests.html import without_csrf
from meedoen.hours import services
from meedoen.hours.models import ConfirmationLink, EntryStatus, HourEntry

from .fixtures import day

NEUTRAL = "This link cannot be used"


@pytest.fixture
def logged(world):
    entries = [
        services.hour_entry_log(
            actor=world.student_user,
            placement=world.placement,
            date=day(-n),
            activity=f"Middag {n}",
            minutes=120,
        )
        for n in (1, 2, 3)
    ]
    return world, entries


def send(w, entries=None):
    return services.confirmation_request(
        actor=w.student_user, placement=w.placement, entries=entries
    )


def post_decisions(client, token, decisions, **extra):
    data = {f"decision-{pk}": choice for pk, (choice, _r) in decisions.items()}
    data.update({f"reason-{pk}": reason for pk, (_c, reason) in decisions.items()})
    data.update(extra)
    return client.post(reverse("hours:confirm", kwargs={"token": token}), data)


def test_token_is_stored_only_as_its_hash(logged):
    w, entries = logged
    link, token = send(w)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ConfirmationLink.objects.filter(token_hash=token).exists()
    assert link.email == "contact@zorgx.example"
    assert link.expires_at > timezone.now() + datetime.timedelta(days=13)


def test_request_mails_the_contact_after_commit(logged, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    w, entries = logged
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        link, token = send(w)
    assert not DBTaskResult.objects.exists()  # nothing is queued inside the transaction
    for callback in callbacks:
        callback()
    message = DBTaskResult.objects.get().args_kwargs["kwargs"]
    assert message["to"] == ["contact@zorgx.example"]
    assert token in message["body"]
    assert "Sanne Jansen" in message["body"]


@pytest.mark.parametrize(("count", "words"), [(1, "1 regel ("), (3, "3 regels (")])
def test_request_mail_counts_entries_in_good_dutch(
    logged, django_capture_on_commit_callbacks, count, words
):
    from django_tasks_db.models import DBTaskResult

    w, entries = logged
    with django_capture_on_commit_callbacks(execute=True):
        send(w, entries=entries[:count])
    body = DBTaskResult.objects.get().args_kwargs["kwargs"]["body"]
    assert words in body


def test_contact_confirms_a_batch_without_account(logged, client):
    w, entries = logged
    _link, token = send(w)
    page = client.get(reverse("hours:confirm", kwargs={"token": token}))
    assert page.status_code == 200
    assert "Middag 2" in page.content.decode()
    response = post_decisions(
        client,
        token,
        {
            entries[0].pk: ("confirm", ""),
            entries[1].pk: ("confirm", ""),
            entries[2].pk: ("dispute", "Was er die dag niet"),
        },
        name="Olga",
    )
    assert response.status_code == 200
    statuses = dict(HourEntry.objects.values_list("pk", "status"))
    assert statuses[entries[0].pk] == EntryStatus.CONFIRMED
    assert statuses[entries[2].pk] == EntryStatus.DISPUTED
    assert HourEntry.objects.get(pk=entries[2].pk).dispute_reason == "Was er die dag niet"
    assert HourEntry.objects.get(pk=entries[0].pk).reviewed_by == "Olga"


def test_one_entry_link(logged, client):
    w, entries = logged
    link, token = send(w, entries=[entries[1]])
    assert list(link.entries.all()) == [entries[1]]
    post_decisions(client, token, {entries[1].pk: ("confirm", "")})
    assert HourEntry.objects.filter(status=EntryStatus.CONFIRMED).count() == 1


def test_dispute_without_reason_changes_nothing(logged, client):
    w, entries = logged
    _link, token = send(w, entries=[entries[0]])
    response = post_decisions(client, token, {entries[0].pk: ("dispute", " ")})
    assert response.status_code == 200
    assert "reason" in response.content.decode()
    assert not HourEntry.objects.exclude(status=EntryStatus.UNCONFIRMED).exists()
    assert ConfirmationLink.objects.get().used_at is None


def _expire(link):
    ConfirmationLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _use(link):
    ConfirmationLink.objects.filter(pk=link.pk).update(used_at=timezone.now())


def _edit_entry(link):
    entry = link.entries.first()
    services.hour_entry_edit(
        actor=entry.placement.student.user,
        entry=entry,
        date=entry.date,
        activity="Gewijzigd",
        minutes=entry.minutes,
    )


@pytest.mark.parametrize(
    "spoil", ["forged", "expired", "used", "edited"], ids=lambda s: f"{s}-link"
)
def test_bad_links_get_one_neutral_message_and_change_nothing(logged, client, spoil):
    w, entries = logged
    link, token = send(w, entries=[entries[0]])
    if spoil == "forged":
        token = token[:-3] + "abc"
    elif spoil == "expired":
        _expire(link)
    elif spoil == "used":
        _use(link)
    else:
        _edit_entry(link)
    before = list(HourEntry.objects.order_by("pk").values_list("status", "version"))
    url = reverse("hours:confirm", kwargs={"token": token})
    got = client.get(url)
    posted = post_decisions(client, token, {entries[0].pk: ("confirm", "")})
    for response in (got, posted):
        assert response.status_code == 404
        assert NEUTRAL in response.content.decode()
        assert "Sanne" not in response.content.decode()
    assert list(HourEntry.objects.order_by("pk").values_list("status", "version")) == before


def test_all_bad_links_look_the_same(logged, client):
    w, entries = logged
    forged = client.get(reverse("hours:confirm", kwargs={"token": "x" * 43})).content
    link, token = send(w, entries=[entries[0]])
    _expire(link)
    expired = client.get(reverse("hours:confirm", kwargs={"token": token})).content
    # The pages differ only in the address echoed in the language switch.
    assert without_csrf(forged).replace("x" * 43, "T") == without_csrf(expired).replace(token, "T")


def test_a_link_works_once(logged, client):
    w, entries = logged
    _link, token = send(w, entries=[entries[0]])
    post_decisions(client, token, {entries[0].pk: ("confirm", "")})
    again = post_decisions(client, token, {entries[0].pk: ("dispute", "toch niet")})
    assert again.status_code == 404
    assert HourEntry.objects.get(pk=entries[0].pk).status == EntryStatus.CONFIRMED


def test_service_refuses_entries_outside_the_link(logged):
    w, entries = logged
    _link, token = send(w, entries=[entries[0]])
    with pytest.raises(ServiceError, match="cannot be used"):
        services.confirmation_decide(
            token=token,
            decisions={entries[0].pk: ("confirm", ""), entries[1].pk: ("confirm", "")},
        )
    assert not HourEntry.objects.filter(status=EntryStatus.CONFIRMED).exists()


def test_nothing_waiting_is_refused(world):
    with pytest.raises(ServiceError, match="no hours waiting"):
        services.confirmation_request(actor=world.student_user, placement=world.placement)


def test_only_the_student_or_school_may_request(logged):
    w, _entries = logged
    with pytest.raises(ServiceError):
        services.confirmation_request(actor=w.coordinator2, placement=w.placement)


def test_weekly_reminders(logged):
    w, _entries = logged
    call_command("send_hour_reminders", verbosity=0)
    assert ConfirmationLink.objects.count() == 1
    assert ConfirmationLink.objects.get().entries.count() == 3
    call_command("send_hour_reminders", verbosity=0)
    assert ConfirmationLink.objects.count() == 1  # not twice in one week
    ConfirmationLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert services.hour_reminders_send() == 1
    assert ConfirmationLink.objects.count() == 2


def test_no_reminder_when_everything_is_confirmed(logged):
    HourEntry.objects.update(status=EntryStatus.CONFIRMED)
    assert services.hour_reminders_send() == 0


def test_request_page_posts_redirect_with_message(logged, client):
    w, _entries = logged
    client.force_login(w.student_user)
    response = client.post(
        reverse("hours:request_confirmation", kwargs={"pk": w.placement.pk}), follow=True
    )
    assert "3" in response.content.decode()
    assert ConfirmationLink.objects.count() == 1
