"""The engine's compiled kernels, from wherever they are ready.

The kernels are written once, in :mod:`.eligibility`, :mod:`.da_kernel` and :mod:`.flow`, for
numba. ``make`` also compiles them ahead of time into one extension module, ``_kernels``
(:mod:`.aot`), which a process imports in a few milliseconds without importing numba at all:
the command line and a worker then start in about a fifth of a second instead of about a
second. When that module is missing, stale (a kernel's source changed since it was built) or
``MEEDOEN_MATCHING_JIT`` is set, numba compiles the kernels on first use and caches them on
disk, as before.

Names are looked up on first use (``from .kernels import min_cost_flow``), so a process that
only validates never loads the optimal kernel.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ("jit.py", "eligibility.py", "da_kernel.py", "flow.py", "model.py")
DIGEST_FILE = HERE / "_kernels.digest"

# Each kernel and the module it is written in.
WHERE = {
    "first_repeat": "eligibility",
    "ineligible": "eligibility",
    "eligible_entries": "eligibility",
    "deferred_acceptance": "da_kernel",
    "da_draws": "da_kernel",
    "min_cost_flow": "flow",
}


def sources_digest() -> str:
    """What the ahead-of-time module must have been built from to be used."""
    h = hashlib.sha256()
    for name in SOURCES:
        h.update(name.encode())
        h.update((HERE / name).read_bytes())
    return h.hexdigest()


@functools.cache
def compiled_ahead():
    """The ahead-of-time module, or None (missing, stale, or not wanted). Decided once per
    process."""
    if os.environ.get("MEEDOEN_MATCHING_JIT"):
        return None
    try:
        built_from = DIGEST_FILE.read_text().strip()
    except OSError:
        return None
    if built_from != sources_digest():
        return None
    try:
        return importlib.import_module(f"{__package__}._kernels")
    except ImportError:
        return None


def by_numba(name: str):
    """The kernel as numba compiles it (on first use, cached on disk)."""
    return getattr(importlib.import_module(f"{__package__}.{WHERE[name]}"), name)


def __getattr__(name: str):
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    ahead = compiled_ahead()
    kernel = by_numba(name) if ahead is None else getattr(ahead, name)
    globals()[name] = kernel
    return kernel
