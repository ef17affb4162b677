"""Configuration over tasks: leave-one-task-out choices never see the held-out task."""

import numpy as np
import pytest
from scipy import stats

from dalgo.nas.zc_tuning import (
    ensemble_score,
    fit_proxy_ensemble,
    loto_debias_C,
    loto_proxy_ensemble,
    loto_select,
    rank_features,
)


def test_loto_select_by_hand():
    table = {
        "a": {"x": 0.8, "y": 0.1},
        "b": {"x": 0.1, "y": 0.5},
        "c": {"x": 0.1, "y": 0.5},
    }
    r = loto_select(table, default="x")
    # held out a: b, c prefer y; held out b: mean(x)=.45, mean(y)=.3 -> x
    assert r["folds"]["a"]["chosen"] == "y" and r["folds"]["a"]["held_out"] == 0.1
    assert r["folds"]["b"]["chosen"] == "x" and r["folds"]["b"]["held_out"] == 0.1
    assert r["folds"]["a"]["oracle_config"] == "x"
    assert r["mean_held_out"] == pytest.approx(0.1)
    assert r["mean_oracle"] == pytest.approx((0.8 + 0.5 + 0.5) / 3)
    assert r["mean_default"] == pytest.approx((0.8 + 0.1 + 0.1) / 3)
    assert r["best_overall"] == "y"
    lower = loto_select(table, higher_is_better=False)
    assert lower["folds"]["a"]["chosen"] == "x"
    with pytest.raises(ValueError):
        loto_select({"a": {"x": 1}, "b": {"y": 1}})


def test_rank_features():
    Z = np.array([[3.0, np.nan], [1.0, 2.0], [2.0, -np.inf], [2.0, 5.0]])
    R = rank_features(Z)
    np.testing.assert_allclose(R[:, 0], (stats.rankdata(Z[:, 0]) - 1) / 3)
    assert R[:, 1].argmax() == 3 and R[1, 1] > R[0, 1]
    assert R.min() >= 0 and R.max() <= 1


def _synthetic_tasks(seed, n_tasks=5, n=150):
    rng = np.random.default_rng(seed)
    Rs, ys = [], []
    for _ in range(n_tasks):
        Z = rng.normal(size=(n, 3))
        y = Z[:, 0] - Z[:, 1] + 0.3 * rng.normal(size=n)
        Rs.append(rank_features(Z))
        ys.append(y)
    return Rs, ys


def test_fit_proxy_ensemble_recovers_signs(global_random_seed):
    Rs, ys = _synthetic_tasks(global_random_seed)
    w, score = fit_proxy_ensemble(Rs, ys)
    assert w[0] > 0 and w[1] < 0 and abs(w[2]) <= 0.5
    single = max(np.mean([stats.spearmanr(R[:, j], y)[0] for R, y in zip(Rs, ys)])
                 for j in range(3))
    assert score > single
    assert ensemble_score(Rs[0], w).shape == (150,)


class _T:
    def __init__(self, Z, y, names):
        self.zc, self.y, self.proxies = Z, y, names

    def proxy(self, p):
        return self.zc[:, self.proxies.index(p)]


def test_loto_proxy_ensemble_beats_single_proxy():
    rng = np.random.default_rng(0)
    tasks = {}
    for k in range(4):
        Z = rng.normal(size=(120, 3))
        y = Z[:, 0] - Z[:, 1] + 0.3 * rng.normal(size=120)
        tasks[f"t{k}"] = _T(Z, y, ["a", "b", "c"])
    r = loto_proxy_ensemble(tasks, ["a", "b", "c"])
    assert r["mean_ensemble_tau"] > r["mean_single_tau"] + 0.1
    assert r["class_size"] == 5**3
    assert set(r["folds"]) == set(tasks)


def test_loto_debias_C_uses_only_training_tasks():
    rng = np.random.default_rng(1)
    scores, props, ys = {}, {}, {}
    for k in range(3):
        b = rng.integers(0, 6, 300).astype(float)
        y = rng.normal(size=300)
        scores[f"t{k}"] = (b + 1.0) * np.exp(y + 0.3 * rng.normal(size=300))
        props[f"t{k}"], ys[f"t{k}"] = b, y
    r = loto_debias_C(scores, props, ys, strategy="minimize")
    assert r["mean_bias"] < 0.1 < r["mean_original_bias"]
    p = loto_debias_C(scores, props, ys, strategy="performance")
    assert p["mean_perf"] > p["mean_original_perf"]
    # poisoning the held-out task's accuracies must not change the C chosen for it
    ys2 = dict(ys, t0=-ys["t0"])
    q = loto_debias_C(scores, props, ys2, strategy="performance")
    assert q["folds"]["t0"]["c"] == p["folds"]["t0"]["c"]
    with pytest.raises(ValueError):
        loto_debias_C(scores, props, ys, strategy="equalize")


def test_loto_on_real_tasks(shared_data):
    from dalgo.nas.suite_zero import load_suite_zero_task

    names = ["NB201-CF10", "NB201-CF100", "NB201-IMGNT"]
    tasks = {n: load_suite_zero_task(n, data_dir=shared_data) for n in names}
    r = loto_proxy_ensemble(tasks, ["flops", "synflow", "snip"], n_passes=1)
    assert all(-1 <= f["ensemble_tau"] <= 1 for f in r["folds"].values())
    assert r["mean_ensemble_tau"] > 0.4  # these proxies rank NB201 cells well
