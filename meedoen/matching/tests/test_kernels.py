"""The kernels compiled ahead of time (``make``) against numba's compilation of the same code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from meedoen.matching.engine import kernels, load_instance, odds, solve
from meedoen.matching.engine.optimal import optimal_assignment

from .test_optimal_kernel import flow_instance

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ahead():
    module = kernels.compiled_ahead()
    if module is None:
        if os.environ.get("CI") == "true":  # ``make`` builds it: CI must test it
            pytest.fail("the kernels were not compiled ahead of time (make install)")
        pytest.skip("kernels not compiled ahead of time (run make install)")
    return module


def _use(monkeypatch, kernel) -> None:
    """Have the engine use ``kernel(name)`` for every kernel."""
    for name in kernels.WHERE:
        monkeypatch.setattr(kernels, name, kernel(name), raising=False)


def _everything(data: dict) -> tuple:
    inst = load_instance(data)
    return (
        inst.el_ptr.tolist(),
        inst.el_offer.tolist(),
        inst.pref_why.tolist(),
        solve(inst, "da").entry.tolist(),
        optimal_assignment(inst).tolist(),
        odds(inst, 5, seed=7).counts.tolist(),
    )


@pytest.mark.parametrize("seed", range(12))
def test_compiled_ahead_equals_numba(ahead, monkeypatch, seed):
    rng = np.random.default_rng(seed)
    data = flow_instance(rng, n=int(rng.integers(0, 250)), m=int(rng.integers(1, 40)))
    for k, student in enumerate(data["students"]):  # some ineligible choices too
        student["age"] = 12 + k % 5
    for k, offer in enumerate(data["offers"]):
        offer["min_age"] = 13 if k % 3 == 0 else 0
    _use(monkeypatch, lambda name: getattr(ahead, name))
    theirs = _everything(data)
    _use(monkeypatch, kernels.by_numba)
    assert _everything(data) == theirs


def test_a_command_line_run_does_not_import_numba(ahead, tmp_path):
    data = flow_instance(np.random.default_rng(1), n=50, m=8)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    script = (
        "import sys\n"
        "from meedoen.matching.__main__ import main\n"
        "main(['solve', sys.argv[1], '--mode', 'optimal'])\n"
        "print('numba' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MEEDOEN_MATCHING_JIT"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.strip() == "False"
    assert json.loads(done.stdout)["stats"]["assigned"] > 0


def test_a_stale_or_unwanted_module_is_not_used(monkeypatch):
    kernels.compiled_ahead.cache_clear()
    try:
        monkeypatch.setattr(kernels, "sources_digest", lambda: "a kernel changed since")
        assert kernels.compiled_ahead() is None
        kernels.compiled_ahead.cache_clear()
        monkeypatch.undo()
        monkeypatch.setenv("MEEDOEN_MATCHING_JIT", "1")
        assert kernels.compiled_ahead() is None
    finally:
        kernels.compiled_ahead.cache_clear()


def test_unknown_kernel_names_are_refused():
    with pytest.raises(AttributeError):
        kernels.no_such_kernel  # noqa: B018
