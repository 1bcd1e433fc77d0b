"""Authorisation-matrix entries of the hours app's pages and API."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meedoen.core.tests.matrix import api_only, everyone, only

SCHOOL_SIDE = {"admin": 200, "coordinator": 200, "mentor": 200, "student_user": 200}
MANAGERS = {"admin": 200, "coordinator": 200}


def _active(w):
    from meedoen.hours.tests.fixtures import activate

    return activate(w.placement)


def _entry(w):
    from meedoen.hours.models import HourEntry

    placement = _active(w)
    return HourEntry.objects.create(
        placement=placement,
        date=timezone.localdate() - datetime.timedelta(days=1),
        minutes=60,
        activity="Helpen",
    )


def _token(w):
    from meedoen.directory.models import ContactPerson
    from meedoen.hours import services

    entry = _entry(w)
    ContactPerson.objects.create(organisation=w.org_x, name="C", email="c@x.example")
    return services.confirmation_request(actor=w.student_user, placement=entry.placement)[1]


def _file(w):
    from meedoen.hours import services
    from meedoen.hours.tests.fixtures import image_bytes

    return services.portfolio_file_add(
        actor=w.student_user,
        student=w.student,
        uploaded=SimpleUploadedFile("foto.png", image_bytes()),
    )


def _certificate(w):
    from meedoen.hours.models import Certificate

    return Certificate.objects.create(
        student=w.student,
        code="TEST-CODE-0001",
        student_name=w.student.full_name,
        school_name=w.school_a.name,
        hours=30,
    )


def _offer(w):
    from meedoen.hours.models import FollowUpOffer

    return FollowUpOffer.objects.create(placement=_active(w), role="Vrijwilliger")


MATRIX = {
    "hours:list": (None, "get", everyone(200)),
    "hours:create": (
        None,
        "get",
        only({**MANAGERS, "coordinator2": 200, "student_user": 200}),
    ),
    "hours:group": (None, "get", only({**MANAGERS, "coordinator2": 200})),
    "hours:edit": (
        lambda w: {"pk": _entry(w).pk},
        "get",
        only({**MANAGERS, "student_user": 200}),
    ),
    "hours:delete": (
        lambda w: {"pk": _entry(w).pk},
        "post",
        only({"admin": 302, "coordinator": 302, "student_user": 302}),
    ),
    "hours:request_confirmation": (
        lambda w: {"pk": _entry(w).placement_id},
        "post",
        only({"admin": 302, "coordinator": 302, "student_user": 302}),
    ),
    "hours:confirm": (lambda w: {"token": _token(w)}, "get", everyone(200, anonymous=200)),
    "hours:progress": (None, "get", everyone(200)),
    "hours:remind": (None, "post", everyone(302)),
    "hours:portfolio": (lambda w: {"pk": w.student.pk}, "get", only(SCHOOL_SIDE)),
    "hours:portfolio_pdf": (lambda w: {"pk": w.student.pk}, "get", only(SCHOOL_SIDE)),
    "hours:upload": (lambda w: {"pk": w.student.pk}, "get", only({"student_user": 200})),
    "hours:reflection": (
        lambda w: {"pk": w.placement.pk},
        "get",
        only({"student_user": 200}),
    ),
    "hours:file": (lambda w: {"pk": _file(w).pk}, "get", only(SCHOOL_SIDE)),
    "hours:file_delete": (
        lambda w: {"pk": _file(w).pk},
        "post",
        only({"student_user": 302}),
    ),
    "hours:certificate_issue": (
        lambda w: {"pk": w.student.pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "hours:certificate_pdf": (lambda w: {"pk": _certificate(w).pk}, "get", only(SCHOOL_SIDE)),
    "hours:verify": (None, "get", everyone(200, anonymous=200)),
    "hours:complete": (lambda w: {"pk": _active(w).pk}, "get", only(MANAGERS)),
    "hours:follow_up": (
        lambda w: {"pk": _active(w).pk},
        "get",
        only({"organisation": 200}),
    ),
    "hours:follow_up_respond": (
        lambda w: {"pk": _offer(w).pk},
        "post",
        only({"student_user": 302}),
    ),
    "hours:transfer": (lambda w: {"pk": w.student.pk}, "get", only(MANAGERS)),
    "hours:export": (lambda w: {"pk": w.student.pk}, "get", only(MANAGERS)),
    "hours:import": (None, "get", only({**MANAGERS, "coordinator2": 200})),
    "hours_api:hour-entry-list": (None, "get", everyone(200, anonymous=403)),
    "hours_api:hour-entry-detail": (
        lambda w: {"pk": _entry(w).pk},
        "get",
        api_only({**SCHOOL_SIDE, "organisation": 200}),
    ),
    "hours_api:hour-entry-request-confirmation": (
        None,
        "post",
        everyone(400, anonymous=403),
    ),
    "hours_api:confirmation-list": (None, "get", everyone(200, anonymous=403)),
    "hours_api:progress-list": (None, "get", everyone(200, anonymous=403)),
    "hours_api:progress-detail": (
        lambda w: {"pk": w.student.pk},
        "get",
        api_only(SCHOOL_SIDE),
    ),
    "hours_api:progress-export": (lambda w: {"pk": w.student.pk}, "get", api_only(MANAGERS)),
    "hours_api:certificate-verify": (
        lambda w: {"code": _certificate(w).code},
        "get",
        everyone(200, anonymous=200),
    ),
}
