"""The compiled min-cost-flow kernel of the optimal mode against independent solvers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.matching.engine import check_feasible, da_reference, load_instance, solve
from meedoen.matching.engine.optimal import optimal_assignment, optimal_assignment_scipy

from .instances import instances
from .test_engine import random_instance


def objective(inst, entry) -> tuple[int, int]:
    used = entry[entry >= 0]
    return (len(used), int(inst.el_rank[used].sum()))


def flow_instance(rng: np.random.Generator, n: int, m: int) -> dict:
    """Small offers and long lists of few rank values: many ties, long chains of moves."""
    offers = [
        {
            "id": o,
            "capacity": int(rng.choice([0, 1, 1, 2, 3])),
            "levels": [],
            "min_age": 0,
            "guidance": "standard",
            **({"priority": [f"s{s}" for s in rng.permutation(n)[:5]]} if o % 7 == 0 else {}),
        }
        for o in range(m)
    ]
    popular = rng.pareto(1.0, size=m) + 0.05
    students = []
    for s in range(n):
        k = int(rng.integers(0, min(m, 8) + 1))  # some students list nothing
        prefs = rng.choice(m, size=k, replace=False, p=popular / popular.sum())
        students.append(
            {
                "id": f"s{s}",
                "preferences": prefs.tolist(),
                "level": "havo",
                "age": 15,
                "guidance": "standard",
                "lottery": float(rng.choice([0.0, 0.5])),
            }
        )
    return {"offers": offers, "students": students}


@settings(max_examples=300, deadline=None)
@given(instances(max_students=7, max_offers=4))
def test_kernel_equals_the_scipy_solver(data):
    inst = load_instance(data)
    entry = optimal_assignment(inst)
    check_feasible(inst, entry)
    assert objective(inst, entry) == objective(inst, optimal_assignment_scipy(inst))


@pytest.mark.parametrize("seed", range(12))
def test_kernel_equals_the_scipy_solver_on_larger_instances(seed):
    rng = np.random.default_rng(500 + seed)
    data = (
        flow_instance(rng, n=400, m=60)
        if seed % 2
        else random_instance(rng, n=600, m=80, prefs=int(rng.integers(2, 9)))
    )
    inst = load_instance(data)
    entry = optimal_assignment(inst)
    check_feasible(inst, entry)
    assert objective(inst, entry) == objective(inst, optimal_assignment_scipy(inst))


@pytest.mark.parametrize("seed", range(4))
def test_kernel_equals_or_tools(seed):
    pytest.importorskip("ortools")
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench" / "matching"))
    from bench_optimal import ortools_objective

    rng = np.random.default_rng(900 + seed)
    inst = load_instance(flow_instance(rng, n=2000, m=300))
    entry = optimal_assignment(inst)
    check_feasible(inst, entry)
    assert objective(inst, entry) == ortools_objective(inst)


def test_kernel_on_degenerate_instances():
    empty = load_instance({"offers": [], "students": []})
    assert solve(empty, "optimal").entry.tolist() == []
    data = {
        "offers": [{"id": "z", "capacity": 0, "levels": [], "min_age": 0, "guidance": "standard"}],
        "students": [
            {"id": i, "preferences": p, "level": "l", "age": 1, "guidance": "standard"}
            | {"lottery": 0}
            for i, p in enumerate([["z"], []])
        ],
    }
    assert solve(load_instance(data), "optimal").assignment() == {0: None, 1: None}


def test_first_call_in_a_fresh_process_with_a_fresh_cache(tmp_path):
    # A new process compiles every kernel (validation, DA, odds, optimal) into an empty cache
    # (first run), then loads them from it (second run): both must give the same answers.
    rng = np.random.default_rng(3)
    data = flow_instance(rng, n=300, m=40)
    inst = load_instance(data)
    da = da_reference(inst)
    expected = (
        *objective(inst, optimal_assignment_scipy(inst)),
        int((da >= 0).sum()),
        int(da.sum()),
        3 * inst.n_students,
    )
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    script = (
        "import json, sys\n"
        "from meedoen.matching.engine import load_instance, solve\n"
        "inst = load_instance(json.loads(open(sys.argv[1]).read()))\n"
        "from meedoen.matching.engine import odds\n"
        "e = solve(inst, 'optimal').entry\n"
        "d = solve(inst, 'da').entry\n"
        "c = odds(inst, 3, seed=1).counts\n"
        "print(int((e >= 0).sum()), int(inst.el_rank[e[e >= 0]].sum()),"
        " int((d >= 0).sum()), int(d.sum()), int(c.sum()))\n"
    )
    # numba's own compilation, not the module compiled ahead of time (``test_kernels.py``).
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "MEEDOEN_MATCHING_JIT": "1"}
    root = Path(__file__).resolve().parents[3]
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert tuple(map(int, out)) == expected
    cached = {p.name.split(".")[0] for p in (tmp_path / "cache").rglob("*.nbi")}
    assert {"flow", "da_kernel", "eligibility"} <= cached, cached


def test_kernel_compiles_without_a_writable_cache(monkeypatch):
    # With nowhere to cache, numba refuses ``cache=True`` at decoration: we compile in memory.
    import numba

    from meedoen.matching.engine import flow, jit

    def refuse(*args, **kwargs):
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return numba.njit(*args, **kwargs)

    monkeypatch.setattr(jit, "njit", refuse)
    kernel = jit.compiled("int64[:](int64[:], int64[:], int64[:], int64[:])")(
        flow.min_cost_flow.py_func
    )
    ptr = np.array([0, 2, 3], dtype=np.int64)
    at = kernel(ptr, np.array([0, 1, 0]), np.array([1, 2, 1]), np.array([1, 1], dtype=np.int64))
    assert sorted(at.tolist()) == [1, 2]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_kernel_with_many_ties_equals_the_scipy_solver(seed):
    rng = np.random.default_rng(seed)
    inst = load_instance(flow_instance(rng, n=int(rng.integers(1, 60)), m=int(rng.integers(1, 12))))
    entry = optimal_assignment(inst)
    check_feasible(inst, entry)
    assert objective(inst, entry) == objective(inst, optimal_assignment_scipy(inst))
