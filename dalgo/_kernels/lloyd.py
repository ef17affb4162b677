"""Lloyd's iterations: the one stop rule, the assignment and update steps, and
the loops.

The stop rule (written here once; every loop in dalgo calls these kernels)
--------------------------------------------------------------------------
An iteration assigns every point to its nearest centre (ties: lowest index)
and applies the empty-cluster rule (:func:`fill_empty_clusters`);
:func:`settle_assignment` does the latter and reports whether the labels are
those the current centres were computed from -- then the run has converged.
Otherwise the centres move; with ``tol > 0`` a total squared centre shift
``<= tol`` (:func:`centres_settled`) also ends the run, after one more
assignment.  After ``max_iter`` iterations without convergence the labels are
recomputed once against the final centres (without the empty-cluster rule).

The loops
---------
* :func:`partition_lloyd` -- every path whose centre is a function of its
  member set: β-centres on coordinates (β = 2 ``"partition"`` included),
  medoids on a distance matrix, medoids from coordinates (``mode``).
  :class:`dalgo.SharedLocalSearch` runs the same steps
  (:func:`assignment_step`, :func:`assign_nearest`) from Python, remembering
  partitions between runs.
* :func:`gram_lloyd` -- β = 2 on a Gram matrix with incremental cluster sums.
* :func:`lloyd_step` and :func:`reduce_block_sums` -- β = 2, one fused pass per
  iteration; the loop is :func:`dalgo.local_search._lloyd` (BLAS is limited to
  one thread from Python around it).
"""

import numpy as np
from numba import njit, prange

from .arrays import copy_into, copy_rows_into
from .centers import cluster_beta_center
from .distances import (
    PARALLEL_MIN_WORK,
    assign_to_centers,
    nearest_center,
    nearest_two_centers,
    sq_dist,
)
from .medoids import assign_medoids, assign_medoids_by_coordinates, cluster_medoid, medoid_costs

#: Machine epsilon of float64 (the unit of the distance bounds' margins).
EPS = float(np.finfo(np.float64).eps)
#: ``mode`` of :func:`partition_lloyd` and its steps: β-centres of the members'
#: coordinates (``centers`` holds them; ``dist`` squared distances).
BETA_CENTERS = 0
#: Medoids on the distance matrix ``D`` (``medoids`` holds point indices;
#: ``dist`` distances).
MEDOIDS_BY_MATRIX = 1
#: Medoids from coordinates, no n×n matrix (``dist`` distances).
MEDOIDS_BY_COORDINATES = 2


# ---------------------------------------------------------------------------
# the empty-cluster rule and the stop rule
# ---------------------------------------------------------------------------

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
    """Whether the integer arrays ``labels`` and ``prev`` (n,) are equal."""
    for i in range(labels.shape[0]):
        if labels[i] != prev[i]:
            return False
    return True


@njit(cache=True, nogil=True)
def settle_assignment(labels, dist, counts, prev):
    """The stop rule, part 1: the empty-cluster rule, then "labels unchanged?".

    Inputs ``prev`` (n,) the partition the current centres were computed from
    (all -1 before the first update); ``labels`` (n,) and ``dist`` (n,) a fresh
    nearest-centre assignment, rewritten by :func:`fill_empty_clusters`.
    Output ``counts`` (k,) members per cluster.  Returns ``(unchanged, moves)``:
    whether ``labels`` equals ``prev`` (the run has converged) and the moves of
    the empty-cluster rule.
    """
    moves = count_and_fill_empty(labels, dist, counts)
    return same_labels(labels, prev), moves


@njit(cache=True, nogil=True)
def centres_settled(shift, tol):
    """The stop rule, part 2: with ``tol > 0``, the total squared centre shift
    ``shift`` of an update is at most ``tol``."""
    return tol > 0.0 and shift <= tol


# ---------------------------------------------------------------------------
# steps of the partition loops (a centre is a function of its member set)
# ---------------------------------------------------------------------------

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
def assign_nearest(mode, X, D, centers, medoids, labels, dist):
    """Nearest centre for every point (ties: lowest index), no empty-cluster rule.

    Inputs ``mode`` (:data:`BETA_CENTERS`, :data:`MEDOIDS_BY_MATRIX` or
    :data:`MEDOIDS_BY_COORDINATES`), ``X`` (n, d), ``D`` (n, n) distances (read
    in ``MEDOIDS_BY_MATRIX`` only), ``centers`` (k, d) (``BETA_CENTERS`` only),
    ``medoids`` (k,) point indices (medoid modes only).  Outputs ``labels``
    (n,), ``dist`` (n,): squared distances for β-centres, distances for medoids.
    """
    if mode == BETA_CENTERS:
        assign_to_centers(X, centers, labels, dist)
    elif mode == MEDOIDS_BY_MATRIX:
        assign_medoids(D, medoids, labels, dist)
    else:
        assign_medoids_by_coordinates(X, medoids, labels, dist)


@njit(cache=True, nogil=True)
def bound_slack(d):
    """Relative error allowed for a computed squared distance in ``d`` features, and for
    the bounds built from it: four times :func:`sq_dist`'s worst case, about
    ``(d + 2)`` units in the last place (squares of rounded differences summed in a
    fixed order), plus room for the bound's own products and square roots."""
    return 4.0 * (d + 4) * EPS


@njit(cache=True, nogil=True)
def assign_bounded(X, centers, labels, dist, lower):
    """:func:`assign_to_centers` (the same labels and ``dist``, bit for bit), skipping
    the other centres of a point whose label a lower bound proves.

    In/out ``lower`` (n,): ``lower[i]`` is at most the exact distance from ``X[i]``
    to every centre other than ``labels[i]`` (0: nothing known; ``labels[i]`` is read
    only where ``lower[i] > 0``).  A point is settled by its own centre alone when
    its computed squared distance ``da`` satisfies ``lower² (1 − s) > da (1 + s)``
    (``s`` = :func:`bound_slack`): every other computed squared distance then exceeds
    ``da``, so the full rule (strict ``<``, lowest index) would pick the same centre
    with the same ``dist``.  Otherwise all centres are tried and ``lower[i]`` becomes
    the second smallest distance, shrunk by the slack.  (Hamerly's bound, kept in
    floating point with a proven margin.)  Returns how many points needed every centre.
    """
    n = X.shape[0]
    slack = bound_slack(X.shape[1])
    full = 0
    for i in range(n):
        bound = lower[i]
        if bound > 0.0:
            da = sq_dist(X, i, centers, labels[i])
            if bound * bound * (1.0 - slack) > da * (1.0 + slack):
                dist[i] = da
                continue
        full += 1
        arg, best, second = nearest_two_centers(X, i, centers)
        labels[i] = arg
        dist[i] = best
        lower[i] = np.sqrt(second) * (1.0 - slack) if second < np.inf else 0.0
    return full


@njit(cache=True, nogil=True)
def decay_bounds(lower, old, centers):
    """Keep the bounds of :func:`assign_bounded` valid after the centres moved from
    ``old`` (k, d) to ``centers`` (k, d): a distance to a centre falls by at most the
    centre's move, so every ``lower[i]`` drops by the largest move (rounded up) and by
    a few units in the last place of itself (what the subtraction may round away)."""
    k = centers.shape[0]
    largest = 0.0
    for c in range(k):
        s = sq_dist(old, c, centers, c)
        if s > largest:
            largest = s
    if largest == 0.0:
        return
    move = np.sqrt(largest) * (1.0 + bound_slack(centers.shape[1]))
    guard = 4.0 * EPS
    for i in range(lower.shape[0]):
        lower[i] = lower[i] - move - guard * lower[i]


@njit(cache=True, nogil=True)
def assignment_step(mode, X, D, centers, medoids, labels, dist, counts, prev, lower):
    """One assignment step: :func:`assign_nearest`, then :func:`settle_assignment`.

    Same arguments as those two, and ``lower``: with β-centres and ``lower`` of shape
    (n,), the bounds of :func:`assign_bounded` (the same labels, fewer distances; the
    caller keeps them valid with :func:`decay_bounds` after each update, and a point
    the empty-cluster rule moves loses its bound here); any other shape: the full
    assignment.  Returns ``(unchanged, moves)``.
    """
    bounded = mode == BETA_CENTERS and lower.shape[0] == X.shape[0]
    if bounded:
        assign_bounded(X, centers, labels, dist, lower)
    else:
        assign_nearest(mode, X, D, centers, medoids, labels, dist)
    unchanged, moves = settle_assignment(labels, dist, counts, prev)
    if bounded:
        for r in range(moves.shape[0]):
            lower[moves[r, 0]] = 0.0
    return unchanged, moves


@njit(cache=True, nogil=True)
def update_centers(mode, X, Dp, w, beta, inner_max_iter, inner_rtol, labels, counts,
                   centers, medoids, perm, offsets, buf, wbuf, costs, old):
    """Move every centre to the β-optimum of its members; returns the total
    squared shift (``inf`` for medoids, which never stop on a shift).

    Inputs ``mode``, ``X`` (n, d), ``Dp`` (n, n) :func:`power_matrix` of the
    distances (``MEDOIDS_BY_MATRIX`` only), ``w`` (n,), ``beta``, the inner
    solver limits, ``labels`` (n,).  In/out ``centers`` (k, d) or ``medoids``
    (k,).  Scratch ``counts`` (k,), ``perm`` (n,), ``offsets`` (k + 1,), ``buf``
    (n, d), ``wbuf`` (n,), ``costs`` (n,), ``old`` (d,).  Members are taken in
    increasing index (:func:`group_by_label`); a β-centre is
    :func:`cluster_beta_center`, a medoid the member of least β-cost (ties:
    lowest index).
    """
    d = X.shape[1]
    k = counts.shape[0]
    group_by_label(labels, k, perm, offsets)
    if mode == BETA_CENTERS:
        shift = 0.0
        for c in range(k):
            copy_into(old, centers[c])
            cluster_beta_center(X, w, perm[offsets[c]:offsets[c + 1]], beta, inner_max_iter,
                                inner_rtol, buf, wbuf, centers[c])
            for f in range(d):
                shift += (centers[c, f] - old[f]) ** 2
        return shift
    for c in range(k):
        members = perm[offsets[c]:offsets[c + 1]]
        if mode == MEDOIDS_BY_MATRIX:
            medoids[c] = cluster_medoid(Dp, w, members, beta)
        else:
            m = members.shape[0]
            for r in range(m):
                wbuf[r] = w[members[r]]
                buf[r] = X[members[r]]
            medoid_costs(buf[:m], wbuf[:m], beta, costs[:m])
            best = 0
            for r in range(1, m):
                if costs[r] < costs[best]:
                    best = r
            medoids[c] = members[best]
    return np.inf


@njit(cache=True, nogil=True)
def partition_lloyd(mode, X, D, Dp, w, centers, medoids, beta, max_iter, inner_max_iter,
                    inner_rtol, tol, labels, dist):
    """β-Lloyd's where each centre is a function of its member set.

    Inputs ``mode`` (see :func:`assign_nearest`), ``X`` (n, d), ``D`` and ``Dp``
    (n, n) distances and their :func:`power_matrix` (``MEDOIDS_BY_MATRIX``
    only; else any 2-D array), ``w`` (n,), ``beta``, ``max_iter``, inner solver
    limits, ``tol`` (0 for medoids).  In/out: ``centers`` (k, d) initial and
    final β-centres (``BETA_CENTERS``; else any (0, d) array) or ``medoids``
    (k,) initial and final point indices (medoid modes; else any (0,) array).
    Outputs ``labels`` (n,), ``dist`` (n,) as in :func:`assign_nearest`.
    Returns ``(n_iter, converged)`` under the stop rule of this module.
    """
    n, d = X.shape
    k = centers.shape[0] if mode == BETA_CENTERS else medoids.shape[0]
    prev = np.full(n, -1, dtype=np.intp)
    counts = np.zeros(k, dtype=np.intp)
    perm = np.empty(n, dtype=np.intp)
    offsets = np.zeros(k + 1, dtype=np.intp)
    buf = np.empty((n, d))
    wbuf = np.empty(n)
    costs = np.empty(n)
    old = np.empty(d)
    # distance bounds (β-centres only): the same labels with fewer distances
    lower = np.zeros(n if mode == BETA_CENTERS else 0)
    before = np.empty((k if mode == BETA_CENTERS else 0, d))
    converged = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        unchanged, _ = assignment_step(mode, X, D, centers, medoids, labels, dist, counts, prev,
                                       lower)
        if unchanged:
            converged = True
            break
        copy_rows_into(before, centers)
        shift = update_centers(mode, X, Dp, w, beta, inner_max_iter, inner_rtol, labels, counts,
                               centers, medoids, perm, offsets, buf, wbuf, costs, old)
        if mode == BETA_CENTERS:
            decay_bounds(lower, before, centers)
        copy_into(prev, labels)
        if centres_settled(shift, tol):
            assign_nearest(mode, X, D, centers, medoids, labels, dist)
            converged = True
            break
    if not converged:
        assign_nearest(mode, X, D, centers, medoids, labels, dist)
    return n_iter, converged


@njit(cache=True, nogil=True, parallel=True)
def partition_lloyd_many(X, w, seeds, max_iter, labels, dist, centers, n_iter, converged):
    """:func:`partition_lloyd` with weighted-mean centres (β = 2) for many seed sets,
    in parallel over the runs.

    Inputs ``X`` (n, d), ``w`` (n,), ``seeds`` (r, k) point indices, one run per
    row, starting from the centres ``X[seeds[j]]``; ``max_iter``.  Outputs row
    ``j`` of ``labels``, ``dist`` (r, n), ``centers`` (r, k, d), ``n_iter`` (r,)
    and ``converged`` (r,) bool: what :func:`partition_lloyd` gives for
    ``seeds[j]`` with ``tol = 0``.  Each run is serial and writes only its own
    rows, so the results are bit-identical to separate calls whatever the thread
    count or scheduling.
    """
    r, k = seeds.shape
    d = X.shape[1]
    no_matrix = np.empty((0, 0))
    no_medoids = np.empty(0, dtype=np.intp)
    for j in prange(r):
        for c in range(k):
            for f in range(d):
                centers[j, c, f] = X[seeds[j, c], f]
        it, conv = partition_lloyd(BETA_CENTERS, X, no_matrix, no_matrix, w, centers[j],
                                   no_medoids, 2.0, max_iter, 0, 0.0, 0.0, labels[j], dist[j])
        n_iter[j] = it
        converged[j] = conv


# ---------------------------------------------------------------------------
# beta = 2 on a Gram matrix, with incremental cluster sums
# ---------------------------------------------------------------------------

@njit(cache=True, nogil=True)
def _gram_assign(G, S, W, Q, labels, dist, k, best, arg):
    """Nearest mean for every point from cluster sums (serial, deterministic).

    ``S[c, i] = sum_{j in c} w_j G[j, i]`` (k, n: one contiguous row per
    cluster, so the loops over points vectorise), ``W[c] = sum w_j``,
    ``Q[c] = sum_{j, l in c} w_j w_l G[j, l]``; so
    ``||x_i - mu_c||^2 = G[i, i] - 2 S[c, i] / W[c] + Q[c] / W[c]^2``.
    Writes ``labels`` and ``dist`` (squared distance to the chosen mean);
    ``best`` (n,) and ``arg`` (n,) are scratch.  Clusters are tried in
    increasing index with a strict ``<`` (ties: lowest index).  Returns how
    many labels changed.
    """
    n = G.shape[0]
    best[:] = np.inf
    arg[:] = -1
    for c in range(k):
        wc = W[c]
        if wc > 0.0:
            a = Q[c] / (wc * wc)
            Sc = S[c]
            for i in range(n):
                v = a - 2.0 * Sc[i] / wc
                if v < best[i]:
                    best[i] = v
                    arg[i] = c
    changed = 0
    for i in range(n):
        if arg[i] != labels[i]:
            changed += 1
            labels[i] = arg[i]
        dist[i] = G[i, i] + best[i]
    return changed


@njit(cache=True, nogil=True)
def _gram_lloyd_run(G, w, seeds, max_iter, labels, dist, mean_labels, counts, prev, S, W, Q,
                    best, arg):
    """:func:`gram_lloyd` with its scratch supplied: ``counts`` (k,), ``prev`` (n,),
    ``S`` (k, n), ``W`` (k,), ``Q`` (k,), ``best`` (n,), ``arg`` (n,)."""
    n = G.shape[0]
    k = seeds.shape[0]
    counts[:] = 0
    prev[:] = -1
    S[:, :] = 0.0
    W[:] = 0.0
    Q[:] = 0.0
    converged = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        if it == 1:
            # nearest seed, ||x_i - x_s||^2 = G_ii - 2 G_is + G_ss (G_is = G_si: row s)
            best[:] = np.inf
            labels[:] = -1
            for c in range(k):
                s = seeds[c]
                gss = G[s, s]
                Gs = G[s]
                for i in range(n):
                    v = gss - 2.0 * Gs[i]
                    if v < best[i]:
                        best[i] = v
                        labels[i] = c
            for i in range(n):
                dist[i] = G[i, i] + best[i]
        else:
            _gram_assign(G, S, W, Q, labels, dist, k, best, arg)
        unchanged, _ = settle_assignment(labels, dist, counts, prev)
        if unchanged:
            converged = True
            break
        # move the points that changed cluster, updating S, W, Q in O(n) each (G is exactly
        # symmetric, so row p is read: contiguous). Written out, not a helper call: calling
        # one counted references to its array arguments up and down, atomically, on every
        # move -- a fifth of a digits leaf search's samples (perf) -- and inline="always"
        # did not remove them here (it does for sq_dist).
        for p in range(n):
            src, dst = prev[p], labels[p]
            if dst != src:
                wp, gpp = w[p], G[p, p]
                if src >= 0:
                    Q[src] += -2.0 * wp * S[src, p] + wp * wp * gpp
                    W[src] -= wp
                    for i in range(n):
                        S[src, i] -= wp * G[p, i]
                if dst >= 0:
                    Q[dst] += 2.0 * wp * S[dst, p] + wp * wp * gpp
                    W[dst] += wp
                    for i in range(n):
                        S[dst, i] += wp * G[p, i]
                prev[p] = dst
    copy_into(mean_labels, prev)  # S, W, Q hold the sums of this partition
    if not converged:
        # make the labels those of the nearest final mean, as scikit-learn does
        _gram_assign(G, S, W, Q, labels, dist, k, best, arg)
    return n_iter, converged


@njit(cache=True, nogil=True)
def gram_lloyd(G, w, seeds, max_iter, labels, dist, mean_labels):
    """Lloyd's k-means from point seeds on a precomputed Gram matrix.

    Inputs ``G`` (n, n) Gram matrix (exactly symmetric), ``w`` (n,) sample
    weights, ``seeds`` (k,) point indices, ``max_iter``.  Outputs ``labels``
    (n,), ``dist`` (n,) squared distance of each point to its final mean,
    ``mean_labels`` (n,) the partition whose weighted means are the final
    centres (equal to ``labels`` on convergence; after ``max_iter`` without
    convergence ``labels`` are the nearest final centres, as in scikit-learn,
    and ``mean_labels`` the partition the centres were computed from).
    Returns ``(n_iter, converged)`` under the stop rule of this module
    (``tol = 0``).

    The first assignment is to the seeds; later ones to the weighted means.
    Centres are never formed: cluster sums of Gram rows are updated as points
    move (in increasing point index), so an iteration costs O(n k + moves n)
    instead of O(n k d).
    """
    n = G.shape[0]
    k = seeds.shape[0]
    return _gram_lloyd_run(G, w, seeds, max_iter, labels, dist, mean_labels,
                           np.zeros(k, dtype=np.intp), np.empty(n, dtype=np.intp),
                           np.empty((k, n)), np.empty(k), np.empty(k), np.empty(n),
                           np.empty(n, dtype=np.intp))


@njit(cache=True, nogil=True, parallel=True)
def gram_lloyd_many(G, w, seeds, max_iter, labels, dist, mean_labels, n_iter, converged):
    """:func:`gram_lloyd` for many seed sets, in parallel over the runs.

    Inputs ``G`` (n, n), ``w`` (n,), ``seeds`` (r, k) one run per row,
    ``max_iter``.  Outputs row ``j`` of ``labels``, ``dist``, ``mean_labels``
    (r, n), ``n_iter`` (r,) and ``converged`` (r,) bool: what
    :func:`gram_lloyd` returns for ``seeds[j]``.  Each run is serial and writes
    only its own rows, so the results are bit-identical to separate
    :func:`gram_lloyd` calls whatever the thread count or scheduling.
    """
    n = G.shape[0]
    r, k = seeds.shape
    for j in prange(r):
        it, conv = _gram_lloyd_run(G, w, seeds[j], max_iter, labels[j], dist[j],
                                   mean_labels[j], np.zeros(k, dtype=np.intp),
                                   np.empty(n, dtype=np.intp), np.empty((k, n)), np.empty(k),
                                   np.empty(k), np.empty(n), np.empty(n, dtype=np.intp))
        n_iter[j] = it
        converged[j] = conv


# ---------------------------------------------------------------------------
# beta = 2, one fused pass over row blocks per iteration
# ---------------------------------------------------------------------------

#: Rows per block of the fused Lloyd step (a constant, so the blocks, their BLAS
#: calls and the order of the partial sums never depend on the thread count).
LLOYD_BLOCK = 256
#: Multiply-adds (n × d) from which :func:`assigned_sq_distances` splits its rows
#: across threads (about 0.6 ms of serial work).
ROWS_PARALLEL_MIN_WORK = 1 << 21
#: Coordinates up to this magnitude can be screened in float32 (products and sums
#: of d of them stay far from float32 overflow); larger data is assigned exactly.
SCREEN_MAX_ABS = 1e15
_U32 = 2.0**-24
_U64 = 2.0**-53


@njit(cache=True, nogil=True)
def screen_margin(x_norm, c_norm, d):
    """Gap above which the float32 screen of :func:`lloyd_step` decides a label.

    The screen works on shifted points ``x' = x - mu``, ``c' = c - mu`` (any
    fixed ``mu``; distances do not change); ``x_norm`` bounds ``||x'||``,
    ``c_norm`` every ``||c'||``.  With ``e_c = ||c'||^2 - 2 fl32(x' . c')``
    (float64, from a float32 product of the float32-rounded ``x'`` and ``c'``,
    any summation order, FMA or not), ``|e_c + ||x'||^2 - sq_dist(x, c)| <= A``
    where ``A = 2 g32 ||x'|| ||c'||`` (rounding ``x'``, ``c'`` and their
    products to float32, and the float32 sum of d products: ``g32 =
    gamma_{d+2}`` in float32) ``+ (2 g64 + 4 u64) (||x'|| + ||c'||)^2``
    (``||c'||^2``, the shift, the float64 subtraction and
    :func:`dalgo._kernels.distances.sq_dist`'s own rounding, ``g64 =
    gamma_{d+2}`` in float64) plus a term for underflow.  If the two smallest
    ``e`` differ by more than ``2 A``, the smallest is the strict argmin of
    ``sq_dist``.  Returned: ``4 A`` (a safety factor of 2); ``inf`` (no
    screening) when ``d`` is too large for the bound.
    """
    m32 = (d + 2) * _U32
    m64 = (d + 2) * _U64
    if m32 >= 0.5:
        return np.inf
    g32 = m32 / (1.0 - m32)
    g64 = m64 / (1.0 - m64)
    s = x_norm + c_norm
    a = 2.0 * g32 * x_norm * c_norm + (2.0 * g64 + 4.0 * _U64) * s * s + 2.0**-120 * d * (1.0 + s)
    return 4.0 * a


@njit(cache=True, nogil=True)
def _shifted_rows(X, mu, X32, x_norm, lo, hi):
    top = 0.0
    d = X.shape[1]
    for i in range(lo, hi):
        s = 0.0
        for f in range(d):
            v = X[i, f] - mu[f]
            X32[i, f] = v
            s += v * v
            if abs(v) > top:
                top = abs(v)
        x_norm[i] = np.sqrt(s) * (1.0 + 1e-9)
    return top


@njit(cache=True, nogil=True, parallel=True)
def _shifted_par(X, mu, X32, x_norm, tops):
    n = X.shape[0]
    for b in prange(tops.shape[0]):
        tops[b] = _shifted_rows(X, mu, X32, x_norm, b * LLOYD_BLOCK,
                                min(n, (b + 1) * LLOYD_BLOCK))


@njit(cache=True, nogil=True)
def shifted_float32(X, mu, X32, x_norm):
    """The screen's copy of the points: ``X32 = float32(X - mu)`` and
    ``x_norm >= ||X - mu||`` row by row, in one pass (rows split across threads
    when ``n * d >= ROWS_PARALLEL_MIN_WORK``).

    Inputs ``X`` (n, d), ``mu`` (d,); outputs ``X32`` (n, d) float32,
    ``x_norm`` (n,) (the norm with a relative slack of 1e-9 over its rounding).
    Returns ``max |X - mu|`` (the caller screens only below
    :data:`SCREEN_MAX_ABS`).
    """
    n, d = X.shape
    if n * d < ROWS_PARALLEL_MIN_WORK:
        return _shifted_rows(X, mu, X32, x_norm, 0, n)
    tops = np.zeros((n + LLOYD_BLOCK - 1) // LLOYD_BLOCK)
    _shifted_par(X, mu, X32, x_norm, tops)
    return tops.max()


@njit(cache=True, nogil=True)
def _lloyd_block(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels, sums, wsum, lo, hi):
    """Assign rows ``lo:hi`` and accumulate their weighted sums per cluster.

    The label of row ``i`` is the argmin over ``c`` of ``sq_dist(X, i, C, c)``
    (ties: lowest index), exactly :func:`dalgo._kernels.distances.assign_to_centers`.
    It is found by a float32 screen on shifted points (``X32``, ``Ct32``,
    ``c_sq``, ``x_norm``, ``c_norm``: see :func:`lloyd_step`): ``S = X32[lo:hi]
    @ Ct32`` is one float32 BLAS call on the block (the caller keeps BLAS
    single-threaded); where the two smallest ``c_sq - 2 S`` differ by more than
    :func:`screen_margin` the smallest is provably the label, else the row is
    assigned with ``sq_dist`` (``c_norm < 0``: every row).  Outputs ``labels``
    rows ``lo:hi``, ``sums`` (k, d) and ``wsum`` (k,) overwritten with this
    block's partial sums.
    Returns the number of rows assigned with ``sq_dist``.
    """
    k = C.shape[0]
    d = X.shape[1]
    screen = c_norm >= 0.0
    if screen:
        S = np.dot(X32[lo:hi], Ct32)
    sums[:, :] = 0.0
    wsum[:] = 0.0
    exact = 0
    for r in range(hi - lo):
        i = lo + r
        decided = False
        arg = 0
        if screen:
            b1 = np.inf
            b2 = np.inf
            for c in range(k):
                v = c_sq[c] - 2.0 * np.float64(S[r, c])
                if v < b1:
                    b2 = b1
                    b1 = v
                    arg = c
                elif v < b2:
                    b2 = v
            # NaN-safe: a NaN or infinite gap falls through to the exact rule
            decided = b2 - b1 > screen_margin(x_norm[i], c_norm, d) and b1 > -np.inf
        if not decided:
            exact += 1
            arg, _ = nearest_center(X, i, C)
        labels[i] = arg
        wi = w[i]
        wsum[arg] += wi
        for f in range(d):
            sums[arg, f] += wi * X[i, f]
    return exact


@njit(cache=True, nogil=True, parallel=True)
def _lloyd_step_par(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels, psums, pw, exact):
    n = X.shape[0]
    n_blocks = psums.shape[0]
    for b in prange(n_blocks):
        exact[b] = _lloyd_block(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels, psums[b],
                                pw[b], b * LLOYD_BLOCK, min(n, (b + 1) * LLOYD_BLOCK))


@njit(cache=True, nogil=True)
def lloyd_step(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels, psums, pw, exact):
    """One fused Lloyd pass: nearest centre for every point and partial sums.

    Inputs ``X`` (n, d), ``C`` (k, d) the centres, ``w`` (n,); for the screen,
    with a fixed shift ``mu`` (d,) (the mean of X keeps the norms, hence the
    margin, small): ``X32`` (n, d) ``X - mu`` in float32 (may be empty when
    ``c_norm < 0``), ``x_norm`` (n,) upper bounds of ``||x - mu||``, ``Ct32``
    (d, k) ``(C - mu).T`` in float32 (C-contiguous), ``c_sq`` (k,) the
    float64 ``||c - mu||^2``, ``c_norm`` an upper bound of every ``||c - mu||``
    (< 0: no screen, every row by ``sq_dist``).  Outputs ``labels`` (n,)
    the argmin of :func:`dalgo._kernels.distances.sq_dist` (see
    :func:`_lloyd_block`), ``psums`` (n_blocks, k, d) and ``pw`` (n_blocks, k)
    per-block weighted sums, ``n_blocks = ceil(n / LLOYD_BLOCK)``, and
    ``exact`` (n_blocks,) the rows per block assigned with ``sq_dist``;
    :func:`reduce_block_sums` adds the sums in block order.  Like scikit-learn's
    ``lloyd_iter_chunked_dense``, X is read once per iteration while a block is
    in cache; unlike it, the labels do not depend on BLAS and the reduction
    order is fixed, so nothing depends on the thread count.  Call with BLAS
    limited to one thread.
    """
    n, d = X.shape
    if n * d * C.shape[0] < PARALLEL_MIN_WORK:
        for b in range(psums.shape[0]):
            exact[b] = _lloyd_block(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels,
                                    psums[b], pw[b], b * LLOYD_BLOCK,
                                    min(n, (b + 1) * LLOYD_BLOCK))
    else:
        _lloyd_step_par(X, X32, x_norm, Ct32, C, c_sq, c_norm, w, labels, psums, pw, exact)


@njit(cache=True, nogil=True)
def _assigned_rows(X, C, labels, dist, lo, hi):
    for i in range(lo, hi):
        dist[i] = sq_dist(X, i, C, labels[i])


@njit(cache=True, nogil=True, parallel=True)
def _assigned_par(X, C, labels, dist):
    n = X.shape[0]
    n_blocks = (n + LLOYD_BLOCK - 1) // LLOYD_BLOCK
    for b in prange(n_blocks):
        _assigned_rows(X, C, labels, dist, b * LLOYD_BLOCK, min(n, (b + 1) * LLOYD_BLOCK))


@njit(cache=True, nogil=True)
def assigned_sq_distances(X, C, labels, dist):
    """``dist[i] = sq_dist(X, i, C, labels[i])``, rows split across threads when
    ``n * d >= ROWS_PARALLEL_MIN_WORK`` (no bit depends on the thread count).

    Inputs ``X`` (n, d), ``C`` (k, d), ``labels`` (n,); output ``dist`` (n,).
    """
    n, d = X.shape
    if n * d < ROWS_PARALLEL_MIN_WORK:
        _assigned_rows(X, C, labels, dist, 0, n)
    else:
        _assigned_par(X, C, labels, dist)


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
