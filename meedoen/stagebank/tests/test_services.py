"""The offer services and the review workflow: every allowed change, refusals, rights."""

import datetime

import pytest
from django.core import mail

from meedoen.core.errors import ServiceError
from meedoen.stagebank import services
from meedoen.stagebank.models import QualityCriterion, Vacancy, VacancyEvent
from meedoen.stagebank.workflows import TRANSITIONS

from .helpers import S, make_offer, offer_data

pytestmark = pytest.mark.django_db


def codes(w):
    return [c.code for c in services.quality_criteria_for(w.region)]


def test_create_records_a_draft_and_its_event(personas):
    v = services.vacancy_create(
        actor=personas.organisation, organisation=personas.org_x, data=offer_data()
    )
    assert v.status == S.DRAFT and v.created_by == personas.organisation
    assert list(v.events.values_list("to_status", flat=True)) == [S.DRAFT]


def test_location_defaults_to_the_organisation(personas):
    org = personas.org_x
    org.street, org.postcode, org.latitude, org.longitude = "Kerkweg 1", "2312 AB", 52.16, 4.48
    org.save()
    data = offer_data(street="", postcode="", city="", latitude=None, longitude=None)
    v = services.vacancy_create(actor=personas.organisation, organisation=org, data=data)
    assert (v.street, v.postcode, v.latitude, v.longitude) == ("Kerkweg 1", "2312 AB", 52.16, 4.48)


def test_postcode_without_coordinates_is_approximated(personas):
    data = offer_data(postcode="2351AB", latitude=None, longitude=None)
    v = services.vacancy_create(actor=personas.broker, organisation=personas.org_x, data=data)
    assert v.postcode == "2351 AB"
    assert v.latitude == pytest.approx(52.16, abs=0.02)


@pytest.mark.parametrize("who", ["student_user", "coordinator", "organisation_y", "outsider"])
def test_only_contacts_broker_and_admin_write_offers(personas, who):
    with pytest.raises(ServiceError):
        services.vacancy_create(
            actor=getattr(personas, who), organisation=personas.org_x, data=offer_data()
        )
    assert not Vacancy.objects.exists()


def test_full_journey_return_resubmit_publish(personas, django_capture_on_commit_callbacks):
    w = personas
    v = make_offer(w, S.DRAFT, actor=w.organisation)
    v = services.vacancy_submit(actor=w.organisation, vacancy=v)
    assert v.status == S.SUBMITTED and v.submitted_at
    with django_capture_on_commit_callbacks(execute=True):
        v = services.vacancy_return(actor=w.broker, vacancy=v, reason="Noem de begeleider.")
    assert v.status == S.RETURNED and v.return_reason == "Noem de begeleider."
    v = services.vacancy_update(actor=w.organisation, vacancy=v, data={"title": "Koffie!"})
    v = services.vacancy_submit(actor=w.organisation, vacancy=v)
    v = services.vacancy_publish(actor=w.broker, vacancy=v, checklist=codes(w))
    assert v.status == S.PUBLISHED and v.published_at and v.return_reason == ""
    events = list(v.events.order_by("pk"))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.PUBLISHED),
    ]
    assert events[2].actor == w.broker and events[2].reason == "Noem de begeleider."
    assert set(events[4].checklist) == set(codes(w)) and all(events[4].checklist.values())


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS))
def test_every_allowed_transition(personas, source, target):
    w = personas
    v = make_offer(w, source)
    actor = w.broker if TRANSITIONS[(source, target)] == "broker" else w.organisation
    if target == S.PUBLISHED and source == S.SUBMITTED:
        v = services.vacancy_publish(actor=actor, vacancy=v, checklist=codes(w))
    elif target == S.RETURNED:
        v = services.vacancy_return(actor=actor, vacancy=v, reason="Graag aanpassen.")
    else:
        service = {
            S.SUBMITTED: services.vacancy_submit,
            S.PAUSED: services.vacancy_pause,
            S.PUBLISHED: services.vacancy_resume,
            S.CLOSED: services.vacancy_close,
            S.ARCHIVED: services.vacancy_archive,
        }[target]
        v = service(actor=actor, vacancy=v)
    assert v.status == target
    last = v.events.order_by("-pk").first()
    assert (last.from_status, last.to_status, last.actor) == (source, target, actor)


@pytest.mark.parametrize(
    ("state", "service"),
    [
        (S.DRAFT, "vacancy_pause"),
        (S.PUBLISHED, "vacancy_submit"),
        (S.ARCHIVED, "vacancy_close"),
        (S.SUBMITTED, "vacancy_resume"),
        (S.PUBLISHED, "vacancy_archive"),
    ],
)
def test_a_transition_not_in_the_table_is_refused_and_changes_nothing(personas, state, service):
    v = make_offer(personas, state)
    before = VacancyEvent.objects.count()
    with pytest.raises(ServiceError):
        getattr(services, service)(actor=personas.broker, vacancy=v)
    v.refresh_from_db()
    assert v.status == state and VacancyEvent.objects.count() == before


def test_publish_refuses_a_non_submitted_offer(personas):
    v = make_offer(personas, S.PAUSED)
    with pytest.raises(ServiceError):
        services.vacancy_publish(actor=personas.broker, vacancy=v, checklist=codes(personas))


@pytest.mark.parametrize("who", ["organisation", "organisation_y", "coordinator", "student_user"])
def test_only_the_broker_publishes_returns_and_archives(personas, who):
    w = personas
    v = make_offer(w, S.SUBMITTED)
    actor = getattr(w, who)
    with pytest.raises(ServiceError):
        services.vacancy_publish(actor=actor, vacancy=v, checklist=codes(w))
    with pytest.raises(ServiceError):
        services.vacancy_return(actor=actor, vacancy=v, reason="Niet goed genoeg.")
    closed = make_offer(w, S.CLOSED)
    with pytest.raises(ServiceError):
        services.vacancy_archive(actor=actor, vacancy=closed)


@pytest.mark.parametrize("who", ["organisation_y", "coordinator", "student_user", "mentor"])
def test_organisation_transitions_need_contact_or_broker(personas, who):
    v = make_offer(personas, S.DRAFT)
    with pytest.raises(ServiceError):
        services.vacancy_submit(actor=getattr(personas, who), vacancy=v)
    v.refresh_from_db()
    assert v.status == S.DRAFT


def test_broker_of_another_region_may_not(personas):
    from meedoen.core.tests import factories as f
    from meedoen.directory.models import Role

    other = f.UserFactory(username="broker2")
    f.MembershipFactory(user=other, role=Role.BROKER, region=f.RegionFactory())
    v = make_offer(personas, S.SUBMITTED)
    with pytest.raises(ServiceError):
        services.vacancy_publish(actor=other, vacancy=v, checklist=codes(personas))


def test_checklist_is_required(personas):
    w = personas
    v = make_offer(w, S.SUBMITTED)
    with pytest.raises(ServiceError, match="Tick every quality criterion"):
        services.vacancy_publish(actor=w.broker, vacancy=v, checklist=codes(w)[:-1])
    v.refresh_from_db()
    assert v.status == S.SUBMITTED
    # Inactive criteria are not needed; a new active one is.
    QualityCriterion.objects.filter(region=w.region, code="clear-task").update(active=False)
    services.quality_criterion_save(actor=w.broker, region=w.region, label="Hesje aanwezig")
    with pytest.raises(ServiceError):
        services.vacancy_publish(actor=w.broker, vacancy=v, checklist=codes(w)[:-1])
    services.vacancy_publish(actor=w.broker, vacancy=v, checklist=codes(w))


def test_reason_is_required_to_return(personas):
    v = make_offer(personas, S.SUBMITTED)
    for reason in ("", "   ", "no"):
        with pytest.raises(ServiceError, match="Say why"):
            services.vacancy_return(actor=personas.broker, vacancy=v, reason=reason)
    v.refresh_from_db()
    assert v.status == S.SUBMITTED


def test_returned_and_published_mail_the_contact(personas, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from meedoen.directory.models import ContactPerson

    contact = ContactPerson.objects.create(
        organisation=personas.org_x, name="Olga", email="olga@zorgcentrum.example"
    )
    v = make_offer(personas, S.SUBMITTED, contact=contact)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vacancy_return(actor=personas.broker, vacancy=v, reason="Noem de begeleider.")
    assert DBTaskResult.objects.count() == 0  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["kwargs"]["to"] == ["olga@zorgcentrum.example"]
    assert "Noem de begeleider." in job.args_kwargs["kwargs"]["body"]
    assert not mail.outbox  # sent by the worker, not in the request
    v = services.vacancy_submit(actor=personas.organisation, vacancy=v)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(actor=personas.broker, vacancy=v, checklist=codes(personas))
    assert DBTaskResult.objects.count() == 2


def test_update_only_while_editable(personas):
    v = make_offer(personas, S.PUBLISHED)
    with pytest.raises(ServiceError, match="only be changed"):
        services.vacancy_update(actor=personas.organisation, vacancy=v, data={"title": "Nieuw"})
    draft = make_offer(personas, S.DRAFT)
    with pytest.raises(ServiceError):
        services.vacancy_update(actor=personas.organisation_y, vacancy=draft, data={"title": "X"})
    with pytest.raises(ServiceError) as exc:
        services.vacancy_update(actor=personas.organisation, vacancy=draft, data={"capacity": 0})
    assert "capacity" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.capacity == 2


def test_renew_copies_into_next_year_as_draft(personas):
    v = make_offer(personas, S.CLOSED)
    # A leap day shifts to 28 February.
    Vacancy.objects.filter(pk=v.pk).update(
        start_date=datetime.date(2028, 2, 29), end_date=datetime.date(2028, 3, 10)
    )
    v.refresh_from_db()
    copy = services.vacancy_renew(actor=personas.organisation, vacancy=v)
    assert copy.pk != v.pk and copy.status == S.DRAFT and copy.renewed_from == v
    assert copy.school_year == v.school_year + 1
    assert copy.start_date == datetime.date(2029, 2, 28)
    assert copy.end_date == datetime.date(2029, 3, 10)
    assert copy.title == v.title and copy.levels == v.levels
    v.refresh_from_db()
    assert v.status == S.CLOSED
    with pytest.raises(ServiceError, match="already been renewed"):
        services.vacancy_renew(actor=personas.organisation, vacancy=v)
    with pytest.raises(ServiceError):
        services.vacancy_renew(actor=personas.organisation, vacancy=make_offer(personas, S.DRAFT))


def test_quality_criteria_default_set_per_region(personas):
    criteria = list(services.quality_criteria_for(personas.region))
    assert [c.code for c in criteria] == [
        "non-profit",
        "no-paid-work",
        "supervision",
        "safe-for-minors",
        "clear-task",
    ]
    services.quality_criteria_for(personas.region)
    assert QualityCriterion.objects.filter(region=personas.region).count() == 5
    with pytest.raises(ServiceError):
        services.quality_criterion_save(
            actor=personas.organisation, region=personas.region, label="Mag niet"
        )


def test_demo_offers_are_valid(personas):
    import random

    from meedoen.stagebank.demo import build_vacancy
    from meedoen.students.models import current_school_year

    org = personas.org_x
    org.latitude, org.longitude, org.sectors = 52.16, 4.49, ["care", "sport"]
    rng = random.Random(1)
    for _ in range(200):
        v = build_vacancy(rng, org, school_year=current_school_year())
        data = {f: getattr(v, f) for f in services.CONTENT_FIELDS}
        assert services.vacancy_data_errors(data, organisation=org) == {}
