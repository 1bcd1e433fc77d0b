"""Fixtures and helpers shared by the hours and evaluations tests.

``world`` is the ``personas`` world with Sanne Jansen's placement at organisation X made
active (plain ORM: the placements app's services are being built alongside), dated
from 30 days ago to 30 days ahead, and an e-mail address on the student.
"""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from meedoen.directory.models import ContactPerson
from meedoen.placements.models import Placement, PlacementStatus

TODAY = timezone.localdate


def activate(placement: Placement, *, start_days: int = 30, end_days: int = 30) -> Placement:
    today = timezone.localdate()
    Placement.objects.filter(pk=placement.pk).update(
        status=PlacementStatus.ACTIVE,
        start_date=today - datetime.timedelta(days=start_days),
        end_date=today + datetime.timedelta(days=end_days),
    )
    placement.refresh_from_db()
    return placement


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_SKIP_MFA = True
    settings.MEEDOEN_DEMO_SKIP_MFA = True
    activate(personas.placement)
    personas.student.email = "sanne@leerling.example"
    personas.student.save(update_fields=["email"])
    ContactPerson.objects.create(
        organisation=personas.org_x, name="Olga Contact", email="contact@zorgx.example"
    )
    return personas


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def image_bytes(fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 83, 148)).save(out, fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def in_english(settings):
    """Tests read the English msgids; the Dutch catalogue is checked in test_dutch.py."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
