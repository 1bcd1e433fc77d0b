"""The odds: how much does the lottery decide?

Re-run deferred acceptance over many independent lottery draws (every student gets a fresh
lottery number in each draw; explicit priority lists and guidance needs stay as they are) and
count, per student, how often they got each choice and how often no place. The coordinator
sees these before publishing; a parent reads "in 1,000 draws, your child got their first choice
620 times".

Only the lottery changes between draws, so the instance is prepared once: each entry's priority
key in a draw is ``base + flag * place``, with ``place`` the student's position in that draw's
default order (guidance need, then lottery, then position). The draws then run one after the
other in the compiled DA kernel (:func:`.da_kernel.da_draws`, one call per batch, which also
counts the outcomes), each with the students entering in that draw's default order: every
offer without an explicit list ranks all students by that order, so an entrant ranks below
everyone it meets there and almost nobody is ever let go (McVitie and Wilson, 1971: the
outcome does not depend on the order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Id, Instance

CELLS = 4_000_000  # draws x students solved at once: bounds memory (~100 MB)


@dataclass(eq=False)
class Odds:
    """``counts[s, r]``: draws in which student ``s`` got the choice of rank ``r`` (1-based,
    as listed); ``counts[s, 0]``: draws without a place."""

    instance: Instance
    draws: int
    counts: np.ndarray

    def probabilities(self) -> dict[Id, dict[str, float]]:
        out = {}
        p = self.counts / max(self.draws, 1)
        for s, sid in enumerate(self.instance.student_ids):
            row = {str(r): float(p[s, r]) for r in np.flatnonzero(p[s, 1:]) + 1}
            row["none"] = float(p[s, 0])
            out[sid] = row
        return out


def odds(instance: Instance, draws: int = 1000, seed: int | None = None) -> Odds:
    inst = instance
    n = inst.n_students
    width = int(np.diff(inst.pref_ptr).max()) + 1 if n else 1
    counts = np.zeros((n, width), dtype=np.int64)
    if n == 0:
        return Odds(inst, draws, counts)
    rng = np.random.default_rng(seed)
    batch = max(1, min(draws, CELLS // max(n, 1)))
    prep = _Prepared(inst)
    # Fresh lottery numbers for everyone only matter through the order they put students in,
    # within each guidance need: a uniformly random order (equal numbers have chance 0).
    groups = [np.flatnonzero(inst.need == g) for g in np.unique(inst.need)[::-1]]
    done = 0
    while done < draws:
        b = min(batch, draws - done)
        order = np.concatenate([rng.permuted(np.tile(g, (b, 1)), axis=1) for g in groups], axis=1)
        prep.solve_orders(order, counts)
        done += b
    return Odds(inst, draws, counts)


def draw_entries(instance: Instance, lottery: np.ndarray) -> np.ndarray:
    """DA for each row of lottery numbers (``draws x students``): per draw and student the
    eligible preference assigned (index into ``Instance.el_*``) or -1. The same as
    ``da_reference(inst, inst.priority_keys(lottery[d]))`` for every draw ``d``."""
    lottery = np.asarray(lottery, dtype=np.float64).reshape(-1, instance.n_students)
    return _Prepared(instance).solve(lottery)


class _Prepared:
    """Everything about the instance that does not depend on the lottery, built once."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        E = len(inst.el_offer)
        # Priority key of entry e in a draw: base[e] + flag[e] * (student's default place).
        # Offers without a list: 0 + place. Offers with a list: the position for listed
        # students, the list length + place for the others (as Instance.priority_keys).
        base = np.zeros(E, dtype=np.int64)
        flag = np.ones(E, dtype=np.int64)
        if len(inst.prio_offer):
            listed = inst.prio_len[inst.el_offer]
            has = listed >= 0
            base[has] = listed[has]
            pos = _list_position(inst)  # -1 where not on the offer's list
            on = pos >= 0
            base[on] = pos[on]
            flag[on] = 0
        self.base, self.flag = base, flag

    def default_orders(self, lottery: np.ndarray) -> np.ndarray:
        """Per draw, students in default order: need desc, then lottery, then position."""
        by_lottery = np.argsort(lottery, axis=1, kind="stable")
        need = self.inst.need
        if need.any():
            by_need = np.argsort(-need[by_lottery], axis=1, kind="stable")
            by_lottery = np.take_along_axis(by_lottery, by_need, axis=1)
        return by_lottery

    def solve(self, lottery: np.ndarray) -> np.ndarray:
        return self.solve_orders(self.default_orders(lottery))

    def solve_orders(self, order: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
        """DA per draw, given each draw's default order of the students (``draws x n``); with
        ``counts`` (students x ranks + 1), also counts what each student got."""
        from .kernels import da_draws  # compiled: loaded on first use

        inst = self.inst
        return da_draws(
            inst.capacity.astype(np.int64, copy=False),
            inst.el_ptr,
            inst.el_offer.astype(np.int32, copy=False),
            inst.el_student.astype(np.int32, copy=False),
            inst.el_rank.astype(np.int32, copy=False),
            self.base,
            self.flag,
            np.ascontiguousarray(order, dtype=np.int64),
            np.zeros((0, 1), dtype=np.int64) if counts is None else counts,
        )


def _list_position(inst: Instance) -> np.ndarray:
    """Per eligible entry, the student's position on the offer's explicit list, or -1."""
    n = inst.n_students
    codes = inst.prio_offer.astype(np.int64) * n + inst.prio_student
    order = np.argsort(codes)
    codes, pos = codes[order], inst.prio_pos[order]
    want = inst.el_offer.astype(np.int64) * n + inst.el_student
    at = np.searchsorted(codes, want)
    at_ok = at < len(codes)
    hit = np.zeros(len(want), dtype=bool)
    hit[at_ok] = codes[at[at_ok]] == want[at_ok]
    out = np.full(len(want), -1, dtype=np.int64)
    out[hit] = pos[at[hit]]
    return out
