"""Results, their totals, and the explanation each student (or parent) gets.

A :class:`Result` holds, per student, the eligible preference they were assigned by (or -1).
From it come the assignment by id, the totals the coordinator compares between modes, and a
per-student :class:`Explanation`: for each choice listed above the one they got, why not -
ineligible (and on which rule), or full with students who come first there (``da``) or whose
places give more students a place or better ranks overall (``optimal``).

:func:`check_stable` and :func:`check_feasible` verify a result independently of the solver
that produced it, in time linear in the total list length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .model import REASONS, Id, Instance

Mode = Literal["da", "optimal"]


@dataclass(frozen=True, slots=True)
class ChoiceNote:
    """Why a student did not get one of the choices they listed above their result."""

    offer: Id
    rank: int  # position in the list as given, 1 = first choice
    reason: Literal["ineligible", "full"]
    rules: tuple[str, ...] = ()  # for "ineligible": "level", "age" and/or "guidance"
    capacity: int = 0  # for "full"
    # For "full" in da: the priority position (1-based, at that offer) of the last student it
    # took, and the student's own position there; a parent can see how close it was.
    last_admitted: int | None = None
    own_position: int | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    student: Id
    offer: Id | None
    rank: int | None
    higher_choices: tuple[ChoiceNote, ...]

    def as_dict(self) -> dict:
        return {
            "offer": self.offer,
            "rank": self.rank,
            "higher_choices": [
                {k: v for k, v in _note_dict(note).items() if v not in (None, ())}
                for note in self.higher_choices
            ],
        }


def _note_dict(note: ChoiceNote) -> dict:
    d = {"offer": note.offer, "rank": note.rank, "reason": note.reason}
    if note.reason == "ineligible":
        d["rules"] = list(note.rules)
    else:
        d["capacity"] = note.capacity
        d["last_admitted"] = note.last_admitted
        d["own_position"] = note.own_position
    return d


@dataclass(eq=False)
class Result:
    """The outcome of one run: ``entry[s]`` indexes ``instance.el_*``, or is -1."""

    mode: Mode
    instance: Instance
    entry: np.ndarray

    @property
    def offer_index(self) -> np.ndarray:
        """Offer index per student, -1 when unassigned."""
        assigned = self.entry >= 0
        out = np.full(len(self.entry), -1, dtype=np.int64)
        out[assigned] = self.instance.el_offer[self.entry[assigned]]
        return out

    @property
    def rank(self) -> np.ndarray:
        """Rank (position in the list as given) per student, 0 when unassigned."""
        assigned = self.entry >= 0
        out = np.zeros(len(self.entry), dtype=np.int64)
        out[assigned] = self.instance.el_rank[self.entry[assigned]]
        return out

    def assignment(self) -> dict[Id, Id | None]:
        ids = [*self.instance.offer_ids, None]  # offer index -1 (no place) reads None
        offers = map(ids.__getitem__, self.offer_index.tolist())
        return dict(zip(self.instance.student_ids, offers, strict=True))

    def stats(self) -> dict:
        rank = self.rank
        assigned = int(np.count_nonzero(rank))
        hist = np.bincount(rank[rank > 0])
        return {
            "assigned": assigned,
            "unassigned": len(rank) - assigned,
            "rank_histogram": {str(r): int(c) for r, c in enumerate(hist) if r > 0 and c},
            "rank_sum": int(rank.sum()),
            "dropped_ineligible": self.instance.dropped_ineligible,
        }

    def explain(self, students: list[int] | None = None) -> list[Explanation]:
        """Explanations for the given student indices (default: everyone)."""
        inst = self.instance
        held = self.entry[self.entry >= 0]
        # The priority key of the last student each offer took (da): the largest key held.
        # Keys are places in the offer's order (0 = first), so "+ 1" reads as a position.
        worst = np.full(inst.n_offers, -1, dtype=np.int64)
        np.maximum.at(worst, inst.el_offer[held], inst.el_key[held])
        ptr, offers, why = inst.pref_ptr, inst.pref_offer, inst.pref_why
        el_ptr = inst.el_ptr
        out = []
        for s in range(inst.n_students) if students is None else students:
            e = int(self.entry[s])
            got = int(inst.el_rank[e]) if e >= 0 else None
            notes = []
            eligible_seen = int(el_ptr[s])
            for pos, k in enumerate(range(int(ptr[s]), int(ptr[s + 1])), start=1):
                if got is not None and pos >= got:
                    break
                o = int(offers[k])
                oid = inst.offer_ids[o]
                if why[k]:
                    rules = tuple(name for bit, name in REASONS.items() if why[k] & bit)
                    notes.append(ChoiceNote(oid, pos, "ineligible", rules=rules))
                    continue
                own = int(inst.el_key[eligible_seen])
                eligible_seen += 1
                notes.append(
                    ChoiceNote(
                        oid,
                        pos,
                        "full",
                        capacity=int(inst.capacity[o]),
                        last_admitted=(
                            int(worst[o]) + 1 if self.mode == "da" and worst[o] >= 0 else None
                        ),
                        own_position=own + 1 if self.mode == "da" else None,
                    )
                )
            offer = inst.offer_ids[int(inst.el_offer[e])] if e >= 0 else None
            out.append(Explanation(inst.student_ids[s], offer, got, tuple(notes)))
        return out


def check_feasible(inst: Instance, entry: np.ndarray) -> None:
    """Raise AssertionError unless every assignment is eligible, own, and within capacity."""
    assigned = entry >= 0
    e = entry[assigned]
    assert (inst.el_student[e] == np.flatnonzero(assigned)).all(), "entry of another student"
    load = np.bincount(inst.el_offer[e], minlength=inst.n_offers)
    assert (load <= inst.capacity).all(), "capacity exceeded"


def check_stable(inst: Instance, entry: np.ndarray, keys: np.ndarray | None = None) -> None:
    """Raise AssertionError if some student and offer would both rather be matched.

    A blocking pair is a student and an eligible offer they rank above their result, where the
    offer has a free place or holds someone it ranks below that student.
    """
    keys = inst.el_key if keys is None else keys
    check_feasible(inst, entry)
    m = inst.n_offers
    held = entry[entry >= 0]
    load = np.bincount(inst.el_offer[held], minlength=m)
    worst = np.full(m, -1, dtype=np.int64)
    np.maximum.at(worst, inst.el_offer[held], keys[held])
    limit = np.where(entry >= 0, entry, inst.el_ptr[1:])  # entries before this one
    k = np.arange(len(inst.el_offer))
    above = k < np.repeat(limit, np.diff(inst.el_ptr))
    o = inst.el_offer[above]
    blocking = (load[o] < inst.capacity[o]) | (keys[above] < worst[o])
    assert not blocking.any(), f"{int(blocking.sum())} blocking pairs"
