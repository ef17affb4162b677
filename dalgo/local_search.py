"""β-Lloyd's local search: assign to the nearest centre, move centres to β-optimal points."""

from dataclasses import dataclass, replace

import numba
import numpy as np

from ._blas import gram_matrix, single_threaded_blas
from ._kernels import centers as _kc
from ._kernels import distances as _kd
from ._kernels import gram_centers as _kg
from ._kernels import lloyd as _kl
from ._kernels import medoids as _km
from ._validation import (
    InvalidParameterError,
    check_beta,
    check_center,
    check_points,
    check_positive_int,
    check_sample_weight,
)

__all__ = ["LocalSearchPlan", "LocalSearchResult", "SharedLocalSearch", "local_search",
           "partition_centers", "plan_local_search"]

#: Largest instance for which the β = 2 ``"gram"`` path precomputes the n×n Gram
#: matrix: 4096² doubles = 128 MiB.
GRAM_MAX_SAMPLES = 4096
#: Largest instance for which medoid searches precompute the n×n distance
#: matrix (above it, distances are recomputed from coordinates, never stored).
DISTANCE_MATRIX_MAX_SAMPLES = 4096
#: Largest dimension for which β = 2 runs from point indices take the
#: ``"partition"`` path by default: O(n k d) per iteration with no n×n matrix,
#: with distance bounds in the assignment step.
PARTITION_MAX_FEATURES = 16
#: Smallest dimension for which Euclidean β ∉ {2, ∞} runs from point indices
#: take the ``"beta_gram"`` path (β-centres as combinations of their members,
#: iterated on the members' Gram matrix), provided ``n_samples <=
#: GRAM_MAX_SAMPLES`` and ``n_samples <= BETA_GRAM_SAMPLES_PER_FEATURE *
#: n_features``: an inner iteration then costs O(m²) instead of O(m d) and an
#: assignment step O(n k) instead of O(n k d).
BETA_GRAM_MIN_FEATURES = 32
BETA_GRAM_SAMPLES_PER_FEATURE = 8
#: Inner solver limits for β ∉ {2, ∞} centres (IRLS / Weiszfeld).
BETA_CENTER_MAX_ITER = 200
BETA_CENTER_RTOL = 1e-7
#: Minimum-enclosing-ball (β = ∞) solver limits: relative duality gap.
MEB_MAX_ITER = 20000
MEB_RTOL = 1e-9
#: Memory that :class:`SharedLocalSearch` may spend on what it remembers
#: (partitions, run endings, centres); past it, it forgets everything and
#: starts remembering afresh (results do not depend on it).
SHARED_MEMORY_BYTES = 512 * 2**20
#: Bookkeeping bytes counted per remembered entry besides its arrays.
_ENTRY_OVERHEAD = 100


@dataclass(frozen=True)
class LocalSearchResult:
    """Outcome of :func:`local_search`.

    Attributes
    ----------
    labels : ndarray of shape (n_samples,)
        Index of each point's centre.
    centers : ndarray of shape (n_clusters, n_features)
        Final centres.
    n_iter : int
        Number of assignment steps run.
    cost : float
        ``sum_i w_i ||x_i - c(x_i)||^beta`` (``beta = inf``: the largest
        distance).
    converged : bool
        Whether an assignment step changed nothing (or the centre shift fell to
        ``tol``) before ``max_iter``.
    center_indices : ndarray of shape (n_clusters,) or None
        For ``center="medoid"``: the index of each medoid in ``X``.
    """

    labels: np.ndarray
    centers: np.ndarray
    n_iter: int
    cost: float
    converged: bool
    center_indices: np.ndarray = None


#: Local-search paths, see :class:`LocalSearchPlan`.
PATHS = ("gram", "lloyd", "partition", "beta_center", "beta_gram", "medoid")
_ALGORITHMS = ("auto", "gram", "lloyd", "partition")
_INIT_KINDS = ("indices", "centers")


@dataclass(frozen=True)
class LocalSearchPlan:
    """Which computation a local search runs, decided once by :func:`plan_local_search`.

    :func:`local_search`, :class:`SharedLocalSearch` and the execution tree all
    take their path from this value, so a tree leaf and a direct run from the
    same seeds always use the same arithmetic.

    Attributes
    ----------
    path : {"gram", "lloyd", "partition", "beta_center", "beta_gram", "medoid"}
        ``"gram"``: β = 2 on the Gram matrix with incremental cluster sums;
        ``"lloyd"``: β = 2, fused blocks screened by a float32 BLAS product; ``"partition"``:
        β = 2, each centre the weighted mean of its members; ``"beta_center"``:
        β ≠ 2 with Euclidean centres on coordinates (IRLS / Weiszfeld, minimum
        enclosing ball for β = ∞); ``"beta_gram"``: finite β ≠ 2 with
        Euclidean centres, each centre a combination of its members iterated
        on their Gram matrix (:mod:`dalgo._kernels.gram_centers`);
        ``"medoid"``: centres restricted to members.
    beta : float
    center : {"euclidean", "medoid"}
    needs_gram : bool
        The path reads the n×n Gram matrix (``path`` is ``"gram"`` or
        ``"beta_gram"``).
    needs_distance_matrix : bool
        A medoid search reads the n×n distance matrix (``n_samples <=
        DISTANCE_MATRIX_MAX_SAMPLES``); otherwise it recomputes distances.
    shareable : bool
        :class:`SharedLocalSearch` shares work between runs: a run is a function
        of its current partition (every centre a function of its member set) and
        a centre costs more to solve than to look up (β ≠ 2, medoids).
        Otherwise it makes direct runs (in parallel in
        :meth:`SharedLocalSearch.run_many` on the β = 2 paths from indices).
    """

    path: str
    beta: float
    center: str
    needs_gram: bool
    needs_distance_matrix: bool
    shareable: bool

    def with_distance_matrix(self):
        """The plan when a distance matrix is supplied (medoids use it whatever n)."""
        if self.path != "medoid" or self.needs_distance_matrix:
            return self
        return replace(self, needs_distance_matrix=True, shareable=True)


def plan_local_search(n_samples, n_features, *, beta=2.0, center="euclidean", init="indices",
                      tol=0.0, algorithm="auto"):
    """Decide which path a local search takes (the one place this is decided).

    Parameters
    ----------
    n_samples, n_features : int
        Shape of ``X``.
    beta : float, default=2.0
    center : {"euclidean", "medoid"}, default="euclidean"
    init : {"indices", "centers"}, default="indices"
        Whether the run starts from point indices (as from
        :func:`dalgo.dalpha_seeding`) or from arbitrary centres.
    tol : float, default=0.0
    algorithm : {"auto", "gram", "lloyd", "partition"}, default="auto"
        See :func:`local_search`; only β = 2 with Euclidean centres reads it.

    Returns
    -------
    plan : LocalSearchPlan

    Notes
    -----
    Medoids take ``"medoid"`` (with the distance matrix iff ``n_samples <=
    DISTANCE_MATRIX_MAX_SAMPLES``).  Finite β ≠ 2 from indices with ``tol ==
    0`` takes ``"beta_gram"`` when ``n_features >= BETA_GRAM_MIN_FEATURES`` and
    ``n_samples <= min(GRAM_MAX_SAMPLES, BETA_GRAM_SAMPLES_PER_FEATURE *
    n_features)`` (high dimension, where the members' Gram matrix is the
    cheaper operand); other β ≠ 2 take ``"beta_center"``.  For β = 2,
    ``algorithm`` names the path; ``"auto"`` picks, when ``init`` is indices and
    ``tol == 0``, ``"partition"`` if ``n_features <= PARTITION_MAX_FEATURES``,
    else ``"gram"`` if ``n_samples <= GRAM_MAX_SAMPLES``; otherwise ``"lloyd"``.

    Examples
    --------
    >>> from dalgo.local_search import plan_local_search
    >>> plan_local_search(500, 64).path
    'gram'
    >>> plan_local_search(500, 2).path, plan_local_search(500, 2, beta=1.0).shareable
    ('partition', True)
    >>> plan_local_search(500, 2).shareable
    False
    >>> plan_local_search(500, 784, beta=1.0).path, plan_local_search(500, 2, beta=1.0).path
    ('beta_gram', 'beta_center')
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    n_features = check_positive_int(n_features, "n_features")
    beta = check_beta(beta)
    center = check_center(center)
    if init not in _INIT_KINDS:
        raise InvalidParameterError(f"init must be 'indices' or 'centers'; got {init!r}.")
    if algorithm not in _ALGORITHMS:
        raise InvalidParameterError(
            f"algorithm must be 'auto', 'gram', 'lloyd' or 'partition'; got {algorithm!r}.")
    if center == "medoid":
        matrix = n_samples <= DISTANCE_MATRIX_MAX_SAMPLES
        return LocalSearchPlan("medoid", beta, center, needs_gram=False,
                               needs_distance_matrix=matrix, shareable=matrix)
    from_indices = init == "indices" and tol == 0.0
    if beta != 2.0:
        if (from_indices and not np.isinf(beta) and n_features >= BETA_GRAM_MIN_FEATURES
                and n_samples <= min(GRAM_MAX_SAMPLES,
                                     BETA_GRAM_SAMPLES_PER_FEATURE * n_features)):
            return LocalSearchPlan("beta_gram", beta, center, needs_gram=True,
                                   needs_distance_matrix=False, shareable=True)
        return LocalSearchPlan("beta_center", beta, center, needs_gram=False,
                               needs_distance_matrix=False, shareable=True)
    if algorithm == "gram":
        if not from_indices:
            raise InvalidParameterError(
                "algorithm='gram' needs point-index init and tol=0.")
        path = "gram"
    elif algorithm != "auto":
        path = algorithm
    elif from_indices and n_features <= PARTITION_MAX_FEATURES:
        path = "partition"
    elif from_indices and n_samples <= GRAM_MAX_SAMPLES:
        path = "gram"
    else:
        path = "lloyd"
    # β = 2 never shares (why: SharedLocalSearch's Notes); its runs go in parallel
    return LocalSearchPlan(path, beta, center, needs_gram=path == "gram",
                           needs_distance_matrix=False, shareable=False)


def local_search(X, init, *, beta=2.0, center="euclidean", max_iter=300, tol=0.0,
                 sample_weight=None, algorithm="auto"):
    """Run β-Lloyd's local search from given initial centres.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    init : ndarray of shape (n_clusters, n_features) or (n_clusters,) of int
        Initial centres, or indices of the points to start from (as returned by
        :func:`dalgo.dalpha_seeding`).
    beta : float, default=2.0
        Exponent of the objective ``sum ||x - c||^beta``, >= 1 or ``np.inf``.
        2 = k-means (means), 1 = k-median (geometric medians), ``inf`` =
        k-center (minimum-enclosing-ball centres), other values by a convex solver.
    center : {"euclidean", "medoid"}, default="euclidean"
        ``"medoid"`` restricts each centre to a member of its cluster, the one
        with the least β-cost.
    max_iter : int, default=300
        Maximum number of assignment steps.
    tol : float, default=0.0
        Stop when the sum of squared centre shifts is <= ``tol`` (absolute; the
        estimator scales it like scikit-learn). With 0, stop only when an
        assignment step changes no label.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the points.
    algorithm : {"auto", "gram", "lloyd", "partition"}, default="auto"
        How β = 2 runs are computed. ``"gram"`` precomputes the Gram matrix and
        keeps per-cluster sums of its rows as points move: an iteration costs
        O(n k + moves n). ``"lloyd"`` forms the centres and makes one fused pass
        over fixed blocks of 256 rows per iteration (a single-threaded float32
        BLAS product that decides the nearest centre wherever a proven error
        margin allows, exact squared distances for the other rows, per-block
        sums reduced in block order), O(n k d) per iteration, no n×n matrix but
        a float32 copy of X (half its size); its labels are exactly those of
        the exact squared distances, whatever the BLAS. ``"partition"`` recomputes
        each centre as its members' weighted mean and each distance directly,
        O(n k d) per iteration and no n×n matrix; a run is then a function of
        its current partition, which lets the execution tree's leaf searches
        share their work (:class:`SharedLocalSearch`). ``"auto"`` picks, when
        ``init`` is point indices and ``tol == 0``, ``"partition"`` if
        ``n_features <= PARTITION_MAX_FEATURES``, else ``"gram"`` if
        ``n_samples <= GRAM_MAX_SAMPLES``; otherwise ``"lloyd"``. The rule is
        :func:`plan_local_search`, which the execution tree follows too, so
        its leaves reproduce direct runs bit for bit.  Other β and medoids
        ignore ``algorithm``.

    Returns
    -------
    result : LocalSearchResult
        ``labels``, ``centers``, ``n_iter``, ``cost``, ``converged``.

    Notes
    -----
    An iteration assigns every point to its nearest centre (Euclidean; ties go to
    the lowest centre index) and then moves each centre to
    ``argmin_c sum_{x in cluster} w_x ||x - c||^beta``. If a cluster becomes
    empty, the point farthest from its own centre (ties: lowest index), taken
    from a cluster with at least two members, moves into it; empty clusters are
    filled in increasing index. After ``max_iter`` without convergence the labels
    are recomputed once against the final centres.

    β = 1 uses Weiszfeld's iterations with the Vardi-Zhang guard, other finite
    β iteratively reweighted least squares (damped and backtracked for β > 2),
    each started from the members' weighted mean and stopping when a step moves
    the centre by at most ``BETA_CENTER_RTOL`` (1e-7) times the members' RMS
    distance to that mean, or after ``BETA_CENTER_MAX_ITER`` (200) steps.  In
    high dimension (path ``"beta_gram"`` of :func:`plan_local_search`: finite
    β ≠ 2 from point indices with ``tol = 0``, ``n_features >=
    BETA_GRAM_MIN_FEATURES``, ``n_samples <= min(GRAM_MAX_SAMPLES,
    BETA_GRAM_SAMPLES_PER_FEATURE * n_features)``) the same iteration runs on
    the centre's coefficients over its members (a β-centre lies in their
    convex hull) with the members' Gram matrix, O(m²) per step instead of
    O(m d), and the assignment step reads ``x_i · c`` from the Gram matrix,
    O(n k) per step; squared distances from the Gram formula are clamped (at
    or below ``1e-12 (||x||² + ||c||²)`` they count as 0,
    :mod:`dalgo._kernels.gram_centers`).  Both paths reach the same β-objective
    up to a relative 1e-7 (the tests check it) and, on the issue-12 MNIST
    instance, the same loss curve; β = ∞ solves the
    minimum-enclosing-ball dual by Frank-Wolfe with away steps to a relative
    duality gap of ``MEB_RTOL``. Medoids are exact (every member is tried); for
    ``n_samples <= DISTANCE_MATRIX_MAX_SAMPLES`` they use a precomputed distance
    matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import local_search
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> res = local_search(X, np.array([0, 2]))
    >>> res.labels, res.centers, res.n_iter, res.cost
    (array([0, 0, 1, 1]), array([[ 0. ,  0.5],
           [10. ,  0.5]]), 2, 1.0)
    """
    X = check_points(X)
    n, d = X.shape
    beta = check_beta(beta)
    center = check_center(center)
    w = check_sample_weight(sample_weight, n)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = _check_tol(tol)
    init_idx, init_centers = _check_init(init, X)
    plan = plan_local_search(n, d, beta=beta, center=center,
                             init="centers" if init_idx is None else "indices", tol=tol,
                             algorithm=algorithm)
    return _local_search(X, w, init_idx, init_centers, beta=beta, center=center,
                         max_iter=max_iter, tol=tol, plan=plan)


def _check_tol(tol):
    try:
        tol = float(tol)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"tol must be a finite number >= 0; got {tol!r}.") from None
    if not np.isfinite(tol) or tol < 0:
        raise InvalidParameterError(f"tol must be a finite number >= 0; got {tol}.")
    return tol


def _check_init(init, X):
    n, d = X.shape
    arr = np.asarray(init)
    if arr.dtype.kind in "iu":
        if arr.ndim != 1 or arr.size < 1:
            raise InvalidParameterError(
                f"integer init must be a 1-D array of point indices; got shape {arr.shape}."
            )
        if np.any(arr < 0) or np.any(arr >= n):
            raise InvalidParameterError(f"init indices must lie in [0, {n}); got {arr}.")
        idx = np.ascontiguousarray(arr, dtype=np.intp)
        return idx, X[idx]
    centers = check_points(init, name="init")
    if centers.shape[1] != d:
        raise InvalidParameterError(
            f"init has {centers.shape[1]} features but X has {d}."
        )
    if centers.shape[0] > n:
        raise InvalidParameterError(
            f"init has {centers.shape[0]} centres but X has only {n} points."
        )
    return None, centers


def _local_search(X, w, init_idx, init_centers, *, beta, center, max_iter, tol,
                  algorithm="auto", gram=None, distances=None, want_centers=True, plan=None):
    """Validation already done: run the path of ``plan`` (planned here if None).

    ``gram``/``distances``: precomputed matrices; ``want_centers=False`` lets the
    Gram path skip forming the final centres.
    """
    n, d = X.shape
    if plan is None:
        plan = plan_local_search(n, d, beta=beta, center=center,
                                 init="centers" if init_idx is None else "indices", tol=tol,
                                 algorithm=algorithm)
    path = plan.path
    if path == "beta_gram":
        if gram is None:
            gram = gram_matrix(X)
        return _beta_gram_lloyd(X, gram, w, init_idx, plan.beta, max_iter, want_centers)
    if path == "partition":
        return _beta_lloyd(X, w, init_centers, 2.0, max_iter, tol)
    if path == "gram":
        if gram is None:
            gram = gram_matrix(X)
        labels = np.empty(n, dtype=np.intp)
        mean_labels = np.empty(n, dtype=np.intp)
        dist = np.empty(n)
        n_iter, converged = _kl.gram_lloyd(gram, w, init_idx, max_iter, labels, dist,
                                           mean_labels)
        return _gram_result(X, w, labels, dist, mean_labels, init_idx.shape[0], n_iter,
                            converged, want_centers)
    if path == "medoid":
        if distances is None and plan.needs_distance_matrix:
            distances = np.empty((n, n))
            _kd.pairwise_distances(X, distances)
        return _medoid_search(X, w, init_idx, init_centers, plan.beta, max_iter, distances)
    if path == "lloyd":
        return _lloyd(X, w, init_centers, max_iter, tol)
    return _beta_lloyd(X, w, init_centers, plan.beta, max_iter, tol)


def _lloyd(X, w, init_centers, max_iter, tol):
    """β = 2 on coordinates, no n×n matrix.

    Each iteration is one fused pass over row blocks (:func:`_kernels.lloyd.lloyd_step`:
    a single-threaded float32 BLAS product per block, on X minus a fixed shift,
    screens the nearest centre; rows it cannot decide with certainty are assigned
    by exact squared distances; then per-block sums), blocks in parallel, partial
    sums reduced in block order.  Memory: a float32 copy of X.
    The labels are the argmin of ``_kernels.distances.sq_dist`` (as on the
    ``"partition"`` path), the cost uses the same distances: bit-identical
    whatever the numba or BLAS thread counts, or the BLAS build.  Stops by the
    rule of :mod:`dalgo._kernels.lloyd` (``settle_assignment``, ``centres_settled``).
    """
    n, d = X.shape
    k = init_centers.shape[0]
    centers = init_centers.copy()
    # The screen works on X - mu: distances do not change, and with mu near the data
    # (the mean of a fixed subsample; any fixed vector is correct) the norms, hence
    # the margins, stay small whatever the offset of the data.
    mu = X[:: max(1, n // 1024)].mean(axis=0)
    X32 = np.empty((n, d), dtype=np.float32)
    x_norm = np.empty(n)
    screen = bool(_kl.shifted_float32(X, mu, X32, x_norm) <= _kl.SCREEN_MAX_ABS)
    labels = np.full(n, -1, dtype=np.intp)
    prev = labels.copy()
    dist = np.empty(n)
    weight = np.empty(k)
    counts = np.zeros(k, dtype=np.intp)
    n_blocks = (n + _kl.LLOYD_BLOCK - 1) // _kl.LLOYD_BLOCK
    psums = np.empty((n_blocks, k, d))
    pw = np.empty((n_blocks, k))
    exact = np.empty(n_blocks, dtype=np.intp)
    converged = False
    n_iter = 0

    def step():
        Cs = centers - mu
        Ct32 = np.ascontiguousarray(Cs.T, dtype=np.float32)
        c_sq = np.einsum("ij,ij->i", Cs, Cs)
        c_norm = -1.0  # no screen
        if screen and np.abs(Cs).max() <= _kl.SCREEN_MAX_ABS:
            c_norm = float(np.sqrt(c_sq.max())) * (1.0 + 1e-9)
        _kl.lloyd_step(X, X32, x_norm, Ct32, centers, c_sq, c_norm, w, labels, psums, pw,
                       exact)

    with single_threaded_blas():
        for it in range(1, max_iter + 1):
            n_iter = it
            step()
            if np.bincount(labels, minlength=k).min() == 0:
                # the empty-cluster rule reads the distances
                _kl.assigned_sq_distances(X, centers, labels, dist)
            unchanged, moves = _kl.settle_assignment(labels, dist, counts, prev)
            if unchanged:
                converged = True
                break
            old = centers.copy()
            if len(moves):
                _kl.weighted_means(X, w, labels, centers, weight)
                for p, _, c in moves:
                    centers[c] = X[p]
            else:
                _kl.reduce_block_sums(psums, pw, centers, weight)
            prev[:] = labels
            if _kl.centres_settled(float(((centers - old) ** 2).sum()), tol):
                step()
                converged = True
                break
        if not converged:
            step()
    _kl.assigned_sq_distances(X, centers, labels, dist)
    return LocalSearchResult(labels, centers, n_iter, float(w @ dist), converged)


#: Entries of the (runs, n) output arrays of one call of the parallel runs
#: (:func:`_kernels.lloyd.gram_lloyd_many`, :func:`_kernels.lloyd.partition_lloyd_many`)
#: in :func:`_gram_runs` and :func:`_partition_runs` (bounds their memory; results do
#: not depend on it).
RUNS_BLOCK_ELEMENTS = 1 << 20


def _gram_result(X, w, labels, dist, mean_labels, k, n_iter, converged, want_centers):
    """The :class:`LocalSearchResult` of one Gram-path run (``dist`` clipped in place)."""
    np.maximum(dist, 0.0, out=dist)
    cost = float(w @ dist)
    centers = None
    if want_centers:
        centers = np.zeros((k, X.shape[1]))
        # the centres the labels were assigned to (differs from the means
        # of ``labels`` only when max_iter stopped the run)
        _kl.weighted_means(X, w, mean_labels, centers, np.empty(k))
    return LocalSearchResult(labels, centers, int(n_iter), cost, bool(converged))


def _in_parallel_blocks(seeds, n, run_block):
    """``run_block(block)`` (a list of results) for consecutive blocks of the rows of
    ``seeds``, ``RUNS_BLOCK_ELEMENTS // n`` rows at a time, with numba's dynamic
    scheduling (runs differ in length); the lists concatenated."""
    out = []
    step = max(1, RUNS_BLOCK_ELEMENTS // n)
    for lo in range(0, seeds.shape[0], step):
        previous = numba.set_parallel_chunksize(1)
        try:
            out.extend(run_block(seeds[lo:lo + step]))
        finally:
            numba.set_parallel_chunksize(previous)
    return out


def _gram_runs(X, gram, w, seeds, max_iter, want_centers):
    """Gram-path runs from every row of ``seeds`` (r, k), in parallel over runs."""
    n = X.shape[0]
    k = seeds.shape[1]

    def run_block(block):
        m = block.shape[0]
        labels = np.empty((m, n), dtype=np.intp)
        mean_labels = np.empty((m, n), dtype=np.intp)
        dist = np.empty((m, n))
        n_iter = np.empty(m, dtype=np.intp)
        converged = np.empty(m, dtype=np.bool_)
        _kl.gram_lloyd_many(gram, w, block, max_iter, labels, dist, mean_labels, n_iter,
                            converged)
        return [_gram_result(X, w, labels[j], dist[j], mean_labels[j], k, n_iter[j],
                             converged[j], want_centers) for j in range(m)]

    return _in_parallel_blocks(seeds, n, run_block)


_NO_MATRIX = np.empty((0, 0))
_NO_MEDOIDS = np.empty(0, dtype=np.intp)


def _inner_limits(beta):
    """Iterations and relative tolerance of the β-centre solver."""
    if np.isinf(beta):
        return MEB_MAX_ITER, MEB_RTOL
    return BETA_CENTER_MAX_ITER, BETA_CENTER_RTOL


def partition_centers(X, labels, beta):
    """The β-centre of every cluster of a partition ``labels`` (0 .. k − 1), by the solver
    the local search uses: the mean for β = 2, the geometric median for β = 1, the
    minimum-enclosing-ball centre for β = ∞ (unit weights).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    >>> partition_centers(X, np.array([0, 0, 1]), 2.0)
    array([[ 1.,  0.],
           [10.,  0.]])
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    k = int(labels.max()) + 1
    centers = np.empty((k, X.shape[1]))
    w = np.ones(X.shape[0])
    buf = np.empty(X.shape)
    wbuf = np.empty(X.shape[0])
    for c in range(k):
        members = np.flatnonzero(labels == c).astype(np.int64)
        _kc.cluster_beta_center(X, w, members, float(beta), *_inner_limits(beta), buf, wbuf,
                                centers[c])
    return centers


def _beta_lloyd(X, w, init_centers, beta, max_iter, tol):
    """β-centres on coordinates (β ≠ 2, and the β = 2 ``"partition"`` path)."""
    n = X.shape[0]
    centers = np.array(init_centers, dtype=np.float64, order="C")
    labels = np.full(n, -1, dtype=np.intp)
    dist = np.empty(n)
    n_iter, converged = _kl.partition_lloyd(_kl.BETA_CENTERS, X, _NO_MATRIX, _NO_MATRIX, w,
                                            centers, _NO_MEDOIDS, beta, max_iter,
                                            *_inner_limits(beta), tol, labels, dist)
    return _centers_result(w, beta, labels, dist, centers, n_iter, converged)


def _centers_result(w, beta, labels, dist, centers, n_iter, converged):
    """The :class:`LocalSearchResult` of a run with Euclidean centres on coordinates
    (``dist``: squared distances to them)."""
    r = np.sqrt(np.maximum(dist, 0.0))
    return LocalSearchResult(labels, centers, int(n_iter),
                             float(_kd.beta_cost(r, w, beta)), bool(converged))


def _partition_runs(X, w, seeds, max_iter):
    """β = 2 ``"partition"``-path runs from every row of ``seeds`` (r, k), in parallel
    over runs (:func:`dalgo._kernels.lloyd.partition_lloyd_many`)."""
    n, d = X.shape
    k = seeds.shape[1]

    def run_block(block):
        m = block.shape[0]
        labels = np.empty((m, n), dtype=np.intp)
        dist = np.empty((m, n))
        centers = np.empty((m, k, d))
        n_iter = np.empty(m, dtype=np.intp)
        converged = np.empty(m, dtype=np.bool_)
        _kl.partition_lloyd_many(X, w, block, max_iter, labels, dist, centers, n_iter,
                                 converged)
        return [_centers_result(w, 2.0, labels[j], dist[j], centers[j], n_iter[j],
                                converged[j]) for j in range(m)]

    return _in_parallel_blocks(seeds, n, run_block)


def _beta_gram_lloyd(X, G, w, seeds, beta, max_iter, want_centers):
    """Finite β ≠ 2 on the Gram matrix (:func:`_kernels.gram_centers.gram_beta_lloyd`)."""
    n = X.shape[0]
    labels = np.empty(n, dtype=np.intp)
    dist = np.empty(n)
    center_labels = np.empty(n, dtype=np.intp)
    coef = np.zeros(n)
    n_iter, converged = _kg.gram_beta_lloyd(G, w, seeds, beta, max_iter, *_inner_limits(beta),
                                            labels, dist, center_labels, coef)
    return _beta_gram_result(X, w, beta, labels, dist, center_labels, coef, seeds.shape[0], n_iter,
                             converged, want_centers)


def _beta_gram_result(X, w, beta, labels, dist, center_labels, coef, k, n_iter, converged,
                      want_centers):
    centers = None
    if want_centers:
        centers = np.empty((k, X.shape[1]))
        _kg.centers_from_coefficients(X, center_labels, coef, centers)
    r = np.sqrt(np.maximum(dist, 0.0))
    return LocalSearchResult(labels, centers, int(n_iter), float(_kd.beta_cost(r, w, beta)),
                             bool(converged))


def _medoid_search(X, w, init_idx, init_centers, beta, max_iter, distances):
    """Medoids: centres are members; exact argmin of the β-cost over members.

    On the distance matrix ``distances`` if given, else from coordinates (same
    distances bit for bit, recomputed per candidate: no n×n matrix).
    """
    n, d = X.shape
    if init_idx is None:
        # start from the points nearest to the given centres
        sqd = np.empty((n, init_centers.shape[0]))
        _kd.sq_distances_to_centers(X, init_centers, sqd)
        init_idx = np.argmin(sqd, axis=0).astype(np.intp)
    medoids = init_idx.copy()
    labels = np.full(n, -1, dtype=np.intp)
    dist = np.empty(n)
    if distances is not None:
        mode, D, Dp = _kl.MEDOIDS_BY_MATRIX, distances, _km.power_matrix(distances, beta)
    else:
        mode, D, Dp = _kl.MEDOIDS_BY_COORDINATES, _NO_MATRIX, _NO_MATRIX
    n_iter, converged = _kl.partition_lloyd(mode, X, D, Dp, w, np.empty((0, d)), medoids, beta,
                                            max_iter, *_inner_limits(beta), 0.0, labels, dist)
    return LocalSearchResult(labels, X[medoids].copy(), int(n_iter),
                             float(_kd.beta_cost(dist, w, beta)), bool(converged),
                             center_indices=medoids.copy())


class SharedLocalSearch:
    """Many local searches on one instance, sharing their work.

    The execution tree runs one local search per leaf, a thousand or more per
    instance, from different seeds.  Most of these runs soon pass through
    partitions that an earlier run has already visited, and from there on they
    repeat it: a centre is a function of its cluster's member set alone
    (:func:`dalgo._kernels.centers.cluster_beta_center`, medoids likewise), so the
    rest of a run is a function of its current partition.  This class
    remembers, for every partition a converged run went through, where that run
    ended and how many steps it took, and the centre of every member set it
    has solved for.  Results are bit-identical to :func:`local_search` with
    ``tol=0`` from the same seeds, ``n_iter`` and ``converged`` included
    (a remembered ending is used only if it is reached within ``max_iter``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The instance.
    beta : float
        Exponent of the local search, >= 1 or ``np.inf`` (k-center).
    center : {"euclidean", "medoid"}, default="euclidean"
    max_iter : int, default=300
    sample_weight : ndarray of shape (n_samples,) or None
    gram, distances : ndarray of shape (n_samples, n_samples) or None
        Precomputed Gram matrix (β = 2) or distance matrix (medoids).
    want_centers : bool, default=True
        False lets the β = 2 Gram path skip computing the final centres
        (``centers`` is then None).

    Attributes
    ----------
    n_runs : int
        Runs so far.
    n_shared : int
        Runs that ended on a remembered partition.
    n_resets : int
        How often the memory budget made it forget everything.
    plan : LocalSearchPlan
        The path of every run (:func:`plan_local_search` from point indices,
        ``tol=0``, ``algorithm="auto"``).

    Notes
    -----
    On the ``"beta_gram"`` path (Euclidean β ∉ {2, ∞} in high dimension) a
    remembered centre is its coefficients on the members, its projections
    ``X @ c`` and ``||c||²``, again a function of the member set alone (no warm
    starts: every solve starts from the members' mean), so results do not
    depend on the order of the runs.
    β = 2 runs go straight to :func:`local_search`'s path (``plan.shareable`` is
    False), and :meth:`run_many` runs them in parallel: a mean costs no more
    than looking its member set up, and leaves rarely meet a remembered
    partition (on MNIST protocol instances they end in pairwise different
    partitions; the Gram path's incremental sums depend on the run's history
    anyway).  On the 2-D sets of the benchmark suite the partition memo made
    the leaf searches 1.5–1.7× slower than direct runs, even on sipu/aggregation
    where a third of the runs ended on a remembered partition.  So do medoid
    searches without a distance matrix (``n_samples >
    DISTANCE_MATRIX_MAX_SAMPLES``).  Memory is bounded by
    ``SHARED_MEMORY_BYTES``: past it everything remembered is dropped
    (correctness does not depend on it, only speed).

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import SharedLocalSearch, local_search
    >>> X = np.random.default_rng(0).normal(size=(60, 2))
    >>> shared = SharedLocalSearch(X, beta=1.0)
    >>> a = shared.run(np.array([0, 1, 2]))
    >>> b = local_search(X, np.array([0, 1, 2]), beta=1.0)
    >>> bool(np.array_equal(a.labels, b.labels) and np.array_equal(a.centers, b.centers))
    True
    """

    def __init__(self, X, *, beta, center="euclidean", max_iter=300, sample_weight=None,
                 gram=None, distances=None, want_centers=True):
        X = check_points(X)
        n = X.shape[0]
        for name, matrix in (("gram", gram), ("distances", distances)):
            if matrix is not None and np.shape(matrix) != (n, n):
                raise InvalidParameterError(
                    f"{name} must have shape ({n}, {n}); got {np.shape(matrix)}.")
        self.X = X
        self.want_centers = want_centers
        self.beta = check_beta(beta)
        self.center = check_center(center)
        self.max_iter = check_positive_int(max_iter, "max_iter")
        self.w = check_sample_weight(sample_weight, n)
        self.gram = gram
        self.distances = distances
        self.plan = plan_local_search(n, X.shape[1], beta=self.beta, center=self.center)
        if distances is not None:
            self.plan = self.plan.with_distance_matrix()
        if self.plan.needs_distance_matrix and distances is None:
            self.distances = np.empty((n, n))
            _kd.pairwise_distances(X, self.distances)
        if self.plan.needs_gram and gram is None:
            self.gram = gram_matrix(X)
        self._direct = not self.plan.shareable
        if self.center == "medoid" and self.distances is not None:
            self._dpow = _km.power_matrix(self.distances, self.beta)
        self._inner = _inner_limits(self.beta)
        self._buf = np.empty(X.shape)
        self._wbuf = np.empty(n)
        # partition bytes -> (index of the run's ending, steps from there to it)
        self._states = {}
        self._endings = []
        self._centers = {}
        self._bytes = 0
        self.n_runs = 0
        self.n_shared = 0
        self.n_resets = 0

    def run(self, seeds):
        """Local search from the points ``seeds`` (indices); a :class:`LocalSearchResult`."""
        if np.asarray(seeds).dtype.kind not in "iu":
            raise InvalidParameterError(
                "SharedLocalSearch.run needs the seeds as point indices (integers).")
        seeds, _ = _check_init(seeds, self.X)
        self.n_runs += 1
        if self._direct:
            return _local_search(self.X, self.w, seeds, self.X[seeds], beta=self.beta,
                                 center=self.center, max_iter=self.max_iter, tol=0.0,
                                 gram=self.gram, distances=self.distances,
                                 want_centers=self.want_centers, plan=self.plan)
        if self.plan.path == "beta_gram":
            return self._run_gram(seeds)
        k = seeds.shape[0]
        n = self.X.shape[0]
        if self.center == "medoid":
            mode, D = _kl.MEDOIDS_BY_MATRIX, self.distances
            medoids = state = seeds.copy()
            centers = np.empty((0, self.X.shape[1]))
        else:
            mode, D, medoids = _kl.BETA_CENTERS, _NO_MATRIX, _NO_MEDOIDS
            centers = state = np.ascontiguousarray(self.X[seeds])
        labels = np.empty(n, dtype=np.intp)
        prev = np.full(n, -1, dtype=np.intp)
        dist = np.empty(n)
        counts = np.zeros(k, dtype=np.intp)
        key_dtype = np.uint8 if k <= 256 else np.int32
        # distance bounds (β-centres): the same labels, most points settled by one distance
        lower = np.zeros(n if mode == _kl.BETA_CENTERS else 0)
        path = []
        for t in range(1, self.max_iter + 1):
            unchanged, _ = _kl.assignment_step(mode, self.X, D, centers, medoids, labels, dist,
                                               counts, prev, lower)
            key = labels.astype(key_dtype).tobytes()
            if unchanged:
                self._endings.append((labels, dist, state))
                self._bytes += labels.nbytes + dist.nbytes + state.nbytes + _ENTRY_OVERHEAD
                return self._finish(path, len(self._endings) - 1, t, 0)
            known = self._states.get(key)
            if known is not None and t + known[1] <= self.max_iter:
                self.n_shared += 1
                return self._finish(path, known[0], t, known[1])
            path.append((key, t))
            before = state.copy() if lower.size else None
            self._update_centers(labels, counts, state)
            if before is not None:
                _kl.decay_bounds(lower, before, centers)
            prev[:] = labels
        _kl.assign_nearest(mode, self.X, D, centers, medoids, labels, dist)
        return self._result(labels, dist, state, self.max_iter, False)

    def run_many(self, seeds):
        """Local searches from every row of ``seeds`` (r, k) point indices.

        Returns a list of :class:`LocalSearchResult`, equal to
        ``[self.run(s) for s in seeds]``.  On the β = 2 paths (``"gram"``,
        ``"partition"``) the runs go in parallel over numba's threads
        (:func:`dalgo._kernels.lloyd.gram_lloyd_many`,
        :func:`dalgo._kernels.lloyd.partition_lloyd_many`: each run is serial and
        writes its own rows, so the results do not depend on the thread count);
        other paths run one after another.
        """
        seeds = np.asarray(seeds)
        if seeds.ndim != 2 or seeds.dtype.kind not in "iu" or seeds.shape[1] < 1:
            raise InvalidParameterError(
                "SharedLocalSearch.run_many needs a 2-D array of point indices with at least "
                f"one column; got shape {seeds.shape}, dtype {seeds.dtype}.")
        if not (self._direct and self.plan.path in ("gram", "partition")):
            return [self.run(s) for s in seeds]
        n = self.X.shape[0]
        if seeds.size and (seeds.min() < 0 or seeds.max() >= n):
            raise InvalidParameterError(f"seeds must lie in [0, {n}).")
        self.n_runs += seeds.shape[0]
        seeds = np.ascontiguousarray(seeds, dtype=np.intp)
        if self.plan.path == "partition":
            return _partition_runs(self.X, self.w, seeds, self.max_iter)
        return _gram_runs(self.X, self.gram, self.w, seeds, self.max_iter, self.want_centers)

    def _run_gram(self, seeds):
        """:meth:`run` on the ``"beta_gram"`` path: the steps of
        :func:`_kernels.gram_centers.gram_beta_lloyd`, centres remembered by member set
        as (coefficients, projections, squared norm)."""
        k = seeds.shape[0]
        n = self.X.shape[0]
        G = self.gram
        P = np.empty((k, n))
        q = np.empty(k)
        _kg.gram_seed_centers(G, seeds, P, q)
        coef = np.zeros(n)
        labels = np.empty(n, dtype=np.intp)
        prev = np.full(n, -1, dtype=np.intp)
        dist = np.empty(n)
        counts = np.zeros(k, dtype=np.intp)
        key_dtype = np.uint8 if k <= 256 else np.int32
        perm = np.empty(n, dtype=np.int32)
        offsets = np.empty(k + 1, dtype=np.intp)
        path = []
        for t in range(1, self.max_iter + 1):
            _kg.gram_assign(G, P, q, labels, dist)
            unchanged, _ = _kl.settle_assignment(labels, dist, counts, prev)
            if unchanged:
                state = self._gram_centers(labels, coef, k)
                self._endings.append((labels, dist, state))
                self._bytes += labels.nbytes + dist.nbytes + state.nbytes + _ENTRY_OVERHEAD
                return self._finish(path, len(self._endings) - 1, t, 0)
            key = labels.astype(key_dtype).tobytes()
            known = self._states.get(key)
            if known is not None and t + known[1] <= self.max_iter:
                self.n_shared += 1
                return self._finish(path, known[0], t, known[1])
            path.append((key, t))
            _kl.group_by_label(labels, k, perm, offsets)
            for c in range(k):
                members = perm[offsets[c]:offsets[c + 1]]
                key_c = members.tobytes()
                value = self._centers.get(key_c)
                if value is None:
                    a = np.empty(members.shape[0])
                    p = np.empty(n)
                    value = (a, p, _kg.gram_cluster_center(G, self.w, members, self.beta,
                                                           *self._inner, a, p))
                    self._remember_center(key_c, value)
                coef[members] = value[0]
                P[c] = value[1]
                q[c] = value[2]
            prev[:] = labels
        _kg.gram_assign(G, P, q, labels, dist)
        return self._result(labels, dist, self._gram_centers(prev, coef, k), self.max_iter,
                            False)

    def _gram_centers(self, center_labels, coef, k):
        """Final centres from coefficients ((k, 0) when ``want_centers`` is False)."""
        if not self.want_centers:
            return np.empty((k, 0))
        centers = np.empty((k, self.X.shape[1]))
        _kg.centers_from_coefficients(self.X, center_labels, coef, centers)
        return centers

    def _finish(self, path, ending, t, steps_left):
        """Remember the path's partitions; the result of ending ``ending`` at step
        ``t + steps_left``."""
        labels, dist, centers = self._endings[ending]
        result = self._result(labels.copy(), dist.copy(), centers.copy(), t + steps_left, True)
        for key, t_key in path:
            self._states[key] = (ending, t + steps_left - t_key)
            self._bytes += len(key) + _ENTRY_OVERHEAD
        self._forget_if_full()
        return result

    def _update_centers(self, labels, counts, centers):
        k = centers.shape[0]
        order = np.empty(labels.shape[0], dtype=np.intp)
        offsets = np.empty(k + 1, dtype=np.intp)
        _kl.group_by_label(labels, k, order, offsets)  # members in increasing index
        keys = order.astype(np.int32).tobytes()  # one conversion; cluster c's key is a slice
        for c in range(k):
            members = order[offsets[c]:offsets[c + 1]]
            key = keys[4 * offsets[c]:4 * offsets[c + 1]]
            value = self._centers.get(key)
            if value is None:
                value = self._solve(members)
                self._remember_center(key, value)
            centers[c] = value

    def _solve(self, members):
        if self.center == "medoid":
            return _km.cluster_medoid(self._dpow, self.w, members, self.beta)
        out = np.empty(self.X.shape[1])
        _kc.cluster_beta_center(self.X, self.w, members, self.beta, *self._inner,
                                          self._buf, self._wbuf, out)
        return out

    def _remember_center(self, key, value):
        self._centers[key] = value
        nbytes = (sum(getattr(v, "nbytes", 8) for v in value) if isinstance(value, tuple)
                  else getattr(value, "nbytes", 8))
        self._bytes += len(key) + nbytes + _ENTRY_OVERHEAD
        self._forget_if_full()

    def _forget_if_full(self):
        if self._bytes > SHARED_MEMORY_BYTES:
            self._states.clear()
            self._endings.clear()
            self._centers.clear()
            self._bytes = 0
            self.n_resets += 1

    def _result(self, labels, dist, centers, n_iter, converged):
        if self.center == "medoid":
            return LocalSearchResult(labels, self.X[centers], int(n_iter),
                                     float(_kd.beta_cost(dist, self.w, self.beta)),
                                     bool(converged), center_indices=centers)
        if self.plan.path == "beta_gram" and not self.want_centers:
            centers = None
        return _centers_result(self.w, self.beta, labels, dist, centers, n_iter, converged)
