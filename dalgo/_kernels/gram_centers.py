"""β-centres on the Gram matrix: Euclidean β ∉ {2, ∞} in high dimension.

A β-centre of a member set ``S`` lies in the convex hull of its members, so it
is written ``c = sum_r a_r x_{S_r}`` and only the coefficients ``a`` (m,) are
iterated.  With the members' Gram matrix ``Gs = G[S][:, S]``, ``g = Gs a`` and
``q = a' g = ||c||^2``::

    ||x_{S_r} - c||^2 = Gs[r, r] - 2 g[r] + q,

so an iteration costs O(m^2) (one product with ``Gs``) instead of O(m d).  The
assignment step reads, per centre, its projections ``p = G[:, S] a``
(``p[i] = x_i . c``): ``||x_i - c||^2 = G[i, i] - 2 p[i] + q``, O(n k) per
step once the centres' projections are known (O(n m) per new centre).

Numerical care: a squared distance from the Gram formula cancels; values at
or below ``GRAM_ZERO_RTOL * (G[i, i] + q)`` are rounding noise of the formula
(and of ``G`` itself) and count as exactly 0 -- the point is on the centre.
For MNIST scale (``||x||^2`` about 100) that is a distance below about 1e-5,
against cluster spreads of about 7.

Every function here is a pure function of its inputs (no state kept between
calls): a centre is a function of its member set alone, which lets
:class:`dalgo.SharedLocalSearch` share centres between runs and keeps results
independent of the order of the runs and of the thread count.
"""

import numpy as np
from numba import njit

from .arrays import copy_into
from .centers import JUMP_RTOL
from .lloyd import group_by_label, settle_assignment

#: Relative size below which a squared distance from the Gram formula is 0.
GRAM_ZERO_RTOL = 1e-12


@njit(cache=True, nogil=True)
def _sym_matvec(Gs, x, out):
    """``out = Gs @ x`` for a symmetric ``Gs`` (m, m), as a sum of rows scaled by
    ``x[r]`` in increasing ``r`` (contiguous, vectorisable, fixed order); rows with
    ``x[r] == 0`` are skipped."""
    m = x.shape[0]
    for s in range(m):
        out[s] = 0.0
    for r in range(m):
        xr = x[r]
        if xr != 0.0:
            for s in range(m):
                out[s] += xr * Gs[r, s]


@njit(cache=True, nogil=True)
def _dot(x, y):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    return acc


@njit(cache=True, nogil=True)
def gram_sq_dist(gii, gi, q):
    """``gii - 2 gi + q`` (= ``||x_i - c||^2`` with ``gii = ||x_i||^2``, ``gi = x_i . c``,
    ``q = ||c||^2``), 0 when at or below ``GRAM_ZERO_RTOL * (gii + q)``."""
    r2 = gii - 2.0 * gi + q
    if r2 <= GRAM_ZERO_RTOL * (gii + q):
        return 0.0
    return r2


@njit(cache=True, nogil=True)
def _power(r2, beta):
    """``r2 ** (beta / 2)``, by ``sqrt`` for beta = 1 and 3."""
    if beta == 1.0:
        return np.sqrt(r2)
    if beta == 3.0:
        return r2 * np.sqrt(r2)
    return r2 ** (0.5 * beta)


@njit(cache=True, nogil=True)
def _irls_weight(dist, beta):
    """``dist ** (beta - 2)``, by a division for beta = 1 and as is for beta = 3."""
    if beta == 1.0:
        return 1.0 / dist
    if beta == 3.0:
        return dist
    return dist ** (beta - 2.0)


@njit(cache=True, nogil=True)
def _objective(Gs, w, g, h, t, q, beta):
    """``sum_r w_r ||x_r - c_t||^beta`` at ``c_t`` with ``Gs a_t = g + t h`` and
    ``||c_t||^2 = q``."""
    total = 0.0
    for r in range(w.shape[0]):
        r2 = gram_sq_dist(Gs[r, r], g[r] + t * h[r], q)
        if r2 > 0.0:
            total += w[r] * _power(r2, beta)
    return total


@njit(cache=True, nogil=True)
def _objective_at_member(Gs, w, p, beta):
    total = 0.0
    gpp = Gs[p, p]
    for r in range(w.shape[0]):
        r2 = gram_sq_dist(Gs[r, r], Gs[p, r], gpp)
        if r2 > 0.0:
            total += w[r] * _power(r2, beta)
    return total


@njit(cache=True, nogil=True)
def gram_beta_center(Gs, w, beta, a, max_iter, rtol):
    """Minimise ``sum_r w_r ||x_r - c||^beta`` over ``c = sum_r a_r x_r``, finite beta >= 1.

    Inputs ``Gs`` (m, m) the members' Gram matrix (exactly symmetric), ``w``
    (m,), ``beta``; ``a`` (m,) the start (the weighted mean's coefficients in
    the local searches), overwritten with the result.  Returns ``(n_iter, q)``,
    ``q = ||c||^2``.

    The iteration of :func:`dalgo._kernels.centers.beta_center`, in
    coefficients: the IRLS / Weiszfeld target has coefficients ``w_r
    ||x_r - c||^(beta - 2) / den``; for beta > 2 the step is damped by
    1/(beta - 1) and backtracked until the objective does not increase; the
    Vardi-Zhang guard when the iterate is on a member; for beta = 1 a jump onto
    the nearest member when it lowers the objective by more than ``JUMP_RTOL``
    (relative).  One product with ``Gs`` per iteration (the step direction's);
    the trial objectives of the backtracking are O(m) each.  Stops when the
    step's length ``||c_new - c||`` is at most ``rtol`` times the members' RMS
    distance to the start, when no step lowers the objective, or after
    ``max_iter`` iterations.
    """
    m = a.shape[0]
    g = np.empty(m)
    h = np.empty(m)
    delta = np.empty(m)
    zero = np.zeros(m)
    _sym_matvec(Gs, a, g)
    q = _dot(a, g)
    scale = 0.0
    for r in range(m):
        scale += gram_sq_dist(Gs[r, r], g[r], q)
    scale = np.sqrt(scale / m) + 1e-300
    damp = 1.0 if beta <= 2.0 else 1.0 / (beta - 1.0)
    fc = _objective(Gs, w, g, zero, 0.0, q, beta)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (returned)
        den = 0.0
        at_point_weight = 0.0
        nearest = -1
        r_near = np.inf
        for r in range(m):
            r2 = gram_sq_dist(Gs[r, r], g[r], q)
            if r2 == 0.0:
                at_point_weight += w[r]
                delta[r] = 0.0
                continue
            dist = np.sqrt(r2)
            if w[r] > 0.0 and dist < r_near:
                r_near = dist
                nearest = r
            v = w[r] * _irls_weight(dist, beta)
            delta[r] = v
            den += v
        if den == 0.0:
            break
        if beta == 1.0 and at_point_weight == 0.0 and nearest >= 0:
            fn = _objective_at_member(Gs, w, nearest, beta)
            if fn < fc * (1.0 - JUMP_RTOL):
                a[:] = 0.0
                a[nearest] = 1.0
                for s in range(m):
                    g[s] = Gs[nearest, s]
                q = Gs[nearest, nearest]
                fc = fn
                continue
        for r in range(m):
            delta[r] = delta[r] / den - a[r]
        _sym_matvec(Gs, delta, h)
        dh = max(_dot(delta, h), 0.0)  # ||step||^2
        if at_point_weight > 0.0 and beta == 1.0:
            pull = den * np.sqrt(dh)
            if pull <= at_point_weight:
                break
            shrink = 1.0 - at_point_weight / pull
            for r in range(m):
                delta[r] *= shrink
                h[r] *= shrink
            dh *= shrink * shrink
        dg = _dot(delta, g)
        step = damp
        accepted = False
        fn = fc
        for _ in range(60):
            qt = q + 2.0 * step * dg + step * step * dh
            fn = _objective(Gs, w, g, h, step, qt, beta)
            if fn <= fc:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            break
        for r in range(m):
            a[r] += step * delta[r]
            g[r] += step * h[r]
        q = _dot(a, g)
        fc = fn
        if step * np.sqrt(dh) <= rtol * scale:
            break
    return it, q


@njit(cache=True, nogil=True)
def gram_cluster_center(G, w, members, beta, inner_max_iter, inner_rtol, a, p):
    """The β-centre of the rows ``members`` (increasing index) from the Gram matrix.

    Inputs ``G`` (n, n) the instance's Gram matrix (exactly symmetric), ``w``
    (n,), ``members`` (m,), ``beta`` finite, ≠ 2, the inner solver limits.
    Outputs ``a`` (m,) the centre's coefficients on the members, ``p`` (n,) its
    projections ``p[i] = x_i . c``.  Returns ``q = ||c||^2``.

    The solver starts from the members' weighted mean (their plain mean if all
    weights are zero), never from an earlier centre, so the result is a
    function of the member set alone.  One member: the member itself; no
    members: the origin (as on coordinates).
    """
    m = members.shape[0]
    n = G.shape[0]
    p[:] = 0.0
    if m == 0:
        return 0.0
    if m == 1:
        a[0] = 1.0
        s = members[0]
        for i in range(n):
            p[i] = G[s, i]
        return G[s, s]
    Gs = np.empty((m, m))
    ws = np.empty(m)
    total = 0.0
    for r in range(m):
        i = members[r]
        ws[r] = w[i]
        total += w[i]
        for s in range(m):
            Gs[r, s] = G[i, members[s]]
    for r in range(m):
        a[r] = ws[r] / total if total > 0.0 else 1.0 / m
    _, q = gram_beta_center(Gs, ws, beta, a, inner_max_iter, inner_rtol)
    for r in range(m):
        ar = a[r]
        if ar != 0.0:
            row = members[r]
            for i in range(n):
                p[i] += ar * G[row, i]
    return q


@njit(cache=True, nogil=True)
def gram_assign(G, P, q, labels, dist):
    """Nearest centre for every point (ties: lowest index), no empty-cluster rule.

    Inputs ``G`` (n, n) (its diagonal is read), ``P`` (k, n) the centres'
    projections ``P[c, i] = x_i . c_c``, ``q`` (k,) ``||c_c||^2``.  Outputs
    ``labels`` (n,), ``dist`` (n,) squared distances ``G[i, i] - 2 P[c, i] +
    q[c]`` (not clamped: may be slightly negative from rounding).
    """
    n = G.shape[0]
    k = q.shape[0]
    for i in range(n):
        best = np.inf
        arg = 0
        gii = G[i, i]
        for c in range(k):
            v = gii - 2.0 * P[c, i] + q[c]
            if v < best:
                best = v
                arg = c
        labels[i] = arg
        dist[i] = best


@njit(cache=True, nogil=True)
def gram_seed_centers(G, seeds, P, q):
    """Projections (``P`` (k, n)) and squared norms (``q`` (k,)) of the seed points."""
    for c in range(seeds.shape[0]):
        s = seeds[c]
        P[c] = G[s]
        q[c] = G[s, s]


@njit(cache=True, nogil=True)
def gram_update_centers(G, w, beta, inner_max_iter, inner_rtol, labels, k, P, q, coef):
    """Move every centre to the β-centre of its members (increasing index).

    Inputs ``G`` (n, n), ``w`` (n,), ``beta``, inner limits, ``labels`` (n,),
    ``k``.  Outputs ``P`` (k, n), ``q`` (k,), ``coef`` (n,): point ``i``'s
    coefficient in its cluster's centre.
    """
    n = G.shape[0]
    perm = np.empty(n, dtype=np.intp)
    offsets = np.zeros(k + 1, dtype=np.intp)
    group_by_label(labels, k, perm, offsets)
    for c in range(k):
        members = perm[offsets[c]:offsets[c + 1]]
        a = np.empty(members.shape[0])
        q[c] = gram_cluster_center(G, w, members, beta, inner_max_iter, inner_rtol, a, P[c])
        for r in range(members.shape[0]):
            coef[members[r]] = a[r]


@njit(cache=True, nogil=True)
def gram_beta_lloyd(G, w, seeds, beta, max_iter, inner_max_iter, inner_rtol, labels, dist,
                    center_labels, coef):
    """β-Lloyd's (finite β ≠ 2, Euclidean centres) from point seeds, on the Gram matrix.

    Inputs ``G`` (n, n) exactly symmetric Gram matrix, ``w`` (n,), ``seeds``
    (k,) point indices, ``beta``, ``max_iter``, inner solver limits.  Outputs
    ``labels`` (n,), ``dist`` (n,) squared distances (Gram formula, not
    clamped), ``center_labels`` (n,) the partition whose β-centres are the final
    centres and ``coef`` (n,) each point's coefficient in its centre there
    (``centre c = sum_{center_labels[i] = c} coef[i] x_i``).  Returns
    ``(n_iter, converged)`` under the stop rule of :mod:`dalgo._kernels.lloyd`
    (``tol = 0``).  :class:`dalgo.SharedLocalSearch` runs the same steps from
    Python.
    """
    n = G.shape[0]
    k = seeds.shape[0]
    P = np.empty((k, n))
    q = np.empty(k)
    prev = np.full(n, -1, dtype=np.intp)
    counts = np.zeros(k, dtype=np.intp)
    gram_seed_centers(G, seeds, P, q)
    converged = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        gram_assign(G, P, q, labels, dist)
        unchanged, _ = settle_assignment(labels, dist, counts, prev)
        if unchanged:
            converged = True
            break
        gram_update_centers(G, w, beta, inner_max_iter, inner_rtol, labels, k, P, q, coef)
        copy_into(prev, labels)
    if not converged:
        gram_assign(G, P, q, labels, dist)
    copy_into(center_labels, prev)
    return n_iter, converged


@njit(cache=True, nogil=True)
def centers_from_coefficients(X, center_labels, coef, centers):
    """``centers[c] = sum_{center_labels[i] = c} coef[i] X[i]`` in increasing ``i``.

    Inputs ``X`` (n, d), ``center_labels`` (n,), ``coef`` (n,); output ``centers``
    (k, d) (a cluster without members: the origin).
    """
    centers[:, :] = 0.0
    d = X.shape[1]
    for i in range(X.shape[0]):
        c = center_labels[i]
        ai = coef[i]
        if c >= 0 and ai != 0.0:
            for f in range(d):
                centers[c, f] += ai * X[i, f]
