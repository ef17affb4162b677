"""scikit-learn estimators for the (α, β) Lloyd's family."""

import numbers
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ._kernels.distances import assign_from_sq_distances, beta_cost, sq_distances_to_centers
from ._validation import (
    InvalidParameterError,
    check_alpha,
    check_beta,
    check_center,
    check_positive_int,
    check_sample_weight,
)
from .execution_tree import DEFAULT_ALPHA_RANGE
from .local_search import _local_search
from .random_state import check_random_state
from .seeding import _dalpha_seeding, draw_z, greedy_kmeans_plusplus, log_weights

__all__ = ["AlphaBetaKMeans", "DataDrivenKMeans", "canonical_order"]


def _mean_weighted_variance(X, w):
    """Mean over features of the ``w``-weighted variance: the scale of ``tol``.

    Weighted, so that a point of weight 2 and two copies of it give the same
    tolerance (scikit-learn's unweighted scale does not)."""
    mean = np.average(X, axis=0, weights=w)
    return float(np.mean(np.average((X - mean) ** 2, axis=0, weights=w)))


def canonical_order(X):
    """Row order the estimator works in: lexicographic by columns, stable.

    Fitting on this order makes the result independent of how the rows of ``X``
    are arranged (and makes an integer ``sample_weight`` act as repeating rows).

    Examples
    --------
    >>> import numpy as np
    >>> canonical_order(np.array([[2.0, 0.0], [1.0, 5.0], [1.0, 3.0]]))
    array([2, 1, 0])
    """
    X = np.asarray(X)
    return np.lexsort(X.T[::-1]) if X.shape[1] else np.arange(X.shape[0])


def _complete_seeds(seeds, n, k):
    """Fill up to ``k`` seeds with the lowest unused indices (duplicate points)."""
    unused = np.setdiff1d(np.arange(n), seeds)[: k - seeds.shape[0]]
    return np.concatenate([seeds, unused]).astype(np.intp)


class AlphaBetaKMeans(ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin,
                      BaseEstimator):
    """Clustering by d^α seeding followed by β-Lloyd's local search.

    The (α, β) Lloyd's family of Balcan, Dick & White (2018): α = 0 seeds
    uniformly, α = 2 is k-means++, α = ∞ is farthest-first; β = 2 is k-means,
    β = 1 k-median, β = ∞ k-center.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    alpha : float, default=2.0
        Seeding exponent, >= 0 or ``np.inf``.
    beta : float, default=2.0
        Local-search exponent, >= 1 or ``np.inf``.
    center : {"euclidean", "medoid"}, default="euclidean"
        Whether centres may be any point or must be cluster members.
    n_init : int, default=1
        Number of seeded runs; the one with the lowest β-cost is kept (the first
        on ties).
    max_iter : int, default=300
        Maximum number of local-search iterations per run.
    tol : float, default=1e-4
        Relative tolerance, as in scikit-learn: a run also stops when the sum of
        squared centre shifts is at most ``tol`` times the mean per-feature
        variance of ``X`` (weighted by ``sample_weight``). With ``tol=0`` runs stop only
        when no label changes, which reproduces :func:`dalgo.local_search` (and the execution tree)
        exactly.
    n_local_trials : int, default=None
        If set, seed with scikit-learn's greedy k-means++ using this many
        candidates per step instead of d^α sampling (``alpha`` is then ignored);
        for comparisons only.
    random_state : int, Generator, RandomState or None, default=None
        Source of the seeding randomness; see Notes.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        β-cost of the kept run on the training data (sum of squared distances
        for β = 2).
    n_iter_ : int
        Local-search iterations of the kept run.
    seeds_ : ndarray of shape (n_clusters,)
        Indices of the training points the kept run was seeded with.
    z_ : ndarray of shape (n_clusters,) or None
        The randomness of the kept run (None with ``n_local_trials``).
    n_features_in_ : int

    Notes
    -----
    Reproducing a fit: ``fit`` works on the rows in :func:`canonical_order`
    (lexicographic), so that the result does not depend on the order of the rows.
    With ``n_local_trials=None`` it makes one generator
    ``rng = np.random.default_rng(random_state)`` (see :mod:`dalgo.random_state`
    for other types) and for each of the ``n_init`` runs in turn draws
    ``z = rng.random(n_clusters)``; then, with ``Xs = X[order]``::

        seeds = dalpha_seeding(Xs, n_clusters, alpha, z, sample_weight=w[order])
        run = local_search(Xs, seeds, beta=beta, center=center, max_iter=max_iter,
                           tol=tol * v, sample_weight=w[order])
        labels_[order] = run.labels

    and ``seeds_ = order[seeds]``, where ``v`` is the mean over features of the
    ``w``-weighted variance of ``Xs``. With ``tol=0`` this reproduces the fit bit for
    bit. ``sample_weight`` multiplies the seeding weights as well as the
    objective, so a weight of 0 acts as removing the point and an integer weight
    as repeating it.

    If ``X`` has fewer distinct points (of positive weight) than ``n_clusters``,
    the missing seeds are the lowest-index unused rows, some clusters hold
    duplicates, and a ``ConvergenceWarning`` says so (as scikit-learn's
    ``KMeans`` does); :func:`dalgo.dalpha_seeding` itself raises instead.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import AlphaBetaKMeans
    >>> X = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0],
    ...               [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]])
    >>> km = AlphaBetaKMeans(n_clusters=2, alpha=2.0, random_state=0).fit(X)
    >>> km.labels_
    array([1, 1, 1, 0, 0, 0])
    >>> km.predict([[0.0, 0.0], [12.0, 3.0]])
    array([1, 0])
    >>> km.cluster_centers_
    array([[10.,  2.],
           [ 1.,  2.]])
    """

    def __init__(self, n_clusters=8, *, alpha=2.0, beta=2.0, center="euclidean", n_init=1,
                 max_iter=300, tol=1e-4, n_local_trials=None, random_state=None):
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.beta = beta
        self.center = center
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_local_trials = n_local_trials
        self.random_state = random_state

    @classmethod
    def from_tune_result(cls, result, *, n_clusters=None, random_state=None, **params):
        """An unfitted estimator with the configuration a tuning run selected.

        Carries over α (``result.alpha``: the representative of the selected α-interval,
        ``np.inf`` when the interval reaches infinity, i.e. farthest-first), β, the centre
        type (``"euclidean"`` or ``"medoid"``) and ``max_iter`` of the run, with ``tol=0``
        so that each fit is exactly a run of the tuned family member.

        Parameters
        ----------
        result : TuneResult, dict, str or path-like
            A :class:`~dalgo.TuneResult`, its :meth:`~dalgo.TuneResult.to_dict` form, or
            the path of a ``tune_result.json`` that :meth:`~dalgo.TuneResult.to_json` or
            ``dalgo tune`` wrote.
        n_clusters : int, default=None
            k. None: the k of the tuned instances, if they all had the same.
        random_state : None, int, Generator or RandomState, default=None
            The seeding randomness of :meth:`fit`.
        **params
            Other parameters of the estimator (e.g. ``n_init=5``); they override the
            tuned ones.

        Returns
        -------
        AlphaBetaKMeans

        Raises
        ------
        ValueError
            The result does not say its centre type, or ``n_clusters`` is None and the
            tuned instances had different k.

        Examples
        --------
        >>> from dalgo import tune
        >>> from dalgo.instances import GaussianGrid
        >>> grid = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10)
        >>> res = tune(grid.sample(3, random_state=0), alpha_range=(0, 10), center="medoid",
        ...            selection="exact", progress=False)
        >>> est = AlphaBetaKMeans.from_tune_result(res, random_state=0)
        >>> est.n_clusters, est.center, est.alpha == res.alpha, est.tol
        (3, 'medoid', True, 0.0)
        """
        from .tuning import TuneResult
        from .tuning.model_selection import representative_alpha

        if isinstance(result, dict):
            result = TuneResult.from_dict(result)
        elif not isinstance(result, TuneResult):
            result = TuneResult.from_json(Path(result))
        if result.family != "lloyd":
            raise ValueError(f"the tuning result is of the {result.family!r} family, not "
                             "Lloyd's; apply it with result.make_estimator().")
        alpha = float(result.alpha)
        if np.isnan(alpha):  # a result that records only its interval
            alpha = representative_alpha(*result.alpha_interval)
        center = result.config.get("center")
        if center is None:
            raise ValueError("the tuning result does not record its centre type "
                             "(config['center']); it cannot be applied as tuned.")
        if n_clusters is None:
            ks = sorted(set(result.n_clusters.get("train", []))
                        | set(result.n_clusters.get("test", [])))
            if len(ks) != 1:
                raise ValueError(f"the tuned instances had k in {ks}; give n_clusters.")
            n_clusters = ks[0]
        kwargs = {"n_clusters": n_clusters, "alpha": alpha, "beta": float(result.beta),
                  "center": center, "max_iter": int(result.config.get("max_iter", 300)),
                  "tol": 0.0, "random_state": random_state}
        kwargs.update(params)
        return cls(**kwargs)

    def _check_params(self, X):
        k = check_positive_int(self.n_clusters, "n_clusters")
        if X.shape[0] < k:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={k}.")
        check_positive_int(self.n_init, "n_init")
        check_positive_int(self.max_iter, "max_iter")
        check_positive_int(self.n_local_trials, "n_local_trials", allow_none=True)
        check_alpha(self.alpha)
        check_beta(self.beta)
        check_center(self.center)
        if not isinstance(self.tol, numbers.Real) or not np.isfinite(self.tol) or self.tol < 0:
            raise InvalidParameterError(f"tol must be a finite number >= 0; got {self.tol!r}.")

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points (float32 or float64; computed in float64).
        y : Ignored
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        self : AlphaBetaKMeans
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], order="C",
                          accept_sparse=False)
        self._check_params(X)
        X64 = np.ascontiguousarray(X, dtype=np.float64)
        w = check_sample_weight(sample_weight, X64.shape[0])
        k = int(self.n_clusters)
        order = canonical_order(X64)
        Xs = np.ascontiguousarray(X64[order])
        ws = np.ascontiguousarray(w[order])
        rng = check_random_state(self.random_state)
        tol = float(self.tol) * _mean_weighted_variance(Xs, ws) if self.tol else 0.0
        logw = log_weights(ws)
        best = None
        for _ in range(int(self.n_init)):
            if self.n_local_trials is None:
                z = draw_z(k, rng)
                seeds = _dalpha_seeding(Xs, float(self.alpha), z, logw, allow_fewer=True)
            else:
                z = None
                seeds = greedy_kmeans_plusplus(Xs, k, n_local_trials=self.n_local_trials,
                                               random_state=rng, sample_weight=ws)
            if seeds.shape[0] < k:
                warnings.warn(
                    f"X has {seeds.shape[0]} distinct points of positive weight, fewer "
                    f"than n_clusters={k}; some clusters hold duplicate points.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
                seeds = _complete_seeds(seeds, Xs.shape[0], k)
            result = _local_search(Xs, ws, seeds, Xs[seeds], beta=float(self.beta),
                                   center=self.center, max_iter=int(self.max_iter), tol=tol)
            if best is None or result.cost < best[0].cost:
                best = (result, seeds, z)
        result, seeds, z = best
        labels = np.empty_like(result.labels)
        labels[order] = result.labels
        self.cluster_centers_ = result.centers
        self.labels_ = labels
        self.inertia_ = float(result.cost)
        self.n_iter_ = int(result.n_iter)
        self.seeds_ = order[seeds]
        self.z_ = z
        # transform() gives one column per cluster: get_feature_names_out and set_output
        self._n_features_out = self.cluster_centers_.shape[0]
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Cluster ``X`` and return the labels."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def _sq_distances(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], order="C",
                          accept_sparse=False, reset=False)
        X64 = np.ascontiguousarray(X, dtype=np.float64)
        sq = np.empty((X64.shape[0], self.cluster_centers_.shape[0]))
        sq_distances_to_centers(X64, self.cluster_centers_, sq)
        return sq

    def predict(self, X):
        """Index of the nearest centre for each row of ``X`` (ties: lowest index)."""
        sq = self._sq_distances(X)
        labels = np.empty(sq.shape[0], dtype=np.intp)
        assign_from_sq_distances(sq, labels, np.empty(sq.shape[0]))
        return labels

    def transform(self, X):
        """Euclidean distances from each row of ``X`` to every centre."""
        return np.sqrt(self._sq_distances(X))

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the β-cost of ``X`` against the fitted centres."""
        dist = np.sqrt(self._sq_distances(X).min(axis=1))
        w = check_sample_weight(sample_weight, dist.shape[0])
        return -float(beta_cost(dist, w, float(self.beta)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class DataDrivenKMeans(ClusterMixin, BaseEstimator):
    """Learn (α, β) from labelled instances, then cluster new data with them.

    ``fit(instances)`` runs the tuning pipeline of :func:`dalgo.tune` — the exact
    empirical risk minimiser over α in ``alpha_range`` and over the ``betas`` grid —
    on the instances (consumed once: a generator is fine). ``predict(X)`` clusters a
    new data set with :class:`AlphaBetaKMeans` at the learned parameters, and
    :meth:`make_estimator` returns that (unfitted) estimator for pipelines.

    Parameters
    ----------
    n_clusters : int, default=None
        k for new data; by default the k of the training instances (which must
        then all share it).
    alpha_range : (float, float), default=(0.0, inf)
    betas : sequence of float, default=(2.0,)
    loss : str or callable, default="hamming"
    center : {"euclidean", "medoid"}, default="euclidean"
    selection : {"cv", "exact"}, default="cv"
        How (α, β) is chosen from the exact curves (see :func:`dalgo.tune`).
    n_draws : int or "auto", default=1
        Seeding draws z per training instance during ``fit``, each one exact curve (see
        :func:`dalgo.tune`): with m < 60 data sets, about 60 / m (at most 8) lets the
        selection see real gains that one draw hides; ``"auto"`` is that number.
    n_init, max_iter, tol : passed to :class:`AlphaBetaKMeans`
        (``tol=0`` by default, so that clustering uses exactly the runs that
        were tuned).
    n_jobs : int, default=1
    cache_dir : str, default=None
    progress : bool, default=False
        Show the tuning's progress bar during ``fit`` (as :func:`dalgo.tune`).
    random_state : None, int, SeedSequence or Generator, default=None
        Seeds the z of tuple instances during ``fit`` and the seeding of
        ``predict`` (:mod:`dalgo.random_state`).

    Attributes
    ----------
    alpha_ : float
        The learned α.
    alpha_interval_ : (float, float)
    beta_ : float
    tune_result_ : TuneResult
    n_clusters_ : int or None
        k used by :meth:`predict`: ``n_clusters``, else the common k of the training
        instances, else None (they differ: set ``n_clusters``).
    instance_n_clusters_ : int or None
        The common k of the training instances (None if they differ).

    Examples
    --------
    >>> from dalgo.estimators import DataDrivenKMeans
    >>> from dalgo.instances import GaussianGrid
    >>> grid = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10)
    >>> model = DataDrivenKMeans(alpha_range=(0, 10)).fit(grid.sample(5, random_state=0))
    >>> new = grid.sample(1, random_state=1)[0]
    >>> model.predict(new.X).shape
    (30,)
    """

    def __init__(self, n_clusters=None, *, alpha_range=DEFAULT_ALPHA_RANGE, betas=(2.0,),
                 loss="hamming", center="euclidean", selection="cv", n_draws=1, n_init=1,
                 max_iter=300, tol=0.0, n_jobs=1, cache_dir=None, progress=False,
                 random_state=None):
        self.n_clusters = n_clusters
        self.alpha_range = alpha_range
        self.betas = betas
        self.loss = loss
        self.center = center
        self.selection = selection
        self.n_draws = n_draws
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.cache_dir = cache_dir
        self.progress = progress
        self.random_state = random_state

    def fit(self, instances, y=None, test_instances=None):
        """Learn α and β from ``instances`` (Instances or (X, y[, k]) tuples).

        Parameters
        ----------
        instances : iterable of Instance or (X, y[, n_clusters]) tuples
            Consumed once. Many data sets, not one: ``fit(X, y)`` with a single array is
            refused with a message saying so (``fit([(X, y)])`` learns from one).
        y : Ignored
        test_instances : iterable, default=None
            Held-out instances for the test numbers of ``tune_result_``.

        Returns
        -------
        self : DataDrivenKMeans
        """
        from .tuning import tune

        if isinstance(instances, np.ndarray) and instances.ndim == 2:
            raise TypeError(
                "DataDrivenKMeans.fit takes instances — many data sets, e.g. "
                "[(X1, y1), (X2, y2), ...] or an instance distribution's sample() — not one "
                f"data set X of shape {instances.shape}; to learn from that one data set, "
                "pass fit([(X, y)]).")
        n_clusters = check_positive_int(self.n_clusters, "n_clusters", allow_none=True)
        check_positive_int(self.n_init, "n_init")
        if not isinstance(self.progress, (bool, np.bool_)):
            raise InvalidParameterError(f"progress must be True or False; got {self.progress!r}.")
        result = tune(instances, test_instances, n_clusters=n_clusters,
                      alpha_range=self.alpha_range, betas=self.betas, loss=self.loss,
                      center=self.center, n_jobs=self.n_jobs, cache_dir=self.cache_dir,
                      progress=bool(self.progress), max_iter=self.max_iter,
                      selection=self.selection, n_draws=self.n_draws,
                      random_state=self.random_state)
        ks = set(result.n_clusters["train"])
        self.tune_result_ = result
        self.alpha_interval_ = result.alpha_interval
        self.alpha_ = float(result.alpha)
        self.beta_ = float(result.beta)
        self.instance_n_clusters_ = ks.pop() if len(ks) == 1 else None
        self.n_clusters_ = n_clusters if n_clusters is not None else self.instance_n_clusters_
        return self

    def make_estimator(self, **overrides):
        """An unfitted :class:`AlphaBetaKMeans` with the learned (α, β).

        ``overrides`` replace its parameters (e.g. ``n_clusters=4``).
        """
        check_is_fitted(self, "alpha_")
        params = {"n_clusters": self.n_clusters_, "n_init": self.n_init, "tol": self.tol,
                  "random_state": self.random_state}
        params.update(overrides)
        if params["n_clusters"] is None:
            raise ValueError("the training instances have different k; set n_clusters.")
        return AlphaBetaKMeans.from_tune_result(self.tune_result_, **params)

    def predict(self, X, sample_weight=None):
        """Cluster the new data set ``X`` with the learned (α, β); returns the labels.

        Each call is a fresh run of :meth:`make_estimator` (same ``random_state``, same
        labels); the model itself is not changed.
        """
        return self.make_estimator().fit(X, sample_weight=sample_weight).labels_

    def transform(self, X, sample_weight=None):
        """Distances from each row of ``X`` to the centres of a fresh run on ``X`` (the run
        :meth:`predict` makes)."""
        return self.make_estimator().fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the β-cost of a fresh run on ``X`` (the run :meth:`predict` makes),
        as :meth:`AlphaBetaKMeans.score`."""
        est = self.make_estimator().fit(X, sample_weight=sample_weight)
        return est.score(X, sample_weight=sample_weight)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Deprecated: clusters ``X`` like :meth:`predict` (``fit`` takes instances, so
        ``fit_predict`` cannot mean ``fit(X).predict(X)``); removed in dalgo 0.3."""
        warnings.warn("DataDrivenKMeans.fit_predict(X) is deprecated and will be removed in "
                      "dalgo 0.3; use predict(X).", FutureWarning, stacklevel=2)
        return self.predict(X, sample_weight=sample_weight)
