"""The authorisation matrix: every URL the project defines × every role.

The entries, collected from each app's ``tests/access_matrix.py``, name for each URL
how to build its arguments, the method, and the status each persona must get.
``test_every_url_has_an_entry`` fails when a URL is added without an entry, so access
is decided deliberately for each page.

Third-party URL sets are listed in ``THIRD_PARTY`` with the reason they are not
in the matrix (they protect themselves: Django admin, allauth, language switch).
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from meedoen.core.apps_registry import app_modules
from meedoen.core.tests.html import without_csrf
from meedoen.core.tests.matrix import PERSONAS

# Namespaces and prefixes of third-party URLs, with the reason they are not in the matrix.
THIRD_PARTY = {
    "admin": "Django admin: is_staff + model permissions, tested by Django",
    "accounts/": "allauth: sign-in, sign-out, password reset, two-factor set-up",
    "i18n/": "Django's language switch (POST, no data)",
}


def collect_matrix() -> dict:
    matrix: dict = {}
    for module in app_modules("tests.access_matrix", "MATRIX"):
        for name, entry in module.MATRIX.items():
            assert name not in matrix or matrix[name] is entry, f"{name} listed twice"
            matrix[name] = entry
    return matrix


pytestmark = pytest.mark.django_db


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
    MATRIX = collect_matrix()
    missing = project_url_names() - set(MATRIX)
    assert not missing, f"URLs without an entry in the access matrix: {sorted(missing)}"
    stale = set(MATRIX) - project_url_names()
    assert not stale, f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("url_name", sorted(collect_matrix()))
def test_access_matrix(url_name, personas, settings):
    settings.MEEDOEN_DEMO_SKIP_MFA = True
    settings.DEMO_SKIP_MFA = True
    build, method, expected = collect_matrix()[url_name]
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


def without_per_response(content: bytes) -> str:
    """Pages carry a per-response masked CSRF token and their own path (the language
    switch returns to it); everything else must be identical."""
    return re.sub(r'(name="next" type="hidden" value=")[^"]+', r"\1", without_csrf(content))


def test_forbidden_looks_like_missing(personas, settings, client):
    """A student of another school answers exactly like a student that does not exist."""
    settings.DEMO_SKIP_MFA = True
    client.force_login(personas.coordinator2)
    forbidden = client.get(reverse("students:detail", kwargs={"pk": personas.student.pk}))
    missing = client.get(reverse("students:detail", kwargs={"pk": 999999}))
    assert forbidden.status_code == missing.status_code == 404
    assert without_per_response(forbidden.content) == without_per_response(missing.content)
    api_forbidden = client.get(reverse("api:student-detail", kwargs={"pk": personas.student.pk}))
    api_missing = client.get(reverse("api:student-detail", kwargs={"pk": 999999}))
    assert api_forbidden.status_code == api_missing.status_code == 404
    assert api_forbidden.json() == api_missing.json()
