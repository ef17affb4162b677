"""Zero-cost proxies: each against a hand-computed or independently differentiated value."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

# the package re-exports the function `zero_cost`, which shadows the submodule attribute
zc = importlib.import_module("dalgo.nas.zero_cost")
from dalgo.nas.networks import nb201_network  # noqa: E402

ARCH = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"
ARCH2 = "|nor_conv_1x1~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"
TINY = dict(C=4, n_cells=1)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    # one intra-op thread: fast for tiny nets and no OpenMP spinning on a shared machine
    with zc.torch_threads(1):
        yield


def _batch(seed, n=8, hw=8):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, size=(n, hw, hw, 3), dtype=np.uint8)
    y = rng.integers(0, 10, size=n)
    return X, y


def _tiny(seed=0, dtype=torch.float64):
    net = nb201_network(ARCH2, random_state=seed, **TINY).to(dtype)
    X, y = _batch(seed)
    x, t = zc._to_tensors((X, y))
    return net, x.to(dtype), t


def _prunable_weights(net):
    return [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _loss(net, x, y):
    return nn.functional.cross_entropy(net(x), y)


def test_all_proxies_present_and_finite():
    X, y = _batch(0)
    s, t = zc.zero_cost(ARCH, data=(X, y), return_times=True, **TINY)
    assert set(s) == set(zc.PROXIES) == set(t)
    assert len(zc.PROXIES) == 13
    assert all(math.isfinite(v) for v in s.values())
    assert all(v >= 0 for v in t.values())


def test_params_and_flops_against_independent_counts():
    X, y = _batch(1)
    s = zc.zero_cost(ARCH, ["params", "flops"], data=(X, y), **TINY)
    net = nb201_network(ARCH, **TINY)
    assert s["params"] == pytest.approx(sum(p.numel() for p in net.parameters()) / 1e6)
    # torch's FlopCounterMode counts 2 FLOPs per multiply-accumulate of conv / linear.
    from torch.utils.flop_counter import FlopCounterMode

    x, _ = zc._to_tensors((X[:1], y[:1]))
    with FlopCounterMode(display=False) as fc, torch.no_grad():
        net(x)
    assert s["flops"] == pytest.approx(fc.get_total_flops() / 2 / 1e6)


def test_l2_norm_by_hand():
    net, x, y = _tiny()
    expect = sum(np.sqrt((w.detach().numpy() ** 2).sum()) for w in _prunable_weights(net))
    assert zc._p_l2_norm(net, x, y) == pytest.approx(expect)


def test_plain_is_directional_derivative_along_weights():
    # plain = sum W * dL/dW = d/dt L(W (1 + t)) at t = 0 (conv/linear weights only).
    net, x, y = _tiny(3)
    got = zc._p_plain(net, x, y)
    ws = _prunable_weights(net)
    base = [w.detach().clone() for w in ws]
    eps = 1e-6
    vals = []
    for sgn in (1, -1):
        with torch.no_grad():
            for w, b in zip(ws, base):
                w.copy_(b * (1 + sgn * eps))
            vals.append(_loss(net, x, y).item())
    with torch.no_grad():
        for w, b in zip(ws, base):
            w.copy_(b)
    assert got == pytest.approx((vals[0] - vals[1]) / (2 * eps), rel=1e-5, abs=1e-9)


def test_grad_norm_and_snip_against_autograd():
    net, x, y = _tiny(4)
    ws = _prunable_weights(net)
    g = [torch.zeros_like(w) if gi is None else gi  # unused weights (dead node 2) get 0
         for w, gi in zip(ws, torch.autograd.grad(_loss(net, x, y), ws, allow_unused=True))]
    exp_gn = sum(float(torch.sqrt((gi**2).sum())) for gi in g)
    exp_snip = sum(float((w.detach() * gi).abs().sum()) for w, gi in zip(ws, g))
    net.zero_grad()
    assert zc._p_grad_norm(net, x, y) == pytest.approx(exp_gn, rel=1e-10)
    net.zero_grad()
    assert zc._p_snip(net, x, y) == pytest.approx(exp_snip, rel=1e-10)


def test_grasp_is_minus_w_dot_hessian_grad_by_finite_differences():
    # grasp = -w . H g = -d/dt [grad L(theta + t w) . g0] at t = 0.
    net, x, y = _tiny(5)
    got = zc._p_grasp(net, x, y)
    ws = _prunable_weights(net)
    base = [w.detach().clone() for w in ws]
    g0 = [torch.zeros_like(w) if gi is None else gi.detach()
          for w, gi in zip(ws, torch.autograd.grad(_loss(net, x, y), ws, allow_unused=True))]
    eps = 1e-5
    vals = []
    for sgn in (1, -1):
        with torch.no_grad():
            for w, b in zip(ws, base):
                w.copy_(b + sgn * eps * b)
        g = torch.autograd.grad(_loss(net, x, y), ws, allow_unused=True)
        vals.append(sum(float((a * b).sum()) for a, b in zip(g, g0) if a is not None))
    expect = -(vals[0] - vals[1]) / (2 * eps)
    assert got == pytest.approx(expect, rel=1e-4, abs=1e-10)


def test_fisher_by_hand_on_linear_model():
    rng = np.random.default_rng(0)
    lin = nn.Linear(5, 3).double()
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(rng.normal(size=(3, 5))))
        lin.bias.copy_(torch.from_numpy(rng.normal(size=3)))
    X = rng.normal(size=(6, 5))
    y = rng.integers(0, 3, size=6)
    got = zc._p_fisher(lin, torch.from_numpy(X), torch.from_numpy(y))
    z = X @ lin.weight.detach().numpy().T + lin.bias.detach().numpy()
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    grad = (p - np.eye(3)[y]) / len(y)  # d mean-CE / dz
    expect = (0.5 * ((z * grad) ** 2).mean(0)).sum()
    assert got == pytest.approx(expect, rel=1e-10)


def test_synflow_two_layer_linear_chain_is_twice_the_path_sum():
    # R = 1^T |W2| |W1| 1 is 1-homogeneous in each layer, so sum |W| dR/d|W| = 2 R.
    rng = np.random.default_rng(1)
    net = nn.Sequential(nn.Linear(4, 3, bias=False), nn.Linear(3, 2, bias=False))
    with torch.no_grad():
        for m in net:
            m.weight.copy_(torch.from_numpy(rng.normal(size=m.weight.shape)))
    W1 = np.abs(net[0].weight.detach().numpy().astype(np.float64))
    W2 = np.abs(net[1].weight.detach().numpy().astype(np.float64))
    R = (W2 @ W1 @ np.ones(4)).sum()
    x = torch.from_numpy(rng.normal(size=(7, 4))).float()  # values must not matter
    assert zc._p_synflow(net, x, None) == pytest.approx(2 * R, rel=1e-12)


def test_synflow_of_nb201_is_independent_of_images():
    X, y = _batch(2)
    X2, _ = _batch(3)
    a = zc.zero_cost(ARCH, ["synflow"], data=(X, y), **TINY)["synflow"]
    b = zc.zero_cost(ARCH, ["synflow"], data=(X2, y), **TINY)["synflow"]
    assert a == b > 0


class _ReLUOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(x)


def test_nwot_by_hand():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(6, 40))
    got = zc._p_nwot(_ReLUOnly(), torch.from_numpy(X), None)
    c = (X > 0).astype(float)
    K = c @ c.T + (1 - c) @ (1 - c).T
    assert got == pytest.approx(np.linalg.slogdet(K)[1], rel=1e-12)


class _Square(nn.Module):
    def forward(self, x):
        return (x**2).flatten(1)


def test_jacov_and_epe_nas_by_hand():
    # d sum(x^2) / dx = 2x, so the Jacobian correlation is the correlation of the inputs.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(8, 3, 2, 2))
    y = np.array([0, 0, 0, 1, 1, 1, 1, 2])
    J = X.reshape(8, -1)
    v = np.linalg.eigvalsh(np.corrcoef(J))
    k = 1e-5
    expect = -np.sum(np.log(v + k) + 1 / (v + k))
    assert zc._p_jacov(_Square(), torch.from_numpy(X), None) == pytest.approx(expect, rel=1e-9)
    epe = sum(abs(np.sum(np.log(np.abs(np.atleast_2d(np.corrcoef(J[y == c]))) + k)))
              for c in (0, 1, 2))
    got = zc._p_epe_nas(_Square(), torch.from_numpy(X), torch.from_numpy(y))
    assert got == pytest.approx(epe, rel=1e-9)


class _IdentityFeatures(nn.Module):
    def features(self, x):
        return x


def test_zen_without_bn_is_log_mean_perturbation_norm():
    x = torch.zeros(5, 3, 4, 4)
    got = zc._p_zen(_IdentityFeatures(), x, None, seed=7, alpha=0.01)
    g = torch.Generator().manual_seed(8)
    torch.randn(x.shape, generator=g)
    eps = torch.randn(x.shape, generator=g).reshape(5, -1).numpy()
    expect = np.log(np.mean(np.linalg.norm(0.01 * eps, axis=1))) - np.log(0.01)
    assert got == pytest.approx(expect, rel=1e-6)


def test_label_free_proxies_do_not_read_labels():
    X, y = _batch(5)
    rng = np.random.default_rng(0)
    a = zc.zero_cost(ARCH, zc.LABEL_FREE_PROXIES, data=(X, y), **TINY)
    b = zc.zero_cost(ARCH, zc.LABEL_FREE_PROXIES, data=(X, rng.permutation(y)), **TINY)
    # labels out of range would make any cross-entropy raise
    c = zc.zero_cost(ARCH, zc.LABEL_FREE_PROXIES, data=(X, np.full_like(y, 10**6)), **TINY)
    assert a == b == c


def test_label_dependent_proxies_do_read_labels():
    X, y = _batch(6)
    other = (y + 1) % 10
    a = zc.zero_cost(ARCH, ["grad_norm", "snip", "fisher", "grasp", "plain", "epe_nas"],
                     data=(X, y), **TINY)
    b = zc.zero_cost(ARCH, ["grad_norm", "snip", "fisher", "grasp", "plain"],
                     data=(X, other), **TINY)
    for p in b:
        assert a[p] != b[p], p
    with pytest.raises((IndexError, RuntimeError)):  # torch: target out of bounds
        zc.zero_cost(ARCH, ["snip"], data=(X, np.full_like(y, 10**6)), **TINY)


def test_deterministic_per_seed_and_order_free():
    X, y = _batch(7)
    a = zc.zero_cost(ARCH, data=(X, y), random_state=3, **TINY)
    b = zc.zero_cost(ARCH, list(reversed(zc.PROXIES)), data=(X, y), random_state=3, **TINY)
    c = zc.zero_cost(ARCH, data=(X, y), random_state=4, **TINY)
    assert a == b
    assert a["snip"] != c["snip"] and a["params"] == c["params"]


def test_global_rngs_and_threads_untouched():
    X, y = _batch(8)
    t_state = torch.random.get_rng_state().clone()
    n_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the global state itself)
    threads = torch.get_num_threads()
    zc.zero_cost(ARCH, ["zen", "snip"], data=(X, y), n_threads=1, **TINY)
    assert torch.equal(torch.random.get_rng_state(), t_state)
    assert np.array_equal(np.random.get_state()[1], n_state)  # noqa: NPY002
    assert torch.get_num_threads() == threads


def test_errors():
    X, y = _batch(0)
    with pytest.raises(ValueError, match="unknown proxies"):
        zc.zero_cost(ARCH, ["bogus"], data=(X, y), **TINY)
    with pytest.raises(ValueError, match="labels"):
        zc.zero_cost(ARCH, ["params"], data=(X, y[:3]), **TINY)
    with pytest.raises(FileNotFoundError, match="cifar10_test.npz"):
        zc.load_cifar10_batch(4, data_dir="/nonexistent/dir")


def test_default_data_is_cifar10(shared_data):
    if not (shared_data / "cifar10" / "cifar10_test.npz").is_file():
        pytest.skip("CIFAR-10 test set not available")
    X, y = zc.load_cifar10_batch(8, random_state=0, data_dir=shared_data)
    assert X.shape == (8, 32, 32, 3) and X.dtype == np.uint8 and y.min() >= 0 and y.max() <= 9
    s = zc.zero_cost(ARCH, ["nwot", "snip"], batch_size=8, data_dir=shared_data, **TINY)
    assert s == zc.zero_cost(ARCH, ["nwot", "snip"], data=(X, y), **TINY)


def test_validation_experiment_smoke(tmp_path, shared_data):
    path = Path(__file__).resolve().parents[2] / "experiments" / "nas_zc_validation.py"
    spec = importlib.util.spec_from_file_location("nas_zc_validation", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "v.json"
    assert mod.main(["--smoke", "--out", str(out), "--data-dir", str(shared_data)]) == 0
    import json

    d = json.loads(out.read_text())
    assert d["n_archs"] == 3 and set(d["proxies"]) == set(zc.PROXIES)


def test_disconnected_cell_does_not_crash():
    """All-`none` cells cut the input from the output: the input Jacobian is zero
    (not missing), so every proxy returns a number (jacov is undefined: NaN)."""
    arch = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    scores = zc.zero_cost(arch, batch_size=8, **TINY)
    assert set(scores) == set(zc.PROXIES)
    assert scores["grad_norm"] == 0.0 and scores["snip"] == 0.0
    assert np.isnan(scores["jacov"])


def test_op_tuple_and_random_state_forms():
    X, y = _batch(9)
    a = zc.zero_cost(ARCH, ["snip", "zen", "params"], data=(X, y), random_state=2, **TINY)
    b = zc.zero_cost((2, 1, 4, 0, 1, 3), ["snip", "zen", "params"], data=(X, y),
                     random_state=2, **TINY)
    assert a == b
    with pytest.warns(FutureWarning, match="seed"):
        c = zc.zero_cost(ARCH, ["snip", "zen", "params"], data=(X, y), seed=2, **TINY)
    assert a == c


def test_batch_comes_from_dalgo_load_cifar10(shared_data):
    if not (shared_data / "cifar10" / "cifar10_test.npz").is_file():
        pytest.skip("CIFAR-10 test set not available")
    from dalgo.datasets import load_cifar10

    ds = load_cifar10(shared_data)
    X, y = zc.load_cifar10_batch(16, random_state=3, data_dir=shared_data)
    idx = np.random.default_rng(3).choice(len(ds.y), size=16, replace=False)
    assert np.array_equal(X.reshape(16, -1), ds.X[idx]) and np.array_equal(y, ds.y[idx])
    with pytest.warns(FutureWarning):
        X2, _ = zc.load_cifar10_batch(16, seed=3, data_dir=shared_data)
    assert np.array_equal(X, X2)
