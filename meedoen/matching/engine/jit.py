"""numba's compilation as the kernels use it: eagerly for the signature given (lazily without
one), without the GIL, and cached on disk - next to the module, or where ``NUMBA_CACHE_DIR``
says, or in numba's per-user cache. With no writable place at all it compiles in memory, per
process. (``make`` also compiles the kernels ahead of time: see :mod:`.kernels`.)"""

from __future__ import annotations

from numba import njit


def compiled(signature: str | None = None):
    def wrap(fn):
        args = (signature,) if signature else ()
        try:
            return njit(*args, cache=True, nogil=True)(fn)
        except RuntimeError:  # "no locator available": nowhere to cache, compile per process
            return njit(*args, nogil=True)(fn)

    return wrap
