"""The "beta_gram" path: Euclidean β ∉ {2, ∞} in high dimension on the Gram matrix
(dalgo/_kernels/gram_centers.py) against the coordinate solver, direct runs and the tree."""

import importlib

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dalgo import dalpha_seeding, hamming_loss, local_search, loss_curves
from dalgo._blas import gram_matrix
from dalgo._kernels import centers as kc
from dalgo._kernels import gram_centers as kg

ls_module = importlib.import_module("dalgo.local_search")

#: The Gram solver's β-objective may exceed the coordinate solver's (and a tightly
#: converged reference's) by at most this relative amount: both stop at a relative step
#: of BETA_CENTER_RTOL = 1e-7 of the cluster's spread, an objective error of that order
#: at most (second order for β > 1 away from data points).
OBJ_RTOL = 1e-7
D = 40  # >= BETA_GRAM_MIN_FEATURES, so n <= 8 D = 320 points take the Gram path


def _blobs(seed, n=120, d=D, k=4, spread=1.0):
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=3.0, size=(k, d))
    return means[rng.integers(k, size=n)] + spread * rng.normal(size=(n, d))


def _objective(Xc, w, c, beta):
    return float((w * np.linalg.norm(Xc - c, axis=1) ** beta).sum())


def _gram_center(X, w, members, beta, max_iter=None, rtol=None):
    max_iter = ls_module.BETA_CENTER_MAX_ITER if max_iter is None else max_iter
    rtol = ls_module.BETA_CENTER_RTOL if rtol is None else rtol
    G = gram_matrix(X)
    members = np.asarray(members, dtype=np.intp)
    a = np.empty(members.shape[0])
    p = np.empty(X.shape[0])
    q = kg.gram_cluster_center(G, w, members, beta, max_iter, rtol, a, p)
    c = a @ X[members]
    return a, c, p, q


def _coordinate_center(X, w, members, beta, max_iter=None, rtol=None):
    max_iter = ls_module.BETA_CENTER_MAX_ITER if max_iter is None else max_iter
    rtol = ls_module.BETA_CENTER_RTOL if rtol is None else rtol
    out = np.empty(X.shape[1])
    kc.cluster_beta_center(X, w, np.asarray(members, dtype=np.int64), beta, max_iter, rtol,
                           np.empty(X.shape), np.empty(X.shape[0]), out)
    return out


def _assert_same_result(a, b):
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.centers, b.centers)
    assert a.n_iter == b.n_iter and a.converged == b.converged and a.cost == b.cost


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------


def test_plan_selects_the_gram_path_in_high_dimension(monkeypatch):
    plan = ls_module.plan_local_search
    for beta in (1.0, 1.5, 3.0):
        p = plan(500, 784, beta=beta)
        assert (p.path, p.needs_gram, p.shareable) == ("beta_gram", True, True)
    assert plan(500, 64, beta=1.0).path == "beta_gram"  # 500 <= 8 * 64
    assert plan(513, 64, beta=1.0).path == "beta_center"  # more points than 8 d
    assert plan(500, 31, beta=1.0).path == "beta_center"  # below BETA_GRAM_MIN_FEATURES
    assert plan(5000, 784, beta=1.0).path == "beta_center"  # above GRAM_MAX_SAMPLES
    assert plan(500, 784, beta=1.0, init="centers").path == "beta_center"
    assert plan(500, 784, beta=1.0, tol=1e-4).path == "beta_center"
    assert plan(500, 784, beta=np.inf).path == "beta_center"
    assert plan(500, 784, beta=2.0).path == "gram"
    assert plan(500, 784, beta=1.0, center="medoid").path == "medoid"
    monkeypatch.setattr(ls_module, "BETA_GRAM_MIN_FEATURES", 10**9)
    assert plan(500, 784, beta=1.0).path == "beta_center"
    X = _blobs(0, n=60)
    monkeypatch.undo()
    assert ls_module.SharedLocalSearch(X, beta=1.0).gram is not None  # the plan needs it


# ---------------------------------------------------------------------------
# the centre solver against the coordinate solver
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [1.0, 1.5, 3.0, 4.0])
def test_gram_center_matches_coordinate_solver(global_random_seed, beta):
    X = _blobs(global_random_seed, n=150, k=3, spread=1.5)
    rng = np.random.default_rng(global_random_seed)
    w = rng.uniform(0.5, 2.0, size=X.shape[0])
    for m in (2, 3, 7, 40, 120):
        members = np.sort(rng.choice(X.shape[0], size=m, replace=False))
        a, c, _, q = _gram_center(X, w, members, beta)
        Xc, wc = X[members], w[members]
        ours = _objective(Xc, wc, c, beta)
        coord = _objective(Xc, wc, _coordinate_center(X, w, members, beta), beta)
        tight = _objective(Xc, wc, _coordinate_center(X, w, members, beta, 10**5, 1e-15), beta)
        assert ours <= coord * (1 + OBJ_RTOL), (m, ours, coord)
        assert coord <= ours * (1 + OBJ_RTOL), (m, ours, coord)
        assert ours <= tight * (1 + OBJ_RTOL), (m, ours, tight)
        # a convex combination of the members, and q its squared norm
        assert np.all(a >= -1e-12) and a.sum() == pytest.approx(1.0, abs=1e-12)
        assert q == pytest.approx(c @ c, rel=1e-12)


def test_gram_center_projections_and_assignment(global_random_seed):
    X = _blobs(global_random_seed, n=80)
    w = np.ones(80)
    members = np.arange(0, 80, 3)
    _, c, p, q = _gram_center(X, w, members, 1.0)
    np.testing.assert_allclose(p, X @ c, rtol=1e-12, atol=1e-10)
    G = gram_matrix(X)
    P, qs = np.stack([p, G[5]]), np.array([q, G[5, 5]])
    labels, dist = np.empty(80, dtype=np.intp), np.empty(80)
    kg.gram_assign(G, P, qs, labels, dist)
    sq = np.stack([((X - c) ** 2).sum(1), ((X - X[5]) ** 2).sum(1)], axis=1)
    np.testing.assert_array_equal(labels, sq.argmin(1))
    np.testing.assert_allclose(dist, sq.min(1), rtol=1e-10, atol=1e-9)


def test_gram_center_degenerate_member_sets():
    X = _blobs(3, n=30)
    w = np.ones(30)
    # one member: the member itself, exactly
    _, c, p, q = _gram_center(X, w, [4], 1.0)
    assert np.array_equal(c, X[4]) and np.array_equal(p, gram_matrix(X)[4])
    # two coincident points: the point itself
    X2 = X.copy()
    X2[7] = X2[3]
    _, c, _, _ = _gram_center(X2, w, [3, 7], 1.5)
    np.testing.assert_allclose(c, X2[3], rtol=0, atol=1e-9)
    # a heavy member is the geometric median (Vardi-Zhang: the weight outweighs the pull)
    wh = w.copy()
    wh[2] = 10.0
    a, c, _, _ = _gram_center(X, wh, [0, 1, 2, 5, 9], 1.0)
    assert np.array_equal(c, X[2]) and a[2] == 1.0
    # duplicated points in a larger set agree with the coordinate solver
    members = [3, 7, 8, 11, 12, 20]
    for beta in (1.0, 3.0):
        _, c, _, _ = _gram_center(X2, w, members, beta)
        ref = _coordinate_center(X2, w, members, beta)
        Xc = X2[members]
        assert _objective(Xc, w[members], c, beta) == pytest.approx(
            _objective(Xc, w[members], ref, beta), rel=OBJ_RTOL)


@settings(max_examples=40)
@given(P=arrays(np.float64, st.tuples(st.integers(2, 12), st.just(D)),
                elements=st.floats(-50, 50, allow_nan=False, width=32)),
       beta=st.sampled_from([1.0, 1.5, 3.0]))
def test_gram_center_hypothesis(P, beta):
    assume(np.ptp(P, axis=0).max() > 1e-3)
    w = np.ones(P.shape[0])
    members = np.arange(P.shape[0])
    a, c, _, _ = _gram_center(P, w, members, beta)
    ours = _objective(P, w, c, beta)
    ref = _objective(P, w, _coordinate_center(P, w, members, beta, 10**5, 1e-15), beta)
    assert ours <= ref * (1 + OBJ_RTOL) + 1e-9
    assert np.all(a >= -1e-12)


# ---------------------------------------------------------------------------
# runs: direct, shared, the tree
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [1.0, 3.0])
def test_gram_path_runs_agree_with_the_coordinate_path(monkeypatch, global_random_seed, beta):
    X = _blobs(global_random_seed, n=160, k=4, spread=2.0)
    seeds = dalpha_seeding(X, 4, 2.0, np.random.default_rng(global_random_seed).random(4))
    res = local_search(X, seeds, beta=beta)
    assert ls_module.plan_local_search(*X.shape, beta=beta).path == "beta_gram"
    monkeypatch.setattr(ls_module, "BETA_GRAM_MIN_FEATURES", 10**9)
    ref = local_search(X, seeds, beta=beta)
    np.testing.assert_array_equal(res.labels, ref.labels)
    assert res.n_iter == ref.n_iter and res.converged
    assert res.cost == pytest.approx(ref.cost, rel=OBJ_RTOL)
    np.testing.assert_allclose(res.centers, ref.centers, rtol=0, atol=1e-5)
    # the labels are the nearest centres on coordinates
    sq = ((X[:, None, :] - res.centers[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(res.labels, sq.argmin(1))


@pytest.mark.parametrize("beta", [1.0, 1.5, 3.0])
@pytest.mark.parametrize("max_iter", [300, 2])
def test_gram_path_shared_search_equals_direct_runs(beta, max_iter):
    X = _blobs(7, n=120, k=5, spread=1.5)
    X[5] = X[6]  # duplicate points
    w = np.random.default_rng(3).uniform(0.5, 2.0, size=X.shape[0])
    rng = np.random.default_rng(11)
    starts = [rng.choice(X.shape[0], size=4, replace=False) for _ in range(30)]
    starts += starts[:5]
    shared = ls_module.SharedLocalSearch(X, beta=beta, max_iter=max_iter, sample_weight=w)
    assert shared.plan.path == "beta_gram"
    for s in starts:
        _assert_same_result(shared.run(s), local_search(X, s, beta=beta, max_iter=max_iter,
                                                        sample_weight=w))
    if max_iter == 300:
        assert shared.n_shared >= 5


def test_gram_path_shared_search_when_memory_is_full(monkeypatch):
    monkeypatch.setattr(ls_module, "SHARED_MEMORY_BYTES", 30000)
    X = _blobs(8, n=60, k=3)
    shared = ls_module.SharedLocalSearch(X, beta=1.0)
    rng = np.random.default_rng(0)
    starts = [rng.choice(X.shape[0], size=3, replace=False) for _ in range(15)]
    for s in starts + starts:
        _assert_same_result(shared.run(s), local_search(X, s, beta=1.0))
    assert shared.n_resets > 0


def test_gram_path_without_centers():
    X = _blobs(2, n=60)
    shared = ls_module.SharedLocalSearch(X, beta=1.0, want_centers=False)
    got = shared.run(np.array([0, 1, 2]))
    want = local_search(X, np.array([0, 1, 2]), beta=1.0)
    assert got.centers is None
    assert np.array_equal(got.labels, want.labels) and got.cost == want.cost


@pytest.mark.parametrize("beta", [1.0, 3.0])
def test_gram_path_tree_leaves_equal_direct_runs(global_random_seed, beta):
    X = _blobs(global_random_seed, n=60, k=3, spread=2.5)
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(3, size=60)
    z = rng.random(3)
    curves, pieces = loss_curves(X, 3, z, y=y, betas=(beta,), alpha_range=(0.0, 10.0),
                                 return_pieces=True)
    assert len(pieces) > 3
    for p in pieces:
        labels = local_search(X, p.seeds, beta=beta).labels
        assert hamming_loss(y, labels) == curves[beta](p.lo)
