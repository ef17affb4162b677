"""numba kernels of the execution tree: where the d^α choice changes with α.

The tree never re-derives the seeding rule: it evaluates
:func:`dalgo._kernels.seeding.choose_position` (the one definition of the rule, also
used by :func:`dalgo.dalpha_seeding`) and bisects on it.  That rule is
monotone in α even in floating point, so every piece agrees with a direct run at
every float α inside it."""

import numpy as np
from numba import njit

from .seeding import choose_position

#: Bisection stops when the bracket is at most this many ulps wide; with 1 ulp
#: the breakpoint is the first float at which the choice changes.
BISECTION_ULPS = 1
#: Doubling search for an upper bracket stops here (no finite crossing beyond).
ALPHA_SEARCH_MAX = 1e300


#: Newton steps on the smooth prefix fraction before the final bisection.
NEWTON_MAX_ITER = 30
#: Newton stops when its step is below this relative size; the bracket for the
#: final bisection is then ``x (1 -/+ NEWTON_BRACKET)`` if the rule agrees there
#: (if not, the bracket keeps whichever end the rule confirms: still exact).
NEWTON_RTOL = 4e-15
NEWTON_BRACKET = 2e-14


@njit(cache=True, nogil=True)
def _prefix_fraction(logd, logw, n_zero, j, alpha):
    """``F_j(alpha)`` and its derivative in α, in the scaling of ``choose_position``.

    Inputs: sorted ``logd``/``logw``, ``n_zero``, position ``j``, finite
    ``alpha``.  Returns ``(F_j, dF_j/dα)`` with ``F_j`` the fraction of the
    weight ``exp(α (logd - top) + logw - wtop)`` on positions ``<= j``.  Only a
    guide for Newton's method: decisions are always taken by
    :func:`dalgo._kernels.choose_position`.
    """
    n = logd.shape[0]
    top = -np.inf
    wtop = -np.inf
    for i in range(n_zero, n):
        if logw[i] > -np.inf:
            top = logd[i]
            if logw[i] > wtop:
                wtop = logw[i]
    total = 0.0
    dtotal = 0.0
    part = 0.0
    dpart = 0.0
    for i in range(n_zero, n):
        if logw[i] == -np.inf:
            continue
        r = logd[i] - top
        v = np.exp(alpha * r + (logw[i] - wtop))
        total += v
        dtotal += r * v
        if i <= j:
            part += v
            dpart += r * v
    if total <= 0.0:
        return 0.0, 0.0
    return part / total, (dpart * total - part * dtotal) / (total * total)


@njit(cache=True, nogil=True)
def _bisect(logd, logw, n_zero, z, lo, hi, j):
    """Bisection on the rule down to ``BISECTION_ULPS``; see :func:`_first_change`."""
    while True:
        nxt = np.nextafter(lo, np.inf)
        for _ in range(BISECTION_ULPS - 1):
            nxt = np.nextafter(nxt, np.inf)
        if nxt >= hi:
            return hi
        if lo > 0.0 and hi > 4.0 * lo:
            mid = np.sqrt(lo) * np.sqrt(hi)
        elif lo <= 0.0 and hi > 4.0:
            mid = 1.0 if hi > 1.0 else 0.5 * hi
        else:
            mid = lo + 0.5 * (hi - lo)
        if mid <= lo or mid >= hi:
            return hi
        if choose_position(logd, logw, n_zero, mid, z) > j:
            hi = mid
        else:
            lo = mid


@njit(cache=True, nogil=True)
def _first_change(logd, logw, n_zero, z, lo, hi, j):
    """A float in ``(lo, hi]`` where the choice first exceeds ``j``.

    Precondition: ``choose(lo) <= j < choose(hi)``.  The crossing is the root of
    the smooth, decreasing ``F_j(α) - z``; a safeguarded Newton iteration on it
    (kept inside the bracket, bisecting when a step leaves it) locates the
    root to ~4e-15, then ``choose_position`` is evaluated at ``x (1 -/+ 2e-14)``
    to shrink the bracket and a final bisection on the rule itself finishes to
    ``BISECTION_ULPS``.  The bracket invariant ``choose(lo) <= j < choose(hi)``
    holds throughout (only the rule moves it), so the result is the same kind of
    point the plain bisection returns, with about 3x fewer evaluations of the
    rule (``benchmarks/bench_tree.py``: 2.9x less kernel time on MNIST nodes).
    """
    a = lo
    b = hi
    x = lo  # F_j(lo) > z: Newton moves right from the left end
    converged = False
    for _ in range(NEWTON_MAX_ITER):
        f, df = _prefix_fraction(logd, logw, n_zero, j, x)
        g = f - z
        if g > 0.0:
            a = x
        else:
            b = x
        if df < 0.0:
            step = g / df
            xn = x - step
        else:
            xn = np.nan
        if not (xn > a and xn < b):
            # Newton left the bracket (or no slope): bisect it instead
            if a > 0.0 and b > 4.0 * a:
                xn = np.sqrt(a) * np.sqrt(b)
            else:
                xn = a + 0.5 * (b - a)
            step = x - xn
        if abs(step) <= NEWTON_RTOL * abs(xn) or xn <= a or xn >= b:
            x = xn
            converged = True
            break
        x = xn
    if converged and x > lo and x < hi:
        left = x * (1.0 - NEWTON_BRACKET)
        right = x * (1.0 + NEWTON_BRACKET)
        if left > lo:
            if choose_position(logd, logw, n_zero, left, z) > j:
                hi = left
            else:
                lo = left
        if right < hi:
            if choose_position(logd, logw, n_zero, right, z) > j:
                hi = right
            else:
                lo = right
    return _bisect(logd, logw, n_zero, z, lo, hi, j)


@njit(cache=True, nogil=True)
def node_pieces(logd, logw, n_zero, z, a, b, starts, positions):
    """Sweep α over ``[a, b)`` (``b`` may be inf, then ``[a, inf]``) for one node.

    Inputs: sorted ``logd``, ``logw`` and ``n_zero`` from
    :func:`dalgo._kernels.sort_by_distance`, the node's draw ``z``, its
    interval.  Outputs: ``starts`` and ``positions`` (capacity n + 1): piece
    ``i`` starts at ``starts[i]`` and chooses sorted position
    ``positions[i]``.  Returns the number of pieces.  Positions only increase
    along the sweep, so there are at most n pieces.
    """
    j = choose_position(logd, logw, n_zero, a, z)
    starts[0] = a
    positions[0] = j
    m = 1
    if np.isinf(b):
        j_end = choose_position(logd, logw, n_zero, np.inf, z)
        last = np.inf
    else:
        last = np.nextafter(b, -np.inf)
        if last < a:
            return m
        j_end = choose_position(logd, logw, n_zero, last, z)
    cur = a
    while j < j_end:
        # upper bracket: a float where the choice already moved past j
        if np.isinf(last):
            hi = 2.0 * cur if cur >= 1.0 else 1.0
            while hi < ALPHA_SEARCH_MAX and choose_position(logd, logw, n_zero, hi, z) <= j:
                hi *= 2.0
            if choose_position(logd, logw, n_zero, hi, z) <= j:
                # no finite α moves the choice: the limit at inf differs only
                # through ties closer than the float grid; give inf its own piece
                starts[m] = np.inf
                positions[m] = j_end
                return m + 1
        else:
            hi = last
        cross = _first_change(logd, logw, n_zero, z, cur, hi, j)
        j = choose_position(logd, logw, n_zero, cross, z)
        starts[m] = cross
        positions[m] = j
        m += 1
        cur = cross
    return m
