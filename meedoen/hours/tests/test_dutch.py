"""Dutch first: refusals and pages reach the user in Dutch by default."""

import pytest
from django.urls import reverse
from django.utils import translation

from meedoen.core.errors import ServiceError
from meedoen.hours import services

from .fixtures import day


def test_refusal_is_dutch_by_default(world):
    with translation.override("nl"), pytest.raises(ServiceError) as refused:
        services.hour_entry_log(
            actor=world.student_user,
            placement=world.placement,
            date=day(3),
            activity="x",
            minutes=60,
        )
    assert "future" not in refused.value.messages[0]
    assert "toekomst" in refused.value.messages[0]


def test_verification_page_is_dutch_by_default(client, settings):
    settings.LANGUAGE_CODE = "nl"
    text = client.get(reverse("hours:verify"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="nl">' in text
    assert "Check a MaS certificate" not in text
