"""Compiled kernels (numba) for validation: repeated ids in a list, eligibility of every
listed preference, and the eligible preferences in CSR form. Each is one pass over the flat
lists without temporary arrays; numpy needed a dozen passes and as many temporaries.

Compiled eagerly for the signatures they are called with and cached on disk, like
:mod:`.da_kernel`: importing this module loads the machine code.
"""

from __future__ import annotations

import numpy as np

from .jit import compiled
from .model import INELIGIBLE_AGE, INELIGIBLE_GUIDANCE, INELIGIBLE_LEVEL


@compiled("int64(int64[:], int64[:], int64)")
def first_repeat(ptr, values, size):
    """The first row of a CSR list (``ptr``, ``values`` in ``0..size-1``) that holds a value
    twice, or -1."""
    stamp = np.full(size, -1, dtype=np.int64)
    for row in range(len(ptr) - 1):
        for k in range(ptr[row], ptr[row + 1]):
            v = values[k]
            if stamp[v] == row:
                return row
            stamp[v] = row
    return -1


@compiled(
    "uint8[:](int64[:], int32[:], int64[:], int64[:], int64[:], int64[:], int64[:], "
    "int8[:], int8[:])"
)
def ineligible(pref_ptr, pref_offer, level, lv_ptr, lv_code, age, min_age, need, guidance):
    """Per listed preference: 0 when eligible, else the INELIGIBLE_* flags. An offer's levels
    are ``lv_code[lv_ptr[o]:lv_ptr[o+1]]`` (none: every level)."""
    why = np.zeros(len(pref_offer), dtype=np.uint8)
    for s in range(len(pref_ptr) - 1):
        lv = level[s]
        a = age[s]
        g = need[s]
        for k in range(pref_ptr[s], pref_ptr[s + 1]):
            o = pref_offer[k]
            w = 0
            b = lv_ptr[o]
            e = lv_ptr[o + 1]
            if e > b:
                w = INELIGIBLE_LEVEL
                for j in range(b, e):
                    if lv_code[j] == lv:
                        w = 0
                        break
            if a < min_age[o]:
                w |= INELIGIBLE_AGE
            if guidance[o] < g:
                w |= INELIGIBLE_GUIDANCE
            why[k] = w
    return why


@compiled("Tuple((int64[:], int32[:], int32[:], int32[:]))(int64[:], int32[:], uint8[:])")
def eligible_entries(pref_ptr, pref_offer, why):
    """The eligible preferences, in list order: (ptr per student, student, offer, rank as
    listed, 1-based)."""
    n = len(pref_ptr) - 1
    total = 0
    for k in range(len(why)):
        if why[k] == 0:
            total += 1
    ptr = np.empty(n + 1, dtype=np.int64)
    student = np.empty(total, dtype=np.int32)
    offer = np.empty(total, dtype=np.int32)
    rank = np.empty(total, dtype=np.int32)
    e = 0
    ptr[0] = 0
    for s in range(n):
        b = pref_ptr[s]
        for k in range(b, pref_ptr[s + 1]):
            if why[k] == 0:
                student[e] = s
                offer[e] = pref_offer[k]
                rank[e] = k - b + 1
                e += 1
        ptr[s + 1] = e
    return ptr, student, offer, rank
