"""Optimal mode: the engine vs OR-Tools (max-flow, then min-cost flow with the rank costs).

    .venv/bin/python bench/matching/bench_optimal.py [200000 ...]

Both solve the same eligible arcs with cost = rank as given; the objective (placed, rank sum)
must be identical. OR-Tools time includes building its graphs from ready numpy arrays.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from common import best_of, instance_file, machine, peak_rss_mb
from ortools.graph.python import max_flow, min_cost_flow

from meedoen.matching.engine import check_feasible, load_instance, optimal_assignment


def ortools_objective(inst) -> tuple[int, int]:
    n, m = inst.n_students, inst.n_offers
    s, o = inst.el_student.astype(np.int32), inst.el_offer.astype(np.int32)
    S, T = n + m, n + m + 1
    tails = np.concatenate([np.full(n, S), s, n + np.arange(m)]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + o, np.full(m, T)]).astype(np.int32)
    caps = np.concatenate([np.ones(n), np.ones(len(s)), inst.capacity]).astype(np.int64)
    costs = np.concatenate([np.zeros(n), inst.el_rank, np.zeros(m)]).astype(np.int64)
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(tails, heads, caps)
    assert mf.solve(S, T) == mf.OPTIMAL
    flow = mf.optimal_flow()
    mc = min_cost_flow.SimpleMinCostFlow()
    mc.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = np.zeros(n + m + 2, np.int64)
    supply[S], supply[T] = flow, -flow
    mc.set_nodes_supplies(np.arange(n + m + 2), supply)
    assert mc.solve() == mc.OPTIMAL
    return int(flow), int(mc.optimal_cost())


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    for n in sizes:
        inst = load_instance(json.loads(instance_file(n).read_bytes()))
        repeat = 3 if n <= 50_000 else 1
        ours_t, at = best_of(lambda inst=inst: optimal_assignment(inst), repeat)
        check_feasible(inst, at)
        ours = (int((at >= 0).sum()), int(inst.el_rank[at[at >= 0]].sum()))
        t = time.perf_counter()
        theirs = ortools_objective(inst)
        or_t = time.perf_counter() - t
        assert ours == theirs, f"objective differs: {ours} vs OR-Tools {theirs}"
        print(
            f"optimal n={n:>7} placed={ours[0]:>7} rank sum={ours[1]:>8} | engine {ours_t:7.3f} s"
            f" | OR-Tools {or_t:7.3f} s | engine/OR-Tools {ours_t / or_t:4.2f}x"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000, 200000])
