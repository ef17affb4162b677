"""Medoids: the β-cost of every member as the centre, on coordinates or on a
distance matrix, and the nearest medoid."""

import numpy as np
from numba import njit, prange

from .distances import PARALLEL_MIN_WORK, TILE, sq_dist


@njit(cache=True, nogil=True)
def _medoid_costs_rows(Xc, w, beta, out, lo, hi):
    # candidates lo:hi; members i outermost (each candidate still sums in order i)
    m = Xc.shape[0]
    is_inf = np.isinf(beta)
    for a in range(lo, hi):
        out[a] = 0.0
    for i in range(m):
        wi = w[i]
        for a in range(lo, hi):
            r = np.sqrt(sq_dist(Xc, i, Xc, a))
            if is_inf:
                if wi > 0.0 and r > out[a]:
                    out[a] = r
            elif r > 0.0:
                out[a] += wi * r**beta


@njit(cache=True, nogil=True)
def _medoid_costs_tiles(Xc, w, beta, out, t_lo, t_hi):
    m = Xc.shape[0]
    for t in range(t_lo, t_hi):
        _medoid_costs_rows(Xc, w, beta, out, t * TILE, min(m, (t + 1) * TILE))


@njit(cache=True, nogil=True, parallel=True)
def _medoid_costs_par(Xc, w, beta, out):
    n_tiles = (Xc.shape[0] + TILE - 1) // TILE
    for t in prange(n_tiles):
        _medoid_costs_tiles(Xc, w, beta, out, t, t + 1)


@njit(cache=True, nogil=True)
def medoid_costs(Xc, w, beta, out):
    """β-cost of every member as the centre: ``out[m] = sum_i w_i d(i, m)^beta``.

    Input ``Xc`` (m, d), ``w`` (m,), ``beta`` (``inf`` = max); output ``out``
    (m,).  Each candidate's sum runs serially, so it is thread-count invariant.
    """
    m, d = Xc.shape
    if m * m * d < PARALLEL_MIN_WORK:
        _medoid_costs_tiles(Xc, w, beta, out, 0, (m + TILE - 1) // TILE)
    else:
        _medoid_costs_par(Xc, w, beta, out)


@njit(cache=True, nogil=True)
def _power(r, beta):
    """``r ** beta`` with the common exponents done by multiplication (same value
    as ``pow`` for 1; ``r * r`` for 2)."""
    if beta == 1.0:
        return r
    if beta == 2.0:
        return r * r
    return r**beta


@njit(cache=True, nogil=True)
def power_matrix(D, beta):
    """``D ** beta`` elementwise by :func:`_power` (``D`` itself for ``beta = inf``).

    Medoid updates sum these entries instead of raising every distance to β
    again in every update."""
    if np.isinf(beta):
        return D
    out = np.empty_like(D)
    for i in range(D.shape[0]):
        for j in range(D.shape[1]):
            out[i, j] = _power(D[i, j], beta)
    return out


@njit(cache=True, nogil=True)
def cluster_medoid(Dp, w, members, beta):
    """The member of least β-cost to the others (ties: lowest index); ``members``
    in increasing index; ``Dp`` is :func:`power_matrix` of the distances."""
    best = np.inf
    arg = members[0]
    for cand in members:
        total = 0.0
        for i in members:
            v = Dp[i, cand]
            if np.isinf(beta):
                if w[i] > 0.0 and v > total:
                    total = v
            else:
                total += w[i] * v
        if total < best:
            best = total
            arg = cand
    return arg


@njit(cache=True, nogil=True)
def assign_medoids(D, medoids, labels, dist):
    """Nearest medoid on the distance matrix (ties: lowest index).

    Inputs ``D`` (n, n) distances, ``medoids`` (k,) point indices; outputs
    ``labels`` (n,), ``dist`` (n,) the distance to the chosen medoid.
    """
    n = D.shape[0]
    k = medoids.shape[0]
    for i in range(n):
        best = np.inf
        arg = 0
        for c in range(k):
            v = D[i, medoids[c]]
            if v < best:
                best = v
                arg = c
        labels[i] = arg
        dist[i] = best


@njit(cache=True, nogil=True)
def assign_medoids_by_coordinates(X, medoids, labels, dist):
    """Nearest medoid from coordinates (ties: lowest index), no n×n matrix.

    Inputs ``X`` (n, d), ``medoids`` (k,) point indices; outputs ``labels``
    (n,), ``dist`` (n,) the distance, ``sqrt`` of the least :func:`sq_dist` (the
    entries of the distance matrix, bit for bit).
    """
    n = X.shape[0]
    k = medoids.shape[0]
    for i in range(n):
        best = np.inf
        arg = 0
        for c in range(k):
            v = sq_dist(X, i, X, medoids[c])
            if v < best:
                best = v
                arg = c
        labels[i] = arg
        dist[i] = np.sqrt(best)
