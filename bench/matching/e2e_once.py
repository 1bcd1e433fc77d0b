"""One end-to-end run in a fresh process, as the command line would do it.

    .venv/bin/python bench/matching/e2e_once.py INSTANCE.json [--records]

Prints JSON: seconds to read the file, to parse and validate it (``loads_instance``: JSON text
decoded straight into typed columns, then checked and turned into arrays), to solve (``da``)
and to verify stability, and the process's peak RSS. With ``--records`` the text is parsed
into Python objects first (orjson, or json) and validated by ``load_instance``, the path the
platform takes with records it builds itself. A fresh process matters: earlier work in the
same process (other benchmarks) leaves the heap fragmented, and the parsed objects then lie
scattered in memory. Imports happen before the clock starts, loading the compiled DA kernel
included (like a C extension's, an import cost paid once per process).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import peak_rss_mb  # (importing common puts the project on sys.path)

from meedoen.matching.engine import check_stable, kernels, load_instance, solve
from meedoen.matching.engine.decode import loads_instance
from meedoen.matching.engine.model import gc_paused

# Load the compiled kernels before the clock (ahead-of-time module, or numba's cache).
for name in ("first_repeat", "ineligible", "eligible_entries", "deferred_acceptance"):
    getattr(kernels, name)

try:
    import orjson

    loader, loads = "orjson", orjson.loads
except ImportError:
    loader, loads = "json", json.loads


def main(path: Path, records: bool) -> None:
    t = time.perf_counter()
    raw = path.read_bytes()
    t_read = time.perf_counter()
    if records:
        with gc_paused():  # as the platform does: see gc_paused
            data = loads(raw)
        inst = load_instance(data)
        del data
    else:
        inst = loads_instance(raw)
    del raw
    t_val = time.perf_counter()
    result = solve(inst, "da")
    t_solve = time.perf_counter()
    check_stable(inst, result.entry)
    t_ver = time.perf_counter()
    times = [t_read - t, t_val - t_read, t_solve - t_val, t_ver - t_solve]
    how = f"{loader} + load_instance" if records else "loads_instance"
    print(json.dumps({"loader": how, "times": times, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--records" in sys.argv[2:])
