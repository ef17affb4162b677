"""β-Lloyd's local search against scikit-learn and brute-force references (docs/conventions.md)."""

import importlib

import _naive
import numba
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import KMeans

from dalgo import InvalidParameterError, dalpha_seeding, local_search

# ``dalgo.local_search`` the attribute is the function; the module is here:
ls_module = importlib.import_module("dalgo.local_search")

# Tolerances, stated once.
#: centres of β = 2 vs scikit-learn / the plain reference (different summation order)
MEAN_RTOL = 1e-10
#: β-centre objective vs a generic optimiser: ours may not exceed the optimiser's
#: value by more than this relative amount
OBJ_RTOL = 1e-7
#: minimum-enclosing-ball radius / centre vs the exhaustive circle search
MEB_TOL = 1e-7


def _blobs(seed, n=240, d=3, k=4, spread=0.6):
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=4.0, size=(k, d))
    X = means[rng.integers(k, size=n)] + spread * rng.normal(size=(n, d))
    return X


def _seeds(X, k, seed, alpha=2.0):
    return dalpha_seeding(X, k, alpha, np.random.default_rng(seed).random(k))


# ---------------------------------------------------------------------------
# β = 2 vs scikit-learn and plain Lloyd
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["gram", "lloyd", "partition"])
def test_beta2_matches_sklearn(global_random_seed, algorithm):
    k = 4
    X = _blobs(global_random_seed, k=k, spread=1.5)
    seeds = _seeds(X, k, global_random_seed)
    ours = local_search(X, seeds, beta=2.0, algorithm=algorithm)
    km = KMeans(n_clusters=k, init=X[seeds], n_init=1, algorithm="lloyd", tol=0,
                max_iter=300).fit(X)
    assert ours.converged
    np.testing.assert_array_equal(ours.labels, km.labels_)
    np.testing.assert_allclose(ours.centers, km.cluster_centers_, rtol=MEAN_RTOL,
                               atol=1e-12)
    assert ours.cost == pytest.approx(km.inertia_, rel=1e-9)


@pytest.mark.parametrize("algorithm", ["gram", "lloyd", "partition"])
def test_beta2_matches_sklearn_weighted_and_capped(algorithm):
    """Sample weights, and max_iter reached before convergence (labels of the
    final centres, as scikit-learn reports)."""
    X = _blobs(7, n=300, d=2, k=5, spread=2.5)
    w = np.random.default_rng(7).random(300) + 0.1
    seeds = _seeds(X, 5, 7)
    for max_iter in [2, 300]:
        ours = local_search(X, seeds, beta=2.0, algorithm=algorithm, sample_weight=w,
                            max_iter=max_iter)
        km = KMeans(n_clusters=5, init=X[seeds], n_init=1, algorithm="lloyd", tol=0,
                    max_iter=max_iter).fit(X, sample_weight=w)
        np.testing.assert_array_equal(ours.labels, km.labels_)
        np.testing.assert_allclose(ours.centers, km.cluster_centers_, rtol=MEAN_RTOL,
                                   atol=1e-12)


def test_beta2_center_init_matches_index_init_and_naive(global_random_seed):
    X = _blobs(global_random_seed, n=150, d=2, k=3, spread=1.2)
    seeds = _seeds(X, 3, global_random_seed)
    by_index = local_search(X, seeds, algorithm="lloyd")
    by_center = local_search(X, X[seeds])
    gram = local_search(X, seeds, algorithm="gram")
    labels, centers, _ = _naive.lloyd(X, X[seeds])
    for res in (by_index, by_center, gram):
        np.testing.assert_array_equal(res.labels, labels)
        np.testing.assert_allclose(res.centers, centers, rtol=MEAN_RTOL, atol=1e-12)
    assert gram.n_iter == by_index.n_iter == by_center.n_iter


def test_auto_uses_lloyd_above_gram_limit(monkeypatch):
    X = _blobs(3, n=200, d=ls_module.PARTITION_MAX_FEATURES + 1)
    seeds = _seeds(X, 4, 3)
    ref = local_search(X, seeds, algorithm="lloyd")
    monkeypatch.setattr(ls_module, "GRAM_MAX_SAMPLES", 100)
    assert ls_module.plan_local_search(200, X.shape[1]).path == "lloyd"
    res = local_search(X, seeds)
    np.testing.assert_array_equal(res.labels, ref.labels)
    np.testing.assert_array_equal(res.centers, ref.centers)


# ---------------------------------------------------------------------------
# β = 1, general β, β = ∞: centres minimise the β-cost of their clusters
# ---------------------------------------------------------------------------


def _check_centres_optimal(X, res, beta):
    k = res.centers.shape[0]
    for c in range(k):
        Xc = X[res.labels == c]
        ours = _naive.beta_objective(Xc, res.centers[c], beta)
        ref = _naive.beta_objective(Xc, _naive.beta_center(Xc, beta), beta)
        assert ours <= ref * (1 + OBJ_RTOL) + 1e-12, (beta, c, ours, ref)


@pytest.mark.parametrize("beta", [1.0, 1.5, 3.0, 4.0])
def test_beta_centres_minimise_cost(global_random_seed, beta):
    X = _blobs(global_random_seed, n=90, d=2, k=3, spread=1.0)
    res = local_search(X, _seeds(X, 3, global_random_seed), beta=beta)
    assert res.converged
    # labels are the nearest centres
    labels, _ = _naive.assign(X, res.centers)
    np.testing.assert_array_equal(res.labels, labels)
    _check_centres_optimal(X, res, beta)
    want = sum(_naive.beta_objective(X[res.labels == c], res.centers[c], beta)
               for c in range(3))
    assert res.cost == pytest.approx(want, rel=1e-12)


def test_geometric_median_at_a_data_point():
    """Weiszfeld's guard: the median of a symmetric star is its centre point."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    res = local_search(X, np.array([[0.3, 0.2]]), beta=1.0)
    np.testing.assert_allclose(res.centers[0], [0.0, 0.0], atol=1e-9)
    # boundary case: the pull of the others (1) equals the centre point's weight
    # (1), so the origin is still the median but Weiszfeld alone is sublinear
    X1 = np.vstack([X, [[0.3, 0.2]]])
    res1 = local_search(X1, np.array([[0.3, 0.2]]), beta=1.0)
    f = _naive.beta_objective(X1, res1.centers[0], 1.0)
    assert f <= _naive.beta_objective(X1, np.zeros(2), 1.0) * (1 + OBJ_RTOL)
    # a heavy point pulls the median onto itself
    X2 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    w = np.array([10.0, 1.0, 1.0, 1.0])
    res2 = local_search(X2, np.array([1]), beta=1.0, sample_weight=w)
    np.testing.assert_allclose(res2.centers[0], [0.0, 0.0], atol=1e-9)


def test_geometric_median_matches_optimiser_d5(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_t(df=2, size=(40, 5))
    res = local_search(X, np.array([0]), beta=1.0)
    ours = _naive.beta_objective(X, res.centers[0], 1.0)
    ref = _naive.beta_objective(X, _naive.geometric_median(X), 1.0)
    assert ours <= ref * (1 + OBJ_RTOL)


def test_beta_inf_is_min_enclosing_ball(global_random_seed):
    X = _blobs(global_random_seed, n=45, d=2, k=3, spread=1.0)
    res = local_search(X, _seeds(X, 3, global_random_seed), beta=np.inf)
    assert res.converged
    radii = []
    for c in range(3):
        Xc = X[res.labels == c]
        centre, radius = _naive.min_enclosing_circle(Xc)
        ours = _naive.euclid(Xc, res.centers[c]).max()
        assert ours == pytest.approx(radius, rel=MEB_TOL)
        np.testing.assert_allclose(res.centers[c], centre, atol=1e-5 * (radius + 1))
        radii.append(ours)
    assert res.cost == pytest.approx(max(radii), rel=1e-12)


@given(P=arrays(np.float64, st.tuples(st.integers(1, 9), st.just(2)),
                elements=st.integers(-20, 20).map(float)))
def test_meb_single_cluster_hypothesis(P):
    """Integer 2-D sets (collinear, duplicates, 1 point): MEB within MEB_TOL."""
    res = local_search(P, np.array([0]), beta=np.inf)
    centre, radius = _naive.min_enclosing_circle(P)
    ours = _naive.euclid(P, res.centers[0]).max()
    assert ours <= radius * (1 + MEB_TOL) + 1e-9
    assert res.cost == pytest.approx(ours, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------
# medoids
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [1.0, 2.0, 3.0, np.inf])
@pytest.mark.parametrize("matrix", [True, False])
def test_medoids_are_members_minimising_cost(global_random_seed, beta, matrix,
                                             monkeypatch):
    if not matrix:  # force the coordinate path (no n×n matrix)
        monkeypatch.setattr(ls_module, "DISTANCE_MATRIX_MAX_SAMPLES", 10)
    X = _blobs(global_random_seed, n=80, d=2, k=3, spread=1.0)
    w = np.random.default_rng(global_random_seed).random(80) + 0.5
    res = local_search(X, _seeds(X, 3, global_random_seed), beta=beta, center="medoid",
                       sample_weight=w)
    assert res.converged
    for c in range(3):
        members = np.flatnonzero(res.labels == c)
        idx = res.center_indices[c]
        assert idx in members
        np.testing.assert_array_equal(res.centers[c], X[idx])
        a, best = _naive.medoid(X[members], beta, w[members])
        assert members[a] == idx
    # each point is with its nearest medoid
    labels, _ = _naive.assign(X, res.centers)
    np.testing.assert_array_equal(res.labels, labels)


def test_medoid_paths_agree(monkeypatch):
    X = _blobs(11, n=120, d=3, k=4)
    seeds = _seeds(X, 4, 11)
    a = local_search(X, seeds, beta=1.0, center="medoid")
    monkeypatch.setattr(ls_module, "DISTANCE_MATRIX_MAX_SAMPLES", 10)
    b = local_search(X, seeds, beta=1.0, center="medoid")
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.center_indices, b.center_indices)


# ---------------------------------------------------------------------------
# empty clusters: the documented rule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [2.0, 3.0, np.inf])
def test_empty_cluster_rule_coordinates(beta):
    """Centre 1 starts far from every point, so its cluster is empty after the
    first assignment; the point farthest from its own centre (10, in the only
    cluster with >= 2 members) moves in."""
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    init = np.array([[0.0], [1000.0], [1.0]])
    res = local_search(X, init, beta=beta)
    np.testing.assert_array_equal(res.labels, [0, 0, 2, 2, 1])
    np.testing.assert_allclose(res.centers, [[0.5], [10.0], [2.5]], atol=1e-7)
    labels, centers, _ = _naive.lloyd(X, init)
    np.testing.assert_array_equal(labels, [0, 0, 2, 2, 1])
    np.testing.assert_allclose(centers, [[0.5], [10.0], [2.5]])


def test_empty_cluster_rule_duplicate_seeds():
    """Two seeds at the same location: the second starts empty (ties go to the
    lowest centre index) and takes the farthest point; every path agrees."""
    rng = np.random.default_rng(5)
    X = np.vstack([rng.normal(size=(30, 2)), rng.normal(loc=6.0, size=(30, 2))])
    X[1] = X[0]
    seeds = np.array([0, 1, 40])
    labels, centers, _ = _naive.lloyd(X, X[seeds])
    for algorithm in ["gram", "lloyd", "partition"]:
        res = local_search(X, seeds, algorithm=algorithm)
        assert np.bincount(res.labels, minlength=3).min() > 0
        np.testing.assert_array_equal(res.labels, labels)
        np.testing.assert_allclose(res.centers, centers, rtol=MEAN_RTOL, atol=1e-12)
    # medoid path: same first move, clusters non-empty, deterministic
    m1 = local_search(X, seeds, center="medoid")
    m2 = local_search(X, seeds, center="medoid")
    assert np.bincount(m1.labels, minlength=3).min() > 0
    np.testing.assert_array_equal(m1.labels, m2.labels)


def test_empty_cluster_first_move_matches_naive_rule():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [9.0, 0.0]])
    lab0, d0 = _naive.assign(X, X[[0, 1, 4]])
    lab, dist, moves = _naive.fill_empty(lab0, d0, 3)
    assert moves == [(3, 0, 1)]  # point 3 (distance 9 from centre 0) fills cluster 1
    res = local_search(X, np.array([0, 1, 4]), max_iter=1)
    # after one step the centres are the means of the filled clusters
    np.testing.assert_allclose(res.centers, [[1.0 / 3, 0.0], [3.0, 0.0], [9.0, 0.0]])


# ---------------------------------------------------------------------------
# invariants (hypothesis)
# ---------------------------------------------------------------------------


@given(X=arrays(np.float64, st.tuples(st.integers(4, 25), st.integers(1, 3)),
                elements=st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 3))),
       data=st.data())
def test_gram_and_lloyd_agree_with_naive(X, data):
    """Random small inputs (ties and duplicates included): both β = 2 paths give
    the plain reference's labels when distances are not near-tied."""
    k_max = np.unique(X, axis=0).shape[0]
    assume(k_max >= 2)
    k = data.draw(st.integers(2, min(4, k_max)))
    z = data.draw(st.lists(st.floats(0, 1, exclude_max=True), min_size=k, max_size=k))
    seeds = dalpha_seeding(X, k, 2.0, z)
    labels, centers, _ = _naive.lloyd(X, X[seeds])
    # skip draws where some point is (nearly) equidistant from two final centres:
    sq = np.sort(((X[:, None] - centers[None]) ** 2).sum(-1), axis=1)
    assume(np.all(sq[:, 1] - sq[:, 0] > 1e-6 * (1 + sq[:, 1])))
    for algorithm in ["gram", "lloyd", "partition"]:
        res = local_search(X, seeds, algorithm=algorithm)
        assert np.all(np.isfinite(res.centers)) and np.isfinite(res.cost)
        np.testing.assert_array_equal(res.labels, labels)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

X_OK = np.arange(20.0).reshape(10, 2)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(beta=0.5), ValueError, "beta"),
        (dict(beta=np.nan), ValueError, "beta"),
        (dict(beta="2"), TypeError, "beta"),
        (dict(center="median"), ValueError, "center"),
        (dict(max_iter=0), ValueError, "max_iter"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(algorithm="elkan"), ValueError, "algorithm"),
        (dict(init=np.array([0, 10])), ValueError, "init"),
        (dict(init=np.zeros((2, 3))), ValueError, "features"),
        (dict(init=np.array([[0.0, np.nan]])), ValueError, "init"),
        (dict(X=np.array([[0.0, np.nan]] * 3)), ValueError, "NaN"),
        (dict(X=np.array([[0.0, np.inf]] * 3)), ValueError, "infinity"),
        (dict(X=np.empty((0, 2)), init=np.zeros((1, 2))), ValueError, "sample"),
        (dict(X=np.array([[1, "a"]] * 3, dtype=object)), TypeError, "real"),
        (dict(sample_weight=-np.ones(10)), ValueError, "sample_weight"),
        (dict(algorithm="gram", init=np.zeros((2, 2))), ValueError, "gram"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(X=X_OK, init=np.array([0, 5]))
    args.update(kwargs)
    X = args.pop("X")
    init = args.pop("init")
    with pytest.raises(exc, match=match):
        local_search(X, init, **args)


def test_float32_input():
    X = _blobs(0, n=100).astype(np.float32)
    seeds = _seeds(X.astype(np.float64), 4, 0)
    a = local_search(X, seeds)
    b = local_search(X.astype(np.float64), seeds)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centers, b.centers)


def test_blas_limit_restored_and_thread_safe():
    """The Lloyd path limits BLAS to one thread only while it runs, also when
    several Python threads run local searches at once."""
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_info

    before = {i["filepath"]: i["num_threads"] for i in threadpool_info()
              if i["user_api"] == "blas"}
    X = _blobs(2, n=400)
    seeds = _seeds(X, 4, 2)
    ref = local_search(X, seeds, algorithm="lloyd")
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: local_search(X, seeds, algorithm="lloyd"), range(8)))
    for r in runs:
        assert r.centers.tobytes() == ref.centers.tobytes()
    after = {i["filepath"]: i["num_threads"] for i in threadpool_info()
             if i["user_api"] == "blas"}
    assert after == before


# ---------------------------------------------------------------------------
# SharedLocalSearch: many runs on one instance sharing their work


def _assert_same_result(a, b):
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.centers, b.centers)
    assert a.n_iter == b.n_iter
    assert a.converged == b.converged
    assert a.cost == b.cost
    if b.center_indices is not None:
        assert np.array_equal(a.center_indices, b.center_indices)


@pytest.mark.parametrize("beta", [1.0, 1.5, 3.0, np.inf, 2.0])
@pytest.mark.parametrize("center", ["euclidean", "medoid"])
@pytest.mark.parametrize("max_iter", [300, 3])
def test_shared_search_equals_direct_runs(beta, center, max_iter):
    """Bit-identical to independent runs, also when max_iter cuts a run short
    (then a remembered ending must not be used)."""
    X = _blobs(7, n=120, d=3, k=5, spread=1.5)
    X[5] = X[6]  # duplicate points
    w = np.random.default_rng(3).uniform(0.5, 2.0, size=X.shape[0])
    rng = np.random.default_rng(11)
    starts = [rng.choice(X.shape[0], size=4, replace=False) for _ in range(60)]
    starts += starts[:5]  # repeated starts are answered from memory
    shared = ls_module.SharedLocalSearch(X, beta=beta, center=center, max_iter=max_iter,
                                         sample_weight=w)
    for s in starts:
        got = shared.run(s)
        want = local_search(X, s, beta=beta, center=center, max_iter=max_iter,
                            sample_weight=w)
        _assert_same_result(got, want)
    assert shared.n_runs == len(starts)
    if beta != 2.0 and max_iter == 300:
        assert shared.n_shared >= 5


@pytest.mark.parametrize("center", ["euclidean", "medoid"])
def test_shared_search_when_memory_is_full(monkeypatch, center):
    """A tiny memory budget makes it forget often; results stay identical."""
    monkeypatch.setattr(ls_module, "SHARED_MEMORY_BYTES", 20000)
    X = _blobs(8, n=80, d=2, k=3)
    shared = ls_module.SharedLocalSearch(X, beta=1.0, center=center)
    rng = np.random.default_rng(0)
    starts = [rng.choice(X.shape[0], size=3, replace=False) for _ in range(30)]
    for s in starts + starts:
        _assert_same_result(shared.run(s), local_search(X, s, beta=1.0, center=center))
    assert shared._bytes <= 20000
    assert shared.n_resets > 0 and shared.n_shared > 0


@pytest.mark.parametrize(
    "kwargs, run_with, exc, match",
    [
        (dict(beta=0.5), None, ValueError, "beta"),
        (dict(beta=np.nan), None, ValueError, "beta"),
        (dict(center="mean"), None, ValueError, "center"),
        (dict(max_iter=0), None, ValueError, "max_iter"),
        (dict(sample_weight=-np.ones(20)), None, ValueError, "weight"),
        (dict(distances=np.zeros((3, 3))), None, ValueError, "distances"),
        (dict(), np.array([0, 20]), ValueError, "init indices"),
        (dict(), np.array([[0.0, 0.0]]), TypeError, "point indices"),
        (dict(), np.array([], dtype=int), ValueError, "1-D"),
    ],
)
def test_shared_search_bad_input(kwargs, run_with, exc, match):
    X = _blobs(9, n=20, d=2, k=2)
    args = {"beta": 1.0, **kwargs}
    with pytest.raises(exc, match=match):
        ls_module.SharedLocalSearch(X, **args).run(
            np.array([0, 1]) if run_with is None else run_with)


def test_shared_search_rejects_nan_points():
    X = _blobs(9, n=20, d=2, k=2)
    X[3, 1] = np.nan
    with pytest.raises(ValueError):
        ls_module.SharedLocalSearch(X, beta=1.0)


# ---------------------------------------------------------------------------
# the plan: which path a run takes, decided in one place
# ---------------------------------------------------------------------------


def test_plan_decides_every_path(monkeypatch):
    plan = ls_module.plan_local_search
    p = plan(500, 2)
    assert (p.path, p.shareable, p.needs_gram) == ("partition", False, False)
    p = plan(500, 64)
    assert (p.path, p.shareable, p.needs_gram) == ("gram", False, True)
    assert plan(5000, 64).path == "lloyd"
    assert plan(500, 2, init="centers").path == "lloyd"
    assert plan(500, 2, tol=1e-4).path == "lloyd"
    assert plan(500, 2, algorithm="lloyd").path == "lloyd"
    assert plan(500, 64, algorithm="partition").path == "partition"
    for beta in (1.0, 3.0, np.inf):
        p = plan(500, 20, beta=beta, algorithm="gram")  # algorithm is for β = 2 only
        assert (p.path, p.shareable) == ("beta_center", True)
    assert plan(500, 64, beta=1.0, algorithm="lloyd").path == "beta_gram"
    p = plan(500, 2, center="medoid")
    assert (p.path, p.needs_distance_matrix, p.shareable) == ("medoid", True, True)
    monkeypatch.setattr(ls_module, "DISTANCE_MATRIX_MAX_SAMPLES", 100)
    p = plan(500, 2, center="medoid")
    assert (p.needs_distance_matrix, p.shareable) == (False, False)
    assert p.with_distance_matrix().shareable
    assert plan(500, 64).path == "gram"  # the Gram limit is a separate knob


@pytest.mark.parametrize("kwargs", [dict(algorithm="gram", init="centers"),
                                    dict(algorithm="gram", tol=1e-3), dict(algorithm="fast"),
                                    dict(init="points")])
def test_plan_rejects_bad_parameters(kwargs):
    with pytest.raises(InvalidParameterError):
        ls_module.plan_local_search(100, 2, **kwargs)


def test_shared_search_carries_the_plan():
    X = _blobs(5, n=90, d=20, k=3)
    for beta, center in [(2.0, "euclidean"), (1.0, "euclidean"), (2.0, "medoid")]:
        shared = ls_module.SharedLocalSearch(X, beta=beta, center=center)
        assert shared.plan == ls_module.plan_local_search(90, 20, beta=beta, center=center)
    assert ls_module.SharedLocalSearch(X, beta=2.0).gram is not None  # the plan needs it


@pytest.mark.parametrize("kwargs", [dict(max_iter=2.5), dict(max_iter=0), dict(tol=-1.0),
                                    dict(tol="x"), dict(algorithm="fast")])
def test_bad_parameters_raise_invalid_parameter_error(kwargs):
    X = _blobs(0, n=30, d=2, k=2)
    with pytest.raises(InvalidParameterError):
        local_search(X, np.array([0, 1]), **kwargs)


def test_gram_path_follows_the_common_stop_rule_on_near_duplicates():
    """Below the Gram matrix's resolution (1e-9 apart at norm 3) two seeds look
    alike: a cluster empties, the empty-cluster rule refills it, and the run stops
    by the common rule once that reproduces the partition (the Gram loop used to
    stop only when no label changed before the refill: it cycled to max_iter and
    returned an empty cluster)."""
    X = np.repeat([3.0, 3.0 + 1e-9, 5.0], 3)[:, None]
    res = local_search(X, np.array([0, 3, 6]), algorithm="gram")
    assert res.converged and res.n_iter < 300
    assert np.all(np.bincount(res.labels, minlength=3) > 0)


# ---------------------------------------------------------------------------
# the "lloyd" path's float32 screen
# ---------------------------------------------------------------------------


def _tie_data(seed):
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, 3, size=(500, 6)).astype(float)  # exact distance ties
    return np.vstack([grid, rng.normal(size=(500, 6))])


@pytest.mark.parametrize("max_iter, offset", [(1, 0.0), (3, 0.0), (300, 0.0), (300, 1e4)])
def test_lloyd_screen_changes_nothing(monkeypatch, max_iter, offset):
    """With the screen off (every row by sq_dist) the run is bitwise the same;
    labels are the argmin of sq_dist for the final centres, ties to the lowest
    index, and the cost is the sum of those squared distances."""
    from dalgo._kernels import distances as dist_kernels
    from dalgo._kernels import lloyd as kl

    X = _tie_data(max_iter) + offset
    init = X[[0, 1, 2, 3, 3, 500]]  # a duplicate centre: ties and an empty cluster
    screened = local_search(X, init, algorithm="lloyd", max_iter=max_iter)
    monkeypatch.setattr(kl, "SCREEN_MAX_ABS", -1.0)
    exact = local_search(X, init, algorithm="lloyd", max_iter=max_iter)
    assert screened.labels.tobytes() == exact.labels.tobytes()
    assert screened.centers.tobytes() == exact.centers.tobytes()
    assert screened.cost == exact.cost and screened.n_iter == exact.n_iter
    labels = np.empty(X.shape[0], dtype=np.intp)
    sq = np.empty(X.shape[0])
    dist_kernels.assign_to_centers(X, screened.centers, labels, sq)
    if not screened.converged or max_iter == 300:
        np.testing.assert_array_equal(screened.labels, labels)
    assert screened.cost == float(np.ones(X.shape[0]) @ sq)


def test_lloyd_step_screen_defers_only_close_calls():
    from dalgo._kernels import distances as dist_kernels
    from dalgo._kernels import lloyd as kl

    X = _tie_data(0)
    n, d = X.shape
    C = np.ascontiguousarray(X[[0, 1, 2, 500, 501]])
    C[1] = C[0]  # every point is tied between centres 0 and 1
    k = C.shape[0]
    n_blocks = -(-n // kl.LLOYD_BLOCK)
    labels = np.empty(n, dtype=np.intp)
    exact = np.empty(n_blocks, dtype=np.intp)
    x_norm = np.sqrt((X * X).sum(1)) * (1 + 1e-9)
    c_sq = (C * C).sum(1)
    kl.lloyd_step(X, X.astype(np.float32), x_norm, np.ascontiguousarray(C.T, np.float32), C,
                  c_sq, np.sqrt(c_sq.max()) * (1 + 1e-9), np.ones(n), labels,
                  np.empty((n_blocks, k, d)), np.empty((n_blocks, k)), exact)
    want = np.empty(n, dtype=np.intp)
    dist_kernels.assign_to_centers(X, C, want, np.empty(n))
    np.testing.assert_array_equal(labels, want)
    assert not np.any(labels == 1)  # ties go to the lowest index
    # exactly the rows whose two nearest centres are 0 and 1 need sq_dist (plus
    # genuine near-ties); the others are decided in float32
    tied = np.sum(want == 0)
    assert tied <= exact.sum() < tied + n // 20


def test_lloyd_huge_coordinates_skip_the_screen():
    X = _tie_data(1) * 1e16  # beyond SCREEN_MAX_ABS: every row by sq_dist
    init = X[[0, 500, 700]]
    r = local_search(X, init, algorithm="lloyd", max_iter=5)
    labels = np.empty(X.shape[0], dtype=np.intp)
    from dalgo._kernels import distances as dist_kernels

    dist_kernels.assign_to_centers(X, r.centers, labels, np.empty(X.shape[0]))
    np.testing.assert_array_equal(r.labels, labels)


def test_lloyd_same_bits_for_one_and_two_threads():
    """Blocks in parallel (n * d * k above PARALLEL_MIN_WORK), BLAS at one thread."""
    from dalgo._kernels.distances import PARALLEL_MIN_WORK

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has one thread here")
    rng = np.random.default_rng(7)
    X = rng.normal(size=(2200, 960))
    init = X[:8]
    assert X.size * 8 >= PARALLEL_MIN_WORK
    before = numba.get_num_threads()
    try:
        out = []
        for t in (1, 2):
            numba.set_num_threads(t)
            r = local_search(X, init, algorithm="lloyd", max_iter=4)
            out.append(r.labels.tobytes() + r.centers.tobytes() + np.float64(r.cost).tobytes())
    finally:
        numba.set_num_threads(before)
    assert out[0] == out[1]
@pytest.mark.parametrize("n_features, path", [(24, "gram"), (2, "partition"), (3, "partition")])
def test_run_many_equals_run_and_direct_runs_on_the_parallel_paths(global_random_seed,
                                                                   n_features, path):
    """SharedLocalSearch.run_many (parallel β = 2 runs) equals run() and local_search, bit
    for bit, with and without centres, converged or stopped by max_iter, with weights and
    duplicate points (empty clusters), on 1 and 2 numba threads."""
    from dalgo import SharedLocalSearch

    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(70, n_features))
    X[10:14] = X[3]  # duplicates: seeds on them leave clusters empty
    w = rng.uniform(0.5, 2.0, size=70)
    seeds = np.array([rng.choice(70, 5, replace=False) for _ in range(9)]
                     + [[3, 10, 11, 12, 40]])
    before = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            for max_iter in (1, 2, 300):
                for want_centers in (True, False):
                    shared = SharedLocalSearch(X, beta=2.0, max_iter=max_iter, sample_weight=w,
                                               want_centers=want_centers)
                    assert shared.plan.path == path
                    many = shared.run_many(seeds)
                    for s, got in zip(seeds, many):
                        one = shared.run(s)
                        direct = local_search(X, s, max_iter=max_iter, sample_weight=w)
                        for ref in (one, direct):
                            assert np.array_equal(got.labels, ref.labels)
                            assert (got.n_iter, got.cost, got.converged) == (
                                ref.n_iter, ref.cost, ref.converged)
                        if want_centers or path == "partition":
                            assert np.array_equal(got.centers, direct.centers)
    finally:
        numba.set_num_threads(before)


def test_gram_lloyd_many_equals_gram_lloyd(global_random_seed):
    from dalgo._kernels import lloyd as _kl

    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(70, 24))
    seeds = np.array([rng.choice(70, 5, replace=False) for _ in range(9)])
    # the kernel directly: one row per run
    G = X @ X.T
    G = np.triu(G) + np.triu(G, 1).T
    n, r = X.shape[0], seeds.shape[0]
    labels, mean_labels = np.empty((r, n), np.intp), np.empty((r, n), np.intp)
    dist, n_iter, conv = np.empty((r, n)), np.empty(r, np.intp), np.empty(r, np.bool_)
    _kl.gram_lloyd_many(G, np.ones(n), seeds, 3, labels, dist, mean_labels, n_iter, conv)
    for j, s in enumerate(seeds):
        lab, ml, d1 = np.empty(n, np.intp), np.empty(n, np.intp), np.empty(n)
        assert _kl.gram_lloyd(G, np.ones(n), s, 3, lab, d1, ml) == (n_iter[j], conv[j])
        assert np.array_equal(lab, labels[j]) and np.array_equal(d1, dist[j])
        assert np.array_equal(ml, mean_labels[j])


def test_partition_lloyd_many_equals_partition_lloyd(global_random_seed):
    from dalgo._kernels import lloyd as _kl

    rng = np.random.default_rng(global_random_seed)
    X = np.round(rng.normal(size=(60, 2)), 1)  # a coarse grid: many exact ties
    w = rng.uniform(0.5, 2.0, size=60)
    seeds = np.array([rng.choice(60, 4, replace=False) for _ in range(7)])
    n, r, k = X.shape[0], seeds.shape[0], seeds.shape[1]
    labels, dist = np.empty((r, n), np.intp), np.empty((r, n))
    centers, n_iter, conv = np.empty((r, k, 2)), np.empty(r, np.intp), np.empty(r, np.bool_)
    _kl.partition_lloyd_many(X, w, seeds, 4, labels, dist, centers, n_iter, conv)
    none = np.empty((0, 0))
    for j, s in enumerate(seeds):
        c, lab, d1 = X[s].copy(), np.full(n, -1, np.intp), np.empty(n)
        assert _kl.partition_lloyd(_kl.BETA_CENTERS, X, none, none, w, c,
                                   np.empty(0, np.intp), 2.0, 4, 0, 0.0, 0.0, lab,
                                   d1) == (n_iter[j], conv[j])
        assert np.array_equal(lab, labels[j]) and np.array_equal(d1, dist[j])
        assert np.array_equal(c, centers[j])


def test_run_many_checks_its_seeds():
    from dalgo import SharedLocalSearch

    X = np.random.default_rng(0).normal(size=(30, 20))
    shared = SharedLocalSearch(X, beta=2.0)
    with pytest.raises(InvalidParameterError, match="2-D"):
        shared.run_many(np.array([0, 1, 2]))
    for data in (X, X[:, :2]):  # both parallel paths: no centre at all is refused
        with pytest.raises(InvalidParameterError, match="one column"):
            SharedLocalSearch(data, beta=2.0).run_many(np.empty((3, 0), dtype=np.intp))
    with pytest.raises(InvalidParameterError, match=r"\[0, 30\)"):
        shared.run_many(np.array([[0, 1, 30]]))
    # other paths: one run after another, same results as run()
    low = SharedLocalSearch(X[:, :2], beta=1.0)
    a, b = low.run_many(np.array([[0, 1, 2], [3, 4, 5]]))
    assert np.array_equal(a.labels, low.run(np.array([0, 1, 2])).labels)
    assert np.array_equal(b.centers, low.run(np.array([3, 4, 5])).centers)


def test_run_many_chunks_do_not_change_results(monkeypatch):
    from dalgo import SharedLocalSearch

    ls_mod = importlib.import_module("dalgo.local_search")
    X = np.random.default_rng(1).normal(size=(50, 20))
    seeds = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [1, 20, 30]])
    for data in (X, X[:, :2]):  # the "gram" and the "partition" path
        ref = SharedLocalSearch(data, beta=2.0).run_many(seeds)
        monkeypatch.setattr(ls_mod, "RUNS_BLOCK_ELEMENTS", 2 * 50)
        got = SharedLocalSearch(data, beta=2.0).run_many(seeds)
        monkeypatch.undo()
        for a, b in zip(ref, got):
            assert np.array_equal(a.labels, b.labels) and np.array_equal(a.centers, b.centers)
            assert (a.n_iter, a.cost) == (b.n_iter, b.cost)


# ---------------------------------------------------------------------------
# distance bounds in the assignment step (issue 12): the same labels, fewer distances
# ---------------------------------------------------------------------------


def _lloyd_with_both_assignments(X, centers, n_steps, rng, jitter):
    """Runs Lloyd-like steps, assigning with the full rule and with the bounds side by side;
    returns the bounded step's full evaluations per step."""
    from dalgo._kernels.distances import assign_to_centers, sq_distances_to_centers
    from dalgo._kernels.lloyd import assign_bounded, decay_bounds

    n, k = X.shape[0], centers.shape[0]
    labels_b, dist_b, lower = np.zeros(n, dtype=np.intp), np.empty(n), np.zeros(n)
    full = []
    for _ in range(n_steps):
        labels, dist = np.empty(n, dtype=np.intp), np.empty(n)
        assign_to_centers(X, centers, labels, dist)
        full.append(assign_bounded(X, centers, labels_b, dist_b, lower))
        np.testing.assert_array_equal(labels_b, labels)
        assert dist_b.tobytes() == dist.tobytes()  # bit for bit
        sq = np.empty((n, k))
        sq_distances_to_centers(X, centers, sq)
        # the rule itself, independently of nearest_two_centers: argmin, first on ties
        np.testing.assert_array_equal(labels, np.argmin(sq, axis=1))
        assert dist.tobytes() == sq.min(axis=1).tobytes()
        sq[np.arange(n), labels] = np.inf  # the bound covers the other centres
        assert np.all(lower <= np.sqrt(sq.min(axis=1)) * (1 + 1e-12))
        before = centers.copy()
        for c in range(k):  # means, plus moves from zero to a few ulps to large
            if np.any(labels == c):
                centers[c] = X[labels == c].mean(axis=0)
        centers += jitter * rng.standard_normal(centers.shape)
        decay_bounds(lower, before, centers)
    return full


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80), d=st.integers(1, 6),
       k=st.integers(1, 9), on_grid=st.booleans(),
       jitter=st.sampled_from([0.0, 1e-300, 1e-15, 1e-9, 0.3]))
def test_bounded_assignment_is_the_full_rule(seed, n, d, k, on_grid, jitter):
    """Ties (points on a small integer grid, centres on points and on each other), moves of
    a few ulps and large ones: labels and squared distances equal the full rule's."""
    rng = np.random.default_rng(seed)
    X = (rng.integers(0, 3, size=(n, d)).astype(float) if on_grid
         else rng.standard_normal((n, d)))
    k = min(k, n)
    centers = np.ascontiguousarray(X[rng.integers(0, n, size=k)])  # duplicates allowed
    _lloyd_with_both_assignments(X, centers, 6, rng, jitter)


def test_bounded_assignment_skips_most_distances_once_settled():
    """Not vacuous: on separated blobs, once the centres stop, points need one distance."""
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(10 * c, 1.0, size=(100, 2)) for c in range(8)])
    full = _lloyd_with_both_assignments(X, X[rng.choice(800, 8, replace=False)].copy(), 12,
                                        rng, 0.0)
    assert full[0] == 800 and full[-1] < 80, full
