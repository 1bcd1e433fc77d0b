"""The matching instance: offers, students, eligibility and priorities, validated once.

An instance arrives as plain records (JSON objects, or the :class:`Offer` and :class:`Student`
dataclasses the platform builds) and is turned into flat arrays that both solvers share:

- the preference lists as given, in one flat array with per-student bounds (CSR);
- for each listed offer, whether the student is eligible and, if not, why (level, age,
  guidance), because ineligible preferences are dropped and reported, never silently;
- for each eligible preference, the student's *priority key* at that offer: smaller is better.

Priority rules (issue 5). An offer without an explicit list ranks students by guidance need,
highest first, then by lottery number, lowest first, then - the final tie-break for equal
lotteries - by the student's position in the instance (the order the platform supplies,
e.g. by database id). That default order is one global ranking of all students. An offer with
an explicit priority list ranks the listed students in list order, then everyone else in the
default order.

Validation is linear in the total length of all lists and reports the first problem in one
line (``MalformedInstance``). Decisions beyond the issue: ids are integers or strings and must
be unique by their text (``1`` and ``"1"`` would collide as JSON keys); references must match
an id exactly; an offer listed twice in one preference list, or a student listed twice in one
priority list, is malformed; ``priority: null`` means "no explicit list".
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

GUIDANCE = ("standard", "targeted", "intensive")
_GUIDANCE_LEVEL = {name: i for i, name in enumerate(GUIDANCE)}

# Reasons a preference is ineligible, as bit flags on each listed preference.
INELIGIBLE_LEVEL = 1
INELIGIBLE_AGE = 2
INELIGIBLE_GUIDANCE = 4
REASONS = {INELIGIBLE_LEVEL: "level", INELIGIBLE_AGE: "age", INELIGIBLE_GUIDANCE: "guidance"}

Id = int | str


class MalformedInstance(ValueError):
    """The instance cannot be matched; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Offer:
    """A placement offer as the engine sees it."""

    id: Id
    capacity: int
    levels: tuple[str, ...] = ()
    min_age: int = 0
    guidance: str = "standard"
    priority: tuple[Id, ...] | None = None


@dataclass(frozen=True, slots=True)
class Student:
    """A student with a ranked list of offer ids (first = most wanted)."""

    id: Id
    preferences: tuple[Id, ...]
    level: str
    age: int
    guidance: str = "standard"
    lottery: float = 0.0


@dataclass(eq=False)
class Instance:
    """A validated instance in array form. Build it with :func:`load_instance` or :func:`build`.

    Indices: students ``0..n-1`` and offers ``0..m-1`` in input order. ``pref_*`` arrays hold
    every listed preference (``pref_ptr[s]:pref_ptr[s+1]`` for student ``s``); ``el_*`` arrays
    hold only the eligible ones, in the same order, with ``el_rank`` the 1-based position in the
    list *as given* and ``el_key`` the student's priority key at that offer (smaller = better).
    """

    offer_ids: list[Id]
    student_ids: list[Id]
    capacity: np.ndarray  # int64[m]
    need: np.ndarray  # int8[n], 0 standard .. 2 intensive
    lottery: np.ndarray  # float64[n]
    pref_ptr: np.ndarray  # int64[n+1]
    pref_offer: np.ndarray  # int32[P]
    pref_why: np.ndarray  # uint8[P], 0 = eligible, else INELIGIBLE_* flags
    # explicit priority lists: (offer index, student index, position) triples
    prio_offer: np.ndarray
    prio_student: np.ndarray
    prio_pos: np.ndarray
    prio_len: np.ndarray  # int64[m], -1 = no explicit list
    el_ptr: np.ndarray = field(init=False)
    el_student: np.ndarray = field(init=False)
    el_offer: np.ndarray = field(init=False)
    el_rank: np.ndarray = field(init=False)
    el_key: np.ndarray = field(init=False)
    _entry_order: np.ndarray | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        from .kernels import eligible_entries  # compiled: loaded on first use

        self.el_ptr, self.el_student, self.el_offer, self.el_rank = eligible_entries(
            self.pref_ptr, self.pref_offer, self.pref_why
        )
        self.el_key = self.priority_keys(self.lottery)

    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_offers(self) -> int:
        return len(self.offer_ids)

    @property
    def dropped_ineligible(self) -> int:
        return int(np.count_nonzero(self.pref_why))

    def default_ranking(self, lottery: np.ndarray) -> np.ndarray:
        """The students in the default order, first first: need desc, lottery, position."""
        # Two stable sorts: by lottery, then by need (a small integer: a fast radix sort).
        order = np.argsort(lottery, kind="stable")
        if self.need.any():
            order = order[np.argsort(-self.need[order], kind="stable")]
        return order

    def default_order(self, lottery: np.ndarray) -> np.ndarray:
        """Each student's place in the default order (0 = first)."""
        n = self.n_students
        place = np.empty(n, dtype=np.int64)
        place[self.default_ranking(lottery)] = np.arange(n, dtype=np.int64)
        return place

    def entry_order(self) -> np.ndarray:
        """The default ranking for the instance's own lottery (computed once)."""
        if self._entry_order is None:
            self._entry_order = self.default_ranking(self.lottery)
        return self._entry_order

    def priority_keys(self, lottery: np.ndarray) -> np.ndarray:
        """Priority key of each eligible preference for a given lottery draw."""
        key = self.default_order(lottery)[self.el_student]
        if len(self.prio_offer) == 0:
            return key
        idx = np.flatnonzero(self.prio_len[self.el_offer] >= 0)  # at offers with a list
        key[idx] += self.prio_len[self.el_offer[idx]]
        # Students on an offer's list get their position there instead.
        n = self.n_students
        codes = self.prio_offer.astype(np.int64) * n + self.prio_student
        order = np.argsort(codes)
        codes, pos = codes[order], self.prio_pos[order]
        want = self.el_offer[idx].astype(np.int64) * n + self.el_student[idx]
        at = np.searchsorted(codes, want)
        at_ok = at < len(codes)
        hit = np.zeros(len(idx), dtype=bool)
        hit[at_ok] = codes[at[at_ok]] == want[at_ok]
        key[idx[hit]] = pos[at[hit]]
        return key


# --------------------------------------------------------------------------- validation


def _bad(message: str) -> MalformedInstance:
    return MalformedInstance(message)


def _label(kind: str, i: int, record: Any) -> str:
    if isinstance(record, Mapping) and isinstance(record.get("id"), int | str):
        return f"{kind} {record['id']!r}"
    return f"{kind} #{i + 1}"


def _column(records: list, name: str, kind: str, default: Any = ...) -> list:
    try:
        if default is ...:
            return [r[name] for r in records]
        return [r.get(name, default) for r in records]
    except (KeyError, TypeError, AttributeError):
        for i, r in enumerate(records):
            if not isinstance(r, Mapping):
                raise _bad(f"{kind} #{i + 1} is not an object") from None
            if name not in r:
                raise _bad(f"{_label(kind, i, r)} has no '{name}'") from None
        raise


def _check_types(col: list, allowed: tuple[type, ...], kind: str, name: str, records: list) -> None:
    if set(map(type, col)) <= set(allowed):
        return
    names = " or ".join(t.__name__ for t in allowed)
    for i, value in enumerate(col):
        if type(value) not in allowed:
            raise _bad(
                f"{_label(kind, i, records[i])}: '{name}' must be {names}, not {value!r:.40}"
            )


class _Index:
    """Ids of one kind: unique by their text, mapped to their position on demand."""

    def __init__(self, col: list) -> None:
        self.col = col
        self._map: dict | None = None
        self._table: tuple | None = None

    @property
    def map(self) -> dict:
        if self._map is None:
            self._map = dict(zip(self.col, range(len(self.col)), strict=True))
        return self._map

    def map_for(self, lists: list, total: int) -> dict:
        """A map that holds at least every id in ``lists`` that exists. For a few references
        among many ids (priority lists), only those are looked for: cheaper than mapping all."""
        if self._map is not None or 8 * total >= len(self.col):
            return self.map
        wanted = set(chain.from_iterable(lists))
        return {v: i for i, v in enumerate(self.col) if v in wanted}

    def table(self) -> tuple | None:
        """For integer ids: (lowest id, array id - lowest -> position or -1), if compact."""
        if self._table is None:
            self._table = (None, None)
            col = self.col
            if col and set(map(type, col)) == {int}:
                try:
                    ids = np.array(col, dtype=np.int64)
                except OverflowError:
                    return None
                lo, hi = int(ids.min()), int(ids.max())
                if hi - lo <= 4 * len(col) + 1024:
                    table = np.full(hi - lo + 1, -1, dtype=np.int64)
                    table[ids - lo] = np.arange(len(col), dtype=np.int64)
                    self._table = (lo, table)
        return None if self._table[0] is None else self._table


def _ids(col: list, kind: str) -> _Index:
    types = set(map(type, col))
    # Of one type, equal text means equal value; mixed, 1 and "1" would collide as JSON keys.
    if len(set(col)) == len(col) and (len(types) <= 1 or len(set(map(str, col))) == len(col)):
        return _Index(col)
    seen: set[str] = set()
    for v in col:
        if str(v) in seen:
            raise _bad(f"duplicate {kind} id {v!r}")
        seen.add(str(v))
    raise AssertionError("unreachable")


def _flat_refs(
    lists: list,
    index: _Index,
    kind: str,
    what: str,
    owners: list,
    owner_kind: str,
    types: frozenset | None = None,
):
    """Map a column of id lists to int arrays (flat, lengths); reject unknown ids.

    ``types`` are the types of all listed ids when the caller knows them (a typed decoder
    has checked them); otherwise they are read here."""
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(lengths.sum())
    if types is None:
        types = set(map(type, chain.from_iterable(lists)))
    if not types <= {int, str}:
        for j, ids in enumerate(lists):
            for v in ids:
                if type(v) not in (int, str):
                    raise _bad(f"{owner_kind} {owners[j]!r}: {what} holds {v!r:.40}, not an id")
    table = index.table() if types == {int} else None
    if table is not None:  # integer ids in a compact range: one vectorised lookup
        lo, lookup = table
        try:
            refs = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total) - lo
        except OverflowError:
            refs = None
        if refs is not None:
            inside = (refs >= 0) & (refs < len(lookup))
            arr = lookup[np.where(inside, refs, 0)]
            arr[~inside] = -1
            if total == 0 or arr.min() >= 0:
                return arr, lengths
    mapping = index.map_for(lists, total)
    mapped = list(map(mapping.get, chain.from_iterable(lists)))
    try:
        arr = np.array(mapped, dtype=np.int64)
    except TypeError:
        for j, ids in enumerate(lists):
            for v in ids:
                if v not in mapping:
                    raise _bad(
                        f"{owner_kind} {owners[j]!r}: unknown {kind} {v!r} in {what}"
                    ) from None
        raise
    return arr, lengths


def _int_array(col: list, kind: str, name: str, ids: list) -> np.ndarray:
    """A column of integers as int64; one beyond 64 bits is refused, not overflowed."""
    try:
        return np.array(col, dtype=np.int64)
    except OverflowError:
        for i, v in enumerate(col):
            if not -(2**63) <= v < 2**63:
                raise _bad(f"{kind} {ids[i]!r}: '{name}' {v:.3g} is out of range") from None
        raise


def _guidance(col: list, kind: str, records: list) -> np.ndarray:
    try:
        return np.fromiter(map(_GUIDANCE_LEVEL.__getitem__, col), dtype=np.int8, count=len(col))
    except (KeyError, TypeError):
        for i, g in enumerate(col):
            if not isinstance(g, str) or g not in _GUIDANCE_LEVEL:
                raise _bad(
                    f"{_label(kind, i, records[i])}: unknown guidance {g!r:.40} "
                    f"(expected one of {', '.join(GUIDANCE)})"
                ) from None
        raise


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk step that creates no reference cycles.

    Parsing or validating a national instance touches millions of objects; the collector
    would otherwise walk all of them again and again while they are being made (it costs
    about as much as the work itself). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_instance(data: Any) -> Instance:
    """Validate a JSON-shaped instance ``{"offers": [...], "students": [...]}``."""
    with gc_paused():
        return _load_instance(data)


class Columns(NamedTuple):
    """An instance as columns of plain values, types already checked (see :func:`load_instance`
    for records and ``decode.py`` for JSON decoded straight into typed values)."""

    offer_ids: list
    capacity: list
    levels: list
    min_age: list
    offer_guidance: np.ndarray  # int8 codes
    priority: list  # list of id lists or None, per offer
    student_ids: list
    prefs: list
    level: list
    age: list
    need: np.ndarray  # int8 codes
    lottery: list
    pref_types: frozenset | None = None  # types of all ids in preferences, when known


def _load_instance(data: Any) -> Instance:
    return assemble(_columns(data))


def _columns(data: Any) -> Columns:
    """Read the records into columns, checking every field's type."""
    if not isinstance(data, Mapping):
        raise _bad("the instance must be a JSON object with 'offers' and 'students'")
    for key in ("offers", "students"):
        if key not in data:
            raise _bad(f"the instance has no '{key}'")
        if not isinstance(data[key], list):
            raise _bad(f"'{key}' must be a list")
    offers, students = data["offers"], data["students"]

    offer_ids = _column(offers, "id", "offer")
    _check_types(offer_ids, (int, str), "offer", "id", offers)
    capacity = _column(offers, "capacity", "offer")
    _check_types(capacity, (int,), "offer", "capacity", offers)
    levels = _column(offers, "levels", "offer")
    _check_types(levels, (list,), "offer", "levels", offers)
    min_age = _column(offers, "min_age", "offer")
    _check_types(min_age, (int,), "offer", "min_age", offers)
    offer_guidance = _guidance(_column(offers, "guidance", "offer"), "offer", offers)
    priority = _column(offers, "priority", "offer", default=None)
    for o, p in enumerate(priority):
        if p is not None and not isinstance(p, list):
            raise _bad(f"offer {offer_ids[o]!r}: 'priority' must be a list of student ids")
    for i, lv in enumerate(levels):
        if not all(type(x) is str for x in lv):
            raise _bad(f"offer {offer_ids[i]!r}: 'levels' must be a list of strings")

    student_ids = _column(students, "id", "student")
    _check_types(student_ids, (int, str), "student", "id", students)
    prefs = _column(students, "preferences", "student")
    _check_types(prefs, (list,), "student", "preferences", students)
    level = _column(students, "level", "student")
    _check_types(level, (str,), "student", "level", students)
    age = _column(students, "age", "student")
    _check_types(age, (int,), "student", "age", students)
    need = _guidance(_column(students, "guidance", "student"), "student", students)
    lottery = _column(students, "lottery", "student")
    _check_types(lottery, (float, int), "student", "lottery", students)
    return Columns(
        offer_ids,
        capacity,
        levels,
        min_age,
        offer_guidance,
        priority,
        student_ids,
        prefs,
        level,
        age,
        need,
        lottery,
    )


def assemble(c: Columns) -> Instance:
    """Check what lies across records (unique ids, known references, ranges) and build the
    arrays. The columns' types have been checked."""
    from .kernels import first_repeat, ineligible  # compiled: loaded on first use

    offer_ids, student_ids = c.offer_ids, c.student_ids
    offer_index = _ids(offer_ids, "offer")
    capacity = c.capacity
    capacity_arr = _int_array(capacity, "offer", "capacity", offer_ids)
    if len(capacity_arr) and capacity_arr.min() < 0:
        i = int(np.argmin(capacity_arr))
        raise _bad(f"offer {offer_ids[i]!r}: negative capacity {capacity[i]}")
    levels, priority, offer_guidance = c.levels, c.priority, c.offer_guidance
    n = len(student_ids)
    student_index = _ids(student_ids, "student")
    level, need, lottery = c.level, c.need, c.lottery
    lottery_arr = np.array(lottery, dtype=np.float64)
    bad = ~((lottery_arr >= 0.0) & (lottery_arr < 1.0))
    if bad.any():
        i = int(np.argmax(bad))
        raise _bad(f"student {student_ids[i]!r}: lottery {lottery[i]!r} is outside [0, 1)")

    # Preferences: known offers, each at most once per list.
    pref_offer, lengths = _flat_refs(
        c.prefs, offer_index, "offer", "preferences", student_ids, "student", c.pref_types
    )
    pref_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=pref_ptr[1:])
    dup = first_repeat(pref_ptr, pref_offer, len(offer_ids))
    if dup >= 0:
        raise _bad(f"student {student_ids[dup]!r} lists the same offer twice")

    # Explicit priority lists: known students, each at most once per list.
    has = [o for o, p in enumerate(priority) if p is not None]
    prio_len = np.full(len(offer_ids), -1, dtype=np.int64)
    if has:
        lists = [priority[o] for o in has]
        owners = [offer_ids[o] for o in has]
        prio_student, plen = _flat_refs(
            lists, student_index, "student", "priority", owners, "offer"
        )
        prio_ptr = np.zeros(len(has) + 1, dtype=np.int64)
        np.cumsum(plen, out=prio_ptr[1:])
        dup = first_repeat(prio_ptr, prio_student, n)
        if dup >= 0:
            raise _bad(f"offer {owners[dup]!r} lists the same student twice in its priority")
        prio_offer = np.repeat(np.array(has, dtype=np.int64), plen)
        starts = np.repeat(np.cumsum(plen) - plen, plen)
        prio_pos = np.arange(len(prio_student), dtype=np.int64) - starts
        prio_len[has] = plen
    else:
        prio_offer = prio_student = prio_pos = np.zeros(0, dtype=np.int64)

    # Eligibility of every listed preference.
    level_names = sorted(set(level).union(*map(set, levels)) if levels else set(level))
    code = {name: i for i, name in enumerate(level_names)}
    student_level = np.fromiter(map(code.__getitem__, level), dtype=np.int64, count=len(level))
    lv_ptr = np.zeros(len(levels) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, levels), dtype=np.int64, count=len(levels)), out=lv_ptr[1:])
    lv_code = np.fromiter(
        map(code.__getitem__, chain.from_iterable(levels)), dtype=np.int64, count=int(lv_ptr[-1])
    )
    age_arr = _int_array(c.age, "student", "age", student_ids)
    min_age_arr = _int_array(c.min_age, "offer", "min_age", offer_ids)
    pref_offer = pref_offer.astype(np.int32)
    why = ineligible(
        pref_ptr,
        pref_offer,
        student_level,
        lv_ptr,
        lv_code,
        age_arr,
        min_age_arr,
        need,
        offer_guidance,
    )
    return Instance(
        offer_ids=offer_ids,
        student_ids=student_ids,
        capacity=capacity_arr,
        need=need,
        lottery=lottery_arr,
        pref_ptr=pref_ptr,
        pref_offer=pref_offer,
        pref_why=why,
        prio_offer=prio_offer,
        prio_student=prio_student,
        prio_pos=prio_pos,
        prio_len=prio_len,
    )


def build(offers: Iterable[Offer], students: Iterable[Student]) -> Instance:
    """Validate an instance given as dataclasses (what the platform builds from its models)."""

    def offer_record(o: Offer) -> dict:
        return {
            "id": o.id,
            "capacity": o.capacity,
            "levels": list(o.levels),
            "min_age": o.min_age,
            "guidance": o.guidance,
            "priority": None if o.priority is None else list(o.priority),
        }

    def student_record(s: Student) -> dict:
        return {
            "id": s.id,
            "preferences": list(s.preferences),
            "level": s.level,
            "age": s.age,
            "guidance": s.guidance,
            "lottery": s.lottery,
        }

    return load_instance(
        {
            "offers": [offer_record(o) for o in offers],
            "students": [student_record(s) for s in students],
        }
    )
