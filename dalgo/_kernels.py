"""numba kernels for seeding and local search.

Every kernel takes plain arrays and scalars, writes into output arrays the caller
allocated, and documents which arguments are inputs and which are outputs.  No
kernel reads Python objects.  Parallel kernels (``prange``) only ever let an
iteration write its own rows, so results do not depend on the thread count; every
floating-point reduction across points runs serially in index order.

No ``fastmath``: the exact solver compares floats and must see NaN and inf as
they are.
"""

import numpy as np
from numba import njit, prange

# ---------------------------------------------------------------------------
# distances
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, parallel=True)
def distances_to_point(X, c, out):
    """Euclidean distances from every row of ``X`` to the point ``c``.

    Inputs ``X`` (n, d), ``c`` (d,); output ``out`` (n,).  Each distance is
    ``sqrt(sum_f (X[i, f] - c[f]) ** 2)`` summed over ``f`` in order, so
    ``d(i, j)`` computed here is bitwise equal to the entry of
    :func:`pairwise_distances` and symmetric.
    """
    n, d = X.shape
    for i in prange(n):
        acc = 0.0
        for f in range(d):
            diff = X[i, f] - c[f]
            acc += diff * diff
        out[i] = np.sqrt(acc)


@njit(cache=True, nogil=True, parallel=True)
def pairwise_distances(X, out):
    """All Euclidean distances between rows of ``X``.

    Input ``X`` (n, d); output ``out`` (n, n).  Same arithmetic as
    :func:`distances_to_point`, so rows of ``out`` equal its results bit for bit.
    """
    n, d = X.shape
    for i in prange(n):
        for j in range(n):
            acc = 0.0
            for f in range(d):
                diff = X[i, f] - X[j, f]
                acc += diff * diff
            out[i, j] = np.sqrt(acc)


@njit(cache=True, nogil=True, parallel=True)
def gram_matrix(X, out):
    """Inner products ``out[i, j] = sum_f X[i, f] * X[j, f]`` (serial in ``f``).

    Input ``X`` (n, d); output ``out`` (n, n), exactly symmetric.  Written out
    instead of calling BLAS so that the bits do not depend on the BLAS thread
    count.
    """
    n, d = X.shape
    for i in prange(n):
        for j in range(i, n):
            acc = 0.0
            for f in range(d):
                acc += X[i, f] * X[j, f]
            out[i, j] = acc
    for i in range(n):
        for j in range(i):
            out[i, j] = out[j, i]


@njit(cache=True, nogil=True, parallel=True)
def sq_distances_to_centers(X, centers, out):
    """Squared Euclidean distances by explicit differences.

    Inputs ``X`` (n, d), ``centers`` (k, d); output ``out`` (n, k).
    """
    n, d = X.shape
    k = centers.shape[0]
    for i in prange(n):
        for c in range(k):
            acc = 0.0
            for f in range(d):
                diff = X[i, f] - centers[c, f]
                acc += diff * diff
            out[i, c] = acc


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
    total = 0.0
    for j in range(n_zero, n):
        total += np.exp(alpha * (logd[j] - top) + (logw[j] - wtop))
    threshold = z * total
    acc = 0.0
    last = -1
    for j in range(n_zero, n):
        v = np.exp(alpha * (logd[j] - top) + (logw[j] - wtop))
        acc += v
        if v > 0.0:
            last = j
        if acc > threshold:
            return j
    # z * total rounded up to total: the last point with weight carries the rest.
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
            S[i, src] -= wp * G[i, p]
    if dst >= 0:
        Q[dst] += 2.0 * wp * S[p, dst] + wp * wp * G[p, p]
        W[dst] += wp
        for i in range(n):
            S[i, dst] += wp * G[i, p]


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
def gram_lloyd(G, w, seeds, max_iter, labels, dist):
    """Lloyd's k-means from point seeds on a precomputed Gram matrix.

    Inputs ``G`` (n, n) Gram matrix, ``w`` (n,) sample weights, ``seeds`` (k,)
    point indices, ``max_iter``.  Outputs ``labels`` (n,), ``dist`` (n,) squared
    distance of each point to its final mean.  Returns ``(n_iter, converged)``.

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
    if not converged:
        # make the labels those of the nearest final mean, as scikit-learn does
        _gram_assign(G, S, W, Q, labels, dist, k)
    return n_iter, converged


# ---------------------------------------------------------------------------
# centre updates and assignment on coordinates
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, parallel=True)
def assign_from_sq_distances(sqd, labels, dist):
    """Argmin over columns (ties: lowest index).

    Input ``sqd`` (n, k); outputs ``labels`` (n,), ``dist`` (n,) the minimum.
    """
    n, k = sqd.shape
    for i in prange(n):
        best = sqd[i, 0]
        arg = 0
        for c in range(1, k):
            if sqd[i, c] < best:
                best = sqd[i, c]
                arg = c
        labels[i] = arg
        dist[i] = best


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


@njit(cache=True, nogil=True)
def beta_center(Xc, w, beta, c, max_iter, rtol):
    """Minimise ``sum_i w_i ||x_i - c||^beta`` over ``c`` for finite beta >= 1.

    Inputs ``Xc`` (m, d) cluster members, ``w`` (m,), ``beta``; ``c`` (d,) is the
    start (typically the previous centre) and is overwritten with the result.
    Returns the number of iterations.

    Iteratively reweighted least squares: the step goes to the weighted mean with
    weights ``w_i ||x_i - c||^(beta - 2)``.  For beta <= 2 this is a
    majorise-minimise step (Weiszfeld for beta = 1), so the objective never
    increases; for beta > 2 it is a scaled gradient step, damped by 1/(beta - 1)
    (the curvature ratio of the objective) and backtracked until the objective
    decreases.  An iterate that lands on a data point is handled as in
    Vardi & Zhang (2000): the point's own weight is left out and the step is
    taken only if the remaining pull exceeds the point's weight.  Stops when the
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
        for i in range(m):
            acc = 0.0
            for f in range(d):
                diff = Xc[i, f] - c[f]
                acc += diff * diff
            r = np.sqrt(acc)
            if r == 0.0:
                at_point_weight += w[i]
                continue
            wi = w[i] * r ** (beta - 2.0)
            den += wi
            for f in range(d):
                num[f] += wi * Xc[i, f]
        if den == 0.0:
            break
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


@njit(cache=True, nogil=True, parallel=True)
def medoid_costs(Xc, w, beta, out):
    """β-cost of every member as the centre: ``out[m] = sum_i w_i d(i, m)^beta``.

    Input ``Xc`` (m, d), ``w`` (m,), ``beta`` (``inf`` = max); output ``out``
    (m,).  Each candidate's sum runs serially, so it is thread-count invariant.
    """
    m, d = Xc.shape
    for a in prange(m):
        total = 0.0
        for i in range(m):
            acc = 0.0
            for f in range(d):
                diff = Xc[i, f] - Xc[a, f]
                acc += diff * diff
            r = np.sqrt(acc)
            if np.isinf(beta):
                if w[i] > 0.0 and r > total:
                    total = r
            elif r > 0.0:
                total += w[i] * r**beta
        out[a] = total


@njit(cache=True, nogil=True)
def medoid_costs_from_distances(Dc, w, beta, out):
    """Same as :func:`medoid_costs` from a precomputed (m, m) distance block."""
    m = Dc.shape[0]
    for a in range(m):
        total = 0.0
        for i in range(m):
            r = Dc[i, a]
            if np.isinf(beta):
                if w[i] > 0.0 and r > total:
                    total = r
            elif r > 0.0:
                total += w[i] * r**beta
        out[a] = total


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
