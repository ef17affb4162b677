"""AlphaBetaKMeans: scikit-learn compatibility, reproducibility and invariances."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from dalgo import AlphaBetaKMeans, dalpha_seeding, hamming_loss, local_search
from dalgo.estimators import canonical_order


@parametrize_with_checks([
    AlphaBetaKMeans(),
    AlphaBetaKMeans(alpha=np.inf, beta=1.0),
    AlphaBetaKMeans(alpha=0.0, beta=np.inf, center="medoid"),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_check_estimator_no_failures():
    """The whole suite in one call: nothing fails (only array-API may skip)."""
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(AlphaBetaKMeans(), on_fail=None)
    assert len(results) > 40
    statuses = {r["check_name"]: r["status"] for r in results}
    assert "failed" not in statuses.values(), statuses
    skipped = {k for k, v in statuses.items() if v == "skipped"}
    assert skipped <= {"check_array_api_input"}


def _blobs(seed, n=120, d=2, k=3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(k, d))
    y = rng.integers(k, size=n)
    return centres[y] + rng.normal(size=(n, d)), y


def test_pipeline_and_gridsearch():
    X, y = _blobs(0)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("km", AlphaBetaKMeans(n_clusters=3, random_state=0))])
    labels = pipe.fit_predict(X)
    assert hamming_loss(y, labels) < 0.2
    assert pipe.transform(X).shape == (120, 3)
    grid = GridSearchCV(pipe, {"km__alpha": [0.0, 2.0, np.inf], "km__beta": [2.0]},
                        cv=3)
    grid.fit(X)
    assert grid.best_params_["km__alpha"] in (0.0, 2.0, np.inf)
    assert grid.predict(X).shape == (120,)
    # supervised scoring against ground truth also works
    grid2 = GridSearchCV(AlphaBetaKMeans(n_clusters=3, random_state=0),
                         {"beta": [1.0, 2.0, np.inf], "center": ["euclidean", "medoid"]},
                         scoring="adjusted_rand_score", cv=3)
    grid2.fit(X, y)
    assert grid2.best_score_ > 0.5


@pytest.mark.parametrize("alpha, beta, center", [
    (2.0, 2.0, "euclidean"), (0.0, 1.0, "euclidean"), (np.inf, np.inf, "euclidean"),
    (1.0, 3.0, "euclidean"), (2.0, 1.0, "medoid"),
])
def test_reproduce_fit_from_docstring_notes(global_random_seed, alpha, beta, center):
    """The recipe in AlphaBetaKMeans' Notes gives the same bits (tol=0)."""
    X, _ = _blobs(global_random_seed, n=90)
    rng = np.random.default_rng(global_random_seed)
    X = X[rng.permutation(90)]
    w = rng.random(90) + 0.5
    km = AlphaBetaKMeans(n_clusters=3, alpha=alpha, beta=beta, center=center, n_init=3,
                         tol=0.0, random_state=global_random_seed).fit(X, sample_weight=w)

    order = canonical_order(X)
    Xs = X[order]
    gen = np.random.default_rng(global_random_seed)
    best = None
    for _ in range(3):
        z = gen.random(3)
        seeds = dalpha_seeding(Xs, 3, alpha, z, sample_weight=w[order])
        run = local_search(Xs, seeds, beta=beta, center=center, max_iter=300,
                           tol=0.0, sample_weight=w[order])
        if best is None or run.cost < best[0].cost:
            best = (run, seeds, z)
    run, seeds, z = best
    labels = np.empty(90, dtype=np.intp)
    labels[order] = run.labels
    np.testing.assert_array_equal(km.labels_, labels)
    assert km.cluster_centers_.tobytes() == run.centers.tobytes()
    np.testing.assert_array_equal(km.seeds_, order[seeds])
    np.testing.assert_array_equal(km.z_, z)
    assert km.inertia_ == run.cost and km.n_iter_ == run.n_iter


def test_reproduce_fit_with_tol():
    X, _ = _blobs(3, n=200)
    km = AlphaBetaKMeans(n_clusters=3, tol=1e-2, random_state=5).fit(X)
    order = canonical_order(X)
    z = np.random.default_rng(5).random(3)
    seeds = dalpha_seeding(X[order], 3, 2.0, z)
    run = local_search(X[order], seeds, tol=1e-2 * np.mean(X.var(axis=0)))
    np.testing.assert_array_equal(km.labels_[order], run.labels)
    np.testing.assert_array_equal(km.cluster_centers_, run.centers)


@pytest.mark.parametrize("beta, center", [(2.0, "euclidean"), (1.0, "euclidean"),
                                          (np.inf, "euclidean"), (2.0, "medoid")])
def test_row_permutation_invariance(global_random_seed, beta, center):
    X, _ = _blobs(global_random_seed, n=100)
    perm = np.random.default_rng(global_random_seed + 1).permutation(100)
    params = dict(n_clusters=3, beta=beta, center=center, random_state=7, n_init=2)
    a = AlphaBetaKMeans(**params).fit(X)
    b = AlphaBetaKMeans(**params).fit(X[perm])
    np.testing.assert_array_equal(a.labels_[perm], b.labels_)
    assert a.cluster_centers_.tobytes() == b.cluster_centers_.tobytes()
    assert a.inertia_ == b.inertia_


def test_integer_weight_is_repetition():
    X, _ = _blobs(4, n=60)
    w = np.random.default_rng(4).integers(1, 4, size=60)
    rep = np.repeat(np.arange(60), w)
    a = AlphaBetaKMeans(n_clusters=3, random_state=2, tol=0).fit(X, sample_weight=w)
    b = AlphaBetaKMeans(n_clusters=3, random_state=2, tol=0).fit(X[rep])
    np.testing.assert_array_equal(a.labels_[rep], b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-12)


def test_n_init_keeps_lowest_cost():
    X, _ = _blobs(6, n=150, k=5)
    km = AlphaBetaKMeans(n_clusters=5, n_init=6, random_state=1).fit(X)
    gen = np.random.default_rng(1)
    order = canonical_order(X)
    single = []
    for _ in range(6):
        seeds = dalpha_seeding(X[order], 5, 2.0, gen.random(5))
        single.append(local_search(X[order], seeds,
                                   tol=1e-4 * np.mean(X.var(axis=0))).cost)
    assert km.inertia_ == min(single)


def test_predict_transform_score_consistent():
    X, _ = _blobs(8)
    km = AlphaBetaKMeans(n_clusters=3, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    D = km.transform(X)
    np.testing.assert_array_equal(np.argmin(D, axis=1), km.labels_)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-10)
    km1 = AlphaBetaKMeans(n_clusters=3, beta=1.0, random_state=0).fit(X)
    assert km1.score(X) == pytest.approx(-km1.inertia_, rel=1e-10)


def test_float32_works():
    X, _ = _blobs(9)
    a = AlphaBetaKMeans(n_clusters=3, random_state=0).fit(X.astype(np.float32))
    b = AlphaBetaKMeans(n_clusters=3, random_state=0).fit(
        X.astype(np.float32).astype(np.float64))
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.predict(X.astype(np.float32)).dtype.kind == "i"


def test_greedy_kmeanspp_option():
    X, y = _blobs(10)
    km = AlphaBetaKMeans(n_clusters=3, n_local_trials=3, random_state=0).fit(X)
    assert km.z_ is None and hamming_loss(y, km.labels_) < 0.3


def test_fewer_distinct_points_warns():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    with pytest.warns(ConvergenceWarning, match="distinct"):
        km = AlphaBetaKMeans(n_clusters=3, random_state=0).fit(X)
    assert np.all(np.isfinite(km.cluster_centers_))
    assert set(km.labels_) <= {0, 1, 2}


@pytest.mark.parametrize("params, exc, match", [
    (dict(alpha=-1.0), ValueError, "alpha"),
    (dict(alpha=np.nan), ValueError, "alpha"),
    (dict(beta=0.5), ValueError, "beta"),
    (dict(center="mode"), ValueError, "center"),
    (dict(n_clusters=0), ValueError, "n_clusters"),
    (dict(n_clusters=2.5), TypeError, "n_clusters"),
    (dict(n_clusters=200), ValueError, "n_clusters"),
    (dict(n_init=0), ValueError, "n_init"),
    (dict(max_iter=0), ValueError, "max_iter"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(n_local_trials=0), ValueError, "n_local_trials"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_bad_params(params, exc, match):
    X, _ = _blobs(0)
    with pytest.raises(exc, match=match):
        AlphaBetaKMeans(**{"n_clusters": 3, **params}).fit(X)


@pytest.mark.parametrize("X, match", [
    (np.array([[0.0, np.nan]] * 5), "NaN"),
    (np.array([[0.0, np.inf]] * 5), "infinity"),
    (np.empty((0, 2)), "sample"),
    (np.array([[1.0, "a"]] * 5, dtype=object), "could not convert|real"),
])
def test_bad_X(X, match):
    with pytest.raises((ValueError, TypeError), match=match):
        AlphaBetaKMeans(n_clusters=2).fit(X)
