"""The search page's hand-written HTML (``templatetags.bank``) against what Django writes:
the form's controls against Django's own widgets, the cards' numbers and cut descriptions
against the template filters they replace, in Dutch and in English."""

import random

import pytest
from django.template.defaultfilters import floatformat, truncatewords
from django.utils import translation
from django.utils.formats import get_format

from meedoen.stagebank.forms import SearchForm
from meedoen.stagebank.templatetags.bank import (
    _first_words,
    _one_decimal,
    bank_control,
    bank_field,
)

LANGUAGES = ["nl", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_decimal_is_floatformat(language):
    rng = random.Random(3)
    values = [0.0, 0.05, 0.15, 0.25, 0.35, 1.45, 2.25, 2.675, 9.95, 99.95, 299.99, 1234.56]
    values += [rng.uniform(0, 300) for _ in range(2000)]
    values += [round(rng.uniform(0, 50), 2) for _ in range(2000)]  # ties at the half
    with translation.override(language):
        separator = get_format("DECIMAL_SEPARATOR")
        for value in values:
            assert _one_decimal(value, separator) == floatformat(value, 1), value


def test_first_words_is_truncatewords():
    texts = [
        "",
        "   ",
        "Eén woord",
        "Je voert de geiten en maakt de hokken schoon.",
        "regel één\nregel twee\tmet tab  en   spaties ",
        " ".join(f"woord{i}" for i in range(40)),
        " ".join(["x"] * 27 + ["…", "y"]),
        " ".join(["x"] * 28 + ["…"]),
        " ".join(["x"] * 28 + ["…", "z"]),
    ]
    for text in texts:
        for count in (1, 5, 28):
            assert _first_words(text, count) == truncatewords(text, count), (text, count)


FORMS = [
    ({}, {}),
    ({"f": "1", "q": 'a "quoted" <b>word</b> & more', "sector": "care", "level": "havo"}, {}),
    ({"kind": "group", "format": "block", "sort": "distance", "near": "school"}, {}),
    ({"pc": "2311 <x>", "km": "12.5", "age": "14", "guidance": "targeted", "weekday": "3"}, {}),
    ({"date_from": "2026-09-01", "date_to": "2026-10-01", "open": "on", "fits": "on"}, {}),
    ({"sector": "finance", "km": "-5", "age": "abc", "date_from": "2026-13-45"}, {}),
    ({"near": "postcode", "weekday": "9"}, {"public": True}),
    ({"near": "school", "pc": "1234"}, {"public": True}),
]


def _reference_control(bound_field) -> str:
    """The control as ``format_html`` wrote it before the options were kept per language
    (every value through ``conditional_escape``)."""
    from django import forms
    from django.utils.html import format_html, format_html_join

    field, widget = bound_field.field, bound_field.field.widget
    name, html_id = bound_field.html_name, bound_field.id_for_label
    value = bound_field.value()
    if isinstance(widget, forms.Select):
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((k, " selected" if str(k) == selected else "", label) for k, label in field.choices),
        )
        return format_html('<select name="{}" id="{}">{}</select>', name, html_id, options)
    if isinstance(widget, forms.CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        return format_html('<input type="checkbox" name="{}" id="{}"{}>', name, html_id, checked)
    shown = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
    if isinstance(field, forms.IntegerField | forms.FloatField):
        step = "any" if isinstance(field, forms.FloatField) else "1"
        return format_html(
            '<input type="number" name="{}" id="{}" value="{}" step="{}">',
            name,
            html_id,
            shown,
            step,
        )
    input_type = getattr(widget, "input_type", "text")
    return format_html(
        '<input type="{}" name="{}" id="{}" value="{}">', input_type, name, html_id, shown
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("data", "options"), FORMS)
def test_controls_are_written_as_before(language, data, options):
    from django.utils.html import format_html

    with translation.override(language):
        for _ in range(2):  # built, then from the options kept for the language
            form = SearchForm(data, student=True, **options)
            form.is_valid()
            for bound_field in form:
                assert str(bank_control(bound_field)) == _reference_control(bound_field)
                assert str(bank_field(bound_field)) == format_html(
                    '<div class="field{}"><label for="{}">{}</label>{}</div>',
                    " has-error" if bound_field.errors else "",
                    bound_field.id_for_label,
                    bound_field.label,
                    _reference_control(bound_field),
                )


def test_options_follow_the_language():
    with translation.override("nl"):
        dutch = str(bank_control(SearchForm({})["sector"]))
    with translation.override("en"):
        english = str(bank_control(SearchForm({})["sector"]))
    assert dutch != english
    with translation.override("nl"):
        assert str(bank_control(SearchForm({})["sector"])) == dutch
