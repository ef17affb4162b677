"""numba kernels of the execution tree: where the d^α choice changes with α.

The tree never re-derives the seeding rule: it evaluates
:func:`dalgo._kernels.seeding.choose_position` (the one definition of the rule, also
used by :func:`dalgo.dalpha_seeding`) and bisects on it.  That rule is
monotone in α even in floating point, so every piece agrees with a direct run at
every float α inside it."""

import numpy as np
from numba import njit, prange

from .distances import distances_to_point
from .libm import exp, log
from .seeding import choose_position_buf, sort_by_distance

#: Bisection stops when the bracket is at most this many ulps wide; with 1 ulp
#: the breakpoint is the first float at which the choice changes.
BISECTION_ULPS = 1
#: Doubling search for an upper bracket stops here (no finite crossing beyond).
ALPHA_SEARCH_MAX = 1e300


#: Newton steps on the smooth log-odds of the prefix before the final bisection.
NEWTON_MAX_ITER = 30
#: Newton stops after a step below this relative size: its convergence is
#: quadratic on the nearly linear log-odds, so that last step lands within a few
#: ulps of the crossing; the rule then brackets the crossing by galloping out of
#: Newton's root ``x`` (any bracket the rule confirms gives the same, exact,
#: breakpoint, so this only trades Newton steps against rule evaluations).
NEWTON_RTOL = 1e-7
#: First probe of the gallop out of Newton's root, in units of its ulp (about
#: ``x * 2**-52``); the median distance to the crossing is 3–4 ulps on MNIST and
#: digits nodes.
GALLOP_ULPS = 4.0
_EPS = 2.0**-52


@njit(cache=True, nogil=True)
def _tops(logd, logw, n_zero):
    """``(top, wtop)``: the largest log-distance and log-weight among the points of
    positive weight, the offsets of :func:`dalgo._kernels.choose_position_buf`."""
    top = -np.inf
    wtop = -np.inf
    for i in range(n_zero, logd.shape[0]):
        if logw[i] > -np.inf:
            top = logd[i]
            if logw[i] > wtop:
                wtop = logw[i]
    return top, wtop


@njit(cache=True, nogil=True)
def _held_row(at, alpha):
    """The scratch row holding the rule's weights at ``alpha`` (see :func:`_rule`), or -1."""
    for r in range(at.shape[0]):
        if at[r] == alpha:
            return r
    return -1


@njit(cache=True, nogil=True)
def _log_odds(logd, logw, n_zero, j, alpha, top, wtop, bufs, row):
    """``log(L_j / R_j)`` and its derivative in α: the guide of Newton's method.

    Inputs: sorted ``logd``/``logw``, ``n_zero``, position ``j``, finite
    ``alpha``, the offsets ``top, wtop`` (:func:`_tops`).  ``L_j`` sums the
    weights ``exp(α (logd - top) + logw - wtop)`` of positions ``<= j``,
    ``R_j`` those after it; ``F_j > z`` exactly when
    ``log(L_j / R_j) > log(z / (1 - z))``.  The log-odds are close to linear in
    α (exactly so for two distances), so Newton needs few steps.  When
    ``row >= 0``, ``bufs[row]`` already holds those weights at ``alpha`` (the
    rule computed them there, term for term the same expression) and no
    exponential is evaluated.  Only a guide: decisions are always taken by
    :func:`dalgo._kernels.choose_position`.  Returns ``(nan, nan)`` when a sum
    underflows.
    """
    n = logd.shape[0]
    left = 0.0
    dleft = 0.0
    right = 0.0
    dright = 0.0
    for i in range(n_zero, n):
        if logw[i] == -np.inf:
            continue
        r = logd[i] - top
        if row >= 0:
            v = bufs[row, i]
        else:
            v = exp(alpha * r + (logw[i] - wtop))
        if i <= j:
            left += v
            dleft += r * v
        else:
            right += v
            dright += r * v
    if left <= 0.0 or right <= 0.0:
        return np.nan, np.nan
    return log(left) - log(right), dleft / left - dright / right


@njit(cache=True, nogil=True)
def _rule(logd, logw, n_zero, alpha, z, bufs, at, choice, keep_a, keep_b):
    """The rule's choice at ``alpha`` (:func:`dalgo._kernels.choose_position_buf`),
    its weights kept for Newton's method.

    ``bufs`` (3, n) are scratch rows, ``at`` (3,) the α whose weights each row
    holds (nan: none) and ``choice`` (3,) the rule's value there (an α already
    held is answered from it: the rule is a function of α).  The rule writes
    into a row that holds neither ``keep_a`` nor ``keep_b`` (the bracket's
    ends, whose weights may still be read), and the row is labelled ``alpha``
    when the rule filled it (finite α, some point of positive weight)."""
    r = _held_row(at, alpha)
    if r >= 0:
        return choice[r]
    r = 0
    while at[r] == keep_a or at[r] == keep_b:  # no α is held twice: a row is free
        r += 1
    jm = choose_position_buf(logd, logw, n_zero, alpha, z, bufs[r])
    if jm >= 0 and np.isfinite(alpha):
        at[r] = alpha
        choice[r] = jm
    else:
        at[r] = np.nan
    return jm


@njit(cache=True, nogil=True)
def _bisect(logd, logw, n_zero, z, lo, hi, j, jhi, bufs, at, choice):
    """Bisection on the rule down to ``BISECTION_ULPS``; see :func:`_first_change`.

    ``jhi`` is the rule's choice at ``hi``; returns ``(hi, choice at hi)``."""
    while True:
        nxt = np.nextafter(lo, np.inf)
        for _ in range(BISECTION_ULPS - 1):
            nxt = np.nextafter(nxt, np.inf)
        if nxt >= hi:
            return hi, jhi
        if lo > 0.0 and hi > 4.0 * lo:
            mid = np.sqrt(lo) * np.sqrt(hi)
        elif lo <= 0.0 and hi > 4.0:
            mid = 1.0 if hi > 1.0 else 0.5 * hi
        else:
            mid = lo + 0.5 * (hi - lo)
        if mid <= lo or mid >= hi:
            return hi, jhi
        jm = _rule(logd, logw, n_zero, mid, z, bufs, at, choice, lo, hi)
        if jm > j:
            hi = mid
            jhi = jm
        else:
            lo = mid


@njit(cache=True, nogil=True)
def _first_change(logd, logw, n_zero, z, lo, hi, j, jhi, top, wtop, bufs, at, choice):
    """A float in ``(lo, hi]`` where the choice first exceeds ``j``, and the choice there.

    Precondition: ``choose(lo) <= j < choose(hi) = jhi``.  Returns ``(x, choose(x))``
    (the rule's value at ``x`` as computed when ``x`` became the upper end).
    The crossing is the root of the smooth, decreasing ``F_j(α) - z``, or of
    the log-odds ``log(L_j / R_j) - log(z / (1 - z))`` (:func:`_log_odds`),
    nearly linear in α; a safeguarded Newton iteration on the latter (kept
    inside the bracket, bisecting when a step leaves it) locates the root to a
    few ulps, then the rule (``choose_position_buf``) is evaluated at ``x`` and at
    ``x -/+ 4, 8, 16, ...`` ulps (``GALLOP_ULPS``) on the side where the
    crossing lies until the rule brackets it, and a final bisection on the rule
    itself finishes to ``BISECTION_ULPS``.  The bracket invariant
    ``choose(lo) <= j < choose(hi)`` holds throughout (only the rule moves it),
    and the rule is monotone, so the result is the first float at which the
    choice exceeds ``j`` whatever the bracket: the point the plain bisection
    returns, with far fewer evaluations of the rule.  Newton's first step, at
    ``lo``, reads the weights the rule left there (``bufs``/``at``, see
    :func:`_rule`) instead of recomputing them.
    """
    a = lo
    b = hi
    target = log(z) - np.log1p(-z)  # F_j > z  <=>  log-odds > target
    x = lo  # F_j(lo) > z: Newton moves right from the left end
    converged = False
    prev_step = 0.0
    for _ in range(NEWTON_MAX_ITER):
        h, dh = _log_odds(logd, logw, n_zero, j, x, top, wtop, bufs, _held_row(at, x))
        g = h - target
        df = dh
        if g > 0.0:
            a = x
        elif g <= 0.0:  # nan (a sum underflowed) moves neither end
            b = x
        newton = df < 0.0
        if newton:
            step = g / df
            xn = x - step
        else:
            xn = np.nan
        if not (xn > a and xn < b):
            newton = False
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
        if newton and prev_step != 0.0:
            # quadratic convergence: the error after this step is about
            # step**3 / prev_step**2; once that is within the gallop's first
            # probe, a further Newton pass could not shorten the rule's search
            if abs(step) ** 3 <= GALLOP_ULPS * _EPS * abs(xn) * prev_step * prev_step:
                x = xn
                converged = True
                break
        prev_step = step if newton else 0.0
        x = xn
    if converged and x > lo and x < hi:
        # gallop out from Newton's root (usually a few ulps from the crossing):
        # the rule at x picks the side, then probes at x -/+ 4, 8, 16, ... ulps
        jx = _rule(logd, logw, n_zero, x, z, bufs, at, choice, lo, hi)
        if jx > j:
            hi = x
            jhi = jx
            sign = -1.0
        else:
            lo = x
            sign = 1.0
        delta = GALLOP_ULPS * _EPS * x
        while True:
            probe = x + sign * delta
            if probe <= lo or probe >= hi:
                break
            jp = _rule(logd, logw, n_zero, probe, z, bufs, at, choice, lo, hi)
            if jp > j:
                hi = probe
                jhi = jp
                if sign > 0.0:
                    break
            else:
                lo = probe
                if sign < 0.0:
                    break
            delta *= 2.0
    return _bisect(logd, logw, n_zero, z, lo, hi, j, jhi, bufs, at, choice)


@njit(cache=True, nogil=True)
def node_pieces(logd, logw, n_zero, z, a, b, starts, positions, col):
    """Sweep α over ``[a, b)`` (``b`` may be inf, then ``[a, inf]``) for one node.

    Inputs: sorted ``logd``, ``logw`` and ``n_zero`` from
    :func:`dalgo._kernels.sort_by_distance`, the node's draw ``z``, its
    interval.  Outputs: column ``col`` of ``starts`` and ``positions``
    (n + 1, ·): piece ``i`` starts at ``starts[i, col]`` and chooses sorted
    position ``positions[i, col]`` (piece-major: the few pieces of many sweeps
    share pages).  Returns the number of pieces.  Positions only increase
    along the sweep, so there are at most n pieces.  The rule is
    :func:`dalgo._kernels.seeding.choose_position_buf`, through :func:`_rule`,
    which keeps the weights of the last few α it was evaluated at (three
    scratch rows for the whole sweep): every crossing is then the next
    search's left end, where Newton's first step reads them.
    """
    bufs = np.empty((3, logd.shape[0]))
    at = np.full(3, np.nan)
    choice = np.zeros(3, dtype=np.intp)
    top, wtop = _tops(logd, logw, n_zero)
    j = _rule(logd, logw, n_zero, a, z, bufs, at, choice, np.nan, np.nan)
    starts[0, col] = a
    positions[0, col] = j
    m = 1
    if np.isinf(b):
        j_end = _rule(logd, logw, n_zero, np.inf, z, bufs, at, choice, a, np.nan)
        last = np.inf
    else:
        last = np.nextafter(b, -np.inf)
        if last < a:
            return m
        j_end = _rule(logd, logw, n_zero, last, z, bufs, at, choice, a, np.nan)
    cur = a
    while j < j_end:
        # upper bracket: a float where the choice already moved past j
        if np.isinf(last):
            hi = 2.0 * cur if cur >= 1.0 else 1.0
            jhi = _rule(logd, logw, n_zero, hi, z, bufs, at, choice, cur, np.nan)
            while hi < ALPHA_SEARCH_MAX and jhi <= j:
                hi *= 2.0
                jhi = _rule(logd, logw, n_zero, hi, z, bufs, at, choice, cur, np.nan)
            if jhi <= j:
                # no finite α moves the choice: the limit at inf differs only
                # through ties closer than the float grid; give inf its own piece
                starts[m, col] = np.inf
                positions[m, col] = j_end
                return m + 1
        else:
            hi = last
            jhi = j_end
        cross, j = _first_change(logd, logw, n_zero, z, cur, hi, j, jhi, top, wtop, bufs, at,
                                  choice)
        starts[m, col] = cross
        positions[m, col] = j
        m += 1
        cur = cross
    return m


@njit(cache=True, nogil=True)
def sorted_node(rows, slot, seeds, t, logw, D, order, logd, logw_sorted):
    """Sort the points of a node by distance to its seeds.

    Inputs ``rows`` (r, n) distance rows, ``slot`` (n,) the row of each point
    in ``rows`` (every seed must have one), ``seeds`` whose first ``t`` entries
    are the node's seeds, ``logw`` (n,).  ``D`` (n,) becomes the minimum of the
    seeds' rows (exact, so equal bit for bit to the running minimum of
    :func:`dalgo._kernels.seeding.dalpha_seeding_kernel`); outputs ``order``,
    ``logd``, ``logw_sorted`` as :func:`dalgo._kernels.seeding.sort_by_distance`,
    whose return value (the zero-distance count) is returned.
    """
    n = D.shape[0]
    r0 = rows[slot[seeds[0]]]
    for i in range(n):
        D[i] = r0[i]
    for s in range(1, t):
        r = rows[slot[seeds[s]]]
        for i in range(n):
            if r[i] < D[i]:
                D[i] = r[i]
    return sort_by_distance(D, logw, order, logd, logw_sorted)


@njit(cache=True, nogil=True)
def merge_parts(part_starts, part_positions, part_m, first, last, b, order, starts, children,
                col):
    """The children of a node from the sweeps of consecutive parts of its interval.

    Inputs: parts (columns) ``first .. last - 1`` of ``part_starts``/``part_positions``
    (n + 1, p) with ``part_m`` (p,) pieces each (:func:`node_pieces` over
    consecutive sub-intervals of the node's ``[a, b)``), ``order`` (n,) the
    node's sorted points.  Outputs column ``col`` of ``starts``, ``children``
    (n + 1, ·): child ``i`` covers ``[starts[i, col], starts[i + 1, col])`` (the
    last one up to ``b``) and adds point ``children[i, col]``.  Returns the
    number of children, or -1 if a child would need a point at distance 0 from
    every seed.

    A part's first piece continues the previous part's last one when it
    chooses the same position; otherwise its start is a breakpoint.  Every
    breakpoint is the first float at which the (monotone) rule changes, which
    does not depend on the bracket it was searched in, so the merged pieces are
    those of one sweep over ``[a, b)``.  Then α = inf keeps a piece of its own
    only if some finite α below ``ALPHA_SEARCH_MAX`` still differs from it.
    """
    m = 0
    for p in range(first, last):
        for i in range(part_m[p]):
            pos = part_positions[i, p]
            if i == 0 and m > 0 and pos == children[m - 1, col]:
                continue
            starts[m, col] = part_starts[i, p]
            children[m, col] = pos
            m += 1
    if np.isinf(starts[m - 1, col]) and m > 1:
        # only ties finer than the float grid separate α = inf from large α
        if starts[m - 2, col] < ALPHA_SEARCH_MAX:
            starts[m - 1, col] = ALPHA_SEARCH_MAX
        else:
            m -= 1
    for i in range(m):
        pos = children[i, col]
        if pos < 0:
            return -1
        children[i, col] = order[pos]
    return m


@njit(cache=True, nogil=True)
def child_sorted(parent_D, parent_order, parent_logd, row, logw, D, order, logd, logw_sorted,
                 changed, moved):
    """:func:`sorted_node` for a child, from its parent's sorted points in O(n).

    Inputs: the parent's ``parent_D``, ``parent_order``, ``parent_logd`` (n,)
    (outputs of :func:`sorted_node` or of this function), ``row`` (n,) the
    distances to the child's new seed, ``logw`` (n,).  Outputs ``D``,
    ``order``, ``logd``, ``logw_sorted`` (n,) and the returned zero-distance
    count, bit for bit those of :func:`sorted_node` on the child's seeds:
    ``D`` is the same exact minimum; the order by (distance, index) is unique,
    and the points whose distance did not decrease keep their keys, hence
    their relative order, and their logs; only the points the new seed came
    nearer to are sorted (stably, by index on ties) and merged in.  Scratch:
    ``changed`` (n,) int, ``moved`` (n,) bool.
    """
    n = parent_D.shape[0]
    m = 0
    for i in range(n):
        v = row[i]
        if v < parent_D[i]:
            D[i] = v
            changed[m] = i
            m += 1
            moved[i] = True
        else:
            D[i] = parent_D[i]
            moved[i] = False
    vals = np.empty(m)
    for q in range(m):
        vals[q] = D[changed[q]]
    srt = np.argsort(vals, kind="mergesort")  # stable: ties stay in index order
    ia = 0
    ib = 0
    n_zero = 0
    for pos in range(n):
        while ia < n and moved[parent_order[ia]]:
            ia += 1
        if ib >= m:
            take_parent = True
        elif ia >= n:
            take_parent = False
        else:
            ua = parent_order[ia]
            ub = changed[srt[ib]]
            take_parent = D[ua] < D[ub] or (D[ua] == D[ub] and ua < ub)
        if take_parent:
            u = parent_order[ia]
            order[pos] = u
            logd[pos] = parent_logd[ia]
            ia += 1
        else:
            u = changed[srt[ib]]
            order[pos] = u
            v = D[u]
            if v > 0.0:
                logd[pos] = log(v)
            else:
                logd[pos] = -np.inf
            ib += 1
        logw_sorted[pos] = logw[u]
        if not D[u] > 0.0:
            n_zero += 1
    return n_zero


@njit(cache=True, nogil=True, parallel=True)
def expand_batch(rows, slot, seeds, depth, z, hi, logw, parent, parent_D, parent_order,
                 parent_logd, part_first, part_a, part_b, D, order, logd, starts, children,
                 n_children):
    """The children of a batch of nodes, in parallel over nodes, then over parts.

    Inputs ``rows``, ``slot``, ``logw`` as :func:`sorted_node`; ``seeds`` (m, k)
    with node ``j``'s seeds in ``seeds[j, :depth[j]]``; ``z`` (k,) the whole
    draw (node ``j`` uses ``z[depth[j]]``); ``hi`` (m,) the nodes' upper ends;
    ``parent`` (m,): node ``j``'s parent is row ``parent[j]`` of ``parent_D``,
    ``parent_order``, ``parent_logd`` (outputs ``D``, ``order``, ``logd`` of
    an earlier call), or ``-1``: sort from scratch (:func:`sorted_node`);
    node ``j``'s interval is cut into the parts ``part_first[j] ..
    part_first[j + 1] - 1``, part ``p`` covering ``[part_a[p], part_b[p])``
    (consecutive, so that wide intervals spread over the threads).  Outputs
    rows ``j`` of ``D``, ``order``, ``logd`` (m, n) (node ``j``'s sorted
    points, :func:`sorted_node` / :func:`child_sorted`), columns ``j`` of
    ``starts`` and ``children`` (n + 1, m) and ``n_children[j]`` as
    :func:`merge_parts`.
    Each node is sorted, each part swept (:func:`node_pieces`), serially into
    its own rows; then the parts are merged serially.  So the results depend
    neither on the thread count nor on the batches or cuts.
    """
    m = seeds.shape[0]
    n = logw.shape[0]
    n_parts = part_a.shape[0]
    n_zero = np.empty(m, dtype=np.intp)
    # equal weights (the tree's own case) sort to themselves: the sweep reads ``logw``, and
    # the sorts write into a per-node scratch row, not into m fresh rows of pages
    uniform = True
    for i in range(n):
        uniform = uniform and logw[i] == logw[0]
    logw_sorted = np.empty((0 if uniform else m, n))
    for j in prange(m):
        t = depth[j]
        q = parent[j]
        sorted_w = np.empty(n) if uniform else logw_sorted[j]
        if q < 0:
            n_zero[j] = sorted_node(rows, slot, seeds[j], t, logw, D[j], order[j], logd[j],
                                    sorted_w)
        else:
            n_zero[j] = child_sorted(parent_D[q], parent_order[q], parent_logd[q],
                                     rows[slot[seeds[j, t - 1]]], logw, D[j], order[j],
                                     logd[j], sorted_w, np.empty(n, dtype=np.intp),
                                     np.empty(n, dtype=np.bool_))
    part_node = np.empty(n_parts, dtype=np.intp)
    for j in range(m):
        for p in range(part_first[j], part_first[j + 1]):
            part_node[p] = j
    # piece i of every part side by side: a part has a few pieces but room for n + 1,
    # and part-major rows would touch (and fault in) one fresh page per part
    part_starts = np.empty((n + 1, n_parts))
    part_positions = np.empty((n + 1, n_parts), dtype=np.intp)
    part_m = np.empty(n_parts, dtype=np.intp)
    for p in prange(n_parts):
        j = part_node[p]
        sorted_w = logw if uniform else logw_sorted[j]
        part_m[p] = node_pieces(logd[j], sorted_w, n_zero[j], z[depth[j]], part_a[p],
                                part_b[p], part_starts, part_positions, p)
    for j in range(m):
        n_children[j] = merge_parts(part_starts, part_positions, part_m, part_first[j],
                                    part_first[j + 1], hi[j], order[j], starts, children, j)


@njit(cache=True, nogil=True, parallel=True)
def distance_rows(X, points, rows, first):
    """Distance rows of several points, in parallel over the points.

    Inputs ``X`` (n, d), ``points`` (p,); output ``rows[first + j]`` (n,) the
    distances of every row of ``X`` to ``X[points[j]]``
    (:func:`dalgo._kernels.distances.distances_to_point`, bitwise the rows
    d^α seeding uses).  Call only when ``n * d < PARALLEL_MIN_WORK`` (that
    function is then serial; above it, call it point by point).
    """
    for j in prange(points.shape[0]):
        distances_to_point(X, X[points[j]], rows[first + j])
