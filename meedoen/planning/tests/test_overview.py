"""The overview computation on small hand-made data with known answers (no database)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.directory.models import Sector
from meedoen.planning import overview as ov
from meedoen.students.models import Level

YEAR = 2026
WEEKS = ov.school_year_weeks(YEAR)
W0, N = WEEKS[0], len(WEEKS)


def d(iso_week: int, weekday: int = 1) -> datetime.date:
    return datetime.date.fromisocalendar(YEAR if iso_week >= 31 else YEAR + 1, iso_week, weekday)


def idx(iso_week: int) -> int:
    return WEEKS.index(d(iso_week))


def period(pid=1, school=1, level="havo", students=30, start=None, end=None, fmt="block", **kw):
    start = start or d(50)
    end = end or start + datetime.timedelta(days=4)
    return ov.PeriodInput(
        id=pid,
        school_id=school,
        school_name=f"School {school}",
        level=level,
        students=students,
        start=start,
        end=end,
        format=fmt,
        **kw,
    )


def offer(capacity=10, sector="care", start=None, end=None, **kw):
    return ov.OfferInput(
        start=start or d(33),
        end=end or d(27, 5),
        sector=sector,
        capacity=capacity,
        **kw,
    )


def test_codes_match_the_django_choices():
    assert set(ov.LEVELS) == set(Level.values)
    assert set(ov.SECTORS) == set(Sector.values)


def test_school_year_weeks_cover_august_to_july():
    assert WEEKS[0] == datetime.date(2026, 7, 27)  # the week holding 1 August
    assert WEEKS[-1] <= datetime.date(2027, 7, 31) < WEEKS[-1] + datetime.timedelta(days=7)
    assert all(w.weekday() == 0 for w in WEEKS)
    assert len(WEEKS) == 53


def test_block_counts_all_students_in_every_week_it_touches():
    # Thursday of week 50 to Tuesday of week 51: two weeks, every student in both.
    p = period(start=d(50, 4), end=d(51, 2), students=40)
    assert ov.period_week_shares(p, W0, N) == {idx(50): 1.0, idx(51): 1.0}


def test_project_spreads_students_over_its_school_days():
    # Monday week 5 to Wednesday week 6: 5 + 3 school days.
    p = period(start=d(5, 1), end=d(6, 3), fmt="project")
    shares = ov.period_week_shares(p, W0, N)
    assert shares == {idx(5): 5 / 8, idx(6): 3 / 8}


def test_ribbon_counts_only_weeks_holding_one_of_its_weekdays():
    # Thursday week 37 to Wednesday week 40, on Wednesdays: weeks 38, 39, 40.
    p = period(start=d(37, 4), end=d(40, 3), fmt="ribbon", weekdays=(2,))
    assert ov.period_week_shares(p, W0, N) == {idx(38): 1.0, idx(39): 1.0, idx(40): 1.0}


def test_a_weekend_only_period_still_counts():
    p = period(start=d(50, 6), end=d(50, 7), fmt="project")
    assert ov.period_week_shares(p, W0, N) == {idx(50): 1.0}


def test_supply_respects_dates_weekdays_and_levels():
    offers = [
        offer(capacity=5, levels=("havo",)),
        # Available from a Sunday, only on Saturdays: its first week does not count.
        offer(capacity=3, start=d(50, 7), end=d(52, 7), weekdays=(5,), sector="sport"),
        offer(capacity=0),  # full: no open places
    ]
    supply = ov.compute_supply(offers, W0, N)
    assert supply.level("havo")[idx(50)] == 5
    assert supply.level("vwo")[idx(50)] == 0
    assert supply.level("vwo")[idx(51)] == 3  # no levels named: suits every level
    assert supply.total()[idx(51)] == 8  # counted once over the levels
    assert supply.total("sport")[idx(52)] == 3
    assert supply.total()[idx(31)] == 0  # before the offers start


def test_known_peak_names_the_contributing_schools():
    periods = [
        period(1, school=1, students=30),
        period(2, school=2, students=20),
        period(3, school=3, students=10, start=d(10), end=d(10, 5)),
    ]
    offers = [offer(capacity=50, levels=("havo", "vwo"))]
    result = ov.compute_overview(periods, offers, school_year=YEAR, threshold=0.8)
    assert result.demand[idx(50)] == 50
    assert result.supply[idx(50)] == 50
    # 50 > 0.8 × 50 in week 50; 10 < 40 in week 10.
    havo = [p for p in result.peaks if p.level == "havo"]
    assert [p.weeks for p in havo] == [[idx(50)]]
    assert havo[0].schools == [(1, "School 1", 30.0), (2, "School 2", 20.0)]
    assert result.peak_weeks == {idx(50)}
    assert result.school_demand[3][idx(10)] == 10


def test_all_levels_peak_when_shared_offers_are_counted_once():
    periods = [period(1, level="havo", students=30), period(2, level="vwo", students=30)]
    offers = [offer(capacity=50, levels=("havo", "vwo"))]
    result = ov.compute_overview(periods, offers, school_year=YEAR, threshold=0.8)
    # Per level 30 ≤ 40, but together 60 > 40.
    assert [(p.level, p.weeks) for p in result.peaks] == [(None, [idx(50)])]


def test_no_supply_makes_any_demand_a_peak():
    result = ov.compute_overview([period(students=1)], [], school_year=YEAR)
    assert result.peaks and result.peaks[0].ratio == float("inf")


def test_level_filter():
    periods = [period(1, level="havo", students=30), period(2, level="vwo", students=12)]
    result = ov.compute_overview(periods, [offer(100)], school_year=YEAR, level="vwo")
    assert result.demand[idx(50)] == 12
    assert result.levels == ["vwo"]


def test_sector_filter_divides_demand_in_proportion_to_places():
    periods = [period(1, students=40), period(2, students=10, sectors=("sport",), school=2)]
    offers = [offer(30, sector="care"), offer(10, sector="sport")]
    care = ov.compute_overview(periods, offers, school_year=YEAR, sector="care")
    sport = ov.compute_overview(periods, offers, school_year=YEAR, sector="sport")
    assert care.demand[idx(50)] == 30  # 40 × 30/40; the sport-only period adds nothing
    assert sport.demand[idx(50)] == 20  # 40 × 10/40 + 10
    assert care.supply[idx(50)] == 30
    assert [p.level for p in sport.peaks] == [None, "havo"]  # 20 > 8
    assert [p.level for p in care.peaks] == [None, "havo"]  # 30 > 0.8 × 30


def test_sector_filter_peaks():
    periods = [period(1, students=40)]
    offers = [offer(30, sector="care"), offer(10, sector="sport")]
    care = ov.compute_overview(periods, offers, school_year=YEAR, sector="care", threshold=1.0)
    assert not care.peaks  # 30 ≤ 1.0 × 30
    care = ov.compute_overview(periods, offers, school_year=YEAR, sector="care", threshold=0.9)
    assert care.peaks


def test_shift_advice_moves_a_period_to_a_quiet_week():
    periods = [
        period(1, school=1, students=30),
        period(2, school=2, students=20),
    ]
    offers = [offer(capacity=40)]
    supply = ov.compute_supply(offers, W0, N)
    result = ov.compute_overview(periods, (), school_year=YEAR, supply=supply)
    peak = next(p for p in result.peaks if p.level == "havo")
    advice = ov.shift_advice(peak, periods, supply, school_year=YEAR)
    # Moving the 20 leaves 30 ≤ 32; moving the 30 would leave 20 (more relief, same rule).
    assert len(advice) == 1
    s = advice[0]
    assert abs(s.shift_weeks) == 1
    assert s.relief in (20, 30)
    assert s.new_start == next(p for p in periods if p.id == s.period_id).start + (
        datetime.timedelta(weeks=s.shift_weeks)
    )


def test_shift_advice_skips_ignored_moves_and_stays_in_the_school_year():
    # A peak in the last week of the school year: only earlier moves are possible.
    start = d(29, 1)
    periods = [period(1, students=30, start=start, end=start + datetime.timedelta(days=4))]
    supply = ov.compute_supply([offer(10, end=d(29, 5))], W0, N)
    result = ov.compute_overview(periods, (), school_year=YEAR, supply=supply)
    peak = result.peaks[0]
    # Supply is only there until week 29: no move helps without another peak.
    assert ov.shift_advice(peak, periods, supply, school_year=YEAR) == []
    supply = ov.compute_supply([offer(10, end=d(29, 5)), offer(40, end=d(28, 5))], W0, N)
    advice = ov.shift_advice(peak, periods, supply, school_year=YEAR)
    assert [a.shift_weeks for a in advice] == [-1]
    skipped = ov.shift_advice(peak, periods, supply, school_year=YEAR, skip=frozenset({(1, -1)}))
    assert [a.shift_weeks for a in skipped] == [-2]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

FORMATS = sorted(ov.CONCURRENT_FORMATS | ov.SPREAD_FORMATS)
FIRST, LAST = ov.school_year_bounds(YEAR)


@st.composite
def periods_strategy(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    out = []
    for i in range(n):
        start = FIRST + datetime.timedelta(days=draw(st.integers(0, 360)))
        end = start + datetime.timedelta(days=draw(st.integers(0, 120)))
        end = min(end, LAST)
        out.append(
            ov.PeriodInput(
                id=i,
                school_id=draw(st.integers(1, 4)),
                school_name="S",
                level=draw(st.sampled_from(ov.LEVELS)),
                students=draw(st.integers(1, 300)),
                start=start,
                end=end,
                format=draw(st.sampled_from(FORMATS)),
                weekdays=tuple(draw(st.sets(st.integers(0, 6), max_size=3))),
                sectors=tuple(draw(st.sets(st.sampled_from(ov.SECTORS), max_size=2))),
            )
        )
    return out


@st.composite
def offers_strategy(draw):
    out = []
    for _ in range(draw(st.integers(0, 6))):
        start = FIRST + datetime.timedelta(days=draw(st.integers(0, 360)))
        end = min(LAST, start + datetime.timedelta(days=draw(st.integers(0, 300))))
        out.append(
            ov.OfferInput(
                start=start,
                end=end,
                sector=draw(st.sampled_from(ov.SECTORS)),
                capacity=draw(st.integers(0, 50)),
                levels=tuple(draw(st.sets(st.sampled_from(ov.LEVELS), max_size=3))),
                weekdays=tuple(draw(st.sets(st.integers(0, 6), max_size=2))),
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(periods_strategy(), offers_strategy())
def test_demand_totals_equal_students_times_their_shares(periods, offers):
    result = ov.compute_overview(periods, offers, school_year=YEAR)
    expected = sum(p.students * sum(ov.period_week_shares(p, W0, N).values()) for p in periods)
    assert abs(sum(result.demand) - expected) < 1e-6 * max(1, expected)
    # Per school the same sum.
    assert abs(sum(map(sum, result.school_demand.values())) - expected) < 1e-6 * max(1, expected)
    for p in periods:
        shares = ov.period_week_shares(p, W0, N)
        assert shares, "every period lands in some week"
        if p.format in ov.SPREAD_FORMATS:
            assert abs(sum(shares.values()) - 1) < 1e-9
        else:
            assert set(shares.values()) == {1.0}


@settings(max_examples=100, deadline=None)
@given(periods_strategy(), offers_strategy())
def test_sector_shares_add_up_to_the_unfiltered_demand(periods, offers):
    whole = ov.compute_overview(periods, offers, school_year=YEAR)
    supply = ov.compute_supply(offers, W0, N)
    parts = [
        ov.compute_overview(periods, (), school_year=YEAR, sector=s, supply=supply)
        for s in ov.SECTORS
    ]
    for w in range(N):
        assert abs(sum(p.demand[w] for p in parts) - whole.demand[w]) < 1e-6


@settings(max_examples=60, deadline=None)
@given(periods_strategy(), offers_strategy())
def test_advice_keeps_periods_in_the_year_and_relieves_the_peak(periods, offers):
    supply = ov.compute_supply(offers, W0, N)
    result = ov.compute_overview(periods, (), school_year=YEAR, supply=supply)
    for peak in result.peaks[:2]:
        for s in ov.shift_advice(peak, periods, supply, school_year=YEAR):
            assert FIRST <= s.new_start <= s.new_end <= LAST
            assert s.relief > 0
            assert 1 <= abs(s.shift_weeks) <= ov.MAX_SHIFT_WEEKS
