"""Student-proposing deferred acceptance (Gale-Shapley), in two implementations.

Every free student proposes to their next eligible choice; an offer holds the best students
by priority up to its capacity and rejects the rest; rejected students propose again. The
outcome is the student-optimal stable matching, whatever the order in which proposals are
made (McVitie and Wilson, 1971) - which is what lets the fast version batch them.

- :func:`da_reference` is the textbook loop: a stack of free students, a max-heap of held
  priority keys per offer. Readable, and the oracle the fast version is tested against.
- :func:`da_fast` makes all pending proposals of a round at once with numpy: sort the round's
  proposals by (offer, priority key); an offer with room takes them all; an offer that
  overflows merges them with the students it holds and keeps the best ``capacity``. A full
  offer's bar (the worst key it holds) refuses most proposals before any sorting. When few
  students are still free, the per-round overhead of numpy outweighs the work, so the last
  proposals run one at a time in plain Python on the same slot arrays.

Both return, per student, the index of the eligible preference (into ``Instance.el_*``) the
student is assigned by, or -1.
"""

from __future__ import annotations

import heapq

import numpy as np

from .model import Instance

TAIL = 256  # below this many free students, finish sequentially


def da_reference(inst: Instance, keys: np.ndarray | None = None) -> np.ndarray:
    keys = inst.el_key if keys is None else keys
    n, m = inst.n_students, inst.n_offers
    ptr = inst.el_ptr.tolist()
    offer = inst.el_offer.tolist()
    key = keys.tolist()
    capacity = inst.capacity.tolist()
    next_choice = ptr[:-1]
    held: list[list[tuple[int, int, int]]] = [[] for _ in range(m)]  # (-key, student, entry)
    at = [-1] * n
    free = list(range(n - 1, -1, -1))
    while free:
        s = free.pop()
        k = next_choice[s]
        if k == ptr[s + 1]:
            continue  # no choices left: unassigned
        next_choice[s] = k + 1
        o = offer[k]
        heap = held[o]
        if len(heap) < capacity[o]:
            heapq.heappush(heap, (-key[k], s, k))
            at[s] = k
        elif heap and -heap[0][0] > key[k]:
            _, loser, _ = heapq.heapreplace(heap, (-key[k], s, k))
            at[s] = k
            at[loser] = -1
            free.append(loser)
        else:
            free.append(s)
    return np.array(at, dtype=np.int64)


def da_fast(inst: Instance, keys: np.ndarray | None = None, tail: int = TAIL) -> np.ndarray:
    keys = inst.el_key if keys is None else keys
    return da_arrays(inst.capacity, inst.el_ptr, inst.el_offer, keys, inst.el_student, tail=tail)


def da_arrays(
    cap: np.ndarray,
    ptr: np.ndarray,
    offer: np.ndarray,
    keys: np.ndarray,
    student: np.ndarray,
    tail: int = TAIL,
) -> np.ndarray:
    """DA on raw arrays: eligible preferences in CSR form (``ptr``), each with its offer,
    the student's priority key there, and the student. Used directly by the lottery re-runs,
    which solve many draws at once as one disjoint instance."""
    n, m = len(ptr) - 1, len(cap)
    off = offer.astype(np.int64)
    # A capacity above the number of applicants never binds (and would only cost memory).
    cap = np.minimum(cap.astype(np.int64), np.bincount(off, minlength=m))
    key = keys.astype(np.int64)
    end = ptr[1:]
    nxt = ptr[:-1].copy()
    base = int(key.max()) + 2 if len(key) else 2
    slot_start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(cap, out=slot_start[1:])
    slot_ent = np.full(int(slot_start[-1]), -1, dtype=np.int64)  # held entry per slot
    count = np.zeros(m, dtype=np.int64)  # held per offer
    # The key a proposal must beat: above every key while an offer has room, else the
    # worst key it holds. Proposals that do not beat it are refused without sorting.
    big = np.int64(base)
    bar = np.where(cap > 0, big, -1)
    worst = np.full(m, -1, dtype=np.int64)  # worst key held, while not full
    student = student.astype(np.int64)
    free = np.flatnonzero(nxt < end)

    while len(free) > tail:
        k = nxt[free]
        nxt[free] += 1
        o = off[k]
        kk = key[k]
        alive = kk < bar[o]
        refused = free[~alive]
        k, o, kk = k[alive], o[alive], kk[alive]
        if len(k) == 0:
            free = refused[nxt[refused] < end[refused]]
            continue
        # Keys are distinct within an offer, so (offer, key) orders without ties.
        order = np.argsort(o * base + kk)
        k = k[order]
        o = o[order]
        kk = kk[order]
        last = np.r_[o[1:] != o[:-1], True]
        ends = np.flatnonzero(last) + 1
        starts = np.r_[0, ends[:-1]]
        sizes = ends - starts
        offers = o[starts]
        room = cap[offers] - count[offers]
        fits = sizes <= room
        # Offers with room take every proposal, in the next empty slots.
        take = np.repeat(fits, sizes)
        if take.any():
            g = np.repeat(np.arange(len(starts)), sizes)[take]
            within = np.flatnonzero(take) - starts[g]
            fo = offers[g]
            slot_ent[slot_start[fo] + count[fo] + within] = k[take]
            of = offers[fits]
            count[of] += sizes[fits]
            worst[of] = np.maximum(worst[of], kk[ends[fits] - 1])
            full = count[of] == cap[of]
            bar[of[full]] = worst[of[full]]
        # Offers that overflow: merge held and new, keep the best `capacity`.
        over = ~fits
        rejected = refused
        if over.any():
            oo = offers[over]
            held_n = count[oo]
            hs = np.repeat(slot_start[oo], held_n) + (
                np.arange(int(held_n.sum())) - np.repeat(np.cumsum(held_n) - held_n, held_n)
            )
            cand = np.concatenate([slot_ent[hs], k[~take]])
            co = off[cand]
            order = np.argsort(co * base + key[cand])
            cand = cand[order]
            co = co[order]
            first = np.flatnonzero(np.r_[True, co[1:] != co[:-1]])
            rank = np.arange(len(cand)) - np.repeat(first, np.diff(np.r_[first, len(cand)]))
            cap_c = cap[co]
            keep = rank < cap_c
            slot_ent[slot_start[co[keep]] + rank[keep]] = cand[keep]
            count[oo] = cap[oo]
            at_bar = rank == cap_c - 1
            bar[co[at_bar]] = key[cand[at_bar]]
            rejected = np.concatenate([refused, student[cand[~keep]]])
        free = rejected[nxt[rejected] < end[rejected]]

    if len(free):
        _tail(free.tolist(), nxt, end, off, key, cap, slot_start, slot_ent, count, student)
    at = np.full(n, -1, dtype=np.int64)
    held = slot_ent[slot_ent >= 0]
    at[student[held]] = held
    return at


def _tail(free, nxt, end, off, key, cap, slot_start, slot_ent, count, student) -> None:
    """Finish the last few proposals one at a time (order does not change the outcome).

    Works on the numpy arrays in place, element by element: converting them to lists would
    cost more than the few thousand proposals left.
    """
    while free:
        s = free.pop()
        k = int(nxt[s])
        if k == end[s]:
            continue
        nxt[s] = k + 1
        o = int(off[k])
        c = int(count[o])
        a = int(slot_start[o])
        if c < cap[o]:
            slot_ent[a + c] = k
            count[o] = c + 1
            continue
        if c == 0:
            free.append(s)
            continue
        held = slot_ent[a : a + c]
        keys = key[held]
        j = int(keys.argmax())
        if keys[j] > key[k]:
            free.append(int(student[held[j]]))
            slot_ent[a + j] = k
        else:
            free.append(s)
