"""α-linkage: agglomerative clustering with a linkage parameterised by α.

Two families of distances between clusters A and B, from the point distances d(a, b)
(Balcan, Nagarajan, Vitercik & White, COLT 2017):

* ``"minmax"``: d_α(A, B) = α · min d(a, b) + (1 − α) · max d(a, b), α ∈ [0, 1]
  (α = 1 single linkage, α = 0 complete linkage);
* ``"power"``: d_α(A, B) = (mean over pairs of d(a, b)^α)^(1/α), α ∈ [−∞, ∞]
  (−∞ single, 1 average, +∞ complete, 0 the geometric mean).
"""

import numbers

import numpy as np

from .._kernels import linkage as _kl
from .._kernels.distances import pairwise_distances
from .._validation import InvalidParameterError, check_n_clusters, check_points

__all__ = ["FAMILIES", "agglomerate", "check_family", "check_linkage_alpha",
           "distance_matrix", "canonical_labels"]

#: The linkage families and their α domains.
FAMILIES = {"minmax": (0.0, 1.0), "power": (-np.inf, np.inf)}
#: The metrics :func:`agglomerate` accepts.
METRICS = ("euclidean", "precomputed")


def check_family(family):
    """``family`` if it names a linkage family, else :class:`InvalidParameterError`."""
    if not isinstance(family, str) or family not in FAMILIES:
        raise InvalidParameterError(
            f"family must be one of {sorted(FAMILIES)}; got {family!r}.")
    return family


def check_linkage_alpha(alpha, family):
    """α as a float in the domain of ``family`` (``[0, 1]`` for "minmax", the extended
    reals for "power")."""
    check_family(family)
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or np.isnan(alpha):
        raise InvalidParameterError(f"alpha must be a real number; got {alpha!r}.")
    alpha = float(alpha)
    lo, hi = FAMILIES[family]
    if not lo <= alpha <= hi:
        raise InvalidParameterError(
            f"alpha must lie in [{lo:g}, {hi:g}] for family={family!r}; got {alpha!r}.")
    return alpha


def distance_matrix(X, metric="euclidean"):
    """The (n, n) point distances: Euclidean distances of the rows of ``X`` (dalgo's one
    squared distance), or ``X`` itself for ``metric="precomputed"`` after checking that it
    is square, symmetric, non-negative with a zero diagonal."""
    if metric not in METRICS:
        raise InvalidParameterError(f"metric must be one of {METRICS}; got {metric!r}.")
    X = check_points(X)
    if metric == "euclidean":
        D = np.empty((X.shape[0], X.shape[0]))
        pairwise_distances(X, D)
        return D
    if X.shape[0] != X.shape[1]:
        raise ValueError(f"a precomputed distance matrix must be square; got shape {X.shape}.")
    if np.any(X < 0) or np.any(np.diag(X) != 0) or not np.array_equal(X, X.T):
        raise ValueError("a precomputed distance matrix must be symmetric and non-negative "
                         "with a zero diagonal.")
    return X


def canonical_labels(cluster_ids):
    """Labels 0 .. k − 1 numbered by each cluster's smallest point index (point 0 is in
    cluster 0)."""
    return np.unique(cluster_ids, return_inverse=True)[1].astype(np.int64)


def _agglomerate(D, n_clusters, alpha, family):
    """Cluster ids (smallest point index) of the k-cut; validation already done."""
    ids = np.empty(D.shape[0], dtype=np.int64)
    if family == "power" and np.isinf(alpha):  # the limits: single (−∞), complete (+∞)
        family, alpha = "minmax", (1.0 if alpha < 0 else 0.0)
    if family == "minmax":
        _kl.agglomerate_minmax(D, n_clusters, alpha, ids)
    else:
        _kl.agglomerate_power(D, n_clusters, alpha, ids)
    return ids


def agglomerate(X, n_clusters, alpha=0.5, *, family="minmax", metric="euclidean"):
    """Agglomerative clustering with α-linkage, merged until ``n_clusters`` clusters remain.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
        Points, or distances with ``metric="precomputed"``.
    n_clusters : int
        k, the number of clusters of the cut.
    alpha : float, default=0.5
        The linkage parameter: in [0, 1] for ``"minmax"``, in [−∞, ∞] for ``"power"``.
    family : {"minmax", "power"}, default="minmax"
        ``"minmax"``: α · min + (1 − α) · max of the point distances between the two
        clusters. ``"power"``: (mean of d^α)^(1/α) (0: geometric mean; ±∞: max / min).
    metric : {"euclidean", "precomputed"}, default="euclidean"

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Cluster labels 0 .. k − 1, numbered by each cluster's smallest point index.

    Notes
    -----
    Each step merges the pair of clusters with the smallest linkage distance. **Ties**:
    for ``"minmax"``, among pairs at equal distance the one that is also lowest just right
    of α wins (the smaller min − max; at α = 1, just left of 1: the larger min − max), so
    the k-cut is right-continuous in α on [0, 1) and left-continuous at 1, the convention of
    :class:`dalgo.PiecewiseConstant` and of :func:`dalgo.linkage.loss_curve`. Then, and for
    ``"power"`` at once, the pair whose ids — a cluster's id is its smallest point index —
    are lexicographically smallest as (smaller id, larger id) wins. Duplicate points are at
    distance 0 and merge first, in that order. The same k-cut as scikit-learn's
    ``AgglomerativeClustering(n_clusters=k, linkage=...)`` for single (minmax α = 1, power
    α = −∞), complete (minmax α = 0, power α = ∞) and average (power α = 1) linkage on data
    without ties. The power mean is computed on d / max d (it is homogeneous, so the
    merges are the same) with sums of d^α; for very large |α| these can underflow, which
    creates ties — use ±∞ for the limits.

    O(n²) memory (Lance–Williams-style updates of min / max / sums of powers between
    clusters) and O(n³) time (a scan of all pairs per merge).

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo.linkage import agglomerate
    >>> X = np.array([[0.0], [1.0], [2.1], [10.0], [11.0]])
    >>> agglomerate(X, 2, alpha=1.0)
    array([0, 0, 0, 1, 1])
    >>> agglomerate(X, 3, alpha=0.0)
    array([0, 0, 1, 2, 2])
    >>> agglomerate(X, 3, alpha=1.0, family="power")
    array([0, 0, 1, 2, 2])
    """
    family = check_family(family)
    alpha = check_linkage_alpha(alpha, family)
    D = distance_matrix(X, metric)
    n_clusters = check_n_clusters(n_clusters, D.shape[0])
    return canonical_labels(_agglomerate(D, n_clusters, alpha, family))
