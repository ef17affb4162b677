"""α-linkage (dalgo.linkage): direct runs, the exact execution tree of "minmax", curves."""

import _naive
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score

from dalgo import InvalidParameterError, PiecewiseConstant, hamming_loss
from dalgo.linkage import agglomerate, execution_tree, loss_curve

ENDPOINTS = [("single", 1.0, "minmax"), ("complete", 0.0, "minmax"),
             ("single", -np.inf, "power"), ("complete", np.inf, "power"),
             ("average", 1.0, "power")]


def _points(rng, n, d=3):
    return rng.normal(size=(n, d))  # continuous: no ties with probability 1


def _piece_at(tree, alpha):
    for p in tree.pieces:
        if p.lo <= alpha < p.hi or (alpha == p.hi == tree.pieces[-1].hi):
            return p
    raise AssertionError(f"no piece holds {alpha}")


@pytest.mark.parametrize("linkage,alpha,family", ENDPOINTS)
def test_endpoints_equal_scikit_learn(global_random_seed, linkage, alpha, family):
    rng = np.random.default_rng(global_random_seed)
    for n, k in [(2, 1), (7, 3), (40, 4), (90, 6)]:
        X = _points(rng, n)
        ours = agglomerate(X, k, alpha, family=family)
        ref = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(X)
        assert adjusted_rand_score(ref, ours) == 1.0


@pytest.mark.parametrize("family,alpha", [("minmax", 0.0), ("minmax", 0.37), ("minmax", 1.0),
                                          ("power", -2.0), ("power", 0.0), ("power", 0.5),
                                          ("power", 3.0)])
def test_direct_run_equals_definition(global_random_seed, family, alpha):
    rng = np.random.default_rng(global_random_seed)
    X = _points(rng, 14, 2)
    for k in (1, 3, 6):
        assert np.array_equal(agglomerate(X, k, alpha, family=family),
                              _naive.alpha_linkage(X, k, alpha, family))


def test_ties_and_duplicates_follow_the_documented_rule():
    # integer grid: many equal distances; duplicates at distance 0
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0, 0], [3, 0], [3, 0], [4, 1]], float)
    for family, alphas in [("minmax", (0.0, 0.5, 1.0)), ("power", (-1.0, 0.0, 1.0, 2.0))]:
        for alpha in alphas:
            for k in range(1, 8):
                got = agglomerate(X, k, alpha, family=family)
                assert np.array_equal(got, _naive.alpha_linkage(X, k, alpha, family))
                # distance 0 merges first, (0, 4) before (5, 6): the smaller ids
                assert got[0] == got[4]
                assert got[5] == got[6] or k == 7


def test_labels_are_canonical_and_deterministic():
    rng = np.random.default_rng(0)
    X = _points(rng, 30)
    a = agglomerate(X, 4, 0.3)
    assert np.array_equal(a, agglomerate(X.copy(), 4, 0.3))
    first = [int(np.flatnonzero(a == c)[0]) for c in range(4)]
    assert first == sorted(first) and a[0] == 0


def test_permuting_points_permutes_the_partition():
    rng = np.random.default_rng(3)
    X = _points(rng, 25)
    perm = rng.permutation(25)
    for alpha in (0.0, 0.6, 1.0):
        a = agglomerate(X, 3, alpha)
        b = agglomerate(X[perm], 3, alpha)
        assert adjusted_rand_score(a[perm], b) == 1.0


def test_precomputed_matches_euclidean():
    rng = np.random.default_rng(1)
    X = _points(rng, 20)
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    assert adjusted_rand_score(agglomerate(X, 3, 0.4),
                               agglomerate(D, 3, 0.4, metric="precomputed")) == 1.0


def test_bad_parameters_are_named():
    X = np.zeros((4, 2)) + np.arange(4)[:, None]
    with pytest.raises(InvalidParameterError, match="alpha"):
        agglomerate(X, 2, 1.5)
    with pytest.raises(InvalidParameterError, match="family"):
        agglomerate(X, 2, 0.5, family="ward")
    with pytest.raises(InvalidParameterError, match="alpha"):
        agglomerate(X, 2, np.nan, family="power")
    with pytest.raises(ValueError, match="n_clusters"):
        agglomerate(X, 5, 0.5)
    with pytest.raises(InvalidParameterError, match="alpha_range"):
        execution_tree(X, 2, alpha_range=(0.0, 2.0))
    with pytest.raises(NotImplementedError, match="power"):
        loss_curve(X, 2, y=[0, 0, 1, 1], family="power")
    with pytest.raises(ValueError, match="symmetric"):
        agglomerate(np.arange(9.0).reshape(3, 3), 2, metric="precomputed")


@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 18), k=st.integers(1, 5),
       alphas=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
def test_tree_equals_direct_runs_at_random_alpha(seed, n, k, alphas):
    assume(k <= n)
    rng = np.random.default_rng(seed)
    X = _points(rng, n, 2)
    tree = execution_tree(X, k)
    assert tree.pieces[0].lo == 0.0 and tree.pieces[-1].hi == 1.0
    for left, right in zip(tree.pieces[:-1], tree.pieces[1:]):
        assert left.hi == right.lo and not np.array_equal(left.labels, right.labels)
    for alpha in alphas + [0.5 * (p.lo + p.hi) for p in tree.pieces]:
        assert np.array_equal(agglomerate(X, k, alpha), _piece_at(tree, alpha).labels)


@given(points=arrays(np.float64, (5, 2), elements=st.integers(-3, 3).map(float)),
       k=st.integers(1, 4))
def test_tree_with_ties_equals_direct_runs_inside_pieces_and_at_the_ends(points, k):
    tree = execution_tree(points, k)
    for p in tree.pieces:
        for u in (0.25, 0.5, 0.75):
            alpha = p.lo + u * (p.hi - p.lo)
            assert np.array_equal(_naive.alpha_linkage(points, k, alpha), p.labels)
    # complete and single linkage themselves, ties and duplicates included
    for alpha in (0.0, 1.0):
        assert np.array_equal(agglomerate(points, k, alpha), _piece_at(tree, alpha).labels)
        assert np.array_equal(_naive.alpha_linkage(points, k, alpha),
                              _piece_at(tree, alpha).labels)


@pytest.mark.parametrize("seed", range(4))
def test_tree_equals_brute_force_over_all_crossings(seed):
    rng = np.random.default_rng(seed)
    X = _points(rng, 5, 2)
    cands = np.concatenate([[0.0], _naive.minmax_candidate_breakpoints(X), [1.0]])
    for k in (2, 3):
        # between two consecutive candidate crossings no merge decision can change
        brute = []
        for lo, hi in zip(cands[:-1], cands[1:]):
            labels = _naive.alpha_linkage(X, k, 0.5 * (lo + hi))
            if brute and np.array_equal(brute[-1][2], labels):
                brute[-1][1] = hi
            else:
                brute.append([lo, hi, labels])
        tree = execution_tree(X, k)
        assert len(tree.pieces) == len(brute)
        for p, (lo, hi, labels) in zip(tree.pieces, brute):
            assert p.lo == pytest.approx(lo, abs=1e-12)
            assert p.hi == pytest.approx(hi, abs=1e-12)
            assert np.array_equal(p.labels, labels)


def test_loss_curve_values_are_losses_of_the_pieces():
    rng = np.random.default_rng(5)
    centers = np.array([[0, 0], [4, 0], [0, 4]], float)
    y = np.repeat(np.arange(3), 8)
    X = centers[y] + rng.normal(scale=1.3, size=(24, 2))
    curve = loss_curve(X, 3, y=y)
    assert isinstance(curve, PiecewiseConstant) and curve.domain == (0.0, 1.0)
    for alpha in np.linspace(0, 1, 23):
        assert curve(alpha) == hamming_loss(y, agglomerate(X, 3, alpha))
    sub = loss_curve(X, 3, y=y, alpha_range=(0.2, 0.7))
    assert sub.domain == (0.2, 0.7)
    for alpha in np.linspace(0.2, 0.69, 11):
        assert sub(alpha) == curve(alpha)


@pytest.mark.parametrize("loss", ["kmeans", "kmedian", "kcenter"])
def test_objective_curves(loss):
    rng = np.random.default_rng(2)
    X = _points(rng, 20, 2)
    curve = loss_curve(X, 3, loss=loss)
    from dalgo import normalized_cost
    from dalgo.linkage import partition_centers

    beta = {"kmeans": 2.0, "kmedian": 1.0, "kcenter": np.inf}[loss]
    for alpha in (0.1, 0.5, 0.9):
        labels = agglomerate(X, 3, alpha)
        want = normalized_cost(X, partition_centers(X, labels, beta), beta, labels=labels)
        assert curve(alpha) == pytest.approx(want, rel=1e-12)
    assert np.all(curve.values > 0) and np.all(curve.values <= 1.0 + 1e-12)


def test_mnist_curve_is_fast(shared_data):
    import time

    from dalgo.protocols import protocol_distribution

    inst = protocol_distribution("mnist", n_per_class=20).sample(1, random_state=0)[0]
    t0 = time.perf_counter()
    tree = execution_tree(inst.X, inst.n_clusters)
    assert time.perf_counter() - t0 < 30
    for p in tree.pieces[:: max(1, len(tree.pieces) // 5)]:
        alpha = 0.5 * (p.lo + p.hi)
        assert np.array_equal(agglomerate(inst.X, inst.n_clusters, alpha), p.labels)


def test_alpha_linkage_passes_check_estimator():
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    from dalgo import AlphaLinkage

    for est in (AlphaLinkage(), AlphaLinkage(3, alpha=1.0, family="power")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = check_estimator(est, on_fail=None)
        statuses = {r["check_name"]: r["status"] for r in results}
        assert "failed" not in statuses.values(), statuses
        skipped = {k for k, v in statuses.items() if v == "skipped"}
        assert skipped <= {"check_array_api_input"}


def test_alpha_linkage_equals_agglomerate_and_validates():
    from dalgo import AlphaLinkage

    rng = np.random.default_rng(0)
    X = _points(rng, 30)
    est = AlphaLinkage(4, alpha=0.3).fit(X)
    assert np.array_equal(est.labels_, agglomerate(X, 4, 0.3))
    assert est.alpha == 0.3 and est.n_features_in_ == 3
    with pytest.raises(InvalidParameterError, match="alpha"):
        AlphaLinkage(alpha=2.0).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        AlphaLinkage(40).fit(X)


# -- the tuning pipeline with family="linkage-minmax" -------------------------------------


def _grid_instances(n, seed):
    from dalgo.instances import GaussianGrid

    return GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=8).sample(n, random_state=seed)


def test_tune_linkage_family_report_json_and_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from dalgo import TuneResult, tune

    res = tune(_grid_instances(6, 0), _grid_instances(5, 1), family="linkage-minmax",
               progress=False, cache_dir=tmp_path)
    assert res.family == "linkage-minmax" and res.config["family"] == "linkage-minmax"
    assert list(res.baselines) == ["complete", "single", "average"]
    assert set(res.comparisons) == {"complete", "single", "average"}
    assert 0.0 <= res.alpha <= 1.0 and res.train_curves[2.0].domain == (0.0, 1.0)
    text = res.table()
    assert "single linkage" in text and "average linkage" in text and "beta=" not in text
    assert TuneResult.from_json(res.to_json()) == res
    assert res.plot() is not None
    again = tune(_grid_instances(6, 0), _grid_instances(5, 1), family="linkage-minmax",
                 progress=False, cache_dir=tmp_path)  # from the cache
    assert again == res


def test_linkage_instance_results_equal_direct_runs():
    from dalgo.protocols import protocol_distribution
    from dalgo.tuning import TuneConfig, evaluate_instance

    config = TuneConfig(family="linkage-minmax")
    # digits: integer pixels, many tied distances
    digits = protocol_distribution("digits", n_per_class=8).sample(2, random_state=0)
    for inst in list(_grid_instances(3, 2)) + list(digits):
        res = evaluate_instance(inst, config)
        curve = res.curve(2.0)
        k = inst.n_clusters
        for alpha in (0.0, 0.13, 0.5, 0.77, 1.0):
            assert curve(alpha) == hamming_loss(inst.y, agglomerate(inst.X, k, alpha))
        assert res.baseline("complete", 2.0) == curve(0.0)
        assert res.baseline("single", 2.0) == curve(1.0)
        assert res.baseline("average", 2.0) == hamming_loss(
            inst.y, agglomerate(inst.X, k, 1.0, family="power"))


def test_family_configuration_is_validated_and_lloyd_keys_unchanged():
    from dalgo.tuning import TuneConfig

    lloyd = TuneConfig()
    assert "family" not in lloyd.to_dict() and lloyd.alpha_range == (0.0, np.inf)
    link = TuneConfig(family="linkage-minmax")
    assert link.alpha_range == (0.0, 1.0) and link.to_dict()["family"] == "linkage-minmax"
    assert TuneConfig.from_dict(link.to_dict()) == link
    assert link.cache_key("h") != TuneConfig(alpha_range=(0.0, 1.0)).cache_key("h")
    with pytest.raises(InvalidParameterError, match="family"):
        TuneConfig(family="kmedoids")
    with pytest.raises(InvalidParameterError, match="betas"):
        TuneConfig(family="linkage-minmax", betas=(1.0, 2.0))
    with pytest.raises(InvalidParameterError, match="alpha_range"):
        TuneConfig(family="linkage-minmax", alpha_range=(0.0, 2.0))
    with pytest.raises(InvalidParameterError, match="n_draws"):
        TuneConfig(family="linkage-minmax", n_draws=3)


@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 12), k=st.integers(1, 4),
       alpha=st.one_of(st.floats(-4.0, 4.0), st.sampled_from([0.0, 1.0, -np.inf, np.inf])))
def test_power_family_equals_definition(seed, n, k, alpha):
    assume(k <= n)
    X = _points(np.random.default_rng(seed), n, 2)
    got = agglomerate(X, k, alpha, family="power")
    if np.isinf(alpha):  # the limits are minmax's ends (with its tie rule)
        want = _naive.alpha_linkage(X, k, 1.0 if alpha < 0 else 0.0, "minmax")
    else:
        want = _naive.alpha_linkage(X, k, alpha, "power")
    assert adjusted_rand_score(want, got) == 1.0


def test_all_points_equal_and_k_equal_n():
    X = np.ones((6, 3))
    tree = execution_tree(X, 2)
    assert len(tree.pieces) == 1
    assert tree.pieces[0].labels.tolist() == [0, 0, 0, 0, 0, 1]  # ids merge in order
    assert np.array_equal(agglomerate(X, 2, 0.3), tree.pieces[0].labels)
    assert np.array_equal(agglomerate(X, 2, 0.3, family="power"), tree.pieces[0].labels)
    Y = _points(np.random.default_rng(0), 5)
    assert execution_tree(Y, 5).pieces[0].labels.tolist() == [0, 1, 2, 3, 4]


_THREADS_SCRIPT = """
import hashlib
import numpy as np
import numba
from dalgo.linkage import agglomerate, execution_tree
rng = np.random.default_rng(0)
X = rng.normal(size=(150, 800))  # n * n * d above PARALLEL_MIN_WORK: parallel distances
h = hashlib.sha256()
for alpha in (0.0, 0.4, 1.0):
    h.update(agglomerate(X, 4, alpha).tobytes())
h.update(agglomerate(X, 4, 1.0, family="power").tobytes())
for p in execution_tree(X, 4).pieces:
    h.update(np.array([p.lo, p.hi]).tobytes() + p.labels.tobytes())
print(numba.get_num_threads(), h.hexdigest())
"""


def test_one_vs_two_threads_identical_bytes():
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    outs = []
    for threads in (1, 2):
        env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   PYTHONPATH=str(repo) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT], env=env, cwd=repo,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(proc.stdout.split())
    assert [o[0] for o in outs] == ["1", "2"]
    assert outs[0][1] == outs[1][1]
