"""Distances: the one squared distance (:func:`sq_dist`), distances to a point,
the distance matrix, distances to centres, nearest centre, and β-costs."""

import numpy as np
from numba import njit, prange

#: Work (multiply-adds) below which a kernel runs serially (about 5 ms of serial
#: work).  Entering a parallel region costs tens of microseconds on an idle
#: machine and up to ~10 ms on a busy one (OpenMP threads that are descheduled):
#: measured on 2 shared cores, distances from 10,000 MNIST rows to one point took
#: 2.2 ms serially and 12 ms in parallel, and tiny seeding calls 3 ms per region.
#: Both branches compute every row with the same serial arithmetic, so the choice
#: (a constant, never the thread count) does not change a single bit.
PARALLEL_MIN_WORK = 1 << 24
#: Rows per parallel block (a constant: results do not depend on the thread count).
ROW_BLOCK = 64
#: Rows per tile of the n×n kernels (Gram, distance matrix, medoid costs): each
#: row j is streamed once per tile instead of once per row (cache blocking; every
#: entry is still one :func:`sq_dist` call, so the bits are unchanged).
TILE = 16


# inline="always": inlined at numba's IR level.  As a separate function every call
# passed its two arrays with reference counting, about 10 ns per call, nine times the
# arithmetic of a 2-D distance.  The operations and their order are the same either way.
@njit(cache=True, nogil=True, inline="always")
def sq_dist(A, i, B, j):
    """``||A[i] - B[j]||^2``: THE one definition of a squared distance here.

    Four running sums over ``f = 0, 4, 8, ...``, ``f = 1, 5, ...``, etc.,
    combined as ``(s0 + s1) + (s2 + s3)``, then the remaining features in
    order.  A fixed order (so exactly symmetric and reproducible) that the
    compiler can keep in one SIMD register, about 3x faster than one running
    sum without ``fastmath``.
    """
    d = A.shape[1]
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    f = 0
    while f + 4 <= d:
        t0 = A[i, f] - B[j, f]
        t1 = A[i, f + 1] - B[j, f + 1]
        t2 = A[i, f + 2] - B[j, f + 2]
        t3 = A[i, f + 3] - B[j, f + 3]
        a0 += t0 * t0
        a1 += t1 * t1
        a2 += t2 * t2
        a3 += t3 * t3
        f += 4
    s = (a0 + a1) + (a2 + a3)
    while f < d:
        t = A[i, f] - B[j, f]
        s += t * t
        f += 1
    return s


@njit(cache=True, nogil=True)
def _distances_to_point_rows(X, c, out, lo, hi):
    C = c.reshape((1, c.shape[0]))
    for i in range(lo, hi):
        out[i] = np.sqrt(sq_dist(X, i, C, 0))


@njit(cache=True, nogil=True, parallel=True)
def _distances_to_point_par(X, c, out):
    n = X.shape[0]
    n_blocks = (n + ROW_BLOCK - 1) // ROW_BLOCK
    for b in prange(n_blocks):
        _distances_to_point_rows(X, c, out, b * ROW_BLOCK, min(n, (b + 1) * ROW_BLOCK))


@njit(cache=True, nogil=True)
def distances_to_point(X, c, out):
    """Euclidean distances from every row of ``X`` to the point ``c``.

    Inputs ``X`` (n, d), ``c`` (d,) C-contiguous; output ``out`` (n,).  Each
    distance is ``sqrt(sq_dist(X, i, c, 0))``, so ``d(i, j)`` computed here is
    bitwise equal to the entry of :func:`pairwise_distances` and symmetric.
    Parallel over row blocks when ``n * d >= PARALLEL_MIN_WORK``.
    """
    n, d = X.shape
    if n * d < PARALLEL_MIN_WORK:
        _distances_to_point_rows(X, c, out, 0, n)
    else:
        _distances_to_point_par(X, c, out)


@njit(cache=True, nogil=True)
def _pairwise_rows(X, out, lo, hi):
    # rows lo:hi against every j, j outermost: row j is read once per tile
    n = X.shape[0]
    for j in range(n):
        for i in range(lo, hi):
            out[i, j] = np.sqrt(sq_dist(X, i, X, j))


@njit(cache=True, nogil=True)
def _pairwise_tiles(X, out, t_lo, t_hi):
    n = X.shape[0]
    for t in range(t_lo, t_hi):
        _pairwise_rows(X, out, t * TILE, min(n, (t + 1) * TILE))


@njit(cache=True, nogil=True, parallel=True)
def _pairwise_par(X, out):
    n_tiles = (X.shape[0] + TILE - 1) // TILE
    for t in prange(n_tiles):
        _pairwise_tiles(X, out, t, t + 1)


@njit(cache=True, nogil=True)
def pairwise_distances(X, out):
    """All Euclidean distances between rows of ``X``.

    Input ``X`` (n, d); output ``out`` (n, n).  Same arithmetic as
    :func:`distances_to_point`, so rows of ``out`` equal its results bit for bit.
    """
    n, d = X.shape
    if n * n * d < PARALLEL_MIN_WORK:
        _pairwise_tiles(X, out, 0, (n + TILE - 1) // TILE)
    else:
        _pairwise_par(X, out)


@njit(cache=True, nogil=True)
def _sq_distances_rows(X, centers, out, lo, hi):
    k = centers.shape[0]
    for i in range(lo, hi):
        for c in range(k):
            out[i, c] = sq_dist(X, i, centers, c)


@njit(cache=True, nogil=True, parallel=True)
def _sq_distances_par(X, centers, out):
    n = X.shape[0]
    n_blocks = (n + ROW_BLOCK - 1) // ROW_BLOCK
    for b in prange(n_blocks):
        _sq_distances_rows(X, centers, out, b * ROW_BLOCK, min(n, (b + 1) * ROW_BLOCK))


@njit(cache=True, nogil=True)
def sq_distances_to_centers(X, centers, out):
    """Squared Euclidean distances by explicit differences (:func:`sq_dist`).

    Inputs ``X`` (n, d), ``centers`` (k, d); output ``out`` (n, k).
    """
    n, d = X.shape
    if n * d * centers.shape[0] < PARALLEL_MIN_WORK:
        _sq_distances_rows(X, centers, out, 0, n)
    else:
        _sq_distances_par(X, centers, out)


@njit(cache=True, nogil=True)
def _assign_rows(sqd, labels, dist, lo, hi):
    k = sqd.shape[1]
    for i in range(lo, hi):
        best = sqd[i, 0]
        arg = 0
        for c in range(1, k):
            if sqd[i, c] < best:
                best = sqd[i, c]
                arg = c
        labels[i] = arg
        dist[i] = best


@njit(cache=True, nogil=True, parallel=True)
def _assign_par(sqd, labels, dist):
    n = sqd.shape[0]
    n_blocks = (n + 4 * ROW_BLOCK - 1) // (4 * ROW_BLOCK)
    for b in prange(n_blocks):
        _assign_rows(sqd, labels, dist, b * 4 * ROW_BLOCK, min(n, (b + 1) * 4 * ROW_BLOCK))


@njit(cache=True, nogil=True)
def assign_from_sq_distances(sqd, labels, dist):
    """Argmin over columns (ties: lowest index).

    Input ``sqd`` (n, k); outputs ``labels`` (n,), ``dist`` (n,) the minimum.
    """
    n, k = sqd.shape
    if n * k < PARALLEL_MIN_WORK:
        _assign_rows(sqd, labels, dist, 0, n)
    else:
        _assign_par(sqd, labels, dist)


@njit(cache=True, nogil=True, inline="always")  # called per point: see sq_dist
def nearest_two_centers(X, i, centers):
    """``(c, ||X[i] - centers[c]||^2, second)`` for the nearest centre by :func:`sq_dist`
    (ties: lowest index): the one exact assignment rule; ``second`` is the smallest
    squared distance to any other centre (``inf`` with one centre)."""
    best = np.inf
    second = np.inf
    arg = 0
    for c in range(centers.shape[0]):
        v = sq_dist(X, i, centers, c)
        if v < best:
            second = best
            best = v
            arg = c
        elif v < second:
            second = v
    return arg, best, second


@njit(cache=True, nogil=True, inline="always")
def nearest_center(X, i, centers):
    """``(c, ||X[i] - centers[c]||^2)``: :func:`nearest_two_centers` without the runner-up."""
    arg, best, _ = nearest_two_centers(X, i, centers)
    return arg, best


@njit(cache=True, nogil=True)
def assign_to_centers(X, centers, labels, dist):
    """Nearest centre by :func:`sq_dist` (ties: lowest index); ``dist`` squared.
    Returns the number of labels that changed."""
    n = X.shape[0]
    changed = 0
    for i in range(n):
        arg, best = nearest_center(X, i, centers)
        if labels[i] != arg:
            changed += 1
        labels[i] = arg
        dist[i] = best
    return changed


@njit(cache=True, nogil=True)
def beta_cost(dist, w, beta):
    """``sum_i w_i dist_i^beta`` (``beta = inf``: max over positive weights)."""
    total = 0.0
    for i in range(dist.shape[0]):
        if np.isinf(beta):
            if w[i] > 0.0 and dist[i] > total:
                total = dist[i]
        elif dist[i] > 0.0:
            total += w[i] * dist[i] ** beta
    return total
