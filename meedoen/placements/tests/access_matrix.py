"""Authorisation-matrix entries of the placements pages and API.

The placement of the personas (Sanne at organisation X, approved) is seen by the admin, the
coordinator of school A, organisation X and Sanne herself. Signing and parents' links need
no account: a valid link opens for anyone who holds it.
"""

from meedoen.core.tests.matrix import api_only, everyone, only

SEEN = {"admin": 200, "coordinator": 200, "organisation": 200, "student_user": 200}
POST_SEEN = dict.fromkeys(SEEN, 302)
SCHOOL_STAFF = {"admin": 200, "coordinator": 200, "coordinator2": 200}
TOKEN = "matrix-test-token-0123456789abcdefghijklmnop"
VIEW_TOKEN = "matrix-view-token-0123456789abcdefghijklmnop"


def _issued(w):
    """Issue the agreement of the personas' placement; give two requests known tokens."""
    from meedoen.directory.models import ContactPerson
    from meedoen.placements import services
    from meedoen.placements.models import Party, SignatureRequest

    if not hasattr(w, "_version"):
        ContactPerson.objects.get_or_create(
            organisation=w.org_x, defaults={"name": "Olga", "email": "olga@example.org"}
        )
        services.agreement_issue(placement=w.placement, by=w.coordinator)
        version = w.placement.agreement.current_version
        guardian = SignatureRequest.objects.get(version=version, party=Party.GUARDIAN)
        SignatureRequest.objects.filter(pk=guardian.pk).update(
            token_hash=services.hash_token(TOKEN),
            view_token_hash=services.hash_token(VIEW_TOKEN),
        )
        w._version = version
        w._request = guardian
    return w


def _group(w):
    from meedoen.placements import services

    group = services.placement_group_create(
        by=w.coordinator,
        students=[w.student_a2],
        name="A2",
        organisation=w.org_x,
        activity="Tuin",
        start_date=__import__("datetime").date(2027, 2, 1),
        end_date=__import__("datetime").date(2027, 3, 1),
    )
    return {"pk": group.pk}


def _vacancy(w):
    from .conftest import make_vacancy

    return {"vacancy_pk": make_vacancy(w.org_x).pk}


MATRIX = {
    "placements:list": (None, "get", everyone(200)),
    "placements:create": (None, "get", only({**SCHOOL_STAFF, "broker": 200})),
    "placements:group_create": (None, "get", only(SCHOOL_STAFF)),
    "placements:group_detail": (
        _group,
        "get",
        only({"admin": 200, "coordinator": 200, "organisation": 200}),
    ),
    "placements:propose": (None, "get", only({"student_user": 200})),
    "placements:apply": (_vacancy, "get", only({"student_user": 200})),
    "placements:settings": (None, "get", only(SCHOOL_STAFF)),
    "placements:template_edit": (lambda w: {"kind": "individual"}, "get", only(SCHOOL_STAFF)),
    "placements:detail": (lambda w: {"pk": w.placement.pk}, "get", only(SEEN)),
    "placements:action": (lambda w: {"pk": w.placement.pk}, "post", only(POST_SEEN)),
    "placements:issue": (lambda w: {"pk": w.placement.pk}, "post", only(POST_SEEN)),
    "placements:revise": (
        lambda w: {"pk": _issued(w).placement.pk},
        "get",
        only({"admin": 200, "coordinator": 200}),
    ),
    "placements:agreement_pdf": (lambda w: {"pk": _issued(w)._version.pk}, "get", only(SEEN)),
    "placements:signature_resend": (
        lambda w: {"pk": _issued(w)._request.pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "placements:signature_revoke": (
        lambda w: {"pk": _issued(w)._request.pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "placements:sign": (
        lambda w: {"token": _issued(w) and TOKEN},
        "get",
        everyone(200, anonymous=200),
    ),
    "placements:sign_pdf": (
        lambda w: {"token": _issued(w) and TOKEN},
        "get",
        everyone(200, anonymous=200),
    ),
    "placements:guardian_view": (
        lambda w: {"token": _issued(w) and VIEW_TOKEN},
        "get",
        everyone(200, anonymous=200),
    ),
    "placements:guardian_pdf": (
        lambda w: {"token": _issued(w) and VIEW_TOKEN},
        "get",
        everyone(200, anonymous=200),
    ),
    "placements_api:placement-list": (None, "get", everyone(200, anonymous=403)),
    "placements_api:placement-detail": (lambda w: {"pk": w.placement.pk}, "get", api_only(SEEN)),
    "placements_api:placement-transition": (
        lambda w: {"pk": w.placement.pk},
        "post",
        api_only(dict.fromkeys(SEEN, 400)),
    ),
    "placements_api:placement-agreement": (
        lambda w: {"pk": w.placement.pk},
        "get",
        api_only(SEEN),
    ),
}
