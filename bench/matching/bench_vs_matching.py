"""End to end against the PyPI package ``matching`` (HospitalResident, resident-optimal).

    .venv/bin/python bench/matching/bench_vs_matching.py [1000 10000]

Both start from the same JSON text. For ``matching`` we parse it, build its preference
dictionaries (eligible choices; each offer ranks its eligible applicants by our priority keys,
which are worked out beforehand and not timed), create the game and solve it; the engine
decodes and validates the text, solves (both modes, separately timed) and is checked to give
the same DA assignment. Best of 3 up to 10,000 students (``matching`` once at 10,000: it
takes 6 to 30 seconds; the engine best of 20 below 10,000, where a run takes milliseconds).
Before the timings one run of each mode loads the compiled kernels (numba's import and
on-disk cache: once per process, like the imports of both packages). The engine is timed
first, on a heap like a fresh process's (its times here agree with a fresh process): right
after ``matching`` (gigabytes of linked objects at 10,000) the same run took 1.4 times as long.
"""

from __future__ import annotations

import gc
import json
import sys
import time
import warnings

import numpy as np
from common import best_of, instance_file, machine
from matching.games import HospitalResident

from meedoen.matching.engine import load_instance, solve
from meedoen.matching.engine.decode import loads_instance


def run_matching(inst) -> dict:
    sid, oid = inst.student_ids, inst.offer_ids
    resident = {
        str(sid[s]): [str(oid[o]) for o in inst.el_offer[inst.el_ptr[s] : inst.el_ptr[s + 1]]]
        for s in range(inst.n_students)
        if inst.el_ptr[s + 1] > inst.el_ptr[s]  # ``matching`` fails on empty lists
    }
    order = np.lexsort((inst.el_key, inst.el_offer))
    offers_sorted, students_sorted = inst.el_offer[order], inst.el_student[order]
    hospital = {str(o): [] for o in oid}
    for o, s in zip(offers_sorted.tolist(), students_sorted.tolist(), strict=True):
        hospital[str(oid[o])].append(str(sid[s]))
    capacity = {str(o): int(c) for o, c in zip(oid, inst.capacity.tolist(), strict=True)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident, hospital, capacity)
        solution = game.solve(optimal="resident")
    out = {}
    for h, rs in solution.items():
        for r in rs:
            out[r.name] = h.name
    return out


def warm_up() -> float:
    """Import and load the compiled optimal kernel once (numba's on-disk cache), as any
    process does before its first optimal run; like the imports, not part of a solve."""
    t = time.perf_counter()
    data = json.loads(instance_file(1000).read_bytes())
    solve(load_instance(data), "optimal")
    solve(load_instance(data), "da")
    return time.perf_counter() - t


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    print(
        f"warm-up (first optimal run in this process: numba import + cached kernel) "
        f"{warm_up():.3f} s"
    )
    for n in sizes:
        text = instance_file(n).read_bytes()
        inst = load_instance(json.loads(text))  # their inputs: eligible lists, priorities
        repeat = 3 if n <= 10_000 else 1  # for ``matching``; the engine: 20 below 10,000
        times, results = {}, {}
        for mode in ("da", "optimal"):  # first: ``matching`` leaves a large, fragmented heap
            gc.collect()
            times[mode], results[mode] = best_of(
                lambda mode=mode, text=text: solve(loads_instance(text), mode),
                20 if n < 10_000 else repeat,
            )
        their_t = float("inf")
        for _ in range(1 if n >= 10_000 else repeat):
            gc.collect()  # each side starts on a collected heap
            t = time.perf_counter()
            json.loads(text)  # they parse the text too
            theirs = run_matching(inst)
            their_t = min(their_t, time.perf_counter() - t)
        ours = {
            str(k): (str(v) if v is not None else None)
            for k, v in results["da"].assignment().items()
        }
        assert {k: v for k, v in ours.items() if v} == theirs, "DA differs from matching"
        print(
            f"n={n:>6} matching {their_t:8.3f} s | engine da {times['da']:.4f} s "
            f"({their_t / times['da']:,.0f}x faster) | engine optimal {times['optimal']:.4f} s "
            f"({their_t / times['optimal']:,.0f}x faster)"
        )


if __name__ == "__main__":
    # ``matching`` deep-copies its linked player objects recursively: give it a deep stack.
    import threading

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    worker = threading.Thread(target=main, args=([int(a) for a in sys.argv[1:]] or [1000, 10000],))
    worker.start()
    worker.join()
