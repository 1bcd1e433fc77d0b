"""The yearly overview as a plain computation: demand against supply per week.

This module has no Django import. It is fed plain rows (``PeriodInput`` from the
schools' internship periods, ``OfferInput`` from the published placement offers) and
returns plain data, so it can be tested on hand-made cases and benchmarked on its own.

**Weeks.** A school year runs from 1 August to 31 July; its weeks are the calendar
weeks (Monday to Sunday) that touch it, named by their ISO week number.

**Demand: how many students need a place in a week.** Supply is counted as places that
can be taken at the same time, so demand counts students who need a place at the same
time. Per MaS format:

* *ribbon* (lint), *block* (blok) and *carousel* (carrousel): every student holds a
  place for the whole period — a ribbon's students go every week on the chosen
  weekdays, a block's students are out together, a carousel rotates the students
  between places but all of them are somewhere. Each week the period touches
  (for a ribbon: a week containing one of its weekdays; otherwise: a week containing a
  school day, Monday to Friday, of the period) demands **all** its students: share 1.
* *project* and *dual* (duaal): each student does the hours at a moment of their own
  within the window, so the students are **spread** over the period in proportion to
  its school days: a week's share is the period's school days in that week divided by
  all its school days (the shares add up to 1).

School holidays are not modelled: a school enters its periods around its own holidays.

**Sectors.** A period may restrict the students to some sectors (for example a care
period of a vmbo care course); otherwise they may go to any sector. Each week, the
demand of a level is divided over the allowed sectors in proportion to the supply that
fits that level in each sector (students go where the places are); with no supply at
all it is divided evenly. Summed over sectors, demand is therefore unchanged.

**Supply.** The open capacity of each published offer (its places minus the students
already holding one), counted in every week in which the offer is available (the
offer's dates touch the week and, when it names weekdays, one of them falls in the
week), for every level it suits (an offer naming no levels suits all). For "all
levels" an offer counts once.

**Peaks.** A week is a peak for a level when that level's demand exceeds the region's
threshold share of the level's supply (``demand > threshold × supply``; with no supply,
any demand). It is a peak for all levels together when all students exceed the
threshold share of all places, each offer counted once (an offer that suits havo and
vwo still takes each student only once). Consecutive peak weeks of one level (or of all
levels) form one ``Peak``; the schools with students on internship in it are named.

**Shifting advice.** For a peak, ``shift_advice`` tries moving the contributing periods
by up to four weeks earlier or later (staying in the school year), greedily choosing
the move that lowers the excess (demand above the threshold) in the peak's weeks the
most, without raising the excess over the whole year or turning another week into a
peak, until the peak is gone or no move helps.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The codes of ``students.models.Level`` and ``directory.models.Sector``, in display order
# (a test checks they match, so this module needs no Django import).
LEVELS: tuple[str, ...] = ("pro", "vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo")
SECTORS: tuple[str, ...] = ("care", "welfare", "sport", "culture", "nature", "other")
# Formats whose students all hold a place during the whole period; the others spread.
CONCURRENT_FORMATS = frozenset({"ribbon", "block", "carousel"})
SPREAD_FORMATS = frozenset({"project", "dual"})
SCHOOL_DAYS = frozenset(range(5))
ALL_DAYS = frozenset(range(7))
DEFAULT_THRESHOLD = 0.8
MAX_SHIFT_WEEKS = 4

_WEEK = datetime.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PeriodInput:
    id: int
    school_id: int
    school_name: str
    level: str
    students: int
    start: datetime.date
    end: datetime.date
    format: str
    weekdays: tuple[int, ...] = ()
    sectors: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True, slots=True)
class OfferInput:
    start: datetime.date
    end: datetime.date
    sector: str
    capacity: int
    levels: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()


@dataclass(slots=True)
class Peak:
    level: str | None  # None: all levels together
    weeks: list[int]  # week indexes, consecutive
    demand: float  # at the worst week
    supply: float
    schools: list[tuple[int, str, float]]  # (school id, name, most students in a week)

    @property
    def ratio(self) -> float:
        return self.demand / self.supply if self.supply else float("inf")


@dataclass(slots=True)
class Suggestion:
    period_id: int
    school_id: int
    school_name: str
    label: str
    students: int
    shift_weeks: int
    new_start: datetime.date
    new_end: datetime.date
    relief: float  # students fewer in the peak's weeks

    @property
    def distance(self) -> int:
        return abs(self.shift_weeks)


@dataclass
class Overview:
    school_year: int
    weeks: list[datetime.date]  # the Monday of each week
    threshold: float
    sector: str | None
    level: str | None
    levels: list[str]
    schools: list[tuple[int, str]]
    school_demand: dict[int, list[float]]
    demand: list[float]
    supply: list[float]
    demand_by_level: dict[str, list[float]]
    supply_by_level: dict[str, list[float]]
    peaks: list[Peak] = field(default_factory=list)

    @property
    def peak_weeks(self) -> set[int]:
        return {w for p in self.peaks for w in p.weeks}

    @property
    def week_numbers(self) -> list[int]:
        return [w.isocalendar()[1] for w in self.weeks]

    def peak_levels_by_week(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for p in self.peaks:
            for w in p.weeks:
                out[w].append(p.level)
        return out

    @property
    def total_demand(self) -> float:
        return sum(self.demand)


# ---------------------------------------------------------------------------
# Weeks and shares
# ---------------------------------------------------------------------------


def _plus(current: list[float] | None, series: list[float]) -> list[float]:
    """Element-wise sum (a copy of ``series`` when there is nothing yet)."""
    if current is None:
        return series[:]
    return [a + b for a, b in zip(current, series, strict=True)]


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)


def school_year_weeks(year: int) -> list[datetime.date]:
    """The Mondays of the calendar weeks that touch the school year."""
    first, last = school_year_bounds(year)
    week, out = monday(first), []
    while week <= last:
        out.append(week)
        week += _WEEK
    return out


def _days_in(lo: datetime.date, hi: datetime.date, days: frozenset[int]) -> int:
    """How many dates from lo to hi (inclusive, at most a week) fall on ``days``."""
    if hi < lo:
        return 0
    if len(days) == 7:
        return (hi - lo).days + 1
    start = lo.weekday()
    return sum(1 for i in range((hi - lo).days + 1) if (start + i) % 7 in days)


def _week_counts(
    start: datetime.date, end: datetime.date, days: frozenset[int], week0: datetime.date
) -> dict[int, int]:
    """Per week index (relative to week0): the number of the period's dates on ``days``.

    Only the first and last week are counted day by day; the weeks between hold every day.
    """
    first = (monday(start) - week0).days // 7
    last = (monday(end) - week0).days // 7
    counts: dict[int, int] = {}
    for w in range(first, last + 1):
        if first < w < last:
            n = len(days)
        else:
            wk = week0 + w * _WEEK
            n = _days_in(max(start, wk), min(end, wk + datetime.timedelta(days=6)), days)
        if n:
            counts[w] = n
    return counts


def period_week_shares(period: PeriodInput, week0: datetime.date, n_weeks: int) -> dict[int, float]:
    """The share of the period's students on internship in each week (see the module doc)."""
    ribbon_days = frozenset(d for d in period.weekdays if 0 <= d <= 6)
    days = ribbon_days if period.format == "ribbon" and ribbon_days else SCHOOL_DAYS
    counts = _week_counts(period.start, period.end, days, week0)
    if not counts:  # e.g. a period of only weekend days: count the days it has
        counts = _week_counts(period.start, period.end, ALL_DAYS, week0)
    if period.format in SPREAD_FORMATS:
        total = sum(counts.values())
        shares = {w: n / total for w, n in counts.items()}
    else:
        shares = dict.fromkeys(counts, 1.0)
    return {w: s for w, s in shares.items() if 0 <= w < n_weeks}


# ---------------------------------------------------------------------------
# Supply
# ---------------------------------------------------------------------------


@dataclass
class Supply:
    """Open places per week: per sector and level, and per sector counted once."""

    by_sector_level: dict[str, dict[str, list[float]]]
    by_sector: dict[str, list[float]]

    def level(self, level: str, sector: str | None = None) -> list[float]:
        n = len(next(iter(self.by_sector.values())))
        if sector is not None:
            return self.by_sector_level[sector].get(level, [0.0] * n)
        out = [0.0] * n
        for by_level in self.by_sector_level.values():
            series = by_level.get(level)
            if series:
                out = [a + b for a, b in zip(out, series, strict=True)]
        return out

    def total(self, sector: str | None = None) -> list[float]:
        if sector is not None:
            return list(self.by_sector[sector])
        n = len(next(iter(self.by_sector.values())))
        out = [0.0] * n
        for series in self.by_sector.values():
            out = [a + b for a, b in zip(out, series, strict=True)]
        return out


def _available(o: OfferInput, w: int, days: frozenset[int], week0: datetime.date) -> bool:
    wk = week0 + w * _WEEK
    return _days_in(max(o.start, wk), min(o.end, wk + datetime.timedelta(days=6)), days) > 0


def compute_supply(offers: Iterable[OfferInput], week0: datetime.date, n_weeks: int) -> Supply:
    """Open capacity per week, by sector and level, from the offers (difference arrays)."""
    # (sector, levels) -> difference array: +capacity at the first week, -capacity after the last
    diffs: dict[tuple[str, tuple[str, ...]], list[float]] = {}
    for o in offers:
        if o.capacity <= 0:
            continue
        days = frozenset(o.weekdays) or ALL_DAYS
        first = max(0, (monday(o.start) - week0).days // 7)
        last = min(n_weeks - 1, (monday(o.end) - week0).days // 7)
        if last < first:
            continue
        # The edge weeks count only if one of the offer's weekdays falls in them.
        if not _available(o, first, days, week0):
            first += 1
        if last >= first and not _available(o, last, days, week0):
            last -= 1
        if last < first:
            continue
        key = (o.sector, tuple(sorted(o.levels)) if o.levels else ())
        diff = diffs.get(key)
        if diff is None:
            diff = diffs[key] = [0.0] * (n_weeks + 1)
        diff[first] += o.capacity
        diff[last + 1] -= o.capacity
    by_sector_level: dict[str, dict[str, list[float]]] = {s: {} for s in SECTORS}
    by_sector: dict[str, list[float]] = {s: [0.0] * n_weeks for s in SECTORS}
    for (sector, levels), diff in diffs.items():
        series, running = [0.0] * n_weeks, 0.0
        for w in range(n_weeks):
            running += diff[w]
            series[w] = running
        by_sector.setdefault(sector, [0.0] * n_weeks)
        by_sector[sector] = [a + b for a, b in zip(by_sector[sector], series, strict=True)]
        levels_of = by_sector_level.setdefault(sector, {})
        for level in levels or LEVELS:
            levels_of[level] = _plus(levels_of.get(level), series)
    return Supply(by_sector_level=by_sector_level, by_sector=by_sector)


# ---------------------------------------------------------------------------
# Demand, peaks, the overview
# ---------------------------------------------------------------------------


def _sector_fractions(
    supply: Supply, level: str, allowed: tuple[str, ...], sector: str, n_weeks: int
) -> list[float]:
    """Per week, the fraction of a level's demand (allowed sectors) that goes to ``sector``."""
    allowed = allowed or SECTORS
    if sector not in allowed:
        return [0.0] * n_weeks
    mine = supply.by_sector_level.get(sector, {}).get(level) or [0.0] * n_weeks
    rows = [supply.by_sector_level.get(s, {}).get(level) for s in allowed]
    rows = [r for r in rows if r]
    out = []
    for w in range(n_weeks):
        denominator = sum(r[w] for r in rows)
        out.append(mine[w] / denominator if denominator > 0 else 1 / len(allowed))
    return out


def compute_overview(
    periods: Sequence[PeriodInput],
    offers: Iterable[OfferInput],
    *,
    school_year: int,
    threshold: float = DEFAULT_THRESHOLD,
    sector: str | None = None,
    level: str | None = None,
    supply: Supply | None = None,
) -> Overview:
    """Demand against supply per week (and per school), with the peaks, for one filter."""
    weeks = school_year_weeks(school_year)
    n, week0 = len(weeks), weeks[0]
    if supply is None:
        supply = compute_supply(offers, week0, n)

    # Base demand per (school, level, allowed sectors), before any sector filter.
    base: dict[tuple[int, str, tuple[str, ...]], list[float]] = {}
    names: dict[int, str] = {}
    for p in periods:
        if level is not None and p.level != level:
            continue
        names[p.school_id] = p.school_name
        key = (p.school_id, p.level, tuple(sorted(p.sectors)))
        series = base.get(key)
        if series is None:
            series = base[key] = [0.0] * n
        for w, share in period_week_shares(p, week0, n).items():
            series[w] += p.students * share

    if sector is not None:
        fractions: dict[tuple[str, tuple[str, ...]], list[float]] = {}
        for key, series in base.items():
            fk = key[1:]
            if fk not in fractions:
                fractions[fk] = _sector_fractions(supply, fk[0], fk[1], sector, n)
            base[key] = [a * b for a, b in zip(series, fractions[fk], strict=True)]

    school_demand: dict[int, list[float]] = {}
    school_level: dict[tuple[int, str], list[float]] = {}
    demand_by_level: dict[str, list[float]] = {}
    for (school_id, lvl, _allowed), series in base.items():
        for target, k in (
            (school_demand, school_id),
            (school_level, (school_id, lvl)),
            (demand_by_level, lvl),
        ):
            target[k] = _plus(target.get(k), series)
    demand = [0.0] * n
    for series in demand_by_level.values():
        demand = [a + b for a, b in zip(demand, series, strict=True)]

    levels = [lv for lv in LEVELS if lv in demand_by_level]
    supply_by_level = {lv: supply.level(lv, sector) for lv in levels}
    total_supply = supply.level(level, sector) if level is not None else supply.total(sector)

    peaks = find_peaks(
        demand_by_level,
        supply_by_level,
        school_level,
        names,
        threshold=threshold,
        total=(demand, total_supply, school_demand) if level is None else None,
    )
    schools = sorted(
        ((sid, names[sid]) for sid, s in school_demand.items() if any(s)),
        key=lambda item: (item[1], item[0]),
    )
    return Overview(
        school_year=school_year,
        weeks=weeks,
        threshold=threshold,
        sector=sector,
        level=level,
        levels=levels,
        schools=schools,
        school_demand=school_demand,
        demand=demand,
        supply=total_supply,
        demand_by_level=demand_by_level,
        supply_by_level=supply_by_level,
        peaks=peaks,
    )


def is_peak(demand: float, supply: float, threshold: float) -> bool:
    return demand > 1e-9 and demand > threshold * supply + 1e-9


def _runs(demand: list[float], supply: list[float], threshold: float) -> list[list[int]]:
    """Runs of consecutive peak weeks."""
    runs: list[list[int]] = []
    run: list[int] = []
    for w in range(len(demand) + 1):
        if w < len(demand) and is_peak(demand[w], supply[w], threshold):
            run.append(w)
        elif run:
            runs.append(run)
            run = []
    return runs


def find_peaks(
    demand_by_level: dict[str, list[float]],
    supply_by_level: dict[str, list[float]],
    school_level: dict[tuple[int, str], list[float]],
    names: dict[int, str],
    *,
    threshold: float,
    total: tuple[list[float], list[float], dict[int, list[float]]] | None = None,
) -> list[Peak]:
    """Consecutive peak weeks per level, with the schools contributing to them.

    With ``total`` (demand, supply counted once, and demand per school, over all levels)
    the weeks where all levels together exceed the threshold are peaks too (``level``
    None): an offer suiting several levels can still take each student only once.
    """
    series_sets: list[tuple[str | None, list[float], list[float], dict[int, list[float]]]] = []
    if total is not None:
        series_sets.append((None, total[0], total[1], total[2]))
    for lvl in LEVELS:
        if lvl in demand_by_level:
            per_school = {sid: s for (sid, slvl), s in school_level.items() if slvl == lvl}
            series_sets.append((lvl, demand_by_level[lvl], supply_by_level[lvl], per_school))
    peaks: list[Peak] = []
    for lvl, demand, supply, per_school in series_sets:
        for run in _runs(demand, supply, threshold):
            worst = max(run, key=lambda i: (demand[i] - threshold * supply[i], -i))
            schools = []
            for sid, series in per_school.items():
                most = max(series[i] for i in run)
                if most > 1e-9:
                    schools.append((sid, names[sid], most))
            schools.sort(key=lambda s: (-s[2], s[1]))
            peaks.append(Peak(lvl, run, demand[worst], supply[worst], schools))
    peaks.sort(key=lambda p: (p.weeks[0], -1 if p.level is None else LEVELS.index(p.level)))
    return peaks


# ---------------------------------------------------------------------------
# Shifting advice
# ---------------------------------------------------------------------------


def _excess(demand: list[float], supply: list[float], threshold: float, weeks) -> float:
    return sum(max(0.0, demand[w] - threshold * supply[w]) for w in weeks)


def shift_advice(
    peak: Peak,
    periods: Sequence[PeriodInput],
    supply: Supply,
    *,
    school_year: int,
    threshold: float = DEFAULT_THRESHOLD,
    max_shift: int = MAX_SHIFT_WEEKS,
    max_moves: int = 8,
    skip: frozenset[tuple[int, int]] = frozenset(),
    only_schools: frozenset[int] | set[int] | None = None,
) -> list[Suggestion]:
    """Which periods could move to which nearby weeks to bring the peak under supply.

    ``skip`` holds (period id, weeks) pairs the school has already ignored;
    ``only_schools`` limits the moves to those schools' periods (a school's own view).
    """
    weeks = school_year_weeks(school_year)
    n, week0 = len(weeks), weeks[0]
    first_day, last_day = school_year_bounds(school_year)

    def fits(p: PeriodInput) -> bool:
        return peak.level is None or p.level == peak.level

    level_supply = supply.total() if peak.level is None else supply.level(peak.level)
    demand = [0.0] * n
    shares: dict[int, dict[int, float]] = {}
    for p in periods:
        if not fits(p):
            continue
        shares[p.id] = period_week_shares(p, week0, n)
        for w, share in shares[p.id].items():
            demand[w] += p.students * share
    window = set(peak.weeks)
    candidates = [
        p
        for p in periods
        if fits(p)
        and any(w in window for w in shares.get(p.id, {}))
        and (only_schools is None or p.school_id in only_schools)
    ]
    candidates.sort(key=lambda p: (p.start, p.id))

    def is_peak_week(series: list[float], w: int) -> bool:
        return is_peak(series[w], level_supply[w], threshold)

    suggestions: list[Suggestion] = []
    used: set[int] = set()
    for _move in range(max_moves):
        before_window = _excess(demand, level_supply, threshold, window)
        if before_window <= 1e-9:
            break
        before_total = _excess(demand, level_supply, threshold, range(n))
        before_peaks = {w for w in range(n) if is_peak_week(demand, w)}
        best = None
        for p in candidates:
            if p.id in used:
                continue
            old = shares[p.id]
            for distance in range(1, max_shift + 1):
                for k in (-distance, distance):
                    if (p.id, k) in skip:
                        continue
                    start, end = p.start + k * _WEEK, p.end + k * _WEEK
                    if start < first_day or end > last_day:
                        continue
                    moved = dataclasses.replace(p, start=start, end=end)
                    new = period_week_shares(moved, week0, n)
                    trial = demand[:]
                    for w, s in old.items():
                        trial[w] -= p.students * s
                    for w, s in new.items():
                        trial[w] += p.students * s
                    if any(is_peak_week(trial, w) for w in set(new) - before_peaks):
                        continue
                    gain = before_window - _excess(trial, level_supply, threshold, window)
                    total_gain = before_total - _excess(trial, level_supply, threshold, range(n))
                    if gain <= 1e-9 or total_gain < -1e-9:
                        continue
                    score = (round(gain, 6), round(total_gain, 6), -abs(k), -p.students, -p.id)
                    if best is None or score > best[0]:
                        best = (score, p, k, start, end, trial, new)
        if best is None:
            break
        _score, p, k, start, end, trial, new = best
        relief = sum(demand[w] - trial[w] for w in window)
        demand = trial
        shares[p.id] = new
        used.add(p.id)
        suggestions.append(
            Suggestion(
                period_id=p.id,
                school_id=p.school_id,
                school_name=p.school_name,
                label=p.label,
                students=p.students,
                shift_weeks=k,
                new_start=start,
                new_end=end,
                relief=relief,
            )
        )
    return suggestions
