"""Architecture properties, proxy bias and the three debiasing strategies."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from dalgo.nas.bias import (
    PROPERTIES,
    arch_property,
    choose_C,
    debias,
    debias_study,
    proxy_bias,
)

S = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"


def test_nb201_properties_by_hand():
    assert [arch_property("nb201", S, p) for p in PROPERTIES] == [2.0, 4.0, 1.0]
    # NASLib tuple of the same cell: edges (01, 02, 03, 12, 13, 23)
    from dalgo.nas.spaces import NB201

    t = NB201().from_string(S)
    assert [arch_property("nb201", t, p) for p in PROPERTIES] == [2.0, 4.0, 1.0]
    # zero-pool convention: n_conv / 0.5
    assert arch_property("nb201", (2, 3, 2, 3, 0, 1), "conv_pool") == 8.0
    assert arch_property("nb201", (1,) * 6, "conv_pool") == 0.0
    assert arch_property("nb201", (4, 4, 2, 0, 1, 1), "conv_pool") == 0.5
    # more convs, or fewer pools, never lowers the ratio
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = list(rng.integers(0, 5, 6))
        i = int(rng.integers(6))
        if a[i] == 4:  # pool -> conv
            b = a.copy()
            b[i] = 2
            assert arch_property("nb201", b, "conv_pool") >= arch_property("nb201", a, "conv_pool")


def test_other_spaces_by_hand():
    g = (((0, 3), (1, 0), (0, 2), (1, 2), (2, 5), (0, 1), (3, 6), (1, 4)), ((0, 0),) * 8)
    # normal: convs 3,5,6,4 ; pools 0,1 ; skips 2,2 ; reduce: 8 max pools
    assert arch_property("nb301", g, "conv_pool") == 4 / 10
    assert arch_property("nb301", g, "num_skip") == 2
    assert arch_property("nb301", g, "cell_size") == 16
    adj = np.zeros((7, 7), int)
    adj[0, 1] = adj[1, 2] = adj[2, 6] = adj[0, 6] = 1
    key = tuple(adj.ravel()) + (0, 2, 3, 4, 4, 2, 1)
    assert arch_property("nb101", key, "conv_pool") == 3 / 2
    assert arch_property("nb101", key, "cell_size") == 4
    assert arch_property("nb101", key, "num_skip") == 1
    assert arch_property("tnb101_micro", (0, 1, 2, 3, 3, 0), "conv_pool") == 6.0
    with pytest.raises(ValueError):
        arch_property("nb201", S, "depth")
    with pytest.raises(ValueError):
        arch_property("tnb101_macro", (1,) * 6, "cell_size")


def test_bias_is_kendall_tau(rng):
    f, b = rng.random(50), rng.integers(0, 4, 50)
    assert proxy_bias(f, b) == pytest.approx(stats.kendalltau(f, b)[0])
    assert proxy_bias(np.ones(5), np.arange(5)) == 0.0


def test_debias_formula_and_errors():
    np.testing.assert_allclose(debias([2.0, 6.0], [1.0, 2.0], C=1.0), [1.0, 2.0])
    with pytest.raises(ValueError):
        debias([-1.0, 1.0], [0.0, 0.0], 1.0)
    with pytest.raises(ValueError):
        debias([1.0, 1.0], [0.0, 1.0], -0.5)


def test_strategies_on_a_planted_bias(rng):
    # f = (b + C0) * g with g independent of b: dividing by b + C0 removes the bias exactly
    n = 400
    b = rng.integers(0, 7, n).astype(float)
    y = rng.normal(size=n)
    g = np.exp(y + 0.3 * rng.normal(size=n))
    f = (b + 2.0) * g
    r = debias_study(f, b, y)
    assert r["original_bias"] > 0.2
    assert abs(r["minimize"]["bias"]) < 0.05
    assert 0.5 < r["minimize"]["C"] < 8
    # performance never (much) below the original; debiasing here also helps
    assert r["performance"]["perf"] >= r["original_perf"] - 1e-3
    assert r["performance"]["perf"] > r["original_perf"]
    # equalize lands close to the accuracy's own bias (about 0 here)
    assert (abs(r["equalize"]["bias"] - r["accuracy_bias"])
            <= abs(r["original_bias"] - r["accuracy_bias"]))
    for s in ("minimize", "equalize", "performance"):
        assert set(r[s]) >= {"bias", "perf", "C"}


def test_negative_bias_is_oriented(rng):
    n = 300
    b = rng.integers(0, 5, n).astype(float)
    g = np.exp(rng.normal(size=n))
    f = g / (b + 1.0)  # prefers small b: negative bias
    r = choose_C(f, b, strategy="minimize")
    assert r["oriented"] and abs(r["bias"]) < abs(proxy_bias(f, b))
    literal = choose_C(f, b, strategy="minimize", orient=False)
    assert abs(literal["bias"]) >= abs(proxy_bias(f, b)) - 1e-9
    with pytest.raises(ValueError):
        choose_C(f, b, strategy="performance")  # needs y
    with pytest.raises(ValueError):
        choose_C(f, b, np.zeros(n), strategy="bogus")


def test_bias_study_smoke(tmp_path, shared_data):
    path = Path(__file__).resolve().parents[2] / "experiments" / "nas_bias.py"
    spec = importlib.util.spec_from_file_location("nas_bias_exp", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--smoke", "--out-dir", str(tmp_path), "--data-dir", str(shared_data)]) == 0
    d = json.loads((tmp_path / "nas_bias.json").read_text())
    assert set(d) == {"l2_norm|NB201-CF10|conv_pool", "nwot|NB301-CF10|conv_pool"}
    for v in d.values():
        assert set(v) == {"original_bias", "original_perf", "minimize", "equalize", "performance"}
        for s in ("minimize", "equalize", "performance"):
            assert set(v[s]) == {"bias", "perf", "C"}
