"""Hypothesis strategies and brute-force oracles for tiny matching instances."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from meedoen.matching.engine import GUIDANCE, Instance

LEVELS = ["pro", "vmbo-t", "havo", "vwo"]


@st.composite
def instances(draw, max_students: int = 5, max_offers: int = 3) -> dict:
    m = draw(st.integers(1, max_offers))
    n = draw(st.integers(1, max_students))
    offer_ids = draw(
        st.lists(
            st.one_of(st.integers(0, 50), st.text("abc", min_size=1, max_size=2)),
            min_size=m,
            max_size=m,
            unique_by=str,
        )
    )
    student_ids = [f"s{i}" for i in range(n)] if draw(st.booleans()) else list(range(100, 100 + n))
    offers = []
    for oid in offer_ids:
        offer = {
            "id": oid,
            "capacity": draw(st.integers(0, 2)),
            "levels": draw(st.lists(st.sampled_from(LEVELS), unique=True, max_size=2)),
            "min_age": draw(st.sampled_from([12, 14, 15])),
            "guidance": draw(st.sampled_from(GUIDANCE)),
        }
        if draw(st.integers(0, 3)) == 0:
            offer["priority"] = draw(st.permutations(student_ids))[: draw(st.integers(0, n))]
        offers.append(offer)
    students = []
    for sid in student_ids:
        prefs = draw(st.permutations(offer_ids))[: draw(st.integers(0, m))]
        students.append(
            {
                "id": sid,
                "preferences": prefs,
                "level": draw(st.sampled_from(LEVELS)),
                "age": draw(st.sampled_from([13, 14, 16])),
                "guidance": draw(st.sampled_from(GUIDANCE)),
                # few distinct values, so equal lotteries (the final tie-break) happen
                "lottery": draw(st.sampled_from([0.0, 0.25, 0.5, 0.75])),
            }
        )
    return {"offers": offers, "students": students}


def all_assignments(inst: Instance):
    """Every feasible assignment, as per-student entry index (into ``el_*``) or -1."""
    options = [
        [-1, *range(int(inst.el_ptr[s]), int(inst.el_ptr[s + 1]))] for s in range(inst.n_students)
    ]
    cap = inst.capacity
    for combo in itertools.product(*options):
        entry = np.array(combo, dtype=np.int64)
        used = entry[entry >= 0]
        if (np.bincount(inst.el_offer[used], minlength=inst.n_offers) <= cap).all():
            yield entry


def is_stable(inst: Instance, entry: np.ndarray) -> bool:
    """Brute-force stability: no student and offer that would both rather be matched."""
    load = np.bincount(inst.el_offer[entry[entry >= 0]], minlength=inst.n_offers)
    for s in range(inst.n_students):
        stop = entry[s] if entry[s] >= 0 else inst.el_ptr[s + 1]
        for k in range(int(inst.el_ptr[s]), int(stop)):
            o = inst.el_offer[k]
            if load[o] < inst.capacity[o]:
                return False
            holders = [e for e in entry if e >= 0 and inst.el_offer[e] == o]
            if any(inst.el_key[e] > inst.el_key[k] for e in holders):
                return False
    return True


def student_optimal_stable(inst: Instance) -> np.ndarray:
    """The stable matching every student weakly prefers to every other stable one."""
    stable = [e for e in all_assignments(inst) if is_stable(inst, e)]
    assert stable, "a stable matching always exists"

    def badness(entry):  # lower entry index = better choice; unassigned is worst
        return np.where(entry >= 0, entry, np.iinfo(np.int64).max)

    best = stable[0]
    for e in stable[1:]:
        if (badness(e) <= badness(best)).all():
            best = e
    assert all((badness(best) <= badness(e)).all() for e in stable), "no student-optimal one"
    return best


def best_objective(inst: Instance) -> tuple[int, int]:
    """(most assigned, then smallest rank sum) by enumeration, as (-assigned, rank sum)."""
    best = None
    for e in all_assignments(inst):
        used = e[e >= 0]
        value = (-len(used), int(inst.el_rank[used].sum()))
        best = value if best is None or value < best else best
    return best
