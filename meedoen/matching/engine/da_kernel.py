"""Compiled kernel (numba) for deferred acceptance: one proposal at a time, as in the textbook.

A stack of free students; each offer holds its students in a binary max-heap of priority keys
inside its own slice of one slot array, so a full offer compares a proposal with the worst
student it holds in one step and, when the proposal is better, lets that student go.

Students enter in the order given (``order``: the default order, best first). The outcome does
not depend on the order of proposals (McVitie and Wilson, 1971), but the work does: an offer
without an explicit priority list ranks students in that same default order, so a student who
enters after everyone better than them is never let go there, and displacement chains happen
only at offers with an explicit list. Most students walk their list once.

:func:`da_draws` runs it for many lottery draws of one instance in one call (the odds): per
draw only the priority keys and the entry order change, and the work arrays are reused.

Compiled with ``cache=True`` like :mod:`.flow`, and eagerly for the signatures they are called
with, so importing this module loads the machine code (an import cost, paid once per process).
"""

from __future__ import annotations

import numpy as np

from .jit import compiled


@compiled()
def _slots(cap, off):
    """Start of each offer's slice of the slot array. A capacity above the number of
    applicants never binds (and would only cost memory)."""
    m = len(cap)
    applicants = np.zeros(m, dtype=np.int64)
    for k in range(len(off)):
        applicants[off[k]] += 1
    start = np.empty(m + 1, dtype=np.int64)
    start[0] = 0
    for o in range(m):
        start[o + 1] = start[o] + min(max(cap[o], 0), applicants[o])
    return start


@compiled()
def _run(start, ptr, off, key, student, order, heap, count, nxt, at, stack):
    """DA into ``at`` (per student the entry assigned, or -1); the other arrays are work
    space of the right sizes, overwritten."""
    n = len(ptr) - 1
    count[:] = 0
    for s in range(n):
        nxt[s] = ptr[s]
        at[s] = -1
    top = 0
    for i in range(n - 1, -1, -1):
        stack[top] = order[i]
        top += 1
    while top > 0:
        top -= 1
        s = stack[top]
        k = nxt[s]
        if k == ptr[s + 1]:
            continue  # no choices left: unassigned
        nxt[s] = k + 1
        o = off[k]
        a = start[o]
        c = count[o]
        kk = key[k]
        if c < start[o + 1] - a:  # room: sift up
            i = c
            while i > 0:
                p = (i - 1) >> 1
                if key[heap[a + p]] >= kk:
                    break
                heap[a + i] = heap[a + p]
                i = p
            heap[a + i] = k
            count[o] = c + 1
            at[s] = k
        elif c > 0 and key[heap[a]] > kk:  # better than the worst held: replace, sift down
            loser = student[heap[a]]
            at[loser] = -1
            stack[top] = loser
            top += 1
            i = 0
            while True:
                left = 2 * i + 1
                if left >= c:
                    break
                big = left
                if left + 1 < c and key[heap[a + left + 1]] > key[heap[a + left]]:
                    big = left + 1
                if key[heap[a + big]] <= kk:
                    break
                heap[a + i] = heap[a + big]
                i = big
            heap[a + i] = k
            at[s] = k
        else:
            stack[top] = s  # refused: propose again
            top += 1


@compiled("int64[:](int64[:], int64[:], int32[:], int64[:], int32[:], int64[:])")
def deferred_acceptance(cap, ptr, off, key, student, order):
    """Per student, the eligible entry (index into ``off``) they are assigned by, or -1.

    ``ptr``/``off``/``key``/``student``: eligible preferences in CSR form with the offer, the
    student's priority key there (smaller is better, distinct within an offer) and the student.
    ``order``: the students in the order they enter."""
    n = len(ptr) - 1
    start = _slots(cap, off)
    at = np.empty(n, dtype=np.int64)
    _run(
        start,
        ptr,
        off,
        key,
        student,
        order,
        np.empty(start[-1], dtype=np.int64),
        np.zeros(len(cap), dtype=np.int64),
        np.empty(n, dtype=np.int64),
        at,
        np.empty(n, dtype=np.int64),
    )
    return at


@compiled(
    "int64[:, :](int64[:], int64[:], int32[:], int32[:], int32[:], int64[:], int64[:], "
    "int64[:, :], int64[:, :])"
)
def da_draws(cap, ptr, off, student, rank, base, flag, orders, counts):
    """DA for each row of ``orders`` (a draw's default order of the students, first first):
    per draw and student the entry assigned, or -1. Entry ``e``'s priority key in a draw is
    ``base[e] + flag[e] * place``, with ``place`` the student's position in that draw's order.
    When ``counts`` has a row per student, each draw also adds one to ``counts[s, r]``: the
    rank ``r`` (as listed, ``rank[e]``) of what student ``s`` got, 0 for no place."""
    b, n = orders.shape
    start = _slots(cap, off)
    heap = np.empty(start[-1], dtype=np.int64)
    count = np.zeros(len(cap), dtype=np.int64)
    nxt = np.empty(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    place = np.empty(n, dtype=np.int64)
    key = np.empty(len(off), dtype=np.int64)
    out = np.empty((b, n), dtype=np.int64)
    tally = counts.shape[0] == n
    for d in range(b):
        order = orders[d]
        for i in range(n):
            place[order[i]] = i
        for e in range(len(off)):
            key[e] = base[e] + flag[e] * place[student[e]]
        at = out[d]
        _run(start, ptr, off, key, student, order, heap, count, nxt, at, stack)
        if tally:
            for s in range(n):
                k = at[s]
                counts[s, rank[k] if k >= 0 else 0] += 1
    return out
