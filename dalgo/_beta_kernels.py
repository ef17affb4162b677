"""numba kernels running a whole β-Lloyd's search (β ≠ 2, and medoids) in one call.

The execution tree runs one local search per leaf, a thousand or more per
instance, so the loop itself must not go through Python.  Arithmetic is
serial and in index order: results do not depend on the thread count.
"""

import numpy as np
from numba import njit

from ._kernels import _fill_empty_clusters, beta_center, min_enclosing_ball_center, sq_dist


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
def _group_by_label(labels, k, perm, offsets):
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
def _same_labels(labels, prev):
    for i in range(labels.shape[0]):
        if labels[i] != prev[i]:
            return False
    return True


@njit(cache=True, nogil=True)
def _count_and_fill_empty(labels, dist, counts):
    """Count cluster members and apply the empty-cluster rule; returns its moves."""
    counts[:] = 0
    for i in range(labels.shape[0]):
        counts[labels[i]] += 1
    return _fill_empty_clusters(labels, dist, counts, counts.shape[0])


@njit(cache=True, nogil=True)
def _assign_to_centers(X, centers, labels, dist):
    """Nearest centre by :func:`sq_dist` (ties: lowest index); ``dist`` squared.
    Returns the number of labels that changed."""
    n = X.shape[0]
    k = centers.shape[0]
    changed = 0
    for i in range(n):
        best = np.inf
        arg = 0
        for c in range(k):
            v = sq_dist(X, i, centers, c)
            if v < best:
                best = v
                arg = c
        if labels[i] != arg:
            changed += 1
        labels[i] = arg
        dist[i] = best
    return changed


@njit(cache=True, nogil=True)
def assign_and_fill(X, centers, labels, dist, counts):
    """One assignment step of :func:`beta_lloyd`: nearest centre, then the
    empty-cluster rule.  Returns the moves of that rule."""
    _assign_to_centers(X, centers, labels, dist)
    return _count_and_fill_empty(labels, dist, counts)


@njit(cache=True, nogil=True)
def cluster_beta_center(X, w, members, beta, inner_max_iter, inner_rtol, buf, wbuf, out):
    """β-centre of the rows ``members`` (increasing index) of ``X`` into ``out``.

    For β = 2 the weighted mean itself.  Otherwise the solver starts from the members' weighted mean (their plain mean if all
    weights are zero), never from an earlier centre: the centre is a function of
    the member set alone, so a β-Lloyd's run is a function of its current
    partition.  That is what lets many runs on one instance share their work
    (:class:`dalgo.SharedLocalSearch`) and stay bit-identical to a
    single run.  ``buf`` (>= m, d) and ``wbuf`` (>= m,) are scratch.
    """
    m = members.shape[0]
    d = X.shape[1]
    if m == 1:
        out[:] = X[members[0]]
        return
    total = 0.0
    for r in range(m):
        p = members[r]
        wbuf[r] = w[p]
        total += w[p]
        for f in range(d):
            buf[r, f] = X[p, f]
    out[:] = 0.0
    for r in range(m):
        wr = wbuf[r] / total if total > 0.0 else 1.0 / m
        for f in range(d):
            out[f] += wr * buf[r, f]
    if beta == 2.0:
        return
    if np.isinf(beta):
        min_enclosing_ball_center(buf[:m], out, inner_max_iter, inner_rtol)
    else:
        beta_center(buf[:m], wbuf[:m], beta, out, inner_max_iter, inner_rtol)


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
        if _same_labels(labels, prev):
            converged = True
            break
        _group_by_label(labels, k, perm, offsets)
        shift = 0.0
        for c in range(k):
            old[:] = centers[c]
            cluster_beta_center(X, w, perm[offsets[c]:offsets[c + 1]], beta, inner_max_iter,
                                inner_rtol, buf, wbuf, centers[c])
            for f in range(d):
                shift += (centers[c, f] - old[f]) ** 2
        prev[:] = labels
        if tol > 0.0 and shift <= tol:
            _assign_to_centers(X, centers, labels, dist)
            converged = True
            break
    if not converged:
        _assign_to_centers(X, centers, labels, dist)
    return n_iter, converged


@njit(cache=True, nogil=True)
def assign_medoids_and_fill(D, medoids, labels, dist, counts):
    """One assignment step of :func:`medoid_lloyd` (see :func:`assign_and_fill`)."""
    _assign_medoids(D, medoids, labels, dist)
    return _count_and_fill_empty(labels, dist, counts)


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
def medoid_lloyd(D, Dp, w, medoids, beta, max_iter, labels, dist):
    """k-medoids by alternation on a precomputed distance matrix.

    Inputs ``D`` (n, n) Euclidean distances, ``Dp`` their :func:`power_matrix`,
    ``w`` (n,), ``beta`` (``inf``: max); ``medoids`` (k,) holds the initial point indices and receives the
    final ones.  Outputs ``labels`` (n,), ``dist`` (n,) distance to the own
    medoid.  Each update tries every member as the centre and keeps the one of
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
        if _same_labels(labels, prev):
            converged = True
            break
        _group_by_label(labels, k, perm, offsets)
        for c in range(k):
            medoids[c] = cluster_medoid(Dp, w, perm[offsets[c]:offsets[c + 1]], beta)
        prev[:] = labels
    if not converged:
        _assign_medoids(D, medoids, labels, dist)
    return n_iter, converged


@njit(cache=True, nogil=True)
def _assign_medoids(D, medoids, labels, dist):
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
