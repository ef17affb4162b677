"""numba kernels of the execution tree: where the d^α choice changes with α.

The tree never re-derives the seeding rule: it evaluates
:func:`dalgo._kernels.choose_position` (the one definition of the rule, also
used by :func:`dalgo.dalpha_seeding`) and bisects on it, so every piece agrees
with a direct run at any α inside it.
"""

import numpy as np
from numba import njit

from ._kernels import choose_position

#: Bisection stops when the bracket is at most this many ulps wide; with 1 ulp
#: the breakpoint is the first float at which the choice changes.
BISECTION_ULPS = 1
#: Doubling search for an upper bracket stops here (no finite crossing beyond).
ALPHA_SEARCH_MAX = 1e300


@njit(cache=True, nogil=True)
def _first_change(logd, logw, n_zero, z, lo, hi, j):
    """Smallest float in ``(lo, hi]`` where the choice exceeds ``j``.

    Precondition: ``choose(lo) <= j < choose(hi)``.  Bisects until the
    bracket is ``BISECTION_ULPS`` wide; midpoints are geometric while the
    bracket spans more than a factor 4, so that α up to 1e300 costs few steps.
    """
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
