"""Welfare-optimal assignment: the most students placed, then the smallest sum of ranks.

This is a minimum-cost maximum flow: source -> each student (capacity 1), student -> each
eligible offer on their list (capacity 1, cost = rank as given, 1..L), offer -> sink (capacity
= the offer's capacity). Successive shortest paths reach, for every flow value, the cheapest
flow of that value; stopping when no augmenting path is left gives the maximum number placed
at the minimum rank sum - exactly the lexicographic objective, with no big "unassigned"
penalty to tune.

We run it as the primal-dual method in a compiled kernel (numba, :mod:`.flow`): per phase one
Dijkstra on reduced costs gives new node potentials, then every shortest route of that phase
is augmented by depth-first search. Costs are small integers, so there are few phases (about
the longest rank-improving chain, not one per student). :func:`optimal_assignment_scipy` is
the same method with scipy's Dijkstra and max-flow per phase and numpy glue: slower, kept as
an independent implementation for the tests.

Before the kernel a presolve places, exactly, every student whose first eligible choice
can take everyone who lists it at any rank: in any optimal assignment such a student can be
moved there without loss (the offer has room, the rank cannot get worse), so fixing them
changes neither the number placed nor the optimum. They and the seats they use leave the flow
problem.

Returns, per student, the index of the eligible preference (into ``Instance.el_*``) the
student is assigned by, or -1.
"""

from __future__ import annotations

import numpy as np

from .model import Instance


def optimal_assignment(inst: Instance) -> np.ndarray:
    at, e_idx, room = _presolve(inst)
    if len(e_idx) == 0:
        return at
    from .kernels import min_cost_flow  # compiled: loaded on first use only

    e_s = inst.el_student[e_idx]
    ptr = np.zeros(inst.n_students + 1, dtype=np.int64)
    np.cumsum(np.bincount(e_s, minlength=inst.n_students), out=ptr[1:])
    local = min_cost_flow(
        ptr,
        inst.el_offer[e_idx].astype(np.int64),
        inst.el_rank[e_idx].astype(np.int64),
        room,
    )
    got = local >= 0
    at[got] = e_idx[local[got]]
    return at


def _presolve(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(assignment so far, entries left to the flow problem, capacity left per offer)."""
    n, m = inst.n_students, inst.n_offers
    offer = inst.el_offer
    cap = inst.capacity.astype(np.int64)
    at = np.full(n, -1, dtype=np.int64)
    if len(offer) == 0:
        return at, np.zeros(0, dtype=np.int64), cap
    demand = np.bincount(offer, minlength=m)
    first = inst.el_ptr[:-1][np.diff(inst.el_ptr) > 0]
    sure = first[demand[offer[first]] <= cap[offer[first]]]
    at[inst.el_student[sure]] = sure
    room = cap - np.bincount(offer[sure], minlength=m)
    # An offer full from the presolve (or of capacity 0) takes nobody else.
    live = (at[inst.el_student] < 0) & (room[offer] > 0)
    return at, np.flatnonzero(live), room


def optimal_assignment_scipy(inst: Instance) -> np.ndarray:
    """The same optimum with scipy's Dijkstra and max-flow per phase (the earlier solver).

    Slower; kept as an independent implementation the tests compare the kernel with.
    """
    from scipy.sparse import csr_array  # only the tests and benchmarks use this solver
    from scipy.sparse.csgraph import dijkstra, maximum_flow

    n, m = inst.n_students, inst.n_offers
    student = inst.el_student.astype(np.int64)
    offer = inst.el_offer.astype(np.int64)
    cost = inst.el_rank.astype(np.int64)
    cap = inst.capacity.astype(np.int64)
    at = np.full(n, -1, dtype=np.int64)
    count = np.zeros(m, dtype=np.int64)
    if len(student) == 0:
        return at

    # Presolve: first eligible choice at an offer that can hold all who list it.
    demand = np.bincount(offer, minlength=m)
    first = inst.el_ptr[:-1][np.diff(inst.el_ptr) > 0]
    sure = first[demand[offer[first]] <= cap[offer[first]]]
    at[student[sure]] = sure
    np.add.at(count, offer[sure], 1)

    # Flow on the rest. Nodes: 0 source, 1..n students, n+1..n+m offers, n+m+1 sink.
    live = at[student] < 0
    live &= count[offer] < cap[offer]  # an offer full from the presolve takes nobody else
    e_idx = np.flatnonzero(live)
    e_s, e_o, e_c = student[e_idx], offer[e_idx], cost[e_idx]
    S, T = 0, n + m + 1
    N = n + m + 2
    pi = np.zeros(N, dtype=np.int64)
    used = np.zeros(len(e_idx), dtype=bool)  # entry carries flow (student assigned by it)
    free = at < 0
    # Students outside the flow problem never get a source arc.
    in_flow = np.zeros(n, dtype=bool)
    in_flow[e_s] = True
    free &= in_flow
    room = cap - count
    while True:
        su = 1 + e_s
        ov = 1 + n + e_o
        fwd = ~used
        fs = np.flatnonzero(free)
        ro = np.flatnonzero(room > 0)
        src = np.concatenate([np.zeros(len(fs), np.int64), su[fwd], ov[~fwd], 1 + n + ro])
        dst = np.concatenate([1 + fs, ov[fwd], su[~fwd], np.full(len(ro), T, np.int64)])
        arc_cost = np.concatenate(
            [np.zeros(len(fs), np.int64), e_c[fwd], -e_c[~fwd], np.zeros(len(ro), np.int64)]
        )
        w = arc_cost + pi[src] - pi[dst]
        graph = csr_array((w.astype(np.float64), (src, dst)), shape=(N, N))
        # Reduced distances to the sink are usually 1: search that far first.
        dist = dijkstra(graph, directed=True, indices=S, limit=1.0)
        if not np.isfinite(dist[T]):
            dist = dijkstra(graph, directed=True, indices=S)
        D = dist[T]
        if not np.isfinite(D):
            break
        reach = dist <= D
        d = np.where(reach, dist, D).astype(np.int64)
        pi += d
        tight = reach[src] & reach[dst] & (w + d[src] - d[dst] == 0)
        capacity = np.concatenate(
            [
                np.ones(len(fs), np.int64),
                np.ones(int(fwd.sum()), np.int64),
                np.ones(int((~fwd).sum()), np.int64),
                room[ro],
            ]
        )
        a_src, a_dst, a_cap = src[tight], dst[tight], capacity[tight]
        # Max-flow works on arrays over all nodes: renumber the few the admissible arcs touch.
        nodes, local = np.unique(np.concatenate([[S, T], a_src, a_dst]), return_inverse=True)
        k = len(nodes)
        l_src, l_dst = local[2 : 2 + len(a_src)], local[2 + len(a_src) :]
        admissible = csr_array(
            (a_cap.astype(np.int32), (l_src.astype(np.int32), l_dst.astype(np.int32))),
            shape=(k, k),
        )
        flow = maximum_flow(admissible, int(local[0]), int(local[1]), method="dinic").flow
        # Read the flow on each admissible arc (csr lookup by sorted row/col codes).
        flow = flow.tocoo()
        pos = flow.data > 0
        codes = nodes[flow.row[pos]] * N + nodes[flow.col[pos]]
        order = np.argsort(codes)
        codes = codes[order]
        arc_codes = a_src * N + a_dst
        hit = np.searchsorted(codes, arc_codes)
        hit = np.minimum(hit, max(len(codes) - 1, 0))
        carried = (codes[hit] == arc_codes) if len(codes) else np.zeros(len(arc_codes), bool)
        arcs = np.flatnonzero(tight)[carried]
        # Translate carried arcs back to entries.
        n_fs, n_fwd = len(fs), int(fwd.sum())
        fwd_idx, bwd_idx = np.flatnonzero(fwd), np.flatnonzero(~fwd)
        new = fwd_idx[arcs[(arcs >= n_fs) & (arcs < n_fs + n_fwd)] - n_fs]
        gone = bwd_idx[arcs[(arcs >= n_fs + n_fwd) & (arcs < n_fs + len(e_idx))] - n_fs - n_fwd]
        used[gone] = False
        used[new] = True
        np.subtract.at(room, e_o[new], 1)
        np.add.at(room, e_o[gone], 1)
        free[e_s[new]] = False
    at[e_s[used]] = e_idx[used]
    return at
