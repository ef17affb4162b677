"""d^α seeding: the choice rule (:func:`choose_position`, its one definition)
and the seeding loop."""

import numpy as np
from numba import njit, prange

from .arrays import copy_into
from .distances import sq_dist
from .libm import exp, log

#: Multiply-adds of one distance pass (n × d) from which the seeding loop splits
#: its rows across numba's threads (about 0.6 ms of serial work; a parallel region
#: costs tens of microseconds on an idle machine).  Rows never share a sum, so the
#: split (a constant block size, never the thread count) does not change a bit.
SEEDING_PARALLEL_MIN_WORK = 1 << 21
#: Rows per parallel block of the seeding loop's distance pass.
SEEDING_ROW_BLOCK = 256


#: From this many points on, :func:`argsort_distances` sorts by radix (about
#: 10x faster than a merge sort at n = 10,000; the same order).
RADIX_MIN_POINTS = 1024
_RADIX_BITS = 11
_RADIX_PASSES = 6  # 6 * 11 >= 64 bits


@njit(cache=True, nogil=True)
def argsort_distances(D, order):
    """Indices by increasing ``D``, ties by increasing index (a stable sort).

    Input ``D`` (n,) non-negative floats (``inf`` allowed, no NaN); output
    ``order`` (n,).  The order is unique, so any stable sort gives it: a merge
    sort below :data:`RADIX_MIN_POINTS`, else a least-significant-digit radix
    sort of the IEEE bit patterns (for non-negative doubles their order as
    unsigned integers is the order of the values), 11 bits per pass, passes
    where every key shares the digit skipped.
    """
    n = D.shape[0]
    if n < RADIX_MIN_POINTS:
        copy_into(order, np.argsort(D, kind="mergesort"))
        return
    keys = D.view(np.uint64).copy()
    key_buf = np.empty(n, dtype=np.uint64)
    idx = np.arange(n)
    idx_buf = np.empty(n, dtype=np.intp)
    n_buckets = 1 << _RADIX_BITS
    mask = np.uint64(n_buckets - 1)
    hist = np.zeros((_RADIX_PASSES, n_buckets), dtype=np.intp)
    for r in range(n):
        key = keys[r]
        for p in range(_RADIX_PASSES):
            hist[p, (key >> np.uint64(_RADIX_BITS * p)) & mask] += 1
    for p in range(_RADIX_PASSES):
        h = hist[p]
        single = False
        for b in range(n_buckets):
            if h[b] > 0:
                single = h[b] == n
                break
        if single:
            continue
        total = 0
        for b in range(n_buckets):
            c = h[b]
            h[b] = total
            total += c
        shift = np.uint64(_RADIX_BITS * p)
        for r in range(n):
            key = keys[r]
            b = (key >> shift) & mask
            dst = h[b]
            h[b] = dst + 1
            key_buf[dst] = key
            idx_buf[dst] = idx[r]
        keys, key_buf = key_buf, keys
        idx, idx_buf = idx_buf, idx
    copy_into(order, idx)


@njit(cache=True, nogil=True)
def sort_by_distance(D, logw, order, logd, logw_sorted):
    """Order points by increasing ``D`` (ties by index) and take logs.

    Inputs ``D`` (n,) distances to the nearest centre, ``logw`` (n,) log sample
    weights (0 for unit weights, ``-inf`` for weight 0); outputs ``order`` (n,)
    int, ``logd`` (n,) the log of the sorted distances (``-inf`` at distance 0),
    ``logw_sorted`` (n,).  Returns the number of points at distance 0, which all
    come first.
    """
    argsort_distances(D, order)
    n_zero = 0
    for j in range(D.shape[0]):
        v = D[order[j]]
        logw_sorted[j] = logw[order[j]]
        if v > 0.0:
            logd[j] = log(v)
        else:
            logd[j] = -np.inf
            n_zero += 1
    return n_zero


#: Half-width, in units of (n + 4) unit roundoffs, of the band around ``z`` in
#: which :func:`choose_position` decides with the monotone predicate.
CHOICE_BAND_ULPS = 16.0
_UNIT_ROUNDOFF = 2.0**-53
_SMALLEST_POSITIVE = 5e-324


@njit(cache=True, nogil=True)
def _prefix_exceeds(logd, logw, n_zero, alpha, z, j, wtop):
    """``F_j > z`` evaluated as ``(1 - z) L_j > z R_j``, monotone in α in floats.

    ``L_j`` sums the weights of positions ``<= j`` and ``R_j`` those after it,
    every exponent taken relative to position ``j``: the terms of ``L_j`` can
    only shrink as α grows and those of ``R_j`` only grow, so once false the
    predicate stays false, rounding included.  (Plain prefix fractions can
    flicker for a few floats around a crossing.)
    """
    n = logd.shape[0]
    L = 0.0
    R = 0.0
    lj = logd[j]
    for i in range(n_zero, n):
        e = exp(alpha * (logd[i] - lj) + (logw[i] - wtop))
        if i <= j:
            L += e
        else:
            R += e
    return (1.0 - z) * L > z * R


@njit(cache=True, nogil=True)
def choose_position(logd, logw, n_zero, alpha, z):
    """Position chosen by the d^alpha rule among points sorted by distance.

    Allocates its scratch and calls :func:`choose_position_buf` (the rule).
    """
    return choose_position_buf(logd, logw, n_zero, alpha, z, np.empty(logd.shape[0]))


@njit(cache=True, nogil=True)
def choose_position_buf(logd, logw, n_zero, alpha, z, weights):
    """Position chosen by the d^alpha rule among points sorted by distance.

    Inputs: ``logd`` (n,) sorted log-distances, ``logw`` (n,) their log sample
    weights (all 0 for the unweighted rule), ``n_zero`` leading zero-distance
    points (weight 0), ``alpha`` >= 0 (finite or ``inf``), ``z`` in [0, 1).
    Returns the first position ``j`` with ``F_j > z``, where ``F`` is the
    cumulative fraction of the weights ``exp(alpha * (logd - max logd) + logw -
    max logw)``, or -1 if every remaining weight is 0.  For ``alpha = inf``
    the choice runs over the farthest points of positive weight only (the limit
    of the finite rule): with unit weights, the ``floor(z * m)``-th of the
    ``m`` farthest.  ``weights`` (n,) is scratch (each weight is computed once
    and read again for the prefix sums).  This function is the single
    definition of the rule: the execution tree bisects on it (through
    :func:`choose_position`), so pieces and direct runs agree bit for bit.

    The choice is monotone in α even in floating point: positions whose prefix
    fraction lies within ``CHOICE_BAND_ULPS (n + 4)`` unit roundoffs of ``z``
    (beyond any rounding error of the sums) are decided by
    :func:`_prefix_exceeds`, whose value can only change once as α grows.  The
    cost stays O(n) but for those rare positions.
    """
    n = logd.shape[0]
    top = -np.inf
    wtop = -np.inf
    for j in range(n_zero, n):
        if logw[j] > -np.inf:
            top = logd[j]  # sorted: the last positive-weight point is farthest
            if logw[j] > wtop:
                wtop = logw[j]
    if wtop == -np.inf:
        return -1
    if np.isinf(alpha):
        total = 0.0
        for j in range(n_zero, n):
            if logd[j] == top:
                total += exp(logw[j] - wtop)
        threshold = z * total
        acc = 0.0
        last = -1
        for j in range(n_zero, n):
            if logd[j] == top and logw[j] > -np.inf:
                acc += exp(logw[j] - wtop)
                last = j
                if acc > threshold:
                    return j
        return last
    if z == 0.0:
        z = _SMALLEST_POSITIVE
    total = 0.0
    for j in range(n_zero, n):
        weights[j] = exp(alpha * (logd[j] - top) + (logw[j] - wtop))
        total += weights[j]
    # The prefix fraction F decides every position clearly away from z; within a
    # rounding band around z the monotone predicate decides (see _prefix_exceeds).
    band = CHOICE_BAND_ULPS * (n + 4) * _UNIT_ROUNDOFF
    acc = 0.0
    last = -1
    for j in range(n_zero, n):
        if logw[j] == -np.inf:
            continue
        acc += weights[j]
        last = j
        F = acc / total
        if F > z + band:
            return j
        if F > z - band and _prefix_exceeds(logd, logw, n_zero, alpha, z, j, wtop):
            return j
    return last


@njit(cache=True, nogil=True)
def first_seed(logw, z0):
    """First seed: the first index whose cumulative weight fraction exceeds ``z0``.

    With unit weights this is ``floor(z0 * n)``.
    """
    n = logw.shape[0]
    total = 0.0
    for i in range(n):
        total += exp(logw[i])
    threshold = z0 * total
    acc = 0.0
    last = -1
    for i in range(n):
        v = exp(logw[i])
        acc += v
        if v > 0.0:
            last = i
        if acc > threshold:
            return i
    return last


@njit(cache=True, nogil=True)
def _nearer_rows(X, c, D, logD, lo, hi):
    """Rows ``lo:hi`` of one distance pass: ``D = min(D, distance to c)``.

    The distance is ``sqrt(sq_dist(X, i, c, 0))``, bit for bit what
    :func:`dalgo._kernels.distances.distances_to_point` computes; where it is
    smaller, ``D`` and ``logD = log D`` (``-inf`` at 0) are updated.
    """
    C = c.reshape((1, c.shape[0]))
    for i in range(lo, hi):
        v = np.sqrt(sq_dist(X, i, C, 0))
        if v < D[i]:
            D[i] = v
            logD[i] = log(v) if v > 0.0 else -np.inf


@njit(cache=True, nogil=True, parallel=True)
def _nearer_par(X, c, D, logD):
    n = X.shape[0]
    n_blocks = (n + SEEDING_ROW_BLOCK - 1) // SEEDING_ROW_BLOCK
    for b in prange(n_blocks):
        _nearer_rows(X, c, D, logD, b * SEEDING_ROW_BLOCK, min(n, (b + 1) * SEEDING_ROW_BLOCK))


@njit(cache=True, nogil=True)
def nearer_pass(X, c, D, logD):
    """One distance pass of the seeding loop, fused with the nearest-centre update.

    Inputs ``X`` (n, d), ``c`` (d,) the new centre (C-contiguous); in/out ``D``
    (n,) distance to the nearest centre so far (``inf`` before the first pass)
    and ``logD`` (n,) its log (rewritten only where ``D`` decreases).  Each row
    is one serial sum (:func:`_nearer_rows`); rows are split into blocks across
    threads when ``n * d >= SEEDING_PARALLEL_MIN_WORK``, which changes no bit
    whatever the thread count.
    """
    n, d = X.shape
    if n * d < SEEDING_PARALLEL_MIN_WORK:
        _nearer_rows(X, c, D, logD, 0, n)
    else:
        _nearer_par(X, c, D, logD)


@njit(cache=True, nogil=True)
def dalpha_seeding_kernel(X, logw, alpha, z, D, logD, order, logd, logw_sorted, seeds,
                          check_finite):
    """d^alpha seeding with explicit randomness ``z`` (docs/conventions.md, "Seeding").

    Inputs ``X`` (n, d), ``logw`` (n,) log sample weights (zeros for the plain
    rule), ``alpha``, ``z`` (k,), ``check_finite``; work arrays ``D``,
    ``logD``, ``logd``, ``logw_sorted`` (n,) float and ``order`` (n,) int;
    output ``seeds`` (k,) point indices in pick order.  Returns the number of
    seeds chosen (fewer than k only when every remaining point of positive
    weight sits at distance 0 from a centre), or -1 when ``check_finite`` is
    set and a distance to the first seed is not finite (X holds NaN or inf, or
    its squared differences overflow; a NaN distance leaves ``D`` at ``inf``).

    Each step is :func:`sort_by_distance` then :func:`choose_position` on the
    distances of :func:`dalgo._kernels.distances.distances_to_point` (what the
    execution tree computes), with the distance pass fused with the minimum
    and the logs (:func:`nearer_pass`, rows in parallel) and taken only where
    a distance decreased: the same order, logs and choice, bit for bit.
    """
    n = X.shape[0]
    k = seeds.shape[0]
    weights = np.empty(n)
    first = first_seed(logw, z[0])
    seeds[0] = first
    D[:] = np.inf
    logD[:] = np.inf  # log(inf): rows whose distance overflows keep both
    nearer_pass(X, X[first], D, logD)
    if check_finite:
        for i in range(n):
            if D[i] == np.inf:
                return -1
    for t in range(1, k):
        argsort_distances(D, order)
        n_zero = 0
        for j in range(n):
            p = order[j]
            logd[j] = logD[p]
            logw_sorted[j] = logw[p]
            if D[p] == 0.0:
                n_zero += 1
        pos = choose_position_buf(logd, logw_sorted, n_zero, alpha, z[t], weights)
        if pos < 0:
            return t
        c = order[pos]
        seeds[t] = c
        nearer_pass(X, X[c], D, logD)
    return k
