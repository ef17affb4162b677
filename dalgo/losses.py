"""Losses of a clustering: Hamming distance to ground truth and objective costs."""

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._kernels import distances as distance_kernels
from ._validation import (
    InvalidParameterError,
    check_beta,
    check_points,
    check_positive_int,
    check_sample_weight,
)

__all__ = [
    "hamming_loss",
    "hamming_loss_range",
    "beta_cost",
    "kmeans_cost",
    "kmedian_cost",
    "kcenter_cost",
    "normalized_cost",
    "get_loss",
]


def _check_labels(labels, name):
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}.")
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf.")
    return arr


def hamming_loss(y_true, y_pred):
    """Fraction of points misclassified under the best matching of clusters to classes.

    Builds the contingency table of ``y_true`` against ``y_pred`` and solves the
    assignment problem (``scipy.optimize.linear_sum_assignment``) for the
    one-to-one matching of clusters to classes that agrees on the most points.
    Invariant to relabelling either argument; range [0, 1].

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground-truth labels (any hashable values).
    y_pred : array-like of shape (n_samples,)
        Cluster labels.

    Returns
    -------
    loss : float

    Examples
    --------
    >>> from dalgo import hamming_loss
    >>> hamming_loss([0, 0, 1, 1, 2], [5, 5, 3, 3, 3])
    0.2
    """
    y_true = _check_labels(y_true, "y_true")
    y_pred = _check_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same length; got {y_true.shape[0]} "
            f"and {y_pred.shape[0]}."
        )
    n = y_true.shape[0]
    if n == 0:
        raise ValueError("hamming_loss needs at least one label.")
    table = _contingency(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    # (n - matched) / n, not 1 - matched / n: exact when the loss is m / n
    return float((n - int(table[rows, cols].sum())) / n)


def hamming_loss_range(n_clusters, n_classes):
    """The largest value :func:`hamming_loss` can take: ``1 − 1 / max(n_clusters, n_classes)``.

    A certified range H of the loss — the constant that scales every concentration term of
    the generalization bounds (:mod:`dalgo.generalization`) — when every clustering has at
    most ``n_clusters`` clusters and every ground truth at most ``n_classes`` classes.

    Proof. Let ``D = max(k, c)`` for k clusters and c classes, and number both from 0 (pad
    the smaller side with empty labels up to D). The D "diagonals"
    ``M_s = {(a, (a + s) mod D) : a = 0 .. D − 1}``, ``s = 0 .. D − 1``, are one-to-one
    matchings of classes to clusters, and every pair (class a, cluster b) lies in exactly
    one of them (``s = b − a mod D``): the complete bipartite graph ``K_{D,D}`` splits into D
    perfect matchings (König's edge-colouring theorem gives the same for any bipartite graph
    of largest degree D). Each of the n points is one (class, cluster) pair, so the numbers
    of points the D matchings agree on add up to n, and one of them agrees on at least
    ``n / D`` points. The best matching agrees on at least as many, so
    ``hamming_loss <= (n − n / D) / n = 1 − 1 / D``. The bound is attained: a contingency
    table with the same count in every cell (every cluster holding equally many points of
    every class) agrees on ``min(k, c)`` cells of ``n / (k c)`` points under any matching.

    Parameters
    ----------
    n_clusters : int
        The most clusters a clustering has (k).
    n_classes : int
        The most classes a ground truth has (c).

    Returns
    -------
    float
        ``(D − 1) / D`` — the same floating-point number :func:`hamming_loss` returns when it
        attains the bound.

    Examples
    --------
    >>> from dalgo.losses import hamming_loss, hamming_loss_range
    >>> hamming_loss_range(5, 5)
    0.8
    >>> hamming_loss([0, 0, 1, 1], [0, 1, 0, 1]) == hamming_loss_range(2, 2)
    True
    """
    k = check_positive_int(n_clusters, "n_clusters")
    c = check_positive_int(n_classes, "n_classes")
    most = max(k, c)
    return float((most - 1) / most)


def _contingency(y_true, y_pred):
    """Counts of (class, cluster) pairs by one ``bincount``.

    Rows are the distinct values of ``y_true``, columns those of ``y_pred``;
    for small non-negative integers the values index the table directly (its
    all-zero rows and columns change no matching).
    """
    codes = []
    for labels in (y_true, y_pred):
        if labels.dtype.kind in "iu" and labels.size and labels.min() >= 0 \
                and labels.max() < 2 * labels.size + 64:
            codes.append((labels.ravel(), int(labels.max()) + 1))
        else:
            values, inverse = np.unique(labels, return_inverse=True)
            codes.append((inverse.ravel(), values.shape[0]))
    (ti, n_rows), (pi, n_cols) = codes
    flat = np.bincount(ti * n_cols + pi, minlength=n_rows * n_cols)
    return flat.reshape(n_rows, n_cols)


def _costs_input(X, centers, labels, sample_weight):
    X = check_points(X)
    centers = check_points(centers, name="centers")
    if centers.shape[1] != X.shape[1]:
        raise ValueError("centers and X must have the same number of features.")
    if labels is None:
        sq = np.empty((X.shape[0], centers.shape[0]))
        distance_kernels.sq_distances_to_centers(X, centers, sq)
        dist = np.sqrt(sq.min(axis=1))
    else:
        labels = np.asarray(labels, dtype=np.intp)
        if labels.shape != (X.shape[0],):
            raise ValueError("labels must have one entry per row of X.")
        if labels.min() < 0 or labels.max() >= centers.shape[0]:
            raise ValueError("labels must index rows of centers.")
        dist = np.sqrt(((X - centers[labels]) ** 2).sum(axis=1))
    w = check_sample_weight(sample_weight, X.shape[0])
    return dist, w


def beta_cost(X, centers, beta, labels=None, sample_weight=None):
    """β-objective ``sum_i w_i ||x_i - c(x_i)||^beta`` (``beta = inf``: the max).

    ``c(x_i)`` is the centre given by ``labels``, or the nearest centre if
    ``labels`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import beta_cost
    >>> beta_cost(np.array([[0.0], [3.0]]), np.array([[1.0]]), beta=2)
    5.0
    """
    beta = check_beta(beta)
    dist, w = _costs_input(X, centers, labels, sample_weight)
    return float(distance_kernels.beta_cost(dist, w, beta))


def kmeans_cost(X, centers, labels=None, sample_weight=None):
    """Sum of squared distances to the centres (β = 2)."""
    return beta_cost(X, centers, 2.0, labels, sample_weight)


def kmedian_cost(X, centers, labels=None, sample_weight=None):
    """Sum of distances to the centres (β = 1)."""
    return beta_cost(X, centers, 1.0, labels, sample_weight)


def kcenter_cost(X, centers, labels=None, sample_weight=None):
    """Largest distance of a point to its centre (β = ∞)."""
    return beta_cost(X, centers, np.inf, labels, sample_weight)


def normalized_cost(X, centers, beta, labels=None, sample_weight=None):
    """β-cost divided by the β-cost of one cluster centred at the mean.

    The one-cluster cost bounds the cost of any sensible clustering from above,
    so the normalised loss lies in [0, 1] for the runs the theory considers
    (bounded losses, docs/conventions.md, "Losses").
    """
    X_ = check_points(X)
    one = beta_cost(X_, X_.mean(axis=0, keepdims=True), beta, sample_weight=sample_weight)
    if one == 0.0:
        return 0.0
    return beta_cost(X_, centers, beta, labels, sample_weight) / one


# Losses usable by name where a run's loss is asked for: each takes
# (labels, instance, result) and returns a float.
def _loss_hamming(labels, instance, result):
    if instance.y is None:
        raise ValueError("loss='hamming' needs instances with labels y.")
    return hamming_loss(instance.y, labels)


def _hamming_many(labels, instance):
    """:func:`hamming_loss` of ``instance.y`` against every row of ``labels`` (r, n), cluster
    labels ``0 .. k - 1``: one ``bincount`` for all the contingency tables."""
    if instance.y is None:
        raise ValueError("loss='hamming' needs instances with labels y.")
    r, n = labels.shape
    _, classes = np.unique(np.asarray(instance.y), return_inverse=True)
    n_classes = int(classes.max()) + 1
    k = int(labels.max()) + 1
    cells = n_classes * k
    flat = (np.arange(r)[:, None] * cells + (classes.ravel() * k)[None, :] + labels).ravel()
    tables = np.bincount(flat, minlength=r * cells).reshape(r, n_classes, k)
    out = np.empty(r)
    for i in range(r):
        rows, cols = linear_sum_assignment(tables[i], maximize=True)
        out[i] = (n - int(tables[i][rows, cols].sum())) / n
    return out


# a function of the labels alone: the execution tree evaluates it once per distinct
# labelling, all at once
_loss_hamming.labels_only = True
_loss_hamming.many = _hamming_many


def _objective_loss(beta):
    def loss(labels, instance, result):
        return normalized_cost(instance.X, result.centers, beta, labels=labels)

    loss.needs_centers = True
    return loss


_NAMED = {
    "hamming": _loss_hamming,
    "kmeans": _objective_loss(2.0),
    "kmedian": _objective_loss(1.0),
    "kcenter": _objective_loss(np.inf),
}


def get_loss(loss):
    """Resolve ``loss``: a name in {"hamming", "kmeans", "kmedian", "kcenter"} or a callable.

    The objective losses are normalised by the cost of one cluster (see
    :func:`normalized_cost`). A callable is called as ``loss(labels, instance)``
    and must return a float. Returns a function ``(labels, instance, result)``.
    """
    if callable(loss):
        def wrapped(labels, instance, result):
            return float(loss(labels, instance))

        return wrapped
    if loss not in _NAMED:
        raise InvalidParameterError(
            f"unknown loss {loss!r}; use one of {sorted(_NAMED)} or a callable.")
    return _NAMED[loss]
