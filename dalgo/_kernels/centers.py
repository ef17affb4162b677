"""Centres on coordinates: the β-centre of a member set (IRLS / Weiszfeld for
finite β, the minimum enclosing ball for β = ∞)."""

import numpy as np
from numba import njit

from .arrays import copy_into


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
    for it in range(1, max_iter + 1):  # noqa: B007 (returned)
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
def cluster_beta_center(X, w, members, beta, inner_max_iter, inner_rtol, buf, wbuf, out):
    """β-centre of the rows ``members`` (increasing index) of ``X`` into ``out``.

    For β = 2 the weighted mean itself.  Otherwise the solver starts from the
    members' weighted mean (their plain mean if all weights are zero), never
    from an earlier centre: the centre is a function of
    the member set alone, so a β-Lloyd's run is a function of its current
    partition.  That is what lets many runs on one instance share their work
    (:class:`dalgo.SharedLocalSearch`) and stay bit-identical to a
    single run.  ``buf`` (>= m, d) and ``wbuf`` (>= m,) are scratch.
    """
    m = members.shape[0]
    d = X.shape[1]
    if m == 1:
        copy_into(out, X[members[0]])
        return
    total = 0.0
    for r in range(m):
        total += w[members[r]]
    out[:] = 0.0
    for r in range(m):
        p = members[r]
        wr = w[p] / total if total > 0.0 else 1.0 / m
        for f in range(d):
            out[f] += wr * X[p, f]
    if beta == 2.0:
        return
    # the solver works on a contiguous copy of the members
    for r in range(m):
        p = members[r]
        wbuf[r] = w[p]
        for f in range(d):
            buf[r, f] = X[p, f]
    if np.isinf(beta):
        min_enclosing_ball_center(buf[:m], out, inner_max_iter, inner_rtol)
    else:
        beta_center(buf[:m], wbuf[:m], beta, out, inner_max_iter, inner_rtol)
