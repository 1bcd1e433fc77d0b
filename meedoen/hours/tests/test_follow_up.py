"""Invitation to keep volunteering, and the municipality's follow-up figures."""

import pytest
from django.urls import reverse

from meedoen.core.errors import ServiceError
from meedoen.hours import selectors, services
from meedoen.hours.models import FollowUpOffer, FollowUpStatus


def test_organisation_offers_and_student_accepts(world, client):
    client.force_login(world.organisation)
    response = client.post(
        reverse("hours:follow_up", kwargs={"pk": world.placement.pk}),
        {"role": "Vrijwilliger op woensdag", "description": "Elke week twee uur"},
    )
    assert response.status_code == 302
    offer = FollowUpOffer.objects.get()
    client.force_login(world.student_user)
    client.post(reverse("hours:follow_up_respond", kwargs={"pk": offer.pk}), {"answer": "accept"})
    offer.refresh_from_db()
    assert offer.status == FollowUpStatus.ACCEPTED
    with pytest.raises(ServiceError, match="already"):
        services.follow_up_respond(actor=world.student_user, offer=offer, accept=False)
    figures = selectors.follow_up_figures(municipality_ids=[world.municipality.pk])
    assert figures == {"offered": 1, "accepted": 1, "declined": 0}
    client.force_login(world.municipality_user)
    text = client.get(reverse("core:dashboard")).content.decode()
    assert "Sanne" not in text


def test_other_organisation_cannot_offer(world):
    with pytest.raises(ServiceError):
        services.follow_up_offer(actor=world.organisation_y, placement=world.placement, role="x")
