"""Fixtures of the rounds tests: ``world`` is the personas plus a period, students and
offers (see ``factories.make_world``); MFA is skipped for the staff personas."""

import pytest

from .factories import make_region_world, make_world


@pytest.fixture
def world(personas, settings):
    settings.DEMO_SKIP_MFA = True
    make_world(personas)  # period, students, offers
    return personas


@pytest.fixture
def make_round(world):
    def make(status="draft"):
        return make_world(world, status=status)

    return make


@pytest.fixture
def make_region_round(world):
    def make(status="open"):
        return make_region_world(world, status=status)

    return make
