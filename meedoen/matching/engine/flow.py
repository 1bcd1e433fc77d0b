"""Compiled kernel (numba) for the optimal mode: primal-dual min-cost flow on the bipartite graph.

The graph is implicit in CSR arrays: students ``0..n-1`` each with their eligible entries
(``ptr``, ``off``, ``cost`` = rank as given), offers ``0..m-1`` with a remaining capacity
``cap``. Source -> free student and offer -> sink (while it has room) cost 0.

Every phase:

1. Dijkstra on reduced costs *backwards* from the sink (the offers with room), with an indexed
   binary heap, stopped at the first free student it reaches: its distance ``D`` is the
   length of this phase's routes. Once a free student is queued, nothing as far or farther
   is queued at all. Nodes that cannot reach a place are never searched (at the
   end, most unplaced students and the crowded offers they listed). Potentials move by
   ``min(distance, D)``; only the settled nodes are touched (every stored potential is
   relative to a common offset that never needs to be known: only differences are used).
2. Augment along zero-reduced-cost ("admissible") paths, depth first from each offer with
   room back to free students, until none is left (one pass, with a current-arc pointer per
   node). A node whose search fails is dead for the rest of the phase - augmentations
   elsewhere never give it a route - unless it may reach a node still open on the search
   stack (zero-cost cycles: ties). That is decided as in Tarjan's strongly connected
   components: when the first-visited node of a group fails, the whole group is dead; a
   group left open by a successful search, and the offers of the path just reversed, are
   searched afresh by the next search. Entries a student gives up during the phase (it moved
   on along a path) are searched first when the search comes back to that offer. An offer on
   a path passes a place on: the student it lets go takes the next arc, in place in the
   offer's slot array.

Each augmentation keeps every residual arc's reduced cost non-negative, so the flow stays the
cheapest one of its size; the loop stops when no free student can reach a place (maximum
flow). That is the lexicographic objective: most students placed, then the smallest rank sum.

Compiled eagerly for the one signature it is called with, and with ``cache=True``: the machine
code is stored next to this file (or, when that directory is not writable, in numba's per-user
cache, or ``NUMBA_CACHE_DIR``), so a new process loads it instead of compiling. With no
writable location at all it compiles in memory. ``make`` also compiles it ahead of time (see
:mod:`.kernels`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .jit import compiled

# The heap's helpers are inlined into the kernel where numba would otherwise call them (a
# call passes every array's fields: the heap took a quarter of the kernel's time).
_inline = njit(inline="always")


@_inline
def _sift_up(heap, hpos, dist, i):
    v = heap[i]
    d = dist[v]
    while i > 0:
        p = (i - 1) >> 1
        u = heap[p]
        if dist[u] <= d:
            break
        heap[i] = u
        hpos[u] = i
        i = p
    heap[i] = v
    hpos[v] = i


@_inline
def _sift_down(heap, hpos, dist, i, size):
    v = heap[i]
    d = dist[v]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and dist[heap[c + 1]] < dist[heap[c]]:
            c += 1
        u = heap[c]
        if dist[u] >= d:
            break
        heap[i] = u
        hpos[u] = i
        i = c
    heap[i] = v
    hpos[v] = i


@_inline
def _push(heap, hpos, dist, size, v):
    heap[size] = v
    hpos[v] = size
    _sift_up(heap, hpos, dist, size)
    return size + 1


@compiled("int64[:](int64[:], int64[:], int64[:], int64[:])")
def min_cost_flow(ptr, off, cost, cap):
    """Per student, the entry (index into ``off``) it is assigned by, or -1.

    ``ptr``: int64[n+1]; ``off``, ``cost``: int64[E]; ``cap``: int64[m], all >= 0.
    """
    n = ptr.shape[0] - 1
    m = cap.shape[0]
    n_ent = off.shape[0]
    big = np.int64(1) << 62
    nodes = n + m
    at = np.full(n, -1, np.int64)  # entry a student is assigned by
    # ... and that entry's offer (as a node) and cost: read with ``at`` by the searches, so
    # they do not wait for ``at`` to look them up.
    at_node = np.zeros(n, np.int64)
    at_cost = np.zeros(n, np.int64)
    stu = np.empty(n_ent, np.int64)  # student of each entry
    for s in range(n):
        for k in range(ptr[s], ptr[s + 1]):
            stu[k] = s
    # Entries by offer (the arcs into each offer), for the searches from the sink side.
    optr = np.zeros(m + 1, np.int64)
    for k in range(n_ent):
        optr[off[k] + 1] += 1
    for o in range(m):
        optr[o + 1] += optr[o]
    oent = np.empty(n_ent, np.int64)
    fill = optr[:-1].copy()
    for k in range(n_ent):
        oent[fill[off[k]]] = k
        fill[off[k]] += 1
    ostu = stu[oent]  # the same, in offer order: read in sequence by the searches
    ocost = cost[oent]
    # Per offer, the entries its students gave up (a linked list), searched before the rest.
    head = np.full(m, -1, np.int64)
    pnext = np.empty(n_ent, np.int64)
    pending = np.zeros(n_ent, np.bool_)
    via = np.empty(nodes, np.int64)  # entry an offer's search went on by
    slot_start = np.zeros(m + 1, np.int64)
    for o in range(m):
        slot_start[o + 1] = slot_start[o] + cap[o]
    slot_ent = np.empty(slot_start[m], np.int64)  # entry held in each place
    spos = np.full(n, -1, np.int64)  # place of each assigned student
    count = np.zeros(m, np.int64)
    pi = np.zeros(nodes, np.int64)  # potentials, up to a common offset
    pi_t = np.int64(0)
    dist = np.full(nodes, big, np.int64)
    hpos = np.full(nodes, -1, np.int64)
    heap = np.empty(nodes, np.int64)
    touched = np.empty(nodes, np.int64)
    settled = np.empty(nodes, np.int64)
    # Depth-first search state, stamped with the pass number instead of cleared.
    seen = np.zeros(nodes, np.int64)
    dead = np.zeros(nodes, np.int64)
    cur = np.zeros(nodes, np.int64)
    onstack = np.zeros(nodes, np.bool_)
    stack = np.empty(nodes + 1, np.int64)
    taint = np.zeros(nodes, np.bool_)  # search skipped a node on the stack or dirty
    dirty = np.zeros(nodes, np.int64)  # dead for that search only
    dirty_list = np.empty(nodes, np.int64)
    order = np.zeros(nodes, np.int64)  # visiting order in the search (Tarjan's index)
    low = np.zeros(nodes, np.int64)  # earliest node still open that it may reach
    dl_start = np.zeros(nodes, np.int64)
    n_order = 0
    n_pass = 0
    n_search = 0
    while True:
        # 1. Dijkstra backwards from the sink (offers with room) until the first free student.
        size = 0
        n_touched = 0
        for o in range(m):
            if count[o] < cap[o]:
                v = n + o
                dist[v] = pi[v] - pi_t
                size = _push(heap, hpos, dist, size, v)
                touched[n_touched] = v
                n_touched += 1
        best = big
        n_settled = 0
        # The least key a free student is queued with: no node at that distance or beyond is
        # ever settled, so none is queued (it would only cost heap work).
        ub = big
        while size > 0:
            v = heap[0]
            d = dist[v]
            if d >= ub:  # nothing nearer is left than a free student already queued
                best = ub
                break
            size -= 1
            hpos[v] = -1
            if size > 0:
                heap[0] = heap[size]
                hpos[heap[0]] = 0
                _sift_down(heap, hpos, dist, 0, size)
            settled[n_settled] = v
            n_settled += 1
            if v < n:
                if at[v] < 0:
                    best = d  # the nearest free student: the length of this phase's routes
                    break
                w = at_node[v]
                nd = d + pi[w] - pi[v] - at_cost[v]
                if nd < dist[w] and nd < ub:
                    if dist[w] == big:
                        touched[n_touched] = w
                        n_touched += 1
                        dist[w] = nd
                        size = _push(heap, hpos, dist, size, w)
                    elif hpos[w] >= 0:
                        dist[w] = nd
                        _sift_up(heap, hpos, dist, hpos[w])
            else:
                pv = pi[v]
                for i in range(optr[v - n], optr[v - n + 1]):
                    w = ostu[i]
                    if at[w] == oent[i]:
                        continue
                    nd = d + ocost[i] + pi[w] - pv
                    if nd < dist[w] and nd < ub:
                        if at[w] < 0:
                            ub = nd
                        if dist[w] == big:
                            touched[n_touched] = w
                            n_touched += 1
                            dist[w] = nd
                            size = _push(heap, hpos, dist, size, w)
                        elif hpos[w] >= 0:
                            dist[w] = nd
                            _sift_up(heap, hpos, dist, hpos[w])
        if best == big:
            break  # no free student can reach a place: maximum flow, at minimum cost
        for i in range(n_settled):
            v = settled[i]
            pi[v] += best - dist[v]
        pi_t += best
        for i in range(n_touched):
            v = touched[i]
            dist[v] = big
            hpos[v] = -1

        # 2. Augment along admissible paths (reduced cost 0), searching depth first from the
        # offers with room back to free students, until none is left. Every node of a failed
        # search, and every node of a successful one whose search saw only such nodes, is
        # dead for the rest of the phase: augmentations elsewhere never give it a route. A
        # node that failed after skipping a node then on the stack (or one dead only for this
        # search) may still have a route later, as may the nodes of the path just reversed:
        # they are searched afresh by the next search. So one pass leaves no admissible path.
        n_pass += 1
        for o in range(m):
            root = n + o
            while count[o] < cap[o] and pi[root] == pi_t and dead[root] != n_pass:
                n_search += 1
                n_dirty = 0
                sp = 0
                stack[0] = root
                onstack[root] = True
                order[root] = n_order
                low[root] = n_order
                n_order += 1
                dl_start[root] = 0
                if seen[root] != n_pass:
                    seen[root] = n_pass
                    cur[root] = optr[o]
                    taint[root] = False
                found = False
                while sp >= 0:
                    v = stack[sp]
                    nxt = -1
                    if v >= n:
                        pv = pi[v]
                        # Entries given up during this phase first, then the list in order.
                        k = head[v - n]
                        while k >= 0:
                            head[v - n] = pnext[k]
                            pending[k] = False
                            w = stu[k]
                            if at[w] != k and cost[k] + pi[w] == pv and dead[w] != n_pass:
                                if onstack[w] or dirty[w] == n_search:
                                    taint[v] = True
                                    low[v] = min(low[v], order[w])
                                else:
                                    if at[w] < 0:
                                        found = True
                                    nxt = w
                                    via[v] = k
                                    break
                            k = head[v - n]
                        if nxt < 0:
                            i = cur[v]
                            end = optr[v - n + 1]
                            while i < end:
                                w = ostu[i]
                                k = oent[i]
                                if ocost[i] + pi[w] == pv and at[w] != k and dead[w] != n_pass:
                                    if onstack[w] or dirty[w] == n_search:
                                        taint[v] = True
                                        low[v] = min(low[v], order[w])
                                    else:
                                        if at[w] < 0:
                                            found = True
                                        nxt = w
                                        via[v] = k
                                        break
                                i += 1
                            cur[v] = i
                        if found:
                            break
                        if nxt >= 0 and seen[nxt] != n_pass:
                            seen[nxt] = n_pass
                            taint[nxt] = False
                    else:
                        w = at_node[v]
                        if pi[w] - pi[v] == at_cost[v] and dead[w] != n_pass:
                            if onstack[w] or dirty[w] == n_search:
                                taint[v] = True
                                low[v] = min(low[v], order[w])
                            else:
                                nxt = w
                                if seen[w] != n_pass:
                                    seen[w] = n_pass
                                    cur[w] = optr[w - n]
                                    taint[w] = False
                    if nxt >= 0:
                        sp += 1
                        stack[sp] = nxt
                        onstack[nxt] = True
                        order[nxt] = n_order
                        low[nxt] = n_order
                        n_order += 1
                        dl_start[nxt] = n_dirty
                    else:
                        onstack[v] = False
                        is_dirty = low[v] < order[v]
                        if is_dirty:  # it may reach a node above it: dead for this search
                            dirty[v] = n_search
                            dirty_list[n_dirty] = v
                            n_dirty += 1
                        else:  # as Tarjan's SCC root: it and all it depended on are dead
                            dead[v] = n_pass
                            for i in range(dl_start[v], n_dirty):
                                dead[dirty_list[i]] = n_pass
                            n_dirty = dl_start[v]
                        sp -= 1
                        if sp >= 0:
                            u = stack[sp]
                            low[u] = min(low[u], low[v])
                            if is_dirty:
                                taint[u] = True
                            if u >= n and cur[u] < optr[u - n + 1] and oent[cur[u]] == via[u]:
                                cur[u] += 1
                if not found:
                    for i in range(n_dirty):
                        dead[dirty_list[i]] = n_pass
                    break  # the root is dead too
                for i in range(n_dirty):
                    seen[dirty_list[i]] = 0
                # stack: offer with room, student, its offer, ..., offer; then the free
                # student. Each student takes the place of the one after it.
                k_new = via[stack[sp]]
                s_new = stu[k_new]
                i = sp
                while i > 0:
                    s_old = stack[i - 1]
                    # The entry it gives up becomes an arc into this offer: search it again.
                    k = at[s_old]
                    if not pending[k]:
                        pending[k] = True
                        pnext[k] = head[stack[i] - n]
                        head[stack[i] - n] = k
                    j = spos[s_old]
                    slot_ent[j] = k_new
                    spos[s_new] = j
                    at[s_new] = k_new
                    at_node[s_new] = stack[i]
                    at_cost[s_new] = cost[k_new]
                    k_new = via[stack[i - 2]]
                    s_new = s_old
                    i -= 2
                j = slot_start[o] + count[o]
                slot_ent[j] = k_new
                spos[s_new] = j
                at[s_new] = k_new
                at_node[s_new] = root
                at_cost[s_new] = cost[k_new]
                count[o] += 1
                for i in range(sp + 1):
                    v = stack[i]
                    onstack[v] = False
                    if taint[v] or v < n:
                        seen[v] = 0
    return at
