"""The subsidy rules of chapter 7 ("Financiën") as calculations shown step by step.

Each scheme kind has parameters (stored, versioned, in ``SubsidyScheme.parameters``) and
inputs (counts from the platform, or figures the platform cannot know — such as a
school's counted pupils (telleerlingen) or the number of inhabitants of the country —
entered by the person in the calculator). A calculation is a list of steps, each with a
label, the formula with its figures, and the amount; the last step is what is due.

The seed's figures (the presets, see ``PRESETS``):

* pilot (Friesland): €100 per student who did MaS; 50% paid on the participation
  declaration (the expected number), the rest on the final count, the difference settled;
* additional funding: 2008/09 a budget of about €27 million over about 933,000 counted
  pupils gives €28.9 per counted pupil (printed in the seed as €28); times the ratio 4.7
  (counted pupils per MaS student, from vmbo 4, havo 5, vwo 6 years) gives €136 per MaS
  student; from 2011/12 €105 per counted pupil (about €485–500 per MaS student); never
  less than €18,000 per BRIN number;
* municipal distribution: half of the national budget (€5M 2008, €15M 2009, €20M 2010,
  €30M 2011) over all municipalities by inhabitants, half over the municipalities with a
  school location by weighted counted pupils;
* €10 per realised placement for national organisations with a declaration of intent.

Money is ``Decimal`` throughout, rounded to cents (half up) only where an amount is paid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.core.errors import ServiceError

from .models import SchemeKind

CENT = Decimal("0.01")
MONEY, COUNT, SHARE, NUMBER, DAY = "money", "count", "share", "number", "day"


@dataclass(frozen=True)
class Parameter:
    key: str
    label: object
    type: str
    required: bool = True


PARAMETERS: dict[str, list[Parameter]] = {
    SchemeKind.PILOT: [
        Parameter("amount_per_student", gettext_lazy("Amount per student who did MaS"), MONEY),
        Parameter("advance_share", gettext_lazy("Share paid on the declaration"), SHARE),
    ],
    SchemeKind.ADDITIONAL: [
        Parameter("budget", gettext_lazy("National budget"), MONEY, required=False),
        Parameter(
            "national_counted_pupils",
            gettext_lazy("Counted pupils in the country"),
            COUNT,
            required=False,
        ),
        Parameter(
            "amount_per_counted_pupil",
            gettext_lazy("Amount per counted pupil (when fixed)"),
            MONEY,
            required=False,
        ),
        Parameter("ratio", gettext_lazy("Counted pupils per MaS student"), NUMBER),
        Parameter("floor_per_brin", gettext_lazy("Minimum per BRIN number"), MONEY),
        Parameter("application_deadline", gettext_lazy("Application deadline (dd-mm)"), DAY),
        Parameter("report_deadline", gettext_lazy("Final report deadline (dd-mm)"), DAY),
    ],
    SchemeKind.MUNICIPAL: [
        Parameter("budget", gettext_lazy("National budget for municipalities"), MONEY),
        Parameter("inhabitants_share", gettext_lazy("Share distributed by inhabitants"), SHARE),
    ],
    SchemeKind.NATIONAL_ORGANISATION: [
        Parameter("amount_per_placement", gettext_lazy("Amount per realised placement"), MONEY),
    ],
}

SEED = "Leeuwarden plan MaS, chapter 7 'Financiën'"
# (kind, version, name, valid from, parameters): the seed's figures.
PRESETS: list[tuple[str, int, str, datetime.date, dict]] = [
    (
        SchemeKind.PILOT,
        1,
        "Subsidie pilot Friesland 2008/09",
        datetime.date(2008, 8, 1),
        {"amount_per_student": "100.00", "advance_share": "0.5"},
    ),
    (
        SchemeKind.ADDITIONAL,
        1,
        "Aanvullende bekostiging 2008/09",
        datetime.date(2008, 8, 1),
        {
            "budget": "27000000",
            "national_counted_pupils": "933000",
            "ratio": "4.7",
            "floor_per_brin": "18000",
            "application_deadline": "01-06",
            "report_deadline": "15-09",
        },
    ),
    (
        SchemeKind.ADDITIONAL,
        2,
        "Aanvullende bekostiging vanaf 2011/12",
        datetime.date(2011, 8, 1),
        {
            "amount_per_counted_pupil": "105.00",
            "ratio": "4.7",
            "floor_per_brin": "18000",
            "application_deadline": "01-06",
            "report_deadline": "15-09",
        },
    ),
    *[
        (
            SchemeKind.MUNICIPAL,
            i + 1,
            f"Verdeling gemeenten {year}",
            datetime.date(year, 1, 1),
            {"budget": budget, "inhabitants_share": "0.5"},
        )
        for i, (year, budget) in enumerate(
            [(2008, "5000000"), (2009, "15000000"), (2010, "20000000"), (2011, "30000000")]
        )
    ],
    (
        SchemeKind.NATIONAL_ORGANISATION,
        1,
        "Tegemoetkoming intentieverklaringen",
        datetime.date(2008, 1, 1),
        {"amount_per_placement": "10.00"},
    ),
]


def _number(value, label) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("%(field)s is not a number.") % {"field": label}) from exc
    if not number.is_finite():
        raise ServiceError(_("%(field)s is not a number.") % {"field": label})
    return number


def parse_day(value: str) -> tuple[int, int]:
    """'dd-mm' as (month, day); ServiceError when it is no date."""
    try:
        day, month = (int(part) for part in str(value).split("-"))
        datetime.date(2024, month, day)  # a leap year: 29-02 is a valid deadline
    except (ValueError, TypeError) as exc:
        raise ServiceError(_("A deadline is written as day-month, such as 01-06.")) from exc
    return month, day


def clean_parameters(kind: str, raw: dict) -> dict:
    """The parameters of a scheme checked and normalised; ServiceError names what is wrong.

    Missing required amounts, negative amounts, shares outside 0–1 and (for the additional
    funding) a rate that can be neither read nor derived are refused.
    """
    if kind not in PARAMETERS:
        raise ServiceError(_("Unknown kind of scheme."))
    if not isinstance(raw, dict):
        raise ServiceError(_("The parameters must be a set of named values."))
    out: dict[str, str] = {}
    for p in PARAMETERS[kind]:
        value = raw.get(p.key)
        if value is None or str(value).strip() == "":
            if p.required:
                raise ServiceError(
                    _("The scheme is missing a required amount: %(field)s.") % {"field": p.label}
                )
            continue
        if p.type == DAY:
            parse_day(value)
            out[p.key] = str(value).strip()
            continue
        number = _number(value, p.label)
        if number < 0:
            raise ServiceError(
                _("%(field)s may not be negative (%(value)s).") % {"field": p.label, "value": value}
            )
        if p.type == SHARE and number > 1:
            raise ServiceError(
                _("%(field)s is a share between 0 and 1, such as 0.5.") % {"field": p.label}
            )
        if p.type == COUNT and number != number.to_integral_value():
            raise ServiceError(_("%(field)s must be a whole number.") % {"field": p.label})
        if p.type == NUMBER and number == 0:
            raise ServiceError(_("%(field)s must be more than zero.") % {"field": p.label})
        out[p.key] = str(number)
    if kind == SchemeKind.ADDITIONAL:
        fixed = "amount_per_counted_pupil" in out
        derived = "budget" in out and "national_counted_pupils" in out
        if not fixed and not derived:
            raise ServiceError(
                _(
                    "The additional funding needs either a fixed amount per counted pupil, "
                    "or a budget and the number of counted pupils in the country."
                )
            )
        if not fixed and Decimal(out["national_counted_pupils"]) == 0:
            raise ServiceError(
                _("The number of counted pupils in the country must be more than zero.")
            )
    return out


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(value: Decimal) -> str:
    """€ 1.234,56 — Dutch notation, for formulas."""
    q = money(value)
    sign = "-" if q < 0 else ""
    whole, cents = f"{abs(q):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}€ {'.'.join(groups)},{cents}"


def plain(value: Decimal | int) -> str:
    """A number in Dutch notation without needless decimals (4,7; 933.000)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        text = f"{int(d):,}".replace(",", ".")
    else:
        text = f"{d.normalize():f}".replace(".", ",")
    return text


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    amount: Decimal | None = None
    is_money: bool = True
    total: bool = False


@dataclass
class Calculation:
    scheme_name: str
    steps: list[Step] = field(default_factory=list)
    total: Decimal = Decimal("0")
    notes: list[str] = field(default_factory=list)

    def add(self, label, formula, amount=None, *, is_money=True, total=False) -> Decimal | None:
        self.steps.append(Step(str(label), formula, amount, is_money, total))
        if total and amount is not None:
            self.total = amount
        return amount


def _input(inputs: dict, key: str, label, *, required: bool = True) -> Decimal | None:
    value = inputs.get(key)
    if value is None or str(value).strip() == "":
        if required:
            raise ServiceError(_("Enter %(field)s.") % {"field": label})
        return None
    number = _number(value, label)
    if number < 0:
        raise ServiceError(_("%(field)s may not be negative.") % {"field": label})
    return number


def calculate(kind: str, name: str, parameters: dict, inputs: dict) -> Calculation:
    """What is due under one scheme version, step by step. ServiceError for bad figures."""
    types = {p.key: p.type for p in PARAMETERS.get(kind, [])}
    cleaned = clean_parameters(kind, parameters)
    params = {k: Decimal(v) for k, v in cleaned.items() if types[k] != DAY}
    calc = Calculation(scheme_name=name)
    if kind == SchemeKind.PILOT:
        _pilot(calc, params, inputs)
    elif kind == SchemeKind.ADDITIONAL:
        _additional(calc, params, inputs)
    elif kind == SchemeKind.MUNICIPAL:
        _municipal(calc, params, inputs)
    else:
        _national(calc, params, inputs)
    return calc


def _pilot(calc: Calculation, p: dict, inputs: dict) -> None:
    rate, share = p["amount_per_student"], p["advance_share"]
    expected = _input(inputs, "expected_students", _("the expected number of students"))
    final = _input(inputs, "final_students", _("the final number of students"))
    declared = calc.add(
        _("Amount on the participation declaration"),
        f"{plain(expected)} × {euros(rate)}",
        money(expected * rate),
    )
    advance = calc.add(
        _("First payment: %(pct)s%% on the declaration") % {"pct": plain(share * 100)},
        f"{euros(declared)} × {plain(share)}",
        money(declared * share),
    )
    due = calc.add(
        _("Amount on the final count of students who did MaS"),
        f"{plain(final)} × {euros(rate)}",
        money(final * rate),
    )
    calc.add(
        _("Difference between final count and declaration"),
        f"({plain(final)} − {plain(expected)}) × {euros(rate)}",
        money((final - expected) * rate),
    )
    calc.add(
        _("Second payment (final settlement)"),
        f"{euros(due)} − {euros(advance)}",
        money(due - advance),
        total=True,
    )
    if final < expected:
        calc.notes.append(
            _("Fewer students did MaS than declared: the settlement is lower than the second half.")
        )


def _additional(calc: Calculation, p: dict, inputs: dict) -> None:
    ratio, floor = p["ratio"], p["floor_per_brin"]
    if "amount_per_counted_pupil" in p:
        rate = p["amount_per_counted_pupil"]
        calc.add(_("Amount per counted pupil (fixed)"), euros(rate), rate)
    else:
        budget, national = p["budget"], p["national_counted_pupils"]
        rate = budget / national
        calc.add(
            _("Amount per counted pupil"),
            f"{euros(budget)} / {plain(national)} = {plain(rate.quantize(Decimal('0.0001')))}",
            money(rate),
        )
        calc.notes.append(
            _(
                "The seed prints this as € %(whole)s: the amount per counted pupil rounded down "
                "to whole euros. The calculation goes on with the unrounded amount."
            )
            % {"whole": int(rate)}
        )
    per_mas = calc.add(
        _("Amount per MaS student"),
        f"{plain(rate.quantize(Decimal('0.0001')))} × {plain(ratio)}",
        money(rate * ratio),
    )
    calc.notes.append(
        _("In whole euros: € %(n)s per MaS student.")
        % {"n": per_mas.quantize(Decimal("1"), rounding=ROUND_HALF_UP)}
    )
    counted = _input(inputs, "counted_pupils", _("the school's counted pupils"))
    mas = _input(inputs, "mas_students", _("the number of MaS students"), required=False)
    by_pupils = calc.add(
        _("Counted pupils × amount per counted pupil"),
        f"{plain(counted)} × {plain(rate.quantize(Decimal('0.0001')))}",
        money(counted * rate),
    )
    calc.add(
        _("Funding per BRIN number: at least the minimum"),
        f"max({euros(by_pupils)}, {euros(floor)})",
        max(by_pupils, money(floor)),
        total=True,
    )
    expected_mas = (counted / ratio).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    calc.add(
        _("Expected MaS students a year (counted pupils / ratio)"),
        f"{plain(counted)} / {plain(ratio)}",
        expected_mas,
        is_money=False,
    )
    if mas is not None:
        calc.add(
            _("MaS students this year according to Meedoen"),
            plain(mas),
            mas,
            is_money=False,
        )
        if mas:
            calc.add(
                _("Funding per MaS student who actually did MaS"),
                f"{euros(calc.total)} / {plain(mas)}",
                money(calc.total / mas),
            )


def _municipal(calc: Calculation, p: dict, inputs: dict) -> None:
    budget, share = p["budget"], p["inhabitants_share"]
    inhabitants = _input(inputs, "inhabitants", _("the municipality's inhabitants"))
    national_inh = _input(inputs, "national_inhabitants", _("the inhabitants of the country"))
    has_school = bool(inputs.get("has_school_location"))
    if national_inh == 0:
        raise ServiceError(_("The inhabitants of the country must be more than zero."))
    half1 = calc.add(
        _("Part distributed by inhabitants"), f"{euros(budget)} × {plain(share)}", budget * share
    )
    part1 = calc.add(
        _("Share by inhabitants"),
        f"{euros(half1)} × {plain(inhabitants)} / {plain(national_inh)}",
        money(half1 * inhabitants / national_inh),
    )
    half2 = calc.add(
        _("Part distributed by weighted counted pupils"),
        f"{euros(budget)} × (1 − {plain(share)})",
        budget * (1 - share),
    )
    if has_school:
        pupils = _input(inputs, "weighted_pupils", _("the municipality's weighted counted pupils"))
        national_pupils = _input(
            inputs, "national_weighted_pupils", _("the weighted counted pupils of the country")
        )
        if national_pupils == 0:
            raise ServiceError(
                _("The weighted counted pupils of the country must be more than zero.")
            )
        part2 = calc.add(
            _("Share by weighted counted pupils"),
            f"{euros(half2)} × {plain(pupils)} / {plain(national_pupils)}",
            money(half2 * pupils / national_pupils),
        )
    else:
        part2 = calc.add(
            _("Share by weighted counted pupils: no school location in the municipality"),
            "0",
            Decimal("0.00"),
        )
    calc.add(
        _("Total for the municipality"),
        f"{euros(part1)} + {euros(part2)}",
        part1 + part2,
        total=True,
    )


def _national(calc: Calculation, p: dict, inputs: dict) -> None:
    rate = p["amount_per_placement"]
    placements = _input(inputs, "placements", _("the number of realised placements"))
    calc.add(
        _("Realised placements × amount per placement"),
        f"{plain(placements)} × {euros(rate)}",
        money(placements * rate),
        total=True,
    )
