"""The exact execution tree of "minmax" α-linkage, and exact loss curves in α.

With d_α(A, B) = α · min + (1 − α) · max, every candidate pair's distance is a line in α,
so the pair that merges over an α-interval is given by the lower envelope of the lines of
all active pairs. The tree starts with the whole α range and, merge step by merge step,
splits a node's interval where the envelope changes pair. All nodes advance in lock-step
(same number of merges), and after every step neighbouring nodes (touching intervals) that
reached the *same partition* are joined into one: the merge order before a partition does
not matter for what follows, so branches that only swapped two independent merges share
all later work. A node alone on its level runs its chain of single-pair steps inside one
kernel call. At the k-cut, each leaf is an α-interval with one partition.
"""

import time
from dataclasses import dataclass

import numpy as np

from .._kernels import linkage as _kl
from .._validation import InvalidParameterError, check_n_clusters
from ..execution_tree import check_alpha_range
from ..instances import Instance
from ..local_search import partition_centers
from ..losses import get_loss
from ..piecewise import PiecewiseConstant
from .agglomerative import canonical_labels, check_family, distance_matrix

__all__ = ["ExecutionTree", "LinkagePiece", "check_linkage_range", "execution_tree",
           "loss_curve", "partition_centers", "partition_loss",
           "pieces_loss_curve"]


@dataclass(frozen=True)
class LinkagePiece:
    """An α-interval ``[lo, hi)`` on which the k-cut is ``labels`` (0 .. k − 1)."""

    lo: float
    hi: float
    labels: np.ndarray


@dataclass(frozen=True)
class ExecutionTree:
    """The leaves of the execution tree and its size.

    Attributes
    ----------
    pieces : list of LinkagePiece
        In increasing α, covering the range; neighbours have different partitions.
    n_nodes : int
        Nodes expanded (one per node and merge step, a chain of single-pair steps counts
        each step).
    max_width : int
        The largest number of nodes alive at one merge step.
    seconds : float
        Wall time of the tree.
    """

    pieces: list
    n_nodes: int
    max_width: int
    seconds: float


def check_linkage_range(alpha_range, family="minmax"):
    """``(lo, hi)`` as floats with ``0 <= lo < hi <= 1`` for the exact "minmax" tree;
    :class:`NotImplementedError` for "power"."""
    check_family(family)
    if family == "power":
        raise NotImplementedError(
            "exact α curves exist for family='minmax' only: for 'power' the crossings of two "
            "linkage distances are roots of sums of exponentials, and dalgo has no certified "
            "root isolation for them. Evaluate the 'power' family at chosen α with "
            "dalgo.linkage.agglomerate (that is a grid, not an exact curve).")
    lo, hi = check_alpha_range(alpha_range)  # a pair of numbers, 0 <= lo < hi
    if hi > 1.0:
        raise InvalidParameterError(
            f"alpha_range must satisfy 0 <= lo < hi <= 1 for family='minmax'; "
            f"got {alpha_range!r}.")
    return lo, hi


class _Node:
    __slots__ = ("lo", "hi", "MN", "MX", "ids", "labels")

    def __init__(self, lo, hi, MN, MX, ids, labels):
        self.lo, self.hi, self.MN, self.MX, self.ids, self.labels = lo, hi, MN, MX, ids, labels

    def child(self, m, lo, hi, a, b):
        """A copy of the active block with slots ``a`` and ``b`` merged."""
        node = _Node(lo, hi, self.MN[:m, :m].copy(), self.MX[:m, :m].copy(),
                     self.ids[:m].copy(), self.labels.copy())
        _kl.merge_minmax(node.MN, node.MX, node.ids, node.labels, m, a, b)
        return node


def _join_equal_neighbours(nodes):
    out = [nodes[0]]
    for node in nodes[1:]:
        last = out[-1]
        if last.hi == node.lo and np.array_equal(last.labels, node.labels):
            last.hi = node.hi
        else:
            out.append(node)
    return out


def _minmax_tree(D, n_clusters, lo, hi):
    """Leaves ``[(lo, hi, cluster ids)]`` and (n_nodes, max_width); validation done."""
    n = D.shape[0]
    cap = max(1, n * (n - 1) // 2)
    seg_lo = np.empty(cap)
    seg_a = np.empty(cap, dtype=np.int64)
    seg_b = np.empty(cap, dtype=np.int64)
    nodes = [_Node(lo, hi, D.copy(), D.copy(), np.arange(n), np.arange(n))]
    m = n
    n_nodes, max_width = 0, 1
    while m > n_clusters:
        if len(nodes) == 1:  # alone: run the chain of single-pair steps in the kernel
            node = nodes[0]
            m_new, n_seg = _kl.minmax_chain(node.MN, node.MX, node.ids, node.labels, m,
                                            n_clusters, node.lo, node.hi, seg_lo, seg_a, seg_b)
            n_nodes += m - m_new
            m = m_new
            if n_seg == 0:
                break
            segs = [(node, n_seg)]
        else:
            segs = []
            for node in nodes:
                segs.append((node, _kl.minmax_envelope(node.MN, node.MX, node.ids, m, node.lo,
                                                       node.hi, seg_lo, seg_a, seg_b)))
                if segs[-1][1] > 1:  # the buffers are reused: make the children now
                    segs[-1] = (segs[-1][0], _children(node, m, segs[-1][1], seg_lo, seg_a,
                                                       seg_b))
                else:
                    _kl.merge_minmax(node.MN, node.MX, node.ids, node.labels, m, seg_a[0],
                                     seg_b[0])
                    segs[-1] = (node, [node])
            n_nodes += len(nodes)
            m -= 1
            nodes = _join_equal_neighbours([c for _, cs in segs for c in cs])
            max_width = max(max_width, len(nodes))
            continue
        # the lone node branched
        n_nodes += 1
        nodes = _join_equal_neighbours(_children(node, m, n_seg, seg_lo, seg_a, seg_b))
        m -= 1
        max_width = max(max_width, len(nodes))
    return [(nd.lo, nd.hi, nd.labels) for nd in nodes], n_nodes, max_width


def _children(node, m, n_seg, seg_lo, seg_a, seg_b):
    bounds = [float(x) for x in seg_lo[:n_seg]] + [node.hi]
    return [node.child(m, bounds[s], bounds[s + 1], int(seg_a[s]), int(seg_b[s]))
            for s in range(n_seg)]


def execution_tree(X, n_clusters, *, family="minmax", alpha_range=(0.0, 1.0),
                   metric="euclidean"):
    """Every α-interval on which "minmax" α-linkage's k-cut is fixed, exactly.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
        Points, or distances with ``metric="precomputed"``.
    n_clusters : int
    family : {"minmax"}, default="minmax"
        ``"power"`` raises :class:`NotImplementedError` (no certified exact crossings).
    alpha_range : (float, float), default=(0.0, 1.0)
        ``0 <= lo < hi <= 1``.
    metric : {"euclidean", "precomputed"}, default="euclidean"

    Returns
    -------
    ExecutionTree
        ``pieces``: :class:`LinkagePiece` s in increasing α; on the interior of each,
        :func:`dalgo.linkage.agglomerate` returns the piece's labels.

    Notes
    -----
    A piece ``[lo, hi)`` holds its left end; the last piece also holds ``hi``. With the
    tie rule of :func:`dalgo.linkage.agglomerate` (equal distances: the pair lowest just
    right of α, at α = 1 just left of it; then the smallest ids) a direct run is
    right-continuous in α and left-continuous at 1, so on the full range [0, 1] the pieces
    are exactly its k-cuts at every α — at 0 and 1 (complete and single linkage) too, ties
    and duplicate points included. Breakpoints are crossings of two lines computed in
    floating point: within rounding distance of one, the direct run's floating-point
    comparison may side with the other neighbour. On a sub-range ``(lo, hi)`` with
    ``hi < 1`` the value at ``hi`` is the limit from the left. Time O(nodes · n²), memory
    O(width · n²) (``width``: nodes alive at one merge step; each holds its min and max
    matrices) — on MNIST with n = 500 about 0.4 GB.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo.linkage import execution_tree
    >>> X = np.array([[0.0], [1.0], [2.1], [3.0], [10.0]])
    >>> tree = execution_tree(X, 2)
    >>> [(round(p.lo, 3), p.labels.tolist()) for p in tree.pieces]
    [(0.0, [0, 0, 0, 0, 1])]
    """
    lo, hi = check_linkage_range(alpha_range, family)
    D = distance_matrix(X, metric)
    n_clusters = check_n_clusters(n_clusters, D.shape[0])
    t0 = time.perf_counter()
    leaves, n_nodes, width = _minmax_tree(D, n_clusters, lo, hi)
    pieces = [LinkagePiece(a, b, canonical_labels(ids)) for a, b, ids in leaves]
    return ExecutionTree(pieces, n_nodes, width, time.perf_counter() - t0)


class _Partition:
    """What a loss function reads of a run: the labels and (for objectives) the centres."""

    def __init__(self, labels, centers):
        self.labels, self.centers = labels, centers


_OBJECTIVE_BETA = {"kmeans": 2.0, "kmedian": 1.0, "kcenter": np.inf}


def partition_loss(labels, instance, loss="hamming"):
    """The loss of the partition ``labels`` (0 .. k − 1) of ``instance``: ``loss`` as in
    :func:`dalgo.losses.get_loss`; the objectives use each cluster's β-centre
    (:func:`partition_centers`)."""
    beta = _OBJECTIVE_BETA.get(loss) if isinstance(loss, str) else None
    centers = None if beta is None else partition_centers(instance.X, labels, beta)
    return float(get_loss(loss)(labels, instance, _Partition(labels, centers)))


def pieces_loss_curve(pieces, instance, loss="hamming"):
    """The loss of each piece's partition (:func:`partition_loss`) as a
    :class:`~dalgo.PiecewiseConstant`, equal neighbours joined."""
    values = [partition_loss(p.labels, instance, loss) for p in pieces]
    bps = [p.lo for p in pieces] + [pieces[-1].hi]
    return PiecewiseConstant(bps, values).simplify()


def loss_curve(X, n_clusters, *, y=None, loss="hamming", family="minmax",
               alpha_range=(0.0, 1.0)):
    """The exact loss of "minmax" α-linkage's k-cut as a function of α.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    y : array-like of shape (n_samples,), default=None
        Ground-truth labels (needed by ``loss="hamming"``).
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
        See :func:`dalgo.losses.get_loss`; the objectives are the normalised costs of the
        k-cut with each cluster's mean / geometric median / enclosing-ball centre.
    family : {"minmax"}, default="minmax"
        ``"power"`` raises :class:`NotImplementedError`: its crossings are roots of sums of
        exponentials and no certified exact curve is computed.
    alpha_range : (float, float), default=(0.0, 1.0)

    Returns
    -------
    PiecewiseConstant

    Notes
    -----
    See :func:`execution_tree` for the exactness statement and the tie rule.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo.linkage import loss_curve
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.5], [6.5]])
    >>> curve = loss_curve(X, 2, y=[0, 0, 0, 1, 1, 1])
    >>> curve.breakpoints.round(4).tolist(), curve.values.round(4).tolist()
    ([0.0, 0.8333, 1.0], [0.1667, 0.3333])
    """
    check_linkage_range(alpha_range, family)
    if loss == "hamming" and y is None:
        raise ValueError("loss='hamming' needs the ground-truth labels y.")
    X = np.asarray(X, dtype=np.float64)
    n_clusters = check_n_clusters(n_clusters, X.shape[0] if X.ndim == 2 else None)
    instance = Instance(X, y, n_clusters, np.zeros(n_clusters), name="loss_curve")
    tree = execution_tree(instance.X, n_clusters, family=family, alpha_range=alpha_range)
    return pieces_loss_curve(tree.pieces, instance, loss)
