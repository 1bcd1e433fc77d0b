"""The command line's wall time, process start to exit, as a user or a script runs it.

    .venv/bin/python bench/matching/bench_cli.py [1000 10000 200000]

``python -m meedoen.matching solve INSTANCE.json --mode da|optimal``, best of 3 per size and
mode, with the kernels compiled ahead of time (``make``) and with numba's on-disk cache
(``MEEDOEN_MATCHING_JIT=1``, the cache warmed by a first run). Also the bare start-up: a
process that imports what the command line imports and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from common import ROOT, instance_file, machine

from meedoen.matching.engine import kernels


def wall(args: list[str], env: dict) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    ahead = kernels.compiled_ahead() is not None
    print(f"kernels compiled ahead of time: {'yes' if ahead else 'NO (run make install)'}")
    envs = {"ahead": dict(os.environ), "numba": {**os.environ, "MEEDOEN_MATCHING_JIT": "1"}}
    envs["ahead"].pop("MEEDOEN_MATCHING_JIT", None)
    start = [sys.executable, "-c", "import meedoen.matching.__main__"]
    print(f"start-up only (imports): {wall(start, envs['ahead']):.3f} s")
    for n in sizes:
        path = str(instance_file(n))
        for mode in ("da", "optimal"):
            cmd = [sys.executable, "-m", "meedoen.matching", "solve", path, "--mode", mode]
            subprocess.run(cmd, env=envs["numba"], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            times = {name: wall(cmd, env) for name, env in envs.items() if ahead or name != "ahead"}
            shown = " | ".join(f"{name} {t:.3f} s" for name, t in times.items())
            print(f"n={n:>7} {mode:<8} {shown}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 200000])
