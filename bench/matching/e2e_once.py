"""One end-to-end run in a fresh process, as the command line would do it.

    .venv/bin/python bench/matching/e2e_once.py INSTANCE.json

Prints JSON: seconds for load (read the file, parse JSON), validate, solve (``da``) and verify
(stability), and the process's peak RSS. A fresh process matters: earlier work in the same
process (other benchmarks) leaves the heap fragmented, and the parsed objects then lie
scattered in memory.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import peak_rss_mb  # (importing common puts the project on sys.path)

from meedoen.matching.engine import check_stable, load_instance, solve
from meedoen.matching.engine.model import gc_paused

try:
    import orjson

    loader, loads = "orjson", orjson.loads
except ImportError:
    loader, loads = "json", json.loads


def main(path: Path) -> None:
    t = time.perf_counter()
    raw = path.read_bytes()
    with gc_paused():  # as the command line does: see gc_paused
        data = loads(raw)
    del raw
    t_load = time.perf_counter()
    inst = load_instance(data)
    t_val = time.perf_counter()
    result = solve(inst, "da")
    t_solve = time.perf_counter()
    check_stable(inst, result.entry)
    t_ver = time.perf_counter()
    times = [t_load - t, t_val - t_load, t_solve - t_val, t_ver - t_solve]
    print(json.dumps({"loader": loader, "times": times, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
