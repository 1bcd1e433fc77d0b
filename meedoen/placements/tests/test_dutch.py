"""Messages reach the user in Dutch, the default language."""

import pytest
from django.urls import reverse
from django.utils import translation

from meedoen.core.errors import ServiceError
from meedoen.placements import services

from .factories import applied

pytestmark = pytest.mark.django_db


def test_refusals_are_dutch(world):
    placement = applied(world)
    with translation.override("nl"), pytest.raises(ServiceError) as exc:
        services.placement_approve(placement=placement, by=world.coordinator, not_paid_work=True)
    assert exc.value.messages == ["De organisatie heeft de aanmelding nog niet geaccepteerd."]
    world.vacancy.capacity = 0
    world.vacancy.save()
    with translation.override("nl"), pytest.raises(ServiceError) as exc:
        services.placement_accept(placement=placement, by=world.organisation)
    assert exc.value.messages[0].startswith("Deze stageplaats is vol")


def test_invalid_link_page_is_dutch(client):
    with translation.override("nl"):
        page = client.get(reverse("placements:sign", kwargs={"token": "z" * 43}))
    assert page.status_code == 404
    assert "Deze link is niet geldig" in page.content.decode()
