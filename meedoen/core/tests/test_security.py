"""Security baseline: two-factor for staff, login throttling, production settings, headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "name", ["coordinator", "broker", "municipality_user", "projectlead", "admin"]
)
def test_staff_without_two_factor_are_sent_to_setup(personas, client, name, settings):
    settings.DEMO_SKIP_MFA = False
    client.force_login(getattr(personas, name))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get(reverse("api:student-list"))
    assert api.status_code == 403


@pytest.mark.parametrize("name", ["mentor", "organisation", "student_user"])
def test_non_staff_need_no_two_factor(personas, client, name, settings):
    settings.DEMO_SKIP_MFA = False
    client.force_login(getattr(personas, name))
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_staff_with_totp_reach_dashboard(personas, client, settings):
    settings.DEMO_SKIP_MFA = False
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(personas.coordinator, generate_totp_secret())
    assert Authenticator.objects.filter(user=personas.coordinator).exists()
    client.force_login(personas.coordinator)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_sign_in_form_then_lockout_after_repeated_failures(personas, client, settings):
    settings.DEMO_SKIP_MFA = True
    url = reverse("account_login")
    ok = client.post(url, {"login": "mentor", "password": "meedoen-test"})
    assert ok.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": "mentor", "password": "wrong"})
    # Even the right password no longer signs in while the lock lasts.
    locked = client.post(url, {"login": "mentor", "password": "meedoen-test"})
    assert locked.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def run_settings(env: dict) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_default_secret_key():
    result = run_settings({"MEEDOEN_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_settings({"MEEDOEN_ENV": "production", "SECRET_KEY": "x" * 64, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_demo_mfa_bypass():
    result = run_settings(
        {"MEEDOEN_ENV": "production", "SECRET_KEY": "k" * 64, "MEEDOEN_DEMO_SKIP_MFA": "true"}
    )
    assert result.returncode != 0


def test_check_deploy_is_clean_in_production():
    result = run_settings(
        {
            "MEEDOEN_ENV": "production",
            "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnop-QRSTUV",
            "ALLOWED_HOSTS": "meedoen.example",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers(client):
    response = client.get(reverse("core:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
