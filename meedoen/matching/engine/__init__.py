"""The matching engine: plain Python, numpy and compiled kernels (numba), no Django.

Public API - what the platform calls::

    inst = build(offers=[Offer(...)], students=[Student(...)])   # or load_instance(json_dict)
    # or, from JSON text: decode.loads_instance(raw_bytes)
    result = solve(inst, "da")          # or "optimal"
    result.assignment()                 # {student id: offer id or None}
    result.stats()                      # assigned, unassigned, rank_histogram, ...
    result.explain()                    # [Explanation], one per student
    odds(inst, draws=1000, seed=7).probabilities()

``MalformedInstance`` is raised, with a one-line reason, for anything that cannot be matched.

The kernels (``da_kernel``, ``eligibility``, ``flow``) are loaded on first use, through
:mod:`.kernels`: from the module ``make`` compiles ahead of time when it is there and up to
date (no numba import at all), else compiled by numba and cached on disk. A process that never
matches loads neither.
"""

from __future__ import annotations

from .da import da_fast, da_reference
from .model import GUIDANCE, Instance, MalformedInstance, Offer, Student, build, load_instance
from .odds import Odds, odds
from .optimal import optimal_assignment
from .result import ChoiceNote, Explanation, Mode, Result, check_feasible, check_stable

__all__ = [
    "GUIDANCE",
    "ChoiceNote",
    "Explanation",
    "Instance",
    "MalformedInstance",
    "Mode",
    "Odds",
    "Offer",
    "Result",
    "Student",
    "build",
    "check_feasible",
    "check_stable",
    "da_fast",
    "da_reference",
    "load_instance",
    "odds",
    "optimal_assignment",
    "solve",
]


def solve(instance: Instance, mode: Mode = "da") -> Result:
    """Assign students to offers: ``da`` (stable, student-optimal) or ``optimal``."""
    if mode == "da":
        return Result("da", instance, da_fast(instance))
    if mode == "optimal":
        return Result("optimal", instance, optimal_assignment(instance))
    raise ValueError(f"unknown mode {mode!r} (expected 'da' or 'optimal')")
