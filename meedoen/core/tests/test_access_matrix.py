"""The authorisation matrix: every URL the project defines × every role.

``MATRIX`` names, for each URL name, how to build its arguments, the method,
and the status each persona must get. ``test_every_url_has_an_entry`` fails when a
URL is added without an entry, so access is decided deliberately for each page.

Third-party URL sets are listed in ``THIRD_PARTY`` with the reason they are not
in the matrix (they protect themselves: Django admin, allauth, language switch).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

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

# Namespaces and prefixes of third-party URLs, with the reason they are not in the matrix.
THIRD_PARTY = {
    "admin": "Django admin: is_staff + model permissions, tested by Django",
    "accounts/": "allauth: sign-in, sign-out, password reset, two-factor set-up",
    "i18n/": "Django's language switch (POST, no data)",
}


def login_redirect(persona: str) -> int:
    return 302


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

# url name -> (kwargs builder from personas, method, expected status per persona)
MATRIX = {
    "core:home": (None, "get", {**everyone(302), "anonymous": 200}),
    "core:dashboard": (None, "get", everyone(200)),
    "core:healthz": (None, "get", everyone(200, anonymous=200)),
    "directory:organisations": (None, "get", everyone(200)),
    "directory:organisation": (lambda w: {"pk": w.org_x.pk}, "get", REGION_PAGE),
    "directory:schools": (None, "get", everyone(200)),
    "directory:school": (lambda w: {"pk": w.school_a.pk}, "get", REGION_PAGE),
    "students:list": (None, "get", everyone(200)),
    "students:import": (None, "get", only({"admin": 200, "coordinator": 200, "coordinator2": 200})),
    "students:import_confirm": (
        None,
        "post",
        only({"admin": 200, "coordinator": 200, "coordinator2": 200}),
    ),
    "students:detail": (lambda w: {"pk": w.student.pk}, "get", only(STUDENT_A)),
    "students:class": (
        lambda w: {"pk": w.class_a1.pk},
        "get",
        only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "students:grants": (None, "get", everyone(200)),
    "students:grant_create": (
        None,
        "get",
        only({"admin": 200, "coordinator": 200, "coordinator2": 200}),
    ),
    "students:grant_revoke": (
        lambda w: {"pk": w.grant.pk},
        "post",
        only({"admin": 302, "coordinator": 302}),
    ),
    "api:schema": (None, "get", everyone(200, anonymous=200)),
    "api:docs": (None, "get", everyone(200, anonymous=200)),
    "api:api-root": (None, "get", everyone(200, anonymous=403)),
    "api:school-list": (None, "get", everyone(200, anonymous=403)),
    "api:school-detail": (
        lambda w: {"pk": w.school_a.pk},
        "get",
        api_only(dict.fromkeys(STAFF_SEEING_REGION, 200)),
    ),
    "api:organisation-list": (None, "get", everyone(200, anonymous=403)),
    "api:organisation-detail": (
        lambda w: {"pk": w.org_x.pk},
        "get",
        api_only(dict.fromkeys(STAFF_SEEING_REGION, 200)),
    ),
    "api:class-list": (None, "get", everyone(200, anonymous=403)),
    "api:class-detail": (
        lambda w: {"pk": w.class_a1.pk},
        "get",
        api_only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "api:student-list": (None, "get", everyone(200, anonymous=403)),
    "api:student-detail": (lambda w: {"pk": w.student.pk}, "get", api_only(STUDENT_A)),
    "api:grant-list": (None, "get", everyone(200, anonymous=403)),
    "api:grant-detail": (
        lambda w: {"pk": w.grant.pk},
        "get",
        api_only({"admin": 200, "coordinator": 200, "mentor": 200}),
    ),
    "api:grant-revoke": (
        lambda w: {"pk": w.grant.pk},
        "post",
        api_only({"admin": 200, "coordinator": 200}),
    ),
}


def project_url_names() -> set[str]:
    """Every named URL of the project, outside the third-party sets."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                route = str(p.pattern)
                ns = p.namespace or namespace
                if any((p.namespace or "") == key or route.startswith(key) for key in THIRD_PARTY):
                    continue
                walk(p.url_patterns, ns, prefix + route)
            elif isinstance(p, URLPattern):
                if p.name is None:
                    raise AssertionError(f"URL {prefix}{p.pattern} has no name")
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None, "")
    return names


def test_every_url_has_an_entry():
    missing = project_url_names() - set(MATRIX)
    assert not missing, f"URLs without an entry in the access matrix: {sorted(missing)}"
    stale = set(MATRIX) - project_url_names()
    assert not stale, f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access_matrix(url_name, personas, settings):
    settings.MEEDOEN_DEMO_SKIP_MFA = True
    settings.DEMO_SKIP_MFA = True
    build, method, expected = MATRIX[url_name]
    assert set(expected) == set(PERSONAS), f"{url_name}: every persona needs an expectation"
    url = reverse(url_name, kwargs=build(personas) if build else None)
    failures = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(personas, persona))
        # Each request runs in a transaction that is rolled back: a POST by one persona
        # must not change what the next one meets.
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        if response.status_code != expected[persona]:
            failures.append(f"{persona}: {response.status_code} (expected {expected[persona]})")
    assert not failures, f"{url_name} {url}: " + "; ".join(failures)


def test_forbidden_looks_like_missing(personas, settings, client):
    """A student of another school answers exactly like a student that does not exist."""
    settings.DEMO_SKIP_MFA = True
    client.force_login(personas.coordinator2)
    forbidden = client.get(reverse("students:detail", kwargs={"pk": personas.student.pk}))
    missing = client.get(reverse("students:detail", kwargs={"pk": 999999}))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    api_forbidden = client.get(reverse("api:student-detail", kwargs={"pk": personas.student.pk}))
    api_missing = client.get(reverse("api:student-detail", kwargs={"pk": 999999}))
    assert api_forbidden.status_code == api_missing.status_code == 404
    assert api_forbidden.json() == api_missing.json()
