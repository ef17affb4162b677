"""The scikit-learn estimator of α-linkage."""

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import validate_data

from .._validation import check_positive_int
from .agglomerative import (
    _agglomerate,
    canonical_labels,
    check_family,
    check_linkage_alpha,
    distance_matrix,
)

__all__ = ["AlphaLinkage"]


class AlphaLinkage(ClusterMixin, BaseEstimator):
    """Agglomerative clustering with α-linkage (scikit-learn contract).

    Parameters
    ----------
    n_clusters : int, default=2
        The number of clusters of the cut.
    alpha : float, default=0.5
        In [0, 1] for ``"minmax"`` (1 single, 0 complete linkage); in [−∞, ∞] for
        ``"power"`` (−∞ single, 1 average, ∞ complete, 0 the geometric mean).
    family : {"minmax", "power"}, default="minmax"
        See :func:`dalgo.linkage.agglomerate`.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Labels 0 .. k − 1, numbered by each cluster's smallest point index.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when ``X`` has string feature names.

    See Also
    --------
    dalgo.linkage.loss_curve : the exact loss of the k-cut as a function of α.
    sklearn.cluster.AgglomerativeClustering : fixed linkages.

    Notes
    -----
    Euclidean distances; O(n²) memory, O(n³) time. Ties go to the pair of clusters with
    the lexicographically smallest (smallest point index) ids. Balcan, Nagarajan, Vitercik
    & White, "Learning-Theoretic Foundations of Algorithm Configuration for Combinatorial
    Partitioning Problems", COLT 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import AlphaLinkage
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.5], [6.5]])
    >>> AlphaLinkage(2, alpha=0.0).fit_predict(X)
    array([0, 0, 0, 0, 1, 1])
    >>> AlphaLinkage(2, alpha=1.0).fit(X).labels_
    array([0, 0, 0, 0, 0, 1])
    """

    def __init__(self, n_clusters=2, *, alpha=0.5, family="minmax"):
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.family = family

    def fit(self, X, y=None):
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        self : AlphaLinkage
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], accept_sparse=False)
        k = check_positive_int(self.n_clusters, "n_clusters")
        family = check_family(self.family)
        alpha = check_linkage_alpha(self.alpha, family)
        if X.shape[0] < k:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={k}.")
        D = distance_matrix(np.asarray(X, dtype=np.float64))
        self.labels_ = canonical_labels(_agglomerate(D, k, alpha, family))
        return self

    def fit_predict(self, X, y=None):
        """Cluster ``X`` and return the labels."""
        return self.fit(X).labels_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
