"""The execution tree: the seeds of d^α seeding as an exact function of α.

For one instance and one draw ``z``, the seeds are piecewise constant in α.
The tree enumerates the pieces: a node at depth ``t`` holds the first ``t``
seeds, the α-interval on which they are chosen and the distance vector; its
children split that interval where the next choice changes.  The leaves tile
the α range in order.
"""

import numbers
import time
from dataclasses import dataclass

import numba
import numpy as np

from ._kernels.distances import PARALLEL_MIN_WORK, distances_to_point, pairwise_distances
from ._kernels.seeding import first_seed
from ._kernels.tree import distance_rows, expand_batch
from ._validation import (
    InvalidParameterError,
    check_beta,
    check_center,
    check_enough_distinct,
    check_n_clusters,
    check_points,
    check_z,
)
from .local_search import SharedLocalSearch, gram_matrix, plan_local_search
from .losses import get_loss
from .piecewise import PiecewiseConstant

__all__ = ["DEFAULT_ALPHA_RANGE", "Piece", "alpha_pieces", "check_alpha_range",
           "instance_loss_curves", "loss_curve", "loss_curves"]


#: The α range every entry point uses by default (the tree, :func:`dalgo.tune`,
#: :class:`dalgo.DataDrivenKMeans`, ``dalgo tune``): all of [0, ∞], farthest-first included.
DEFAULT_ALPHA_RANGE = (0.0, float("inf"))


@dataclass(frozen=True, eq=False)
class Piece:
    """A leaf of the execution tree: ``seeds`` for every α in ``[lo, hi)``.

    If ``hi`` is ``inf`` the piece also covers α = ∞ (farthest-first).
    Pieces compare equal when ``lo``, ``hi`` and ``seeds`` are equal.
    """

    lo: float
    hi: float
    seeds: np.ndarray

    def __eq__(self, other):
        if not isinstance(other, Piece):
            return NotImplemented
        return (self.lo == other.lo and self.hi == other.hi
                and np.array_equal(self.seeds, other.seeds))

    __hash__ = None


def check_alpha_range(alpha_range):
    """``(lo, hi)`` with ``0 <= lo < hi``; ``hi`` may be ``np.inf``."""
    try:
        pair = tuple(alpha_range)
    except TypeError:
        pair = ()
    # numbers only (as check_alpha): a string such as "inf" is refused everywhere alike
    if len(pair) != 2 or not all(isinstance(a, numbers.Real) and not isinstance(a, bool)
                                 for a in pair):
        raise InvalidParameterError(
            f"alpha_range must be a pair of numbers (lo, hi); got {alpha_range!r}.")
    lo, hi = (float(a) for a in pair)
    if np.isnan(lo) or np.isnan(hi) or np.isinf(lo):
        raise InvalidParameterError(
            f"alpha_range must be finite except hi=inf; got {alpha_range!r}.")
    if lo < 0:
        raise InvalidParameterError(f"alpha_range lo must be >= 0; got {lo}.")
    if lo >= hi:
        raise InvalidParameterError(f"alpha_range needs lo < hi; got ({lo}, {hi}).")
    return lo, hi


#: Nodes expanded per call of :func:`dalgo._kernels.tree.expand_nodes` (in
#: parallel over numba's threads; results do not depend on it): as many as keep
#: its (nodes, n) work arrays within ``NODE_BATCH_ELEMENTS`` entries, at most
#: ``NODE_BATCH``.  Few large batches mean few parallel regions, each of which
#: waits for its slowest thread.
NODE_BATCH = 4096
NODE_BATCH_ELEMENTS = 1 << 20
#: A node's α-interval is cut at the points of a fixed grid of the tree's range
#: (``SPLIT_PARTS`` equal parts of a finite range; steps of ``SPLIT_STEP`` from
#: ``lo`` for an infinite one) and the parts are swept in parallel: the
#: widest nodes, near the root, hold most of the breakpoints.  The pieces do
#: not depend on the cuts (see :func:`dalgo._kernels.tree.merge_parts`).
SPLIT_PARTS = 64
SPLIT_STEP = 0.5
#: Leaves searched per call of :meth:`dalgo.SharedLocalSearch.run_many`: as many
#: as keep ``LEAF_CHUNK_ELEMENTS`` labels; they are dropped once their losses are
#: known (memory O(LEAF_CHUNK_ELEMENTS), not O(leaves n)).
LEAF_CHUNK_ELEMENTS = 1 << 20


class _TreeArrays:
    """Per-instance arrays shared by the tree and every leaf's local search."""

    def __init__(self, X, need_gram, need_distances):
        self.X = X
        n = X.shape[0]
        self.distances = None
        # The full distance matrix only when the local search needs it
        # (medoids); the tree itself needs the rows of the centres it chooses,
        # computed on demand into ``rows`` (bitwise equal to the matrix rows, see
        # ``_kernels.distances.distances_to_point``): a tree touches at most n
        # distinct centres, often far fewer.
        if need_distances:
            self.distances = np.empty((n, n))
            pairwise_distances(X, self.distances)
            self.rows = self.distances
            self.slot = np.arange(n, dtype=np.intp)
        else:
            self.rows = np.empty((min(n, 64), n))
            self.slot = np.full(n, -1, dtype=np.intp)
        self.n_rows = n if need_distances else 0
        self.gram = None
        if need_gram:
            self.gram = gram_matrix(X)

    def ensure_rows(self, points):
        """Compute the rows of the points in ``points`` that have none yet."""
        new = np.unique(points[self.slot[points] < 0])
        if new.size == 0:
            return
        n, d = self.X.shape
        first = self.n_rows
        if first + new.size > self.rows.shape[0]:
            grown = np.empty((min(n, max(2 * self.rows.shape[0], first + new.size)), n))
            grown[:first] = self.rows[:first]
            self.rows = grown
        if n * d < PARALLEL_MIN_WORK:
            distance_rows(self.X, new, self.rows, first)
        else:
            for j, c in enumerate(new):
                distances_to_point(self.X, self.X[c], self.rows[first + j])
        self.slot[new] = np.arange(first, first + new.size)
        self.n_rows = first + new.size


def _enumerate_pieces(inst, z, lo, hi):
    """The leaves in increasing α, as arrays ``(lo (L,), hi (L,), seeds (L, k))``.

    Nodes wait on a stack of blocks (nodes of one depth with their parents'
    sorted points) and are expanded in batches of up to ``NODE_BATCH``
    (:func:`dalgo._kernels.tree.expand_batch`: in parallel; a child's points
    are sorted from its parent's in O(n)); each node's children depend only on
    the node, and the leaves, which tile the range, are put in order of their
    left ends at the end, so the result does not depend on the batching or the
    thread count.
    """
    X = inst.X
    n = X.shape[0]
    k = z.shape[0]
    logw = np.zeros(n)
    first = int(first_seed(logw, z[0]))
    root = np.full((1, k), -1, dtype=np.intp)
    root[0, 0] = first
    if k == 1:
        return np.array([float(lo)]), np.array([float(hi)]), root
    if np.isinf(hi):
        grid = lo + SPLIT_STEP * np.arange(1, SPLIT_PARTS)
    else:
        grid = lo + (hi - lo) * np.arange(1, SPLIT_PARTS) / SPLIT_PARTS
    no_parent = (np.empty((1, n)), np.empty((1, n), dtype=np.intp), np.empty((1, n)))
    # a block: [seeds (m, k), depth, a (m,), b (m,), parent (m,), parent arrays];
    # batches are taken from the end of the top block
    stack = [[root, 1, np.array([float(lo)]), np.array([float(hi)]),
              np.array([-1], dtype=np.intp), no_parent]]
    leaf_lo, leaf_hi, leaf_seeds = [], [], []
    size = max(1, min(NODE_BATCH, NODE_BATCH_ELEMENTS // (n + 1)))
    while stack:
        block = stack[-1]
        block_seeds, t, block_a, block_b, block_parent, parents = block
        total = block_seeds.shape[0]
        take = slice(max(0, total - size), total)
        seeds, a, b, parent = (block_seeds[take], block_a[take], block_b[take],
                               block_parent[take])
        if take.start == 0:
            stack.pop()
        else:
            keep = slice(0, take.start)
            block[0], block[2], block[3], block[4] = (block_seeds[keep], block_a[keep],
                                                      block_b[keep], block_parent[keep])
        m = seeds.shape[0]
        inst.ensure_rows(seeds[:, t - 1])
        # the grid points strictly inside each node's interval cut it into parts
        cut_lo = np.searchsorted(grid, a, side="right")
        n_cuts = np.maximum(np.searchsorted(grid, b, side="left") - cut_lo, 0)
        part_first = np.zeros(m + 1, dtype=np.intp)
        np.cumsum(n_cuts + 1, out=part_first[1:])
        node = np.repeat(np.arange(m), n_cuts + 1)
        local = np.arange(part_first[-1]) - part_first[node]
        padded = np.concatenate((grid, [0.0]))  # read only where a cut exists
        part_a = np.where(local == 0, a[node], padded[cut_lo[node] + local - 1])
        part_b = np.where(local == n_cuts[node], b[node], padded[cut_lo[node] + local])
        D = np.empty((m, n))
        order = np.empty((m, n), dtype=np.intp)
        logd = np.empty((m, n))
        # child i of every node side by side (see expand_batch's part arrays): room for
        # n + 1 children per node, of which a few are written
        starts = np.empty((n + 1, m))
        children = np.empty((n + 1, m), dtype=np.intp)
        counts = np.empty(m, dtype=np.intp)
        previous = numba.set_parallel_chunksize(1)  # uneven nodes: dynamic scheduling
        try:
            expand_batch(inst.rows, inst.slot, seeds, np.full(m, t, dtype=np.intp), z, b,
                         logw, parent, *parents, part_first, part_a, part_b, D, order, logd,
                         starts, children, counts)
        finally:
            numba.set_parallel_chunksize(previous)
        if counts.min() < 0:
            raise ValueError(f"fewer than {k} distinct points: cannot choose seed {t + 1}.")
        # child i of node j covers [starts[i, j], starts[i + 1, j]) (the last one up to b[j])
        owner = np.repeat(np.arange(m), counts)
        index = np.arange(owner.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
        child_lo = starts[index, owner]
        child_hi = np.where(index + 1 < counts[owner],
                            starts[np.minimum(index + 1, n), owner], b[owner])
        child_seeds = seeds[owner]
        child_seeds[:, t] = children[index, owner]
        if t + 1 == k:
            leaf_lo.append(child_lo)
            leaf_hi.append(child_hi)
            leaf_seeds.append(child_seeds)
        else:
            stack.append([child_seeds, t + 1, child_lo, child_hi, owner, (D, order, logd)])
    leaf_lo = np.concatenate(leaf_lo)
    by_lo = np.argsort(leaf_lo, kind="stable")
    return leaf_lo[by_lo], np.concatenate(leaf_hi)[by_lo], np.concatenate(leaf_seeds)[by_lo]


def _as_pieces(leaves):
    lo, hi, seeds = leaves
    return [Piece(float(a), float(b), s) for a, b, s in zip(lo, hi, seeds)]


def _validate_instance(X, n_clusters, z, alpha_range):
    X = check_points(X)
    k = check_n_clusters(n_clusters, X.shape[0])
    z = check_z(z, k)
    lo, hi = check_alpha_range(alpha_range)
    check_enough_distinct(X, k)
    return X, k, z, lo, hi


def alpha_pieces(X, n_clusters, z, alpha_range=DEFAULT_ALPHA_RANGE):
    """Every seed set d^α seeding can produce for ``z``, with its α-interval.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    z : array-like of shape (n_clusters,)
        The randomness, as for :func:`dalgo.dalpha_seeding`.
    alpha_range : (float, float), default=(0.0, inf)
        ``lo >= 0``; ``hi`` may be ``np.inf``, in which case the last piece also
        covers farthest-first (α = ∞).

    Returns
    -------
    pieces : list of Piece
        Leaves of the execution tree in increasing α; they tile the range.
        ``dalpha_seeding(X, n_clusters, alpha, z)`` equals ``piece.seeds`` for
        every ``alpha`` in ``[piece.lo, piece.hi)``.

    Notes
    -----
    Breakpoints are found by bisecting on the seeding rule itself, down to
    adjacent floats (a relative precision of about 1.1e-16). Each piece's
    ``lo`` is the first float at which the new seeds are chosen. The rule
    (:func:`dalgo._kernels.seeding.choose_position`) is monotone in α even in floating
    point, so every float α in ``[lo, hi)`` gives exactly the piece's seeds.
    For α past the last finite breakpoint the weights of all but the
    farthest points underflow, so the choice equals farthest-first exactly.
    A node sorts its distances once (O(n log n)); each bisection step costs
    O(n). The expected number of leaves is at most
    ``1 + (k - 1) n (hi - lo) ln R`` (docs/conventions.md, "The execution tree"; see
    :func:`dalgo.generalization.expected_leaves_bound`).

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import alpha_pieces
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> for p in alpha_pieces(X, 2, [0.0, 0.4], alpha_range=(0, np.inf)):
    ...     print(round(p.lo, 4), round(p.hi, 4), p.seeds)
    0.0 0.3691 [0 1]
    0.3691 inf [0 2]
    """
    X, k, z, lo, hi = _validate_instance(X, n_clusters, z, alpha_range)
    return _as_pieces(_enumerate_pieces(_TreeArrays(X, need_gram=False,
                                                    need_distances=False), z, lo, hi))


def loss_curves(X, n_clusters, z, *, y=None, loss="hamming", betas=(2.0,),
                center="euclidean", alpha_range=DEFAULT_ALPHA_RANGE, max_iter=300,
                return_pieces=False):
    """Exact loss curves in α for several β from one execution tree.

    Seeds do not depend on β, so the tree is built once and only the local
    search is rerun per β. Returns ``{beta: PiecewiseConstant}`` (and the
    pieces with ``return_pieces=True``). See :func:`loss_curve`.
    """
    X, k, z, lo, hi = _validate_instance(X, n_clusters, z, alpha_range)
    betas = [check_beta(float(b)) for b in betas]
    center = check_center(center)
    if y is not None:
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(
                f"y must have one label per row of X ({X.shape[0]}); got shape {y.shape}."
            )
    loss_fn = get_loss(loss)
    from .instances import Instance

    instance = Instance(X=X, y=y, n_clusters=k, z=z)
    curves, pieces, _ = _instance_curves(instance, loss_fn, betas, center, lo, hi, max_iter)
    if return_pieces:
        return curves, pieces
    return curves


def instance_loss_curves(instance, *, loss_fn, betas, center, alpha_range, max_iter):
    """Exact loss curves of a validated :class:`dalgo.Instance` for several β, with timings.

    The building block of :func:`dalgo.tune` and of the experiments: one execution tree,
    then one shared local search per β over its leaves.

    Parameters
    ----------
    instance : Instance
        Holds ``X``, ``y``, ``n_clusters`` and ``z`` (already validated).
    loss_fn : callable
        ``loss_fn(labels, instance, result) -> float``, as returned by
        :func:`dalgo.losses.get_loss`.
    betas : sequence of float
        Validated β values.
    center : {"euclidean", "medoid"}
    alpha_range : (float, float)
        Validated, see :func:`check_alpha_range`.
    max_iter : int

    Returns
    -------
    curves : dict
        β → :class:`PiecewiseConstant` over ``alpha_range``.
    pieces : list of Piece
        The tree's leaves.
    timings : dict
        ``{"tree_seconds": ..., "search_seconds": ...}``.
    """
    lo, hi = alpha_range
    return _instance_curves(instance, loss_fn, list(betas), center, lo, hi, max_iter)


def _instance_curves(instance, loss_fn, betas, center, lo, hi, max_iter):
    """Validation done. Returns ({beta: curve}, pieces, timings)."""
    X = instance.X
    n = X.shape[0]
    # one plan per β, from point indices with tol = 0: the leaves' searches
    plans = [plan_local_search(n, X.shape[1], beta=b, center=center) for b in betas]
    t0 = time.perf_counter()
    inst = _TreeArrays(X, need_gram=any(p.needs_gram for p in plans),
                       need_distances=any(p.needs_distance_matrix for p in plans))
    leaf_lo, leaf_hi, seeds = _enumerate_pieces(inst, instance.z, lo, hi)
    pieces = _as_pieces((leaf_lo, leaf_hi, seeds))
    t_tree = time.perf_counter() - t0
    w = np.ones(n)
    breakpoints = np.append(leaf_lo, hi)
    want_centers = getattr(loss_fn, "needs_centers", False)
    curves = {}
    t_search = 0.0
    for beta in betas:
        t1 = time.perf_counter()
        values = np.empty(len(pieces))
        search = SharedLocalSearch(X, beta=beta, center=center, max_iter=max_iter,
                                   sample_weight=w, gram=inst.gram, distances=inst.distances,
                                   want_centers=want_centers)
        memo = {}
        step = max(1, LEAF_CHUNK_ELEMENTS // n)
        for first in range(0, len(pieces), step):
            chunk = slice(first, first + step)
            _leaf_losses(search.run_many(seeds[chunk]), loss_fn, instance, values[chunk], memo)
        curves[beta] = PiecewiseConstant(breakpoints, values).simplify()
        t_search += time.perf_counter() - t1
    return curves, pieces, {"tree_seconds": t_tree, "search_seconds": t_search}


def _leaf_losses(results, loss_fn, instance, values, memo):
    """``values[i] = loss_fn(results[i].labels, instance, results[i])``.

    A loss marked ``labels_only`` (a function of the labels alone) is evaluated once
    per distinct labelling, remembered in ``memo`` (compact labels bytes -> loss)
    across calls, all new ones in one call if it has ``many`` (labels (r, n) ->
    losses).
    """
    if not getattr(loss_fn, "labels_only", False):
        for i, res in enumerate(results):
            values[i] = loss_fn(res.labels, instance, res)
        return
    new = {}
    keys = []
    for i, res in enumerate(results):
        labels = res.labels
        key = labels.astype(np.uint8 if labels.max() < 256 else np.int64).tobytes()
        keys.append(key)
        if key not in memo and key not in new:
            new[key] = i
    if new:
        many = getattr(loss_fn, "many", None)
        rows = list(new.values())
        if many is not None:
            fresh = many(np.array([results[i].labels for i in rows]), instance)
        else:
            fresh = [loss_fn(results[i].labels, instance, results[i]) for i in rows]
        for key, v in zip(new, fresh):
            memo[key] = float(v)
    for i, key in enumerate(keys):
        values[i] = memo[key]


def loss_curve(X, n_clusters, z, *, y=None, loss="hamming", beta=2.0, center="euclidean",
               alpha_range=DEFAULT_ALPHA_RANGE, max_iter=300):
    """The loss of d^α seeding + β local search as an exact function of α.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    z : array-like of shape (n_clusters,)
        The seeding randomness.
    y : array-like of shape (n_samples,), default=None
        Ground truth, needed by ``loss="hamming"``.
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
        ``"hamming"``: :func:`dalgo.hamming_loss` to ``y``; objective names: the
        cost normalised by the one-cluster cost; a callable
        ``loss(labels, instance) -> float``.
    beta : float, default=2.0
    center : {"euclidean", "medoid"}, default="euclidean"
    alpha_range : (float, float), default=(0.0, inf)
    max_iter : int, default=300

    Returns
    -------
    curve : PiecewiseConstant
        ``curve(alpha)`` equals the loss of
        ``local_search(X, dalpha_seeding(X, n_clusters, alpha, z), beta=beta,
        center=center, max_iter=max_iter)`` bit for bit, for every α in the
        range. Neighbouring leaves with equal loss are merged.

    Notes
    -----
    One local search per leaf of the execution tree, with the arithmetic of
    :func:`dalgo.local_search` with ``algorithm="auto"``. The leaves share their
    work through :class:`dalgo.SharedLocalSearch`: a run that
    reaches a partition an earlier leaf went through ends as that leaf did, and
    the centre of a member set is solved once. For β = 2 in more than
    ``PARTITION_MAX_FEATURES`` dimensions each run instead uses the instance's
    Gram matrix with incremental cluster sums, O(n k) per iteration plus O(n)
    per moved point, and the runs go in parallel over numba's threads
    (:meth:`dalgo.SharedLocalSearch.run_many`); the tree's nodes are expanded
    in parallel too.  Every run and node is serial in itself, so the curve does
    not depend on the thread count.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import loss_curve
    >>> X = np.array([[0.0], [0.2], [0.4], [5.0], [5.3], [9.0], [9.4]])
    >>> y = np.array([0, 0, 0, 1, 1, 2, 2])
    >>> curve = loss_curve(X, 3, [0.51, 0.95, 0.14], y=y, alpha_range=(0, np.inf))
    >>> curve.breakpoints.round(4)
    array([0.    , 0.2183, 0.6011, 0.8396,    inf])
    >>> curve.values.round(4)
    array([0.4286, 0.    , 0.4286, 0.    ])
    """
    return loss_curves(X, n_clusters, z, y=y, loss=loss, betas=(beta,), center=center,
                       alpha_range=alpha_range, max_iter=max_iter)[float(beta)]
