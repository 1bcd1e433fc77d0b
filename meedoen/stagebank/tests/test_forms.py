"""The offer form: every rule of the service shows next to its field."""

import pytest

from meedoen.stagebank.forms import SearchForm, VacancyForm

from .helpers import offer_data, year_date

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = offer_data(**overrides)
    post = {}
    for key, value in data.items():
        if value is None:
            post[key] = ""
        elif isinstance(value, list):
            post[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                post[key] = "on"
        else:
            post[key] = str(value)
    return post


def errors(personas, **overrides):
    form = VacancyForm(form_data(**overrides), organisation=personas.org_x)
    form.is_valid()
    return form.errors


def test_valid_offer(personas):
    assert errors(personas) == {}


def test_location_defaults_are_the_organisations(personas):
    org = personas.org_x
    org.street, org.latitude = "Kerkweg 1", 52.2
    form = VacancyForm(organisation=org)
    assert form.initial["street"] == "Kerkweg 1" and form.initial["latitude"] == 52.2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": year_date(8, 20), "start_date": year_date(9, 1)}, "end_date", "before"),
        ({"kind": "group", "group_min": None, "group_max": None}, "group_min", "group"),
        ({"kind": "group", "group_min": 8, "group_max": 4, "capacity": 8}, "group_max", "smaller"),
        ({"capacity": 0}, "capacity", "at least one"),
        ({"levels": ["mbo"]}, "levels", ""),
        ({"levels": []}, "levels", ""),
        ({"weekdays": [7]}, "weekdays", ""),
        ({"latitude": 48.85, "longitude": 2.35}, "latitude", "Netherlands"),
        ({"latitude": 52.1, "longitude": None}, "latitude", "both"),
        ({"min_age": 8}, "min_age", "between"),
        ({"title": ""}, "title", ""),
        ({"sector": "finance"}, "sector", ""),
        ({"expected_hours": 0}, "expected_hours", ""),
        ({"postcode": "ABC"}, "postcode", ""),
    ],
)
def test_rules_have_clear_messages(personas, overrides, field, message):
    found = errors(personas, **overrides)
    assert field in found, found
    assert message in " ".join(found[field])


def test_contact_of_another_organisation_is_refused(personas):
    from meedoen.directory.models import ContactPerson

    other = ContactPerson.objects.create(organisation=personas.org_y, name="Y", email="y@y.nl")
    assert "contact" in errors(personas, contact=other.pk)


def test_search_form_reports_bad_values_and_keeps_good_ones():
    form = SearchForm({"sector": "finance", "km": "-5", "q": "dieren", "page": "x"})
    data = form.valid_data()
    assert set(form.errors) == {"sector", "km"}
    assert data["q"] == "dieren" and "sector" not in data and "km" not in data


def test_search_form_period_order():
    form = SearchForm({"date_from": "2026-10-01", "date_to": "2026-09-01"})
    assert "date_to" in form.errors
