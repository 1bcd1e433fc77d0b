"""Random matching instances at any scale, with demand skewed toward popular and nearby offers.

Offers sit on a ring (a stand-in for geography) with a heavy-tailed popularity; each student
lives somewhere on the ring and draws ten distinct offers from the ones near them, weighted by
popularity (an exponential race, so the draw is "without replacement"). Capacities are about
ten (5..15). A few percent of preferences are ineligible (level, age or guidance), and about one
offer in a hundred carries an explicit priority list.

    python bench/matching/generate.py 200000 > /tmp/national.json

``generate(n_students, seed)`` returns the JSON-ready dict; ``offers = n_students // 10``.
"""

from __future__ import annotations

import json
import sys

import numpy as np

LEVELS = ["pro", "vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo"]
GUIDANCE = ["standard", "targeted", "intensive"]


def generate(n_students: int, seed: int = 1, n_prefs: int = 10) -> dict:
    rng = np.random.default_rng(seed)
    n = n_students
    m = max(n // 10, n_prefs + 1)
    capacity = rng.integers(5, 16, size=m)
    popularity = rng.pareto(1.5, size=m) + 0.2
    # Offers: mostly open to every level, some restricted to a few levels.
    offers = []
    offer_guidance = rng.choice(3, size=m, p=[0.6, 0.3, 0.1])
    min_age = rng.choice([12, 13, 14, 16], size=m, p=[0.6, 0.2, 0.15, 0.05])
    restricted = rng.random(m) < 0.15
    for o in range(m):
        levels = []
        if restricted[o]:
            k = int(rng.integers(2, 5))
            levels = sorted(rng.choice(LEVELS, size=k, replace=False).tolist())
        offers.append(
            {
                "id": o + 1,
                "capacity": int(capacity[o]),
                "levels": levels,
                "min_age": int(min_age[o]),
                "guidance": GUIDANCE[offer_guidance[o]],
            }
        )
    # Students: pick candidates near home on the ring, weighted by popularity.
    home = rng.integers(0, m, size=n)
    width = max(50, m // 100)
    cand = (
        home[:, None] + np.rint(rng.normal(0, width, size=(n, 4 * n_prefs))).astype(np.int64)
    ) % m
    race = rng.exponential(size=cand.shape) / popularity[cand]
    order = np.argsort(race, axis=1)
    cand = np.take_along_axis(cand, order, axis=1)
    level = rng.integers(0, len(LEVELS), size=n)
    age = rng.choice([13, 14, 15, 16], size=n, p=[0.2, 0.4, 0.3, 0.1])
    need = rng.choice(3, size=n, p=[0.8, 0.15, 0.05])
    lottery = rng.random(n)
    students = []
    cand_l = cand.tolist()
    for s in range(n):
        seen = []
        for o in cand_l[s]:
            if o not in seen:
                seen.append(o)
                if len(seen) == n_prefs:
                    break
        students.append(
            {
                "id": f"s{s + 1}",
                "preferences": [o + 1 for o in seen],
                "level": LEVELS[level[s]],
                "age": int(age[s]),
                "guidance": GUIDANCE[need[s]],
                "lottery": float(lottery[s]),
            }
        )
    # About one offer in a hundred ranks by an explicit list: some of the students who chose it.
    wanted: dict[int, list] = {}
    for s, st in enumerate(students):
        for o in st["preferences"][:3]:
            wanted.setdefault(o - 1, []).append(s)
    for o in rng.choice(m, size=max(1, m // 100), replace=False).tolist():
        pool = wanted.get(o, [])
        if pool:
            pick = rng.permutation(pool)[: max(1, len(pool) // 2)]
            offers[o]["priority"] = [f"s{s + 1}" for s in pick.tolist()]
    return {"offers": offers, "students": students}


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    json.dump(generate(size, seed), sys.stdout)
