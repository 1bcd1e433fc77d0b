"""Student-proposing deferred acceptance (Gale-Shapley), in two implementations.

Every free student proposes to their next eligible choice; an offer holds the best students
by priority up to its capacity and rejects the rest; rejected students propose again. The
outcome is the student-optimal stable matching, whatever the order in which proposals are
made (McVitie and Wilson, 1971) - which lets the fast version choose its order.

- :func:`da_reference` is the textbook loop: a stack of free students, a max-heap of held
  priority keys per offer. Readable, and the oracle the fast version is tested against.
- :func:`da_fast` is the same loop compiled (numba, :mod:`.da_kernel`), with students entering
  in the default order, best first, which spares most displacements.

Both return, per student, the index of the eligible preference (into ``Instance.el_*``) the
student is assigned by, or -1.
"""

from __future__ import annotations

import heapq

import numpy as np

from .model import Instance


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


def da_fast(
    inst: Instance, keys: np.ndarray | None = None, order: np.ndarray | None = None
) -> np.ndarray:
    """DA in the compiled kernel. ``keys``: priority keys of the eligible preferences (the
    instance's own by default); ``order``: the order in which students enter (any order gives
    the same outcome; the default order, best first, gives the least work)."""
    from .kernels import deferred_acceptance  # compiled: loaded on first use

    if keys is None:
        keys, order = inst.el_key, inst.entry_order() if order is None else order
    elif order is None:
        order = np.arange(inst.n_students, dtype=np.int64)
    return deferred_acceptance(
        inst.capacity.astype(np.int64, copy=False),
        inst.el_ptr,
        inst.el_offer.astype(np.int32, copy=False),
        keys.astype(np.int64, copy=False),
        inst.el_student.astype(np.int32, copy=False),
        order.astype(np.int64, copy=False),
    )
