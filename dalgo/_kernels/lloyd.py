"""Lloyd's iterations: the empty-cluster rule, the assignment steps and the
loops (Gram matrix with incremental sums, fused blocks, β-centres / partition,
medoids)."""

import numpy as np
from numba import njit, prange

from .centers import cluster_beta_center
from .distances import PARALLEL_MIN_WORK, assign_to_centers
from .medoids import assign_medoids, cluster_medoid


@njit(cache=True, nogil=True)
def fill_empty_clusters(labels, dist, counts, k):
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
def count_and_fill_empty(labels, dist, counts):
    """Count cluster members and apply the empty-cluster rule; returns its moves."""
    counts[:] = 0
    for i in range(labels.shape[0]):
        counts[labels[i]] += 1
    return fill_empty_clusters(labels, dist, counts, counts.shape[0])


@njit(cache=True, nogil=True)
def same_labels(labels, prev):
    for i in range(labels.shape[0]):
        if labels[i] != prev[i]:
            return False
    return True


@njit(cache=True, nogil=True)
def group_by_label(labels, k, perm, offsets):
    """Counting sort: members of cluster ``c`` are ``perm[offsets[c]:offsets[c + 1]]``,
    in increasing index."""
    offsets[:] = 0
    for i in range(labels.shape[0]):
        offsets[labels[i] + 1] += 1
    for c in range(k):
        offsets[c + 1] += offsets[c]
    fill = offsets[:k].copy()
    for i in range(labels.shape[0]):
        c = labels[i]
        perm[fill[c]] = i
        fill[c] += 1


@njit(cache=True, nogil=True)
def assign_and_fill(X, centers, labels, dist, counts):
    """One assignment step of :func:`beta_lloyd`: nearest centre, then the
    empty-cluster rule.  Returns the moves of that rule."""
    assign_to_centers(X, centers, labels, dist)
    return count_and_fill_empty(labels, dist, counts)


@njit(cache=True, nogil=True)
def assign_medoids_and_fill(D, medoids, labels, dist, counts):
    """One assignment step of :func:`medoid_lloyd` (see :func:`assign_and_fill`)."""
    assign_medoids(D, medoids, labels, dist)
    return count_and_fill_empty(labels, dist, counts)


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
    fill_empty_clusters(labels, dist, counts, k)
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
        fill_empty_clusters(labels, dist, counts, k)
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
def beta_lloyd(X, w, centers, beta, max_iter, inner_max_iter, inner_rtol, tol, labels, dist):
    """β-Lloyd's with Euclidean centres (``beta = inf``: k-center; β = 2: the
    ``"partition"`` path of :func:`dalgo.local_search`).

    Inputs ``X`` (n, d), ``w`` (n,), ``beta``, limits; ``centers`` (k, d) holds
    the initial centres and receives the final ones.  Outputs ``labels`` (n,),
    ``dist`` (n,) squared distance to the own centre.  Returns
    ``(n_iter, converged)``.  Each centre is :func:`cluster_beta_center` of its
    members.
    """
    n, d = X.shape
    k = centers.shape[0]
    prev = np.full(n, -1, dtype=np.intp)
    counts = np.zeros(k, dtype=np.intp)
    perm = np.empty(n, dtype=np.intp)
    offsets = np.zeros(k + 1, dtype=np.intp)
    buf = np.empty((n, d))
    wbuf = np.empty(n)
    old = np.empty(d)
    converged = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        assign_and_fill(X, centers, labels, dist, counts)
        if same_labels(labels, prev):
            converged = True
            break
        group_by_label(labels, k, perm, offsets)
        shift = 0.0
        for c in range(k):
            old[:] = centers[c]
            cluster_beta_center(X, w, perm[offsets[c]:offsets[c + 1]], beta, inner_max_iter,
                                inner_rtol, buf, wbuf, centers[c])
            for f in range(d):
                shift += (centers[c, f] - old[f]) ** 2
        prev[:] = labels
        if tol > 0.0 and shift <= tol:
            assign_to_centers(X, centers, labels, dist)
            converged = True
            break
    if not converged:
        assign_to_centers(X, centers, labels, dist)
    return n_iter, converged


@njit(cache=True, nogil=True)
def medoid_lloyd(D, Dp, w, medoids, beta, max_iter, labels, dist):
    """k-medoids by alternation on a precomputed distance matrix.

    Inputs ``D`` (n, n) Euclidean distances, ``Dp`` their :func:`power_matrix`,
    ``w`` (n,), ``beta`` (``inf``: max); ``medoids`` (k,) holds the initial
    point indices and receives the final ones.  Outputs ``labels`` (n,),
    ``dist`` (n,) distance to the own medoid.  Each update tries every member as the centre and keeps the one of
    least β-cost (ties: lowest index).  Returns ``(n_iter, converged)``.
    """
    n = D.shape[0]
    k = medoids.shape[0]
    prev = np.full(n, -1, dtype=np.intp)
    counts = np.zeros(k, dtype=np.intp)
    perm = np.empty(n, dtype=np.intp)
    offsets = np.zeros(k + 1, dtype=np.intp)
    converged = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        assign_medoids_and_fill(D, medoids, labels, dist, counts)
        if same_labels(labels, prev):
            converged = True
            break
        group_by_label(labels, k, perm, offsets)
        for c in range(k):
            medoids[c] = cluster_medoid(Dp, w, perm[offsets[c]:offsets[c + 1]], beta)
        prev[:] = labels
    if not converged:
        assign_medoids(D, medoids, labels, dist)
    return n_iter, converged
