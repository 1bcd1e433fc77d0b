"""The odds: how much does the lottery decide?

Re-run deferred acceptance over many independent lottery draws (every student gets a fresh
lottery number in each draw; explicit priority lists and guidance needs stay as they are) and
count, per student, how often they got each choice and how often no place. The coordinator
sees these before publishing; a parent reads "in 1,000 draws, your child got their first choice
620 times".

Only the lottery changes between draws, so the instance is prepared once and each draw needs
just its default order (guidance need, then lottery, then position). For a region (thousands of
students) the draws are solved side by side, *in lockstep*, with the McVitie-Wilson form of
deferred acceptance: students enter one at a time and each entrant proposes down their list
until an offer takes them; if that offer was full it lets go of its lowest-priority student,
who proposes on from where they were, and so on until the chain ends. The outcome is the same
student-optimal stable matching whatever the order of entry (McVitie and Wilson, 1971). Entering
in each draw's default order makes chains rare: every offer without an explicit list ranks all
students by that order, so an entrant ranks below everyone it meets there. Each step makes
one proposal in each of a few lanes of every draw, for all draws at once with numpy, so about
``n / lanes`` steps (plus the longest chains) cover all draws. For large instances (few draws
fit in memory at once) each draw runs the fast DA on the prepared arrays instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .da import da_fast
from .model import Id, Instance

CELLS = 4_000_000  # draws x students solved at once: bounds memory (~250 MB)
LOCKSTEP_MIN_DRAWS = 96  # below this many draws per batch, solve the draws one by one


@dataclass(eq=False)
class Odds:
    """``counts[s, r]``: draws in which student ``s`` got the choice of rank ``r`` (1-based,
    as listed); ``counts[s, 0]``: draws without a place."""

    instance: Instance
    draws: int
    counts: np.ndarray

    def probabilities(self) -> dict[Id, dict[str, float]]:
        out = {}
        p = self.counts / max(self.draws, 1)
        for s, sid in enumerate(self.instance.student_ids):
            row = {str(r): float(p[s, r]) for r in np.flatnonzero(p[s, 1:]) + 1}
            row["none"] = float(p[s, 0])
            out[sid] = row
        return out


def odds(instance: Instance, draws: int = 1000, seed: int | None = None) -> Odds:
    inst = instance
    n = inst.n_students
    width = int(np.diff(inst.pref_ptr).max()) + 1 if n else 1
    counts = np.zeros((n, width), dtype=np.int64)
    if n == 0:
        return Odds(inst, draws, counts)
    rng = np.random.default_rng(seed)
    batch = max(1, min(draws, CELLS // max(n, 1)))
    prep = _Prepared(inst)
    # Fresh lottery numbers for everyone only matter through the order they put students in,
    # within each guidance need: a uniformly random order (equal numbers have chance 0).
    groups = [np.flatnonzero(inst.need == g) for g in np.unique(inst.need)[::-1]]
    done = 0
    while done < draws:
        b = min(batch, draws - done)
        order = np.concatenate([rng.permuted(np.tile(g, (b, 1)), axis=1) for g in groups], axis=1)
        entries = prep.solve_orders(order)
        rank = np.zeros(entries.shape, dtype=np.int64)
        ok = entries >= 0
        rank[ok] = inst.el_rank[entries[ok]]
        flat = (np.arange(n, dtype=np.int64) * width)[None, :] + rank
        counts += np.bincount(flat.ravel(), minlength=n * width).reshape(n, width)
        done += b
    return Odds(inst, draws, counts)


def draw_entries(instance: Instance, lottery: np.ndarray) -> np.ndarray:
    """DA for each row of lottery numbers (``draws x students``): per draw and student the
    eligible preference assigned (index into ``Instance.el_*``) or -1. The same as
    ``da_reference(inst, inst.priority_keys(lottery[d]))`` for every draw ``d``."""
    lottery = np.asarray(lottery, dtype=np.float64).reshape(-1, instance.n_students)
    return _Prepared(instance).solve(lottery)


class _Prepared:
    """Everything about the instance that does not depend on the lottery, built once."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n, m = inst.n_students, inst.n_offers
        E = len(inst.el_offer)
        # Priority key of entry e in a draw: base[e] + flag[e] * (student's default place).
        # Offers without a list: 0 + place. Offers with a list: the position for listed
        # students, the list length + place for the others (as Instance.priority_keys).
        base = np.zeros(E, dtype=np.int64)
        flag = np.ones(E, dtype=np.int64)
        lens = inst.prio_len
        self.list_start = np.zeros(m, dtype=np.int64)
        self.list_student = np.zeros(0, dtype=np.int64)
        if len(inst.prio_offer):
            listed = lens[inst.el_offer]
            has = listed >= 0
            base[has] = listed[has]
            pos = _list_position(inst)  # -1 where not on the offer's list
            on = pos >= 0
            base[on] = pos[on]
            flag[on] = 0
            order = np.lexsort((inst.prio_pos, inst.prio_offer))
            self.list_student = inst.prio_student[order].astype(np.int64)
            self.list_start = np.zeros(m, dtype=np.int64)
            starts = np.cumsum(np.maximum(lens, 0)) - np.maximum(lens, 0)
            self.list_start[:] = starts
        self.base, self.flag = base, flag
        self.lens = np.maximum(lens, 0)
        self.has_list = lens >= 0
        # A capacity above the number of applicants never binds.
        applicants = np.bincount(inst.el_offer, minlength=m)
        self.cap = np.minimum(inst.capacity, applicants).astype(np.int64)

        # Padded rows: each student's eligible entries, then a sentinel that always accepts
        # (a dummy offer ``m``: "no place"). Student ``n`` is a dummy with only the sentinel,
        # for draws that are done. Trailing sentinels let a window run past the end.
        L = int(np.diff(inst.el_ptr).max()) + 1 if n else 1
        self.L = L
        P = E + n + 1
        self.pstart = inst.el_ptr + np.arange(n + 1, dtype=np.int64)
        total = P + L
        self.p_offer = np.full(total, m, dtype=np.int64)
        self.p_base = np.zeros(total, dtype=np.int64)
        self.p_flag = np.zeros(total, dtype=np.int64)
        self.p_entry = np.full(total, -1, dtype=np.int64)
        at = np.arange(E, dtype=np.int64) + inst.el_student.astype(np.int64)
        self.p_offer[at] = inst.el_offer
        self.p_base[at] = base
        self.p_flag[at] = flag
        self.p_entry[at] = np.arange(E, dtype=np.int64)
        self.sentinel = int(self.pstart[n])  # the dummy student's sentinel
        self.slot_start = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(self.cap, out=self.slot_start[1:])
        self.wcap = int(self.cap.max()) if m else 0

    # --------------------------------------------------------------- orders and keys

    def default_orders(self, lottery: np.ndarray) -> np.ndarray:
        """Per draw, students in default order: need desc, then lottery, then position."""
        by_lottery = np.argsort(lottery, axis=1, kind="stable")
        need = self.inst.need
        if need.any():
            by_need = np.argsort(-need[by_lottery], axis=1, kind="stable")
            by_lottery = np.take_along_axis(by_lottery, by_need, axis=1)
        return by_lottery

    def solve(self, lottery: np.ndarray) -> np.ndarray:
        return self.solve_orders(self.default_orders(lottery))

    def solve_orders(self, order: np.ndarray) -> np.ndarray:
        """DA per draw, given each draw's default order of the students (``draws x n``)."""
        b, n = order.shape
        if n == 0:
            return np.zeros((b, 0), dtype=np.int64)
        if b >= LOCKSTEP_MIN_DRAWS:
            return self._lockstep(order)
        inst = self.inst
        out = np.empty((b, n), dtype=np.int64)
        place = np.empty(n, dtype=np.int64)
        for d in range(b):
            place[order[d]] = np.arange(n, dtype=np.int64)
            keys = self.base + self.flag * place[inst.el_student]
            out[d] = da_fast(inst, keys, order[d])
        return out

    # --------------------------------------------------------------- lockstep DA

    def _lockstep(self, order: np.ndarray, K: int = 8) -> np.ndarray:
        """DA for all draws at once: every draw has ``K`` lanes, each with one proposer (an
        entrant, or a student let go), and every step makes one proposal per lane. When two
        lanes of a draw propose to the same offer, one goes first and the other proposes
        there again in the next step (an offer's bar only rises, so earlier refusals stand).
        """
        B, n = order.shape
        m = self.inst.n_offers
        L = self.L
        R = B * K  # lanes; lane r belongs to draw r // K
        ar = np.arange(B, dtype=np.int64)
        rr = np.arange(R, dtype=np.int64)
        rd = rr // K
        # Per draw: the default order, padded with the dummy student (lanes of a draw that
        # is done propose for the dummy until all draws are done), and each student's place.
        width = n + K + 1
        order_pad = np.full((B, width), n, dtype=np.int64)
        order_pad[:, :n] = order
        order_flat = order_pad.ravel()
        place = np.empty((B, n), dtype=np.int64)
        np.put_along_axis(place, order, np.arange(n, dtype=np.int64)[None, :], axis=1)
        place_flat = place.ravel()
        # Keys are stored shifted by the offer's list length (0 without a list), so that an
        # entry's shifted key is the student's default place (off the list), or its list
        # position minus the list length (< 0, on the list): min(p_val, place) for both.
        # Small integer types keep the per-draw state in cache.
        small = n + 2 * K < 30_000 and int(self.lens.max(initial=0)) < 30_000
        kt = np.int16 if small else np.int32
        BIG = kt(np.iinfo(kt).max - 1)  # above every key and place; -BIG below them
        INF = kt(np.iinfo(kt).max)  # places of the dummy offer: reset after every step
        lens = np.append(self.lens, 0)
        p_val = np.where(self.p_flag == 1, BIG, self.p_base - lens[self.p_offer])
        p_val[self.p_entry < 0] = BIG  # the sentinel: its offer always has room
        p_val = p_val.astype(kt)
        pstart, p_offer = self.pstart, self.p_offer
        # State per draw and offer (index d * M + o, the dummy offer m included), then one
        # scratch entry per lane (index B * M + r) that a lane which must wait writes to:
        # places left, the threshold a shifted key must beat to get in (BIG while there is
        # room, else the worst held), the worst held, and the held keys in slots: offer o's
        # in draw d end at slot_end (exclusive), then one spare slot that full offers write to.
        M = m + 1
        cap = np.append(self.cap, INF).astype(np.int64)
        left = np.concatenate([np.tile(cap, B), np.full(R, INF)]).astype(kt)
        worst = np.full(B * M + R, -BIG, dtype=kt)
        thr = np.where(left > 0, BIG, -BIG).astype(kt)
        ends = self.slot_start[1:] + np.arange(m, dtype=np.int64)
        S = (int(ends[-1]) + 2 if m else 1) + self.wcap
        spare = S - 1 - self.wcap  # the dummy offer writes here
        slot_end = np.concatenate(
            [
                ((ar * S)[:, None] + np.append(ends, spare + int(INF))[None, :]).ravel(),
                B * S + rr + int(INF),  # the scratch entries write to their own junk slot
            ]
        )
        slots = np.full(B * S + R, -BIG, dtype=kt)
        reset = np.concatenate([ar * M + m, B * M + rr])  # entries whose places never run out
        dmr = rd * M
        dummy_r = dmr + m
        scratch_r = B * M + rr
        flat_j = rr * L
        cols = np.arange(L, dtype=np.int64)[None, :]
        seg_cols = np.arange(max(self.wcap, 1), dtype=np.int64)[None, :]
        claim = np.zeros(B * M, dtype=np.int64)
        # Each step's proposals that were taken (student, column), in order: writing them in
        # place, scattered over all draws, would cost more than the rest of a step.
        ct = np.int8 if L < 120 else np.int64
        hist_cur, hist_col = [], []
        resumed = []  # (draws, students, columns) taken from students let go, in order

        kk = np.arange(K, dtype=np.int64)
        pos = np.full(B, min(K, n), dtype=np.int64)  # each draw's next entrant
        first = np.minimum(kk, n)[None, :].repeat(B, axis=0)
        cur = order_pad[ar[:, None], first].ravel()
        pl = first.ravel().astype(kt)  # the proposer's place in the default order
        start = np.zeros(R, dtype=np.int64)  # the column the proposer goes on from
        is_resumed = np.zeros(R, dtype=bool)
        dn = rd * (n + 1)
        while True:
            idx = (pstart.take(cur) + start)[:, None] + cols
            fo = p_offer.take(idx)
            fo += dmr[:, None]
            val = p_val.take(idx)
            np.minimum(val, pl[:, None], out=val)
            j = (val < thr.take(fo)).argmax(axis=1)
            f = fo.take(flat_j + j)
            v = val.take(flat_j + j)
            # One proposal per offer and draw: the lane that wrote its claim last goes first.
            claim[f] = rr
            win = (claim.take(f) == rr) | (f == dummy_r)
            fw = np.where(win, f, scratch_r)
            j += start
            hist_cur.append(np.where(win, cur, n).astype(np.int32))
            hist_col.append(j.astype(ct))
            rs = win & is_resumed
            if rs.any():
                w_ = np.flatnonzero(rs)
                resumed.append((rd[w_], cur[w_], j[w_]))
            lf = left.take(fw)
            room = lf > 0
            # Offers with room take the proposer (the dummy offer always has room).
            slots[slot_end.take(fw) - lf] = v
            nl = lf - room
            left[fw] = nl
            left[reset] = INF
            w = np.maximum(worst.take(fw), v)  # a full offer's worst stays: v beat it
            worst[fw] = w
            thr[fw] = np.where(nl > 0, BIG, w)
            # Lanes that must wait propose to the same offer again.
            start = np.where(win, 0, j)
            # Lanes whose proposer was taken get the draw's next entrants.
            done = win & room
            dmat = done.reshape(B, K)
            nxt = pos[:, None] + np.cumsum(dmat, axis=1) - 1
            np.minimum(nxt, n, out=nxt)
            new = np.flatnonzero(done)
            nxt = nxt.ravel()[new]
            cur[new] = order_flat[rd[new] * width + nxt]
            pl[new] = nxt
            is_resumed[new] = False
            pos += dmat.sum(axis=1)
            np.minimum(pos, n, out=pos)
            ev = np.flatnonzero(~room)
            if len(ev):
                # Full offers took the proposer and let go of their worst-placed student.
                fe, ve, we = f[ev], v[ev], w[ev]
                de = rd[ev]
                oe = fe - de * M
                lens_e = self.lens[oe]
                on = we < 0  # shifted keys below 0 are list positions
                loser = np.empty(len(ev), dtype=np.int64)
                loser[on] = self.list_student[self.list_start[oe[on]] + we[on] + lens_e[on]]
                off = ~on
                loser[off] = order_flat[de[off] * width + we[off]]
                cap_e = cap[oe]
                seg = (slot_end[fe] - cap_e)[:, None] + seg_cols
                vals = np.where(seg_cols < cap_e[:, None], slots.take(seg), -BIG)
                r = np.arange(len(ev))
                hit = (vals == we[:, None]).argmax(axis=1)
                slots[seg[r, hit]] = ve
                vals[r, hit] = ve
                nw = vals.max(axis=1)
                worst[fe] = nw
                thr[fe] = nw
                cur[ev] = loser
                pl[ev] = place_flat[de * n + loser]
                held_at = np.take(p_offer, pstart[loser][:, None] + cols) == oe[:, None]
                start[ev] = held_at.argmax(axis=1) + 1
                is_resumed[ev] = True
            elif pos[0] >= n and pos.min() >= n and cur.min() == n:
                break
        # Everyone's column: a student is taken once as an entrant, then again only after
        # being let go, so write all records, then the later ones in the order they happened.
        at_col = np.zeros(B * (n + 1), dtype=ct)
        hc = np.concatenate(hist_cur).reshape(-1, R)
        hj = np.concatenate(hist_col).reshape(-1, R)
        at_col[(dn[None, :] + hc).ravel()] = hj.ravel()
        for d, s, c in resumed:
            at_col[d * (n + 1) + s] = c
        col = at_col.reshape(B, n + 1)[:, :n]
        return self.p_entry[pstart[:n][None, :] + col]


def _list_position(inst: Instance) -> np.ndarray:
    """Per eligible entry, the student's position on the offer's explicit list, or -1."""
    n = inst.n_students
    codes = inst.prio_offer.astype(np.int64) * n + inst.prio_student
    order = np.argsort(codes)
    codes, pos = codes[order], inst.prio_pos[order]
    want = inst.el_offer.astype(np.int64) * n + inst.el_student
    at = np.searchsorted(codes, want)
    at_ok = at < len(codes)
    hit = np.zeros(len(want), dtype=bool)
    hit[at_ok] = codes[at[at_ok]] == want[at_ok]
    out = np.full(len(want), -1, dtype=np.int64)
    out[hit] = pos[at[hit]]
    return out
