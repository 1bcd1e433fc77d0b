"""The odds: re-run ``da`` over 1,000 lottery draws for a region (3,500 students, 350 offers).

    .venv/bin/python bench/matching/bench_odds.py [3500 ...] [--draws 1000] [--repeat 5]

Times ``odds(inst, draws)``: wall and CPU time, each the best of ``repeat`` runs (the machine
is shared, so the minimum is the least disturbed run), and checks a sample of draws against
the plain-Python reference DA.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from common import best_of, instance_file, machine, peak_rss_mb

from meedoen.matching.engine import da_reference, load_instance, odds
from meedoen.matching.engine.odds import draw_entries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[3500])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for n in args.sizes:
        inst = load_instance(json.loads(instance_file(n).read_bytes()))
        t, od = best_of(lambda inst=inst: odds(inst, args.draws, seed=7), args.repeat)
        cpu = float("inf")
        for _ in range(args.repeat):
            c = time.process_time()
            odds(inst, args.draws, seed=7)
            cpu = min(cpu, time.process_time() - c)
        assert (od.counts.sum(axis=1) == args.draws).all()
        # Check some draws against the reference DA on the same lottery numbers.
        rng = np.random.default_rng(11)
        lottery = rng.random((20, n))
        fast = draw_entries(inst, lottery)
        for d in range(len(lottery)):
            ref = da_reference(inst, inst.priority_keys(lottery[d]))
            assert (fast[d] == ref).all(), f"draw {d} differs from the reference"
        lists = int((inst.prio_len >= 0).sum())
        print(
            f"odds n={n:>6} offers={inst.n_offers:>5} eligible={len(inst.el_offer):>7} "
            f"explicit lists={lists} draws={args.draws}: best of {args.repeat} {t:.3f} s "
            f"(CPU time, best of {args.repeat}: {cpu:.3f} s)"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
