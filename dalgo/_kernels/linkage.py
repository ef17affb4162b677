"""α-linkage: the agglomerative merge loops and the steps of the exact execution tree.

Clusters live in *slots* ``0 .. m-1`` of square matrices holding, for every pair of active
clusters, the statistics the linkage needs (Lance–Williams style: the merged cluster's row is
a function of the two merged rows):

* ``"minmax"``: ``MN`` (minimum point distance) and ``MX`` (maximum point distance);
* ``"power"``: ``S`` (sum over point pairs of ``(d / d_max) ** α``, or of ``log(d / d_max)``
  for α = 0), ``Z`` (point pairs at distance 0) and the cluster sizes.

A cluster's *id* is the smallest point index it holds; ``labels[p]`` is the id of point p's
cluster.  When slots ``a`` and ``b`` merge, the merged cluster stays in ``a`` and the last
slot moves into ``b``, so the active block is always ``[:m, :m]`` (memory O(n²)).

Tie-breaking, the one rule: the pair with the smallest linkage distance merges. For "minmax",
among equal distances at α the pair that is also lowest just right of α wins (the smaller
slope ``min − max`` in α; at α = 1 the pair lowest just left of 1, the larger slope), so the
k-cut is right-continuous in α on [0, 1) and left-continuous at 1 — exactly the convention
of :class:`dalgo.PiecewiseConstant`, which is why the execution tree and direct runs agree at
every α, breakpoints included. Remaining ties (identical distances and slopes; for "power"
all ties) go to the pair whose ids ``(min id, max id)`` are lexicographically smallest.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _pair_ids(ids, i, j):
    p = ids[i]
    q = ids[j]
    if p > q:
        return q, p
    return p, q


@njit(cache=True, nogil=True)
def _precedes(v, s, p, q, best_v, best_s, best_p, best_q):
    """The tie rule, defined once: a candidate pair beats the best so far if its
    (distance, slope key, smaller cluster id, larger cluster id) is lexicographically
    smaller. Callers pass the slope key that points the way the rule looks (0 where no
    slope applies)."""
    if v != best_v:
        return v < best_v
    if s != best_s:
        return s < best_s
    if p != best_p:
        return p < best_p
    return q < best_q


@njit(cache=True, nogil=True)
def _relabel(labels, old, new):
    for p in range(labels.shape[0]):
        if labels[p] == old:
            labels[p] = new


@njit(cache=True, nogil=True)
def _merge_ids(labels, ids, a, b):
    """Clusters in slots a and b merge into slot a, under the smaller of their ids (a
    cluster's id is its smallest point index); the points' labels follow."""
    new = min(ids[a], ids[b])
    _relabel(labels, max(ids[a], ids[b]), new)
    ids[a] = new


@njit(cache=True, nogil=True)
def _move_slot(A, src, dst, m):
    """Copy row and column ``src`` of the symmetric ``A[:m, :m]`` into ``dst``."""
    for c in range(m):
        A[dst, c] = A[src, c]
    for c in range(m):
        A[c, dst] = A[dst, c]


@njit(cache=True, nogil=True)
def merge_minmax(MN, MX, ids, labels, m, a, b):
    """Merge the clusters in slots ``a`` and ``b`` (``a != b``) of ``m`` active slots.

    Inputs/outputs (updated in place): ``MN``, ``MX`` (≥ m, ≥ m), ``ids`` (≥ m,),
    ``labels`` (n,). Afterwards slots ``0 .. m-2`` are active.
    """
    if a > b:
        a, b = b, a
    for c in range(m):
        lo = min(MN[a, c], MN[b, c])
        hi = max(MX[a, c], MX[b, c])
        MN[a, c] = lo
        MN[c, a] = lo
        MX[a, c] = hi
        MX[c, a] = hi
    _merge_ids(labels, ids, a, b)
    last = m - 1
    if b != last:
        _move_slot(MN, last, b, m)
        _move_slot(MX, last, b, m)
        ids[b] = ids[last]


@njit(cache=True, nogil=True)
def agglomerate_minmax(D, n_clusters, alpha, labels):
    """Merge until ``n_clusters`` clusters remain under α·min + (1 − α)·max (ties: the
    module's rule).

    Input ``D`` (n, n) point distances (symmetric, zero diagonal); output ``labels`` (n,):
    the id (smallest point index) of each point's cluster.
    """
    n = D.shape[0]
    MN = D.copy()
    MX = D.copy()
    ids = np.arange(n)
    for p in range(n):
        labels[p] = p
    m = n
    beta = 1.0 - alpha
    # the tie rule's direction: the pair that also wins just right of α (left of α = 1)
    sign = 1.0 if alpha < 1.0 else -1.0
    while m > n_clusters:
        best = np.inf
        bs = np.inf
        ba = -1
        bb = -1
        bp = n
        bq = n
        for i in range(m):
            for j in range(i + 1, m):
                v = alpha * MN[i, j] + beta * MX[i, j]
                if v <= best:
                    s = sign * (MN[i, j] - MX[i, j])
                    p, q = _pair_ids(ids, i, j)
                    if _precedes(v, s, p, q, best, bs, bp, bq):
                        best = v
                        bs = s
                        ba = i
                        bb = j
                        bp = p
                        bq = q
        merge_minmax(MN, MX, ids, labels, m, ba, bb)
        m -= 1


@njit(cache=True, nogil=True)
def init_power(D, alpha, S, Z):
    """Pair statistics of singletons for the power mean with exponent ``alpha`` (finite).

    Input ``D`` (n, n); outputs ``S`` (n, n) — ``(d / d_max) ** alpha`` (``log(d / d_max)``
    for alpha = 0; 0 where d = 0) — and ``Z`` (n, n) — 1 where d = 0 off the diagonal.
    """
    n = D.shape[0]
    dmax = 0.0
    for i in range(n):
        for j in range(n):
            if D[i, j] > dmax:
                dmax = D[i, j]
    if dmax == 0.0:
        dmax = 1.0
    for i in range(n):
        for j in range(n):
            d = D[i, j] / dmax
            if i == j:
                S[i, j] = 0.0
                Z[i, j] = 0
            elif d == 0.0:
                S[i, j] = 0.0
                Z[i, j] = 1
            elif alpha == 0.0:
                S[i, j] = np.log(d)
                Z[i, j] = 0
            else:
                S[i, j] = d ** alpha
                Z[i, j] = 0


@njit(cache=True, nogil=True)
def power_value(s, z, count, alpha):
    """The power mean ``(mean d^alpha)^(1/alpha)`` (in units of d_max) from pair statistics."""
    if z > 0 and alpha <= 0.0:
        return 0.0
    if alpha == 0.0:
        return np.exp(s / count)
    return (s / count) ** (1.0 / alpha)


@njit(cache=True, nogil=True)
def agglomerate_power(D, n_clusters, alpha, labels):
    """Merge until ``n_clusters`` clusters remain under the power mean with finite ``alpha``.

    Input ``D`` (n, n); output ``labels`` (n,) as in :func:`agglomerate_minmax`.
    """
    n = D.shape[0]
    S = np.empty((n, n))
    Z = np.empty((n, n), dtype=np.int64)
    init_power(D, alpha, S, Z)
    size = np.ones(n)
    V = np.empty((n, n))  # the linkage distances, recomputed only for the merged row
    for i in range(n):
        for j in range(n):
            V[i, j] = power_value(S[i, j], Z[i, j], 1.0, alpha)
    ids = np.arange(n)
    for p in range(n):
        labels[p] = p
    m = n
    while m > n_clusters:
        best = np.inf
        ba = -1
        bb = -1
        bp = n
        bq = n
        for i in range(m):
            for j in range(i + 1, m):
                v = V[i, j]
                if v <= best:
                    p, q = _pair_ids(ids, i, j)
                    if _precedes(v, 0.0, p, q, best, 0.0, bp, bq):
                        best = v
                        ba = i
                        bb = j
                        bp = p
                        bq = q
        a = min(ba, bb)
        b = max(ba, bb)
        for c in range(m):
            S[a, c] += S[b, c]
            S[c, a] = S[a, c]
            Z[a, c] += Z[b, c]
            Z[c, a] = Z[a, c]
        size[a] += size[b]
        for c in range(m):
            V[a, c] = power_value(S[a, c], Z[a, c], size[a] * size[c], alpha)
            V[c, a] = V[a, c]
        _merge_ids(labels, ids, a, b)
        last = m - 1
        if b != last:
            _move_slot(S, last, b, m)
            _move_slot(Z, last, b, m)
            _move_slot(V, last, b, m)
            size[b] = size[last]
            ids[b] = ids[last]
        m -= 1


@njit(cache=True, nogil=True)
def minmax_envelope(MN, MX, ids, m, lo, hi, seg_lo, seg_a, seg_b):
    """Which pair merges where on ``[lo, hi)`` under α·min + (1 − α)·max: the lower
    envelope of the lines ``MX + α (MN − MX)`` of the ``m (m − 1) / 2`` active pairs.

    Inputs ``MN``, ``MX`` (≥ m, ≥ m), ``ids`` (≥ m,), ``m``, ``lo < hi``. Outputs
    ``seg_lo``, ``seg_a``, ``seg_b`` (capacity ≥ m (m − 1) / 2): segment ``s`` starts at
    ``seg_lo[s]`` (``seg_lo[0] = lo``) and merges slots ``seg_a[s] < seg_b[s]``; it ends
    where the next begins (the last at ``hi``). Returns the number of segments.

    The first pair is the minimiser at ``lo`` of ``lo·MN + (1 − lo)·MX`` (the arithmetic of
    a direct run), ties to the smaller slope, then to the smaller ids. Each next segment
    starts at the smallest crossing ``(MX_q − MX_p) / (s_p − s_q)`` in ``(cur, hi)`` of the
    current line ``p`` with a steeper line ``q``; equal crossings go to the steeper line,
    then to the smaller ids. The envelope is concave, so the slopes strictly decrease.
    """
    n_big = ids.shape[0] + 1
    best = np.inf
    bs = np.inf
    ba = -1
    bb = -1
    bp = n_big
    bq = n_big
    # the winner just left of hi, in the same pass: if it is the winner at lo, no line
    # crosses it inside the interval (lines), and the envelope is one segment
    best_h = np.inf
    bs_h = -np.inf
    ha = -1
    hb = -1
    hp = n_big
    hq = n_big
    one_minus = 1.0 - lo
    one_minus_h = 1.0 - hi
    for i in range(m):
        for j in range(i + 1, m):
            v = lo * MN[i, j] + one_minus * MX[i, j]
            w = hi * MN[i, j] + one_minus_h * MX[i, j]
            if v <= best:
                s = MN[i, j] - MX[i, j]
                p, q = _pair_ids(ids, i, j)
                if _precedes(v, s, p, q, best, bs, bp, bq):
                    best = v
                    bs = s
                    ba = i
                    bb = j
                    bp = p
                    bq = q
            if w <= best_h:
                s = MN[i, j] - MX[i, j]
                p, q = _pair_ids(ids, i, j)
                if _precedes(w, -s, p, q, best_h, -bs_h, hp, hq):  # just left of hi
                    best_h = w
                    bs_h = s
                    ha = i
                    hb = j
                    hp = p
                    hq = q
    seg_lo[0] = lo
    seg_a[0] = ba
    seg_b[0] = bb
    n_seg = 1
    if ha == ba and hb == bb:
        return n_seg
    cur = lo
    while True:
        ca = seg_a[n_seg - 1]
        cb = seg_b[n_seg - 1]
        sp = MN[ca, cb] - MX[ca, cb]
        ip = MX[ca, cb]
        bx = hi
        bs = np.inf
        na = -1
        nb = -1
        bp = n_big
        bq = n_big
        for i in range(m):
            for j in range(i + 1, m):
                s = MN[i, j] - MX[i, j]
                if s < sp:
                    x = (MX[i, j] - ip) / (sp - s)
                    if x > cur and x < hi:
                        p, q = _pair_ids(ids, i, j)
                        if _precedes(x, s, p, q, bx, bs, bp, bq):  # bx starts at hi > x
                            bx = x
                            bs = s
                            na = i
                            nb = j
                            bp = p
                            bq = q
        if na < 0:
            return n_seg
        seg_lo[n_seg] = bx
        seg_a[n_seg] = na
        seg_b[n_seg] = nb
        n_seg += 1
        cur = bx


@njit(cache=True, nogil=True)
def minmax_chain(MN, MX, ids, labels, m, n_clusters, lo, hi, seg_lo, seg_a, seg_b):
    """Merge in place while one pair wins on all of ``[lo, hi)``, until ``n_clusters``
    remain or the envelope has several segments.

    Inputs/outputs as in :func:`merge_minmax` and :func:`minmax_envelope`. Returns
    ``(m, n_seg)``: the active clusters left and the segments of the envelope at that
    state (0 when ``m == n_clusters``).
    """
    while m > n_clusters:
        n_seg = minmax_envelope(MN, MX, ids, m, lo, hi, seg_lo, seg_a, seg_b)
        if n_seg > 1:
            return m, n_seg
        merge_minmax(MN, MX, ids, labels, m, seg_a[0], seg_b[0])
        m -= 1
    return m, 0
