"""numba kernels for seeding and local search.

Every kernel takes plain arrays and scalars, writes into output arrays the caller
allocated, and documents which arguments are inputs and which are outputs.  No
kernel reads Python objects.  Parallel kernels (``prange``) only ever let an
iteration write its own rows, so results do not depend on the thread count; every
floating-point reduction across points runs serially in index order.  Small
inputs (less than ``PARALLEL_MIN_WORK`` multiply-adds) take the same row kernel
serially.

No ``fastmath``: the exact solver compares floats and must see NaN and inf as
they are.
"""

import numpy as np
from numba import njit, prange

# ---------------------------------------------------------------------------
# distances
# ---------------------------------------------------------------------------

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


@njit(cache=True, nogil=True)
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
    bitwise equal to the entry of :func:`pairwise_distances` and symmetric.  Parallel over row blocks when
    ``n * d >= PARALLEL_MIN_WORK``.
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


# ---------------------------------------------------------------------------
# d^alpha seeding
# ---------------------------------------------------------------------------


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
    """d^alpha seeding with explicit randomness ``z`` (SPEC 1.1).

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


# ---------------------------------------------------------------------------
# Lloyd's (beta = 2) on a Gram matrix, with incremental cluster sums
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _gram_assign(G, S, W, Q, labels, dist, k):
    """Nearest mean for every point from cluster sums (serial, deterministic).

    ``S[i, c] = sum_{j in c} w_j G[i, j]``, ``W[c] = sum w_j``,
    ``Q[c] = sum_{j, l in c} w_j w_l G[j, l]``; so
    ``||x_i - mu_c||^2 = G[i, i] - 2 S[i, c] / W[c] + Q[c] / W[c]^2``.
    Writes ``labels`` and ``dist`` (squared distance to the chosen mean).
    Returns how many labels changed.
    """
    n = G.shape[0]
    changed = 0
    for i in range(n):
        best = np.inf
        arg = -1
        for c in range(k):
            if W[c] > 0.0:
                v = Q[c] / (W[c] * W[c]) - 2.0 * S[i, c] / W[c]
                if v < best:
                    best = v
                    arg = c
        if arg != labels[i]:
            changed += 1
            labels[i] = arg
        dist[i] = G[i, i] + best
    return changed


@njit(cache=True, nogil=True)
def _gram_move(G, w, S, W, Q, p, src, dst):
    """Move point ``p`` from cluster ``src`` to ``dst`` (``-1`` = none), O(n)."""
    n = G.shape[0]
    wp = w[p]
    if src >= 0:
        Q[src] += -2.0 * wp * S[p, src] + wp * wp * G[p, p]
        W[src] -= wp
        for i in range(n):
            S[i, src] -= wp * G[p, i]  # G is exactly symmetric: read row p
    if dst >= 0:
        Q[dst] += 2.0 * wp * S[p, dst] + wp * wp * G[p, p]
        W[dst] += wp
        for i in range(n):
            S[i, dst] += wp * G[p, i]


@njit(cache=True, nogil=True)
def _fill_empty_clusters(labels, dist, counts, k):
    """Deterministic empty-cluster rule shared by every local search.

    For each empty cluster in increasing index, the point farthest from its
    current centre (ties: lowest index) among clusters with at least two
    members moves into it.  Writes ``labels``/``counts``; returns a list of
    moves as an (m, 3) array of (point, src, dst).
    """
    n = labels.shape[0]
    moves = np.empty((k, 3), dtype=np.intp)
    m = 0
    for c in range(k):
        if counts[c] > 0:
            continue
        best = -1.0
        arg = -1
        for i in range(n):
            if counts[labels[i]] > 1 and dist[i] > best:
                best = dist[i]
                arg = i
        if arg < 0:
            break
        src = labels[arg]
        counts[src] -= 1
        counts[c] += 1
        labels[arg] = c
        dist[arg] = 0.0
        moves[m, 0] = arg
        moves[m, 1] = src
        moves[m, 2] = c
        m += 1
    return moves[:m]


@njit(cache=True, nogil=True)
def gram_lloyd(G, w, seeds, max_iter, labels, dist, mean_labels):
    """Lloyd's k-means from point seeds on a precomputed Gram matrix.

    Inputs ``G`` (n, n) Gram matrix, ``w`` (n,) sample weights, ``seeds`` (k,)
    point indices, ``max_iter``.  Outputs ``labels`` (n,), ``dist`` (n,) squared
    distance of each point to its final mean, ``mean_labels`` (n,) the partition
    whose weighted means are the final centres (equal to ``labels`` on
    convergence; after ``max_iter`` without convergence ``labels`` are the
    nearest final centres, as in scikit-learn, and ``mean_labels`` the partition
    the centres were computed from).  Returns ``(n_iter, converged)``.

    One iteration assigns every point to its nearest current centre (ties to the
    lowest index) and then moves centres to the weighted means; the run stops
    when an assignment changes nothing.  Centres are never formed: cluster sums
    of Gram rows are updated as points move, so an iteration costs
    O(n k + moves n) instead of O(n k d).
    """
    n = G.shape[0]
    k = seeds.shape[0]
    # iteration 1: nearest seed, ||x_i - x_s||^2 = G_ii - 2 G_is + G_ss
    for i in range(n):
        best = np.inf
        arg = -1
        for c in range(k):
            s = seeds[c]
            v = G[s, s] - 2.0 * G[i, s]
            if v < best:
                best = v
                arg = c
        labels[i] = arg
        dist[i] = G[i, i] + best
    counts = np.zeros(k, dtype=np.intp)
    for i in range(n):
        counts[labels[i]] += 1
    _fill_empty_clusters(labels, dist, counts, k)
    S = np.zeros((n, k))
    W = np.zeros(k)
    Q = np.zeros(k)
    for p in range(n):
        _gram_move(G, w, S, W, Q, p, -1, labels[p])
    prev = labels.copy()
    n_iter = 1
    converged = False
    while n_iter < max_iter:
        n_iter += 1
        changed = _gram_assign(G, S, W, Q, labels, dist, k)
        for c in range(k):
            counts[c] = 0
        for i in range(n):
            counts[labels[i]] += 1
        _fill_empty_clusters(labels, dist, counts, k)
        if changed == 0:
            converged = True
            break
        for p in range(n):
            if labels[p] != prev[p]:
                _gram_move(G, w, S, W, Q, p, prev[p], labels[p])
                prev[p] = labels[p]
    mean_labels[:] = prev  # S, W, Q hold the sums of this partition
    if not converged:
        # make the labels those of the nearest final mean, as scikit-learn does
        _gram_assign(G, S, W, Q, labels, dist, k)
    return n_iter, converged


# ---------------------------------------------------------------------------
# centre updates and assignment on coordinates
# ---------------------------------------------------------------------------


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


#: Rows per block of the fused Lloyd step (a constant, so the blocks, their BLAS
#: calls and the order of the partial sums never depend on the thread count).
LLOYD_BLOCK = 256


@njit(cache=True, nogil=True)
def _lloyd_block(X, x_sq, Ct, c_sq, w, labels, dist, sums, wsum, lo, hi):
    """Assign rows ``lo:hi`` and accumulate their weighted sums per cluster.

    ``S = X[lo:hi] @ Ct`` is one BLAS call on the block (the caller keeps BLAS
    single-threaded), then ``||x - c||^2 = x_sq + c_sq - 2 S`` (ties: lowest
    index).  Outputs ``labels``/``dist`` rows ``lo:hi``, ``sums`` (k, d) and
    ``wsum`` (k,) overwritten with this block's partial sums.
    """
    k = Ct.shape[1]
    d = X.shape[1]
    S = np.dot(X[lo:hi], Ct)
    sums[:, :] = 0.0
    wsum[:] = 0.0
    for r in range(hi - lo):
        i = lo + r
        best = np.inf
        arg = 0
        for c in range(k):
            v = c_sq[c] - 2.0 * S[r, c]
            if v < best:
                best = v
                arg = c
        labels[i] = arg
        dist[i] = best + x_sq[i]
        wi = w[i]
        wsum[arg] += wi
        for f in range(d):
            sums[arg, f] += wi * X[i, f]


@njit(cache=True, nogil=True, parallel=True)
def _lloyd_step_par(X, x_sq, Ct, c_sq, w, labels, dist, psums, pw):
    n = X.shape[0]
    n_blocks = psums.shape[0]
    for b in prange(n_blocks):
        _lloyd_block(X, x_sq, Ct, c_sq, w, labels, dist, psums[b], pw[b],
                     b * LLOYD_BLOCK, min(n, (b + 1) * LLOYD_BLOCK))


@njit(cache=True, nogil=True)
def lloyd_step(X, x_sq, Ct, c_sq, w, labels, dist, psums, pw):
    """One fused Lloyd pass: nearest centre for every point and partial sums.

    Inputs ``X`` (n, d), ``x_sq`` (n,) squared row norms, ``Ct`` (d, k) the
    centres transposed (C-contiguous), ``c_sq`` (k,) their squared norms, ``w``
    (n,).  Outputs ``labels`` (n,), ``dist`` (n,) squared distances (may be
    slightly negative from rounding), ``psums`` (n_blocks, k, d) and ``pw``
    (n_blocks, k) per-block weighted sums, ``n_blocks = ceil(n /
    LLOYD_BLOCK)``; :func:`reduce_block_sums` adds them in block order.  Like
    scikit-learn's ``lloyd_iter_chunked_dense``, X is read once per iteration
    while a block is in cache; unlike it, the reduction order is fixed, so the
    result does not depend on the thread count.  Call with BLAS limited to one
    thread.
    """
    n, d = X.shape
    if n * d * Ct.shape[1] < PARALLEL_MIN_WORK:
        for b in range(psums.shape[0]):
            _lloyd_block(X, x_sq, Ct, c_sq, w, labels, dist, psums[b], pw[b],
                         b * LLOYD_BLOCK, min(n, (b + 1) * LLOYD_BLOCK))
    else:
        _lloyd_step_par(X, x_sq, Ct, c_sq, w, labels, dist, psums, pw)


@njit(cache=True, nogil=True)
def reduce_block_sums(psums, pw, centers, weight_in_cluster):
    """Weighted means from per-block sums, added serially in block order.

    Inputs ``psums`` (b, k, d), ``pw`` (b, k); outputs ``centers`` (k, d) (rows of
    empty clusters left unchanged), ``weight_in_cluster`` (k,).
    """
    n_blocks, k, d = psums.shape
    total = np.zeros(d)
    for c in range(k):
        total[:] = 0.0
        wc = 0.0
        for b in range(n_blocks):
            wc += pw[b, c]
            for f in range(d):
                total[f] += psums[b, c, f]
        weight_in_cluster[c] = wc
        if wc > 0.0:
            for f in range(d):
                centers[c, f] = total[f] / wc


@njit(cache=True, nogil=True)
def weighted_means(X, w, labels, centers, weight_in_cluster):
    """Weighted cluster means, summed serially in index order.

    Inputs ``X`` (n, d), ``w`` (n,), ``labels`` (n,); outputs ``centers`` (k, d)
    (rows of empty clusters left unchanged), ``weight_in_cluster`` (k,).
    """
    n, d = X.shape
    k = centers.shape[0]
    sums = np.zeros((k, d))
    weight_in_cluster[:] = 0.0
    for i in range(n):
        c = labels[i]
        weight_in_cluster[c] += w[i]
        for f in range(d):
            sums[c, f] += w[i] * X[i, f]
    for c in range(k):
        if weight_in_cluster[c] > 0.0:
            for f in range(d):
                centers[c, f] = sums[c, f] / weight_in_cluster[c]


@njit(cache=True, nogil=True)
def _beta_objective(Xc, w, c, beta):
    n, d = Xc.shape
    total = 0.0
    for i in range(n):
        acc = 0.0
        for f in range(d):
            diff = Xc[i, f] - c[f]
            acc += diff * diff
        r = np.sqrt(acc)
        if r > 0.0:
            total += w[i] * r**beta
    return total


#: Relative objective decrease that a jump onto a data point must achieve.
JUMP_RTOL = 1e-10


@njit(cache=True, nogil=True)
def beta_center(Xc, w, beta, c, max_iter, rtol):
    """Minimise ``sum_i w_i ||x_i - c||^beta`` over ``c`` for finite beta >= 1.

    Inputs ``Xc`` (m, d) cluster members, ``w`` (m,), ``beta``; ``c`` (d,) is the
    start (the members' mean in the local searches) and is overwritten with the result.
    Returns the number of iterations.

    Iteratively reweighted least squares: the step goes to the weighted mean with
    weights ``w_i ||x_i - c||^(beta - 2)``.  For beta <= 2 this is a
    majorise-minimise step (Weiszfeld for beta = 1), so the objective never
    increases; for beta > 2 it is a scaled gradient step, damped by 1/(beta - 1)
    (the curvature ratio of the objective) and backtracked until the objective
    decreases.  An iterate that lands on a data point is handled as in
    Vardi & Zhang (2000): the point's own weight is left out and the step is
    taken only if the remaining pull exceeds the point's weight.  For beta = 1,
    an iteration first moves onto the nearest data point if that lowers the
    objective (Weiszfeld approaches a median at a data point only sublinearly).  Stops when the
    step is below ``rtol`` times the cluster's spread or after ``max_iter``.
    """
    m, d = Xc.shape
    scale = 0.0
    for i in range(m):
        for f in range(d):
            diff = Xc[i, f] - c[f]
            scale += diff * diff
    scale = np.sqrt(scale / m) + 1e-300
    num = np.empty(d)
    trial = np.empty(d)
    damp = 1.0 if beta <= 2.0 else 1.0 / (beta - 1.0)
    fc = _beta_objective(Xc, w, c, beta)
    it = 0
    for it in range(1, max_iter + 1):
        num[:] = 0.0
        den = 0.0
        at_point_weight = 0.0
        nearest = -1
        r_near = np.inf
        for i in range(m):
            acc = 0.0
            for f in range(d):
                diff = Xc[i, f] - c[f]
                acc += diff * diff
            r = np.sqrt(acc)
            if r == 0.0:
                at_point_weight += w[i]
                continue
            if w[i] > 0.0 and r < r_near:
                r_near = r
                nearest = i
            wi = w[i] * r ** (beta - 2.0)
            den += wi
            for f in range(d):
                num[f] += wi * Xc[i, f]
        if den == 0.0:
            break
        if beta == 1.0 and at_point_weight == 0.0 and nearest >= 0:
            # Weiszfeld creeps (sublinearly) towards a median that is a data
            # point; jump onto the nearest point when it is already better, and
            # let the Vardi-Zhang test below decide whether to leave it.  Only a
            # clear improvement counts: when the median is not unique (e.g. two
            # points of equal weight) a rounding-level one would make the
            # result depend on how the weights are written (w = 2 vs a copy).
            fn = _beta_objective(Xc, w, Xc[nearest], beta)
            if fn < fc * (1.0 - JUMP_RTOL):
                for f in range(d):
                    c[f] = Xc[nearest, f]
                fc = fn
                continue
        for f in range(d):
            trial[f] = num[f] / den - c[f]
        if at_point_weight > 0.0 and beta == 1.0:
            # Vardi-Zhang: the gradient pull of the other points vs the point's mass
            pull = 0.0
            for f in range(d):
                pull += (trial[f] * den) ** 2
            pull = np.sqrt(pull)
            if pull <= at_point_weight:
                break
            shrink = 1.0 - at_point_weight / pull
            for f in range(d):
                trial[f] *= shrink
        step = damp
        accepted = False
        for _ in range(60):
            for f in range(d):
                num[f] = c[f] + step * trial[f]
            fn = _beta_objective(Xc, w, num, beta)
            if fn <= fc:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            break
        move = 0.0
        for f in range(d):
            move += (num[f] - c[f]) ** 2
            c[f] = num[f]
        fc = fn
        if np.sqrt(move) <= rtol * scale:
            break
    return it


@njit(cache=True, nogil=True)
def min_enclosing_ball_center(Xc, c, max_iter, rtol):
    """Centre of the minimum enclosing ball of the rows of ``Xc``.

    Input ``Xc`` (m, d); output ``c`` (d,).  Returns the radius.  Frank-Wolfe with
    away steps on the dual (maximise ``sum l_i ||x_i||^2 - ||sum l_i x_i||^2``
    over the simplex; Yildirim 2008), which converges linearly; stops when the
    relative duality gap ``(R_far^2 - r^2) / r^2`` is below ``rtol`` or after
    ``max_iter`` iterations.
    """
    m, d = Xc.shape
    lam = np.zeros(m)
    # start from the two farthest-apart points found greedily
    far = 0
    best = -1.0
    for i in range(m):
        acc = 0.0
        for f in range(d):
            diff = Xc[i, f] - Xc[0, f]
            acc += diff * diff
        if acc > best:
            best = acc
            far = i
    lam[0] = 0.5
    lam[far] += 0.5
    sq = np.empty(m)
    for _ in range(max_iter):
        c[:] = 0.0
        for i in range(m):
            if lam[i] > 0.0:
                for f in range(d):
                    c[f] += lam[i] * Xc[i, f]
        r2 = 0.0  # dual value = weighted mean squared distance to c
        i_far = 0
        i_near = -1
        far2 = -1.0
        near2 = np.inf
        for i in range(m):
            acc = 0.0
            for f in range(d):
                diff = Xc[i, f] - c[f]
                acc += diff * diff
            sq[i] = acc
            r2 += lam[i] * acc
            if acc > far2:
                far2 = acc
                i_far = i
            if lam[i] > 0.0 and acc < near2:
                near2 = acc
                i_near = i
        if r2 <= 0.0:
            return 0.0
        gap = (far2 - r2) / r2
        if gap <= rtol:
            return np.sqrt(far2)
        if far2 - r2 >= r2 - near2:
            # toward step: exact line search for the dual objective
            dist2 = 0.0
            for f in range(d):
                dist2 += (Xc[i_far, f] - c[f]) ** 2
            t = (far2 - r2) / (2.0 * dist2)
            if t > 1.0:
                t = 1.0
            for i in range(m):
                lam[i] *= 1.0 - t
            lam[i_far] += t
        else:
            # away step from the nearest support point
            dist2 = 0.0
            for f in range(d):
                dist2 += (Xc[i_near, f] - c[f]) ** 2
            tmax = lam[i_near] / (1.0 - lam[i_near]) if lam[i_near] < 1.0 else 0.0
            t = (r2 - near2) / (2.0 * dist2) if dist2 > 0.0 else tmax
            if t > tmax:
                t = tmax
            for i in range(m):
                lam[i] *= 1.0 + t
            lam[i_near] -= t
            if lam[i_near] < 0.0:
                lam[i_near] = 0.0
    far2 = 0.0
    for i in range(m):
        acc = 0.0
        for f in range(d):
            diff = Xc[i, f] - c[f]
            acc += diff * diff
        if acc > far2:
            far2 = acc
    return np.sqrt(far2)


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
