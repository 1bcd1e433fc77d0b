"""Shared helpers for the matching benchmarks: cached instances, timing, machine facts."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = Path(os.environ.get("MATCHING_BENCH_CACHE", "/tmp/meedoen-matching-bench"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def instance_file(n: int, seed: int = 1) -> Path:
    """Path to a generated instance of ``n`` students (made once, then reused)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"instance-{n}-{seed}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(generate(n, seed)))
        tmp.rename(path)
    return path


def best_of(fn, repeat: int = 3):
    """(best wall time in seconds, last result) over ``repeat`` runs."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    import scipy

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, scipy {scipy.__version__}"
    )
