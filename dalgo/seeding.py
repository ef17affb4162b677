"""d^α seeding with explicit randomness, and scikit-learn's greedy k-means++."""

import numpy as np

from ._kernels import libm
from ._kernels.distances import sq_distances_to_centers
from ._kernels.seeding import dalpha_seeding_kernel
from ._validation import (
    check_alpha,
    check_enough_distinct,
    check_n_clusters,
    check_points,
    check_positive_int,
    check_sample_weight,
    check_z,
)

__all__ = ["MATH_FUNCTIONS", "dalpha_seeding", "draw_z", "greedy_kmeans_plusplus"]

#: Which ``exp`` / ``log`` the d^α rule (here and in the execution tree) calls, e.g.
#: ``"glibc __exp_finite / __log_finite"``: the same values as numba's ``np.exp`` /
#: ``np.log`` bit for bit, without their ``errno`` wrappers (:mod:`dalgo._kernels.libm`).
MATH_FUNCTIONS = libm.SOURCE


def draw_z(n_clusters, random_state=None):
    """Draw the seeding randomness ``z``: ``n_clusters`` Uniform[0, 1) values.

    This is the one place where dalgo turns a ``random_state`` into ``z``:
    ``np.random.default_rng(random_state).random(n_clusters)``.

    Examples
    --------
    >>> from dalgo import draw_z
    >>> draw_z(3, random_state=0).round(4)
    array([0.637 , 0.2698, 0.041 ])
    """
    rng = random_state if isinstance(random_state, np.random.Generator) else (
        np.random.default_rng(random_state)
    )
    return rng.random(check_n_clusters(n_clusters))


def dalpha_seeding(X, n_clusters, alpha, z, *, sample_weight=None):
    """Choose ``n_clusters`` seeds by d^α sampling driven by ``z``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    n_clusters : int
        Number of seeds.
    alpha : float or np.inf
        Exponent of the distance weights, >= 0. 0 = uniform over the points
        not yet covered, 2 = k-means++ (one trial), ``np.inf`` = farthest-first.
    z : array-like of shape (n_clusters,)
        The run's randomness, values in [0, 1). See :func:`draw_z`.
    sample_weight : array-like of shape (n_samples,), default=None
        Optional non-negative point weights; point ``i`` then has weight
        ``sample_weight[i] * D_i ** alpha`` and the first seed is chosen by
        cumulative weight. ``None`` is the plain rule (all weights 1); a weight
        of 0 acts as if the point were absent.

    Returns
    -------
    seeds : ndarray of shape (n_clusters,), dtype intp
        Indices of the chosen points, in pick order.

    Notes
    -----
    The rule (docs/conventions.md, "Seeding"): the first seed is the point at position
    ``floor(z[0] * n)`` in index order. For step ``t``, let ``D_i`` be the
    Euclidean (not squared) distance from point ``i`` to its nearest seed, order
    the points by increasing ``D`` (ties by index), give weight ``D_i ** alpha``
    (0 at distance 0, for every alpha, alpha = 0 included) and take the first
    position whose cumulative weight fraction exceeds ``z[t]``. For a fixed
    alpha this is exactly d^α sampling; the sorted order makes the chosen
    position non-decreasing in alpha, which the execution tree relies on.
    Weights are computed as ``exp(alpha * (log D - max log D))`` so that large
    alpha neither overflows nor underflows into NaN. ``alpha = inf`` picks the
    ``floor(z[t] * m)``-th (in index order) of the ``m`` points at maximal
    distance, the limit of the finite rule.

    Cost: O(n_clusters * n * (n_features + log n)).

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import dalpha_seeding
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> dalpha_seeding(X, 2, alpha=np.inf, z=[0.0, 0.5])
    array([0, 3])
    >>> dalpha_seeding(X, 2, alpha=0.0, z=[0.0, 0.5])
    array([0, 2])
    """
    # NaN/inf are detected by the kernel's first distance pass (one pass over X
    # fewer); check_points then raises the usual error
    X = check_points(X, ensure_all_finite=False)
    k = check_n_clusters(n_clusters, X.shape[0])
    alpha = check_alpha(alpha)
    z = check_z(z, k)
    w = check_sample_weight(sample_weight, X.shape[0])
    # The kernel stops early exactly when every point of positive weight sits on
    # a chosen seed, i.e. when X has fewer than k distinct such points; checking
    # that afterwards avoids an O(n d log n) np.unique on every call.
    return _dalpha_seeding(X, alpha, z, log_weights(w))


def log_weights(w):
    """``log`` of sample weights, ``-inf`` at 0 (exactly 0 for unit weights)."""
    with np.errstate(divide="ignore"):
        return np.log(w)


def _dalpha_seeding(X, alpha, z, logw, allow_fewer=False):
    """Validation already done: ``X`` C-contiguous float64, >= k distinct rows.

    With ``allow_fewer``, returns only the seeds that could be chosen when the
    distinct points of positive weight run out.
    """
    n = X.shape[0]
    k = z.shape[0]
    seeds = np.empty(k, dtype=np.intp)
    D, logD, logd, logw_sorted = (np.empty(n) for _ in range(4))
    order = np.empty(n, dtype=np.intp)
    got = dalpha_seeding_kernel(X, logw, alpha, z, D, logD, order, logd, logw_sorted, seeds,
                                True)
    if got < 0:
        # a distance to the first seed is not finite: NaN/inf in X (error), or
        # finite coordinates whose squares overflow (run without the check)
        check_points(X)
        got = dalpha_seeding_kernel(X, logw, alpha, z, D, logD, order, logd, logw_sorted,
                                    seeds, False)
    if got < k:
        if allow_fewer:
            return seeds[:got]
        raise ValueError(
            f"n_clusters={k} is larger than the number of distinct points "
            f"(of positive weight) in X ({got}); seeding needs {k} distinct points."
        )
    return seeds


def greedy_kmeans_plusplus(X, n_clusters, *, n_local_trials=None, random_state=None,
                           sample_weight=None):
    """scikit-learn's greedy k-means++ (for comparisons; not part of the α family).

    Each step samples ``n_local_trials`` candidates with probability proportional
    to the squared distance and keeps the one that lowers the k-means potential
    most. ``n_local_trials=None`` means ``2 + floor(ln k)``, scikit-learn's
    default; ``n_local_trials=1`` is vanilla k-means++ with a different use of
    randomness than :func:`dalpha_seeding`.

    Returns
    -------
    seeds : ndarray of shape (n_clusters,)
        Indices of the chosen points.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo.seeding import greedy_kmeans_plusplus
    >>> X = np.array([[0.0], [0.1], [5.0], [5.1]])
    >>> sorted(int(i) // 2 for i in greedy_kmeans_plusplus(X, 2, random_state=0))
    [0, 1]
    """
    X = check_points(X)
    k = check_n_clusters(n_clusters, X.shape[0])
    check_enough_distinct(X, k)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(k))
    n_local_trials = check_positive_int(n_local_trials, "n_local_trials")
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    rng = random_state if isinstance(random_state, np.random.Generator) else (
        np.random.default_rng(random_state)
    )
    n = X.shape[0]
    seeds = np.empty(k, dtype=np.intp)
    seeds[0] = rng.choice(n, p=w / w.sum())
    sq = np.empty((n, 1))
    sq_distances_to_centers(X, X[seeds[:1]], sq)
    closest = sq[:, 0].copy()
    potential = float(w @ closest)
    cand_sq = np.empty((n, n_local_trials))
    for t in range(1, k):
        cumulative = np.cumsum(w * closest)
        r = rng.random(n_local_trials) * potential
        cand = np.searchsorted(cumulative, r, side="right")
        np.clip(cand, 0, n - 1, out=cand)
        sq_distances_to_centers(X, X[cand], cand_sq)
        new = np.minimum(closest[:, None], cand_sq)
        pots = w @ new
        best = int(np.argmin(pots))
        seeds[t] = cand[best]
        closest = new[:, best].copy()
        potential = float(pots[best])
    return seeds
