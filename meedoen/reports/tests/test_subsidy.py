"""The subsidy schemes reproduce the seed's figures (chapter 7 'Financiën')."""

import datetime
from decimal import Decimal

import pytest

from meedoen.core.errors import ServiceError
from meedoen.reports import services
from meedoen.reports.models import SchemeKind, SubsidyScheme
from meedoen.reports.subsidy import PRESETS, calculate, clean_parameters, parse_day

pytestmark = pytest.mark.django_db


def preset(kind, version):
    scheme = SubsidyScheme.objects.get(kind=kind, version=version)
    return scheme


def amounts(calc):
    return [s.amount for s in calc.steps]


def test_presets_are_in_the_database_as_in_code():
    stored = {(s.kind, s.version): s for s in SubsidyScheme.objects.all()}
    for kind, version, name, valid_from, parameters in PRESETS:
        scheme = stored[(kind, version)]
        assert scheme.name == name
        assert scheme.valid_from == valid_from
        assert scheme.parameters == parameters
        clean_parameters(kind, scheme.parameters)  # every preset is itself valid


def test_pilot_hundred_euros_per_student_in_two_halves():
    s = preset(SchemeKind.PILOT, 1)
    calc = calculate(
        s.kind, s.name, s.parameters, {"expected_students": 120, "final_students": 115}
    )
    declared, advance, due, difference, second = amounts(calc)
    assert declared == Decimal("12000.00")  # 120 × €100 on the declaration
    assert advance == Decimal("6000.00")  # 50% paid when the declaration is in
    assert due == Decimal("11500.00")  # the final count decides
    assert difference == Decimal("-500.00")
    assert second == calc.total == Decimal("5500.00")
    assert advance + second == due


def test_pilot_more_students_than_declared_pays_more():
    s = preset(SchemeKind.PILOT, 1)
    calc = calculate(s.kind, s.name, s.parameters, {"expected_students": 10, "final_students": 14})
    assert calc.total == Decimal("900.00")  # 1,400 − 500


def test_additional_funding_2008_reproduces_the_seeds_rounding():
    s = preset(SchemeKind.ADDITIONAL, 1)
    calc = calculate(s.kind, s.name, s.parameters, {"counted_pupils": 1000})
    per_pupil, per_mas, by_pupils, due, expected = amounts(calc)[:5]
    # €27 million / 933,000 counted pupils = €28.94 …
    assert per_pupil == Decimal("28.94")
    # … printed in the seed as €28 (whole euros, rounded down) …
    assert int(Decimal("27000000") / Decimal("933000")) == 28
    # … and × 4.7 gives the seed's €136 per MaS student.
    assert per_mas == Decimal("136.01")
    assert per_mas.quantize(Decimal("1")) == Decimal("136")
    assert by_pupils == Decimal("28938.91")
    assert due == calc.total == Decimal("28938.91")
    assert expected == Decimal("213")  # 1,000 / 4.7


def test_additional_funding_never_below_the_floor_per_brin():
    s = preset(SchemeKind.ADDITIONAL, 1)
    calc = calculate(s.kind, s.name, s.parameters, {"counted_pupils": 500, "mas_students": 100})
    assert calc.total == Decimal("18000")
    assert calc.steps[-1].amount == Decimal("180.00")  # per MaS student who did it


def test_additional_funding_from_2011_is_105_per_counted_pupil():
    s = preset(SchemeKind.ADDITIONAL, 2)
    calc = calculate(s.kind, s.name, s.parameters, {"counted_pupils": 1000})
    per_pupil, per_mas, by_pupils = amounts(calc)[:3]
    assert per_pupil == Decimal("105.00")
    # 105 × 4.7 = €493.50: the seed's "about €485" (and "circa €500") per MaS student.
    assert per_mas == Decimal("493.50")
    assert abs(per_mas - 485) / 485 < Decimal("0.02")
    assert by_pupils == calc.total == Decimal("105000.00")


@pytest.mark.parametrize(
    ("version", "budget"), [(1, "5000000"), (2, "15000000"), (3, "20000000"), (4, "30000000")]
)
def test_municipal_budgets(version, budget):
    s = preset(SchemeKind.MUNICIPAL, version)
    assert Decimal(s.parameters["budget"]) == Decimal(budget)
    assert s.valid_from == datetime.date(2007 + version, 1, 1)


def test_municipal_distribution_half_by_inhabitants_half_by_weighted_pupils():
    s = preset(SchemeKind.MUNICIPAL, 1)  # 2008: €5 million
    inputs = {
        "inhabitants": 127_000,
        "national_inhabitants": 16_400_000,
        "weighted_pupils": 10_000,
        "national_weighted_pupils": 900_000,
        "has_school_location": True,
    }
    calc = calculate(s.kind, s.name, s.parameters, inputs)
    half1, part1, half2, part2, total = amounts(calc)
    assert half1 == half2 == Decimal("2500000.0")
    assert part1 == Decimal("19359.76")  # 2.5M × 127,000 / 16.4M
    assert part2 == Decimal("27777.78")  # 2.5M × 10,000 / 900,000
    assert total == calc.total == Decimal("47137.54")


def test_municipality_without_school_location_gets_only_the_first_half():
    s = preset(SchemeKind.MUNICIPAL, 4)  # 2011: €30 million
    inputs = {"inhabitants": 9_000, "national_inhabitants": 16_400_000}
    calc = calculate(s.kind, s.name, s.parameters, inputs)
    assert calc.total == Decimal("8231.71")  # 15M × 9,000 / 16.4M


def test_ten_euros_per_realised_placement():
    s = preset(SchemeKind.NATIONAL_ORGANISATION, 1)
    calc = calculate(s.kind, s.name, s.parameters, {"placements": 37})
    assert calc.total == Decimal("370.00")


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        (SchemeKind.PILOT, {"advance_share": "0.5"}),  # amount missing
        (SchemeKind.PILOT, {"amount_per_student": "-100", "advance_share": "0.5"}),
        (SchemeKind.PILOT, {"amount_per_student": "100", "advance_share": "1.5"}),
        (SchemeKind.PILOT, {"amount_per_student": "honderd", "advance_share": "0.5"}),
        (SchemeKind.NATIONAL_ORGANISATION, {"amount_per_placement": ""}),
        (SchemeKind.MUNICIPAL, {"budget": "-5000000", "inhabitants_share": "0.5"}),
        (
            SchemeKind.ADDITIONAL,
            {
                "ratio": "4.7",
                "floor_per_brin": "18000",
                "application_deadline": "01-06",
                "report_deadline": "15-09",
            },
        ),  # neither a fixed rate nor a budget and counted pupils
        (
            SchemeKind.ADDITIONAL,
            {
                "amount_per_counted_pupil": "105",
                "ratio": "4.7",
                "floor_per_brin": "18000",
                "application_deadline": "32-06",
                "report_deadline": "15-09",
            },
        ),
    ],
)
def test_schemes_with_missing_or_negative_amounts_are_refused(kind, parameters, personas):
    with pytest.raises(ServiceError):
        clean_parameters(kind, parameters)
    before = SubsidyScheme.objects.count()
    with pytest.raises(ServiceError):
        services.scheme_create_version(
            actor=personas.admin,
            kind=kind,
            name="Test",
            valid_from=datetime.date(2026, 8, 1),
            parameters=parameters,
        )
    assert SubsidyScheme.objects.count() == before


def test_negative_inputs_are_refused():
    s = preset(SchemeKind.PILOT, 1)
    with pytest.raises(ServiceError):
        calculate(s.kind, s.name, s.parameters, {"expected_students": -1, "final_students": 3})
    with pytest.raises(ServiceError):
        calculate(s.kind, s.name, s.parameters, {"final_students": 3})


def test_new_version_gets_the_next_number_and_only_the_admin_makes_one(personas):
    scheme = services.scheme_create_version(
        actor=personas.admin,
        kind=SchemeKind.PILOT,
        name="Pilot 2026",
        valid_from=datetime.date(2026, 8, 1),
        parameters={"amount_per_student": "120", "advance_share": "0.5"},
    )
    assert scheme.version == 2
    assert scheme.parameters == {"amount_per_student": "120", "advance_share": "0.5"}
    with pytest.raises(ServiceError):
        services.scheme_create_version(
            actor=personas.coordinator,
            kind=SchemeKind.PILOT,
            name="Pilot 2027",
            valid_from=datetime.date(2027, 8, 1),
            parameters={"amount_per_student": "120", "advance_share": "0.5"},
        )


def test_deadlines_parse():
    assert parse_day("01-06") == (6, 1)
    assert parse_day("15-09") == (9, 15)
    with pytest.raises(ServiceError):
        parse_day("June")
