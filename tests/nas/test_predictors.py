"""Predictors: fit/predict interface, determinism, and the rank metrics against scipy."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from dalgo.nas.predictors import (
    GPPredictor,
    LGBMPredictor,
    MLPPredictor,
    RidgePredictor,
    evaluate_predictor,
    kendall_tau,
    make_predictor,
    precision_at_k,
    spearman_rho,
)

small_ints = st.lists(st.integers(-5, 5), min_size=3, max_size=30)


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@given(small_ints, st.data())
def test_kendall_and_spearman_match_scipy_with_ties(a, data):
    b = data.draw(st.lists(st.integers(-5, 5), min_size=len(a), max_size=len(a)))
    ref_t = stats.kendalltau(a, b)[0]
    ref_r = stats.spearmanr(a, b)[0]
    np.testing.assert_equal(np.isnan(kendall_tau(a, b)), np.isnan(ref_t))
    if not np.isnan(ref_t):
        assert kendall_tau(a, b) == pytest.approx(ref_t)
        assert spearman_rho(a, b) == pytest.approx(ref_r)


def _naive_tau_b(a, b):
    # O(n^2) tau-b from the definition: (C - D) / sqrt((n0 - n1)(n0 - n2))
    n = len(a)
    conc = disc = ta = tb = 0
    for i in range(n):
        for j in range(i + 1, n):
            da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
            if da == 0 and db == 0:
                continue
            if da == 0:
                ta += 1
            elif db == 0:
                tb += 1
            elif da == db:
                conc += 1
            else:
                disc += 1
    return (conc - disc) / np.sqrt((conc + disc + ta) * (conc + disc + tb))


def test_kendall_against_definition(rng):
    a = rng.integers(0, 4, 25)
    b = rng.integers(0, 4, 25)
    assert kendall_tau(a, b) == pytest.approx(_naive_tau_b(a, b))


def test_precision_at_k_by_hand(rng):
    y = rng.permutation(50).astype(float)
    assert precision_at_k(y, y, k=5) == 1.0
    assert precision_at_k(y, -y, k=5) == 0.0
    p = y.copy()
    top = np.argsort(-y)[:10]
    p[top[:4]] = -1  # demote 4 of the true top 10
    assert precision_at_k(y, p, k=10) == pytest.approx(0.6)
    assert precision_at_k(y, p) == pytest.approx(0.2)  # default k = 5 (10% of 50): 1 of 5 left
    with pytest.raises(ValueError):
        precision_at_k(y, p, k=0)


def _data(seed, n=120, d=6):
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = 3 * X[:, 0] - 2 * X[:, 1] + 0.05 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("name", ["lgbm", "gp", "ridge", "mlp"])
def test_predictors_learn_a_ranking_and_are_deterministic(name):
    if name == "mlp":
        pytest.importorskip("torch")
    X, y = _data(0)
    kw = {"n_epochs": 60, "n_estimators": 2} if name == "mlp" else {}
    p1 = make_predictor(name, random_state=0, **kw).fit(X[:80], y[:80]).predict(X[80:])
    p2 = make_predictor(name, random_state=0, **kw).fit(X[:80], y[:80]).predict(X[80:])
    np.testing.assert_array_equal(p1, p2)
    assert kendall_tau(y[80:], p1) > 0.6
    assert p1.shape == (40,)


def test_interface_errors():
    X, y = _data(1)
    with pytest.raises(RuntimeError, match="not fitted"):
        RidgePredictor().predict(X)
    m = LGBMPredictor(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :3])
    with pytest.raises(ValueError, match="rows"):
        RidgePredictor().fit(X, y[:-1])
    with pytest.raises(ValueError, match="NaN"):
        RidgePredictor().fit(np.full_like(X, np.nan), y)
    with pytest.raises(ValueError, match="unknown predictor"):
        make_predictor("xgb")
    assert "alpha=1.0" in repr(RidgePredictor())
    assert isinstance(make_predictor("gp"), GPPredictor)
    assert isinstance(make_predictor("mlp"), MLPPredictor)


def test_ridge_closed_form_against_lstsq():
    X, y = _data(2)
    m = RidgePredictor(alpha=1e-10).fit(X, y)
    A = np.hstack([X, np.ones((len(X), 1))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(m.predict(X), A @ coef, atol=1e-6)


def test_evaluate_predictor_protocol():
    X, y = _data(3)
    r = evaluate_predictor(LGBMPredictor(random_state=0), X, y, 30, random_state=5)
    assert r["n_test"] == 90
    assert set(r) == {"kendall_tau", "spearman_rho", "precision_at_k", "n_test"}
    assert r == evaluate_predictor(LGBMPredictor(random_state=0), X, y, 30, random_state=5)
    # a constant target on the training rows gives a constant prediction: tau reported 0
    y2 = y.copy()
    y2[:] = 1.0
    r0 = evaluate_predictor(RidgePredictor(), X, y2 + np.arange(len(y)) * 0, 30, random_state=0)
    assert r0["kendall_tau"] == 0.0
    for bad in (1, len(y)):
        with pytest.raises(ValueError, match="train_size"):
            evaluate_predictor(RidgePredictor(), X, y, bad)


def test_predictor_study_smoke(tmp_path, shared_data):
    path = Path(__file__).resolve().parents[2] / "experiments" / "nas_predictors.py"
    spec = importlib.util.spec_from_file_location("nas_predictors_exp", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--smoke", "--out-dir", str(tmp_path), "--data-dir", str(shared_data)]) == 0
    d = json.loads((tmp_path / "nas_predictors.json").read_text())
    assert set(d) == {"NB201-CF10", "TNB101_MICRO-SCENE"}
    for task in d.values():
        assert set(task) == {"encoding", "zc", "both"}
        for by_n in task.values():
            assert set(by_n) == {"10", "20"}
            for v in by_n.values():
                assert set(v) == {"kendall_tau", "se"} and -1 <= v["kendall_tau"] <= 1
    assert (tmp_path / "nas_pred_kendall.png").is_file()


@pytest.mark.parametrize("name", ["lgbm", "gp", "ridge"])
def test_every_predictor_takes_random_state(name):
    """random_state (int, Generator, SeedSequence) works alike for all predictors."""
    X, y = _data(4)
    for rs in (0, np.random.default_rng(0), np.random.SeedSequence(0)):
        p = make_predictor(name, random_state=rs)
        assert p.get_params()["random_state"] is rs
        assert p.fit(X[:60], y[:60]).predict(X[60:]).shape == (60,)
    r = RidgePredictor(random_state=0)
    assert repr(r) == "RidgePredictor(alpha=1.0, random_state=0)"
    with pytest.raises(ValueError, match="random_state"):
        make_predictor(name, random_state="zero").fit(X[:60], y[:60])


def test_mlp_ensemble_beta2():
    from dalgo._validation import InvalidParameterError
    from dalgo.nas import MLPEnsemble

    rng = np.random.default_rng(0)
    X, y = rng.random((40, 3)), rng.random(40)
    a = MLPEnsemble(n_epochs=20, random_state=0).fit(X, y).predict(X)
    b = MLPEnsemble(n_epochs=20, random_state=0, beta2=0.99).fit(X, y).predict(X)
    c = MLPEnsemble(n_epochs=20, random_state=0, beta2=0.99, batch_size=32).fit(X, y).predict(X)
    assert not np.array_equal(a, b) and not np.array_equal(b, c)
    assert MLPEnsemble(beta2=0.99).get_params()["beta2"] == 0.99
    with pytest.raises(InvalidParameterError, match="beta2"):
        MLPEnsemble(beta2=1.0).fit(X, y)


def _mlp_per_layer_reference(X, y, *, E, layers, units, epochs, bs, seed, beta2):
    """MLPEnsemble's training written the plain way: one torch leaf and one Adam state per
    layer (the implementation before the flat parameter vector)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    ys = (y - y.mean()) / y.std()
    sizes = [X.shape[1]] + [units] * layers + [1]
    params = []
    for fi, fo in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fi)
        W = (torch.rand((E, fi, fo), generator=gen) * 2 - 1) * bound
        b = (torch.rand((E, 1, fo), generator=gen) * 2 - 1) * bound
        params += [W.requires_grad_(), b.requires_grad_()]
    Xt = torch.as_tensor(X, dtype=torch.float32)
    yt = torch.as_tensor(ys, dtype=torch.float32)
    opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, beta2))
    n = X.shape[0]
    for _ in range(epochs):
        perm = torch.stack([torch.randperm(n, generator=gen) for _ in range(E)])
        for s in range(0, n, bs):
            h = Xt[perm[:, s:s + bs]]
            for i in range(len(params) // 2):
                h = torch.baddbmm(params[2 * i + 1], h, params[2 * i])
                if i < len(params) // 2 - 1:
                    h = torch.relu(h)
            obj = (h[..., 0] - yt[perm[:, s:s + bs]]).abs().mean(dim=1).sum()
            opt.zero_grad(set_to_none=True)
            obj.backward()
            opt.step()
    return [p.detach().numpy().astype(np.float64) for p in params]


def test_mlp_flat_parameters_are_per_layer_adam_bit_for_bit():
    """The flat parameter vector (one Adam update per step) changes no arithmetic."""
    from dalgo.nas import MLPEnsemble

    rng = np.random.default_rng(0)
    X, y = rng.random((45, 6)), rng.random(45)
    kw = dict(E=3, layers=3, units=5, epochs=8, bs=16, seed=7, beta2=0.99)
    ref = _mlp_per_layer_reference(X, y, **kw)
    m = MLPEnsemble(3, n_layers=3, n_units=5, n_epochs=8, batch_size=16, random_state=7,
                    beta2=0.99).fit(X, y)
    for got, want in zip(m.coefs_, ref[0::2]):
        assert np.array_equal(got, want)
    for got, want in zip(m.intercepts_, ref[1::2]):
        assert np.array_equal(got, want[:, 0, :])


def test_mlp_keras_options():
    """init="glorot" (Keras' Dense: Glorot-uniform weights, zero biases), eps, standardize."""
    from dalgo._validation import InvalidParameterError
    from dalgo.nas import MLPEnsemble

    rng = np.random.default_rng(0)
    X, y = rng.random((30, 4)), 50 + rng.random(30)
    m = MLPEnsemble(2, n_layers=2, n_units=6, n_epochs=1, learning_rate=1e-12, init="glorot",
                    random_state=0).fit(X, y)  # a step of 1e-12 leaves the initialisation
    assert all(np.abs(b).max() < 1e-9 for b in m.intercepts_)
    for W in m.coefs_:
        bound = np.sqrt(6.0 / (W.shape[1] + W.shape[2]))
        assert np.abs(W).max() <= bound and np.abs(W).max() > 0.5 * bound
    u = MLPEnsemble(2, n_layers=2, n_units=6, n_epochs=1, random_state=0).fit(X, y)
    assert all(np.abs(b).max() > 0 for b in u.intercepts_)
    raw = MLPEnsemble(2, n_epochs=3, standardize=False, random_state=0).fit(X, y)
    assert (raw.y_mean_, raw.y_scale_) == (0.0, 1.0)
    assert u.y_mean_ == pytest.approx(y.mean())
    a = MLPEnsemble(2, n_epochs=5, random_state=0).fit(X, y).predict(X)
    b = MLPEnsemble(2, n_epochs=5, random_state=0, eps=1e-7).fit(X, y).predict(X)
    assert not np.array_equal(a, b)
    with pytest.raises(InvalidParameterError, match="init"):
        MLPEnsemble(init="he").fit(X, y)
    with pytest.raises(InvalidParameterError, match="eps"):
        MLPEnsemble(eps=0).fit(X, y)
