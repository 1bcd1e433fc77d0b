"""The odds: how much does the lottery decide?

Re-run deferred acceptance over many independent lottery draws (every student gets a fresh
lottery number in each draw; explicit priority lists and guidance needs stay as they are) and
count, per student, how often they got each choice and how often no place. The coordinator
sees these before publishing; a parent reads "in 1,000 draws, your child got their first choice
620 times".

Draws are solved in batches as one disjoint instance (draw ``b`` uses offer copies
``b * m .. b * m + m - 1``), so the fast DA's per-round cost is shared by the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .da import da_arrays
from .model import Id, Instance

BATCH_ENTRIES = 4_000_000  # eligible preferences per batch: bounds memory (~200 MB)


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
    n, m = inst.n_students, inst.n_offers
    E = len(inst.el_offer)
    width = int(np.diff(inst.pref_ptr).max()) + 1 if n else 1
    counts = np.zeros((n, width), dtype=np.int64)
    rng = np.random.default_rng(seed)
    batch = max(1, min(draws, BATCH_ENTRIES // max(E, 1)))
    need = inst.need.astype(np.float64)
    done = 0
    while done < draws:
        b = min(batch, draws - done)
        lottery = rng.random((b, n))
        # Default order per draw: need desc, lottery asc, then position (stable sort).
        order = np.argsort((2.0 - need) + lottery, axis=1, kind="stable")
        place = np.empty((b, n), dtype=np.int64)
        np.put_along_axis(place, order, np.arange(n, dtype=np.int64)[None, :], axis=1)
        if len(inst.prio_offer):
            keys = np.concatenate([inst.priority_keys(lottery[i]) for i in range(b)])
        else:
            keys = place[:, inst.el_student].ravel()
        shift = np.arange(b, dtype=np.int64)[:, None]
        ptr = np.concatenate([(inst.el_ptr[:-1][None, :] + shift * E).ravel(), [b * E]])
        off = (inst.el_offer[None, :] + shift * m).ravel()
        stu = (inst.el_student[None, :] + shift * n).ravel()
        cap = np.tile(inst.capacity, b)
        at = da_arrays(cap, ptr, off, keys, stu)
        rank = np.zeros(b * n, dtype=np.int64)
        ok = at >= 0
        rank[ok] = np.tile(inst.el_rank, b)[at[ok]]
        flat = np.tile(np.arange(n, dtype=np.int64), b) * width + rank
        counts += np.bincount(flat, minlength=n * width).reshape(n, width)
        done += b
    return Odds(inst, draws, counts)
