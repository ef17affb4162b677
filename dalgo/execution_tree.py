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

import numpy as np

from ._kernels.distances import distances_to_point, pairwise_distances
from ._kernels.seeding import first_seed, sort_by_distance
from ._kernels.tree import ALPHA_SEARCH_MAX, node_pieces
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


class _TreeArrays:
    """Per-instance arrays shared by the tree and every leaf's local search."""

    def __init__(self, X, need_gram, need_distances):
        self.X = X
        n = X.shape[0]
        self.distances = None
        # The full distance matrix only when the local search needs it
        # (medoids); the tree itself needs the rows of the centres it chooses,
        # computed on demand (bitwise equal to the matrix rows, see
        # ``_kernels.distances.distances_to_point``): a tree touches far fewer than n
        # distinct centres.
        if need_distances:
            self.distances = np.empty((n, n))
            pairwise_distances(X, self.distances)
        self._rows = {}
        self.gram = None
        if need_gram:
            self.gram = gram_matrix(X)

    def row(self, c):
        if self.distances is not None:
            return self.distances[c]
        r = self._rows.get(c)
        if r is None:
            r = np.empty(self.X.shape[0])
            distances_to_point(self.X, self.X[c], r)
            self._rows[c] = r
        return r


def _enumerate_pieces(inst, z, lo, hi):
    """Depth-first enumeration of the leaves, in increasing α."""
    X = inst.X
    n = X.shape[0]
    k = z.shape[0]
    logw = np.zeros(n)
    first = int(first_seed(logw, z[0]))
    order = np.empty(n, dtype=np.intp)
    logd = np.empty(n)
    logw_sorted = np.empty(n)
    starts = np.empty(n + 1)
    positions = np.empty(n + 1, dtype=np.intp)
    leaves = []
    # stack of (seeds, D, a, b); pushed right-to-left so leaves come out in order
    stack = [([first], inst.row(first).copy(), lo, hi)]
    while stack:
        seeds, D, a, b = stack.pop()
        if len(seeds) == k:
            leaves.append(Piece(float(a), float(b), np.array(seeds, dtype=np.intp)))
            continue
        n_zero = sort_by_distance(D, logw, order, logd, logw_sorted)
        m = node_pieces(logd, logw_sorted, n_zero, z[len(seeds)], a, b,
                                      starts, positions)
        if np.isinf(starts[m - 1]) and m > 1:
            # only ties finer than the float grid separate α = inf from large α
            if starts[m - 2] < ALPHA_SEARCH_MAX:
                starts[m - 1] = ALPHA_SEARCH_MAX
            else:
                m -= 1
        children = []
        for i in range(m):
            pos = positions[i]
            if pos < 0:
                raise ValueError(f"fewer than {k} distinct points: cannot choose seed "
                                 f"{len(seeds) + 1}.")
            c = int(order[pos])
            child_hi = starts[i + 1] if i + 1 < m else b
            children.append((seeds + [c], np.minimum(D, inst.row(c)), starts[i], child_hi))
        stack.extend(reversed(children))
    return leaves


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
    return _enumerate_pieces(_TreeArrays(X, need_gram=False, need_distances=False), z, lo, hi)


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
    pieces = _enumerate_pieces(inst, instance.z, lo, hi)
    t_tree = time.perf_counter() - t0
    w = np.ones(n)
    breakpoints = np.array([p.lo for p in pieces] + [hi])
    want_centers = getattr(loss_fn, "needs_centers", False)
    curves = {}
    t_search = 0.0
    for beta in betas:
        t1 = time.perf_counter()
        values = np.empty(len(pieces))
        search = SharedLocalSearch(X, beta=beta, center=center, max_iter=max_iter,
                                   sample_weight=w, gram=inst.gram, distances=inst.distances,
                                   want_centers=want_centers)
        for i, p in enumerate(pieces):
            res = search.run(p.seeds)
            values[i] = loss_fn(res.labels, instance, res)
        curves[beta] = PiecewiseConstant(breakpoints, values).simplify()
        t_search += time.perf_counter() - t1
    return curves, pieces, {"tree_seconds": t_tree, "search_seconds": t_search}


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
    per moved point.

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
