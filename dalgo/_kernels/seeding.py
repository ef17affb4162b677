"""d^α seeding: the choice rule (:func:`choose_position`, its one definition)
and the seeding loop."""

import numpy as np
from numba import njit

from .distances import distances_to_point


@njit(cache=True, nogil=True)
def sort_by_distance(D, logw, order, logd, logw_sorted):
    """Order points by increasing ``D`` (ties by index) and take logs.

    Inputs ``D`` (n,) distances to the nearest centre, ``logw`` (n,) log sample
    weights (0 for unit weights, ``-inf`` for weight 0); outputs ``order`` (n,)
    int, ``logd`` (n,) the log of the sorted distances (``-inf`` at distance 0),
    ``logw_sorted`` (n,).  Returns the number of points at distance 0, which all
    come first.
    """
    order[:] = np.argsort(D, kind="mergesort")
    n_zero = 0
    for j in range(D.shape[0]):
        v = D[order[j]]
        logw_sorted[j] = logw[order[j]]
        if v > 0.0:
            logd[j] = np.log(v)
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
        e = np.exp(alpha * (logd[i] - lj) + (logw[i] - wtop))
        if i <= j:
            L += e
        else:
            R += e
    return (1.0 - z) * L > z * R


@njit(cache=True, nogil=True)
def choose_position(logd, logw, n_zero, alpha, z):
    """Position chosen by the d^alpha rule among points sorted by distance.

    Inputs: ``logd`` (n,) sorted log-distances, ``logw`` (n,) their log sample
    weights (all 0 for the unweighted rule), ``n_zero`` leading zero-distance
    points (weight 0), ``alpha`` >= 0 (finite or ``inf``), ``z`` in [0, 1).
    Returns the first position ``j`` with ``F_j > z``, where ``F`` is the
    cumulative fraction of the weights ``exp(alpha * (logd - max logd) + logw -
    max logw)``, or -1 if every remaining weight is 0.  For ``alpha = inf``
    the choice runs over the farthest points of positive weight only (the limit
    of the finite rule): with unit weights, the ``floor(z * m)``-th of the
    ``m`` farthest.  This function is the single definition of the rule: the
    execution tree bisects on it, so pieces and direct runs agree bit for bit.

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
                total += np.exp(logw[j] - wtop)
        threshold = z * total
        acc = 0.0
        last = -1
        for j in range(n_zero, n):
            if logd[j] == top and logw[j] > -np.inf:
                acc += np.exp(logw[j] - wtop)
                last = j
                if acc > threshold:
                    return j
        return last
    if z == 0.0:
        z = _SMALLEST_POSITIVE
    total = 0.0
    for j in range(n_zero, n):
        total += np.exp(alpha * (logd[j] - top) + (logw[j] - wtop))
    # The prefix fraction F decides every position clearly away from z; within a
    # rounding band around z the monotone predicate decides (see _prefix_exceeds).
    band = CHOICE_BAND_ULPS * (n + 4) * _UNIT_ROUNDOFF
    acc = 0.0
    last = -1
    for j in range(n_zero, n):
        if logw[j] == -np.inf:
            continue
        acc += np.exp(alpha * (logd[j] - top) + (logw[j] - wtop))
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
        total += np.exp(logw[i])
    threshold = z0 * total
    acc = 0.0
    last = -1
    for i in range(n):
        v = np.exp(logw[i])
        acc += v
        if v > 0.0:
            last = i
        if acc > threshold:
            return i
    return last


@njit(cache=True, nogil=True)
def dalpha_seeding_kernel(X, logw, alpha, z, D, order, logd, logw_sorted, row, seeds):
    """d^alpha seeding with explicit randomness ``z`` (docs/conventions.md, "Seeding").

    Inputs ``X`` (n, d), ``logw`` (n,) log sample weights (zeros for the plain
    rule), ``alpha``, ``z`` (k,); work arrays ``D``, ``order``, ``logd``,
    ``logw_sorted``, ``row`` (n,); output ``seeds`` (k,) point indices in pick
    order.  Returns the number of seeds chosen (fewer than k only when every
    remaining point of positive weight sits at distance 0 from a centre).
    """
    n = X.shape[0]
    k = seeds.shape[0]
    first = first_seed(logw, z[0])
    seeds[0] = first
    distances_to_point(X, X[first], D)
    for t in range(1, k):
        n_zero = sort_by_distance(D, logw, order, logd, logw_sorted)
        pos = choose_position(logd, logw_sorted, n_zero, alpha, z[t])
        if pos < 0:
            return t
        c = order[pos]
        seeds[t] = c
        distances_to_point(X, X[c], row)
        for i in range(n):
            if row[i] < D[i]:
                D[i] = row[i]
    return k
