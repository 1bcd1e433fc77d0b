"""Compile the engine's kernels ahead of time: ``python -m meedoen.matching.engine.aot``.

Writes the extension module ``_kernels`` (numba's ``pycc``) next to this file, from the very
functions numba compiles on first use, with the signatures they are compiled for; then
``_kernels.digest``, the digest of the sources it was built from (:mod:`.kernels` uses the
module only while the sources still match). ``make`` runs this; it takes about 15 seconds.
The code is generated for a generic x86-64 (or the machine's architecture family), so the
module can be copied to another machine of the same kind.
"""

from __future__ import annotations

import sys
import time
import warnings

from .kernels import DIGEST_FILE, HERE, WHERE, by_numba, sources_digest


def build() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending deprecation
        from numba.pycc import CC

    digest = sources_digest()
    DIGEST_FILE.unlink(missing_ok=True)
    cc = CC("_kernels")
    cc.output_dir = str(HERE)
    cc.verbose = False
    for name in WHERE:
        dispatcher = by_numba(name)
        (signature,) = dispatcher.nopython_signatures  # compiled eagerly, for one signature
        cc.export(name, signature)(dispatcher.py_func)
    cc.compile()
    DIGEST_FILE.write_text(digest + "\n")


if __name__ == "__main__":
    started = time.perf_counter()
    build()
    print(
        f"matching kernels compiled ahead of time in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
