"""Deferred acceptance: the engine's compiled kernel vs plain C (gcc -O2) vs plain Python, and
end to end.

    .venv/bin/python bench/matching/bench_da.py [200000 50000 ...]

For each size: solve time of the C reference (input reading excluded), of the engine's fast
DA and its plain-Python reference on the same arrays (results compared), the ratio to C, and
(C and kernel take the students in the same entry order, the default order: the very same
sequence of proposals),
the end-to-end time of load (JSON file) + validate + solve + verify stability: best of 5 runs,
each in a fresh process (``e2e_once.py``), as the command line would run. Peak RSS last.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from common import HERE, best_of, instance_file, machine, peak_rss_mb

from meedoen.matching.engine import da_fast, da_reference, load_instance


def build_c(tmp: Path) -> Path:
    exe = tmp / "da_ref"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(HERE / "da_ref.c")], check=True)
    return exe


def run_c(exe: Path, inst, tmp: Path) -> tuple[float, int, int]:
    path = tmp / "instance.bin"
    with path.open("wb") as fh:
        np.array([inst.n_students, inst.n_offers, len(inst.el_offer)], np.int64).tofile(fh)
        for a in (inst.capacity, inst.el_ptr, inst.el_offer, inst.el_key, inst.entry_order()):
            a.astype(np.int64).tofile(fh)
    best = None
    for _ in range(5):
        out = subprocess.run([str(exe), str(path)], capture_output=True, text=True, check=True)
        t, assigned, checksum = out.stdout.split()
        best = float(t) if best is None else min(best, float(t))
    return best, int(assigned), int(checksum)


def end_to_end(path: Path, extra: list[str]) -> tuple[str, tuple, float]:
    out = subprocess.run(
        [sys.executable, str(HERE / "e2e_once.py"), str(path), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    return result["loader"], tuple(result["times"]), result["peak_rss_mb"]


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        exe = build_c(tmp)
        for n in sizes:
            path = instance_file(n)
            inst = load_instance(json.loads(path.read_bytes()))
            c_time, c_assigned, c_sum = run_c(exe, inst, tmp)
            fast_time, at = best_of(lambda inst=inst: da_fast(inst), 5)
            ref_time, ref = best_of(lambda inst=inst: da_reference(inst), 1)
            assert (at == ref).all(), "fast DA differs from the reference"
            assert int((at >= 0).sum()) == c_assigned and int(at[at >= 0].sum()) == c_sum, "C"

            print(
                f"da n={n:>7} offers={inst.n_offers:>6} prefs={len(inst.pref_offer):>8} "
                f"eligible={len(inst.el_offer):>8} assigned={c_assigned:>7} | "
                f"C {c_time * 1000:7.1f} ms | engine {fast_time * 1000:7.1f} ms "
                f"(ratio {fast_time / c_time:4.2f}x C) | plain Python {ref_time * 1000:7.1f} ms"
            )
            for extra in ([], ["--records"]):
                name, e2e, rss = min(
                    (end_to_end(path, extra) for _ in range(5)), key=lambda r: sum(r[1])
                )
                print(
                    f"   end to end ({name}: read {e2e[0]:.3f} + parse and validate "
                    f"{e2e[1]:.3f} + solve {e2e[2]:.3f} + verify {e2e[3]:.3f}) = "
                    f"{sum(e2e):.3f} s (best of 5 fresh processes); peak RSS {rss:.0f} MB"
                )
    print(f"peak RSS of this process {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000, 200000])
