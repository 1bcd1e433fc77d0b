"""Helpers to write authorisation-matrix entries: the personas and expectation builders.

Each app lists its URLs in ``meedoen/<app>/tests/access_matrix.py`` as ``MATRIX = {url name:
(kwargs builder or None, method, {persona: status})}``; the personas are those of the
``personas`` fixture in ``meedoen/conftest.py``. ``core/tests/test_access_matrix.py``
collects them all and fails for any URL without an entry.
"""

PERSONAS = [
    "anonymous",
    "admin",
    "broker",
    "municipality_user",
    "projectlead",
    "coordinator",
    "coordinator2",
    "mentor",
    "organisation",
    "organisation_y",
    "student_user",
    "outsider",
]
STAFF_SEEING_REGION = [
    "admin", "broker", "municipality_user", "projectlead", "coordinator", "coordinator2",
    "mentor", "organisation", "organisation_y", "student_user",
]  # fmt: skip


def everyone(code_logged_in: int, anonymous: int = 302) -> dict[str, int]:
    return {p: (anonymous if p == "anonymous" else code_logged_in) for p in PERSONAS}


def only(allowed: dict[str, int], *, anonymous: int = 302, others: int = 404) -> dict[str, int]:
    out = {p: others for p in PERSONAS}
    out["anonymous"] = anonymous
    out.update(allowed)
    return out


def api_only(allowed: dict[str, int], others: int = 404) -> dict[str, int]:
    return only(allowed, anonymous=403, others=others)


REGION_PAGE = only(dict.fromkeys(STAFF_SEEING_REGION, 200))
STUDENT_A = {
    "admin": 200,
    "coordinator": 200,
    "mentor": 200,
    "organisation": 200,
    "student_user": 200,
}
