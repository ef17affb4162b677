"""Zero-cost proxies computed on real NAS-Bench-201 networks at initialisation.

Thirteen proxies, each from its paper's definition (the layer set and constants follow
the reference implementations of Abdelfattah et al. 2021 and NAS-Bench-Suite-Zero):

===========  ======  ==========================================================
proxy        labels  definition (sums run over conv and linear weights unless said)
===========  ======  ==========================================================
epe_nas      yes     sum_c |sum_ij log(|corr(J_c)|_ij + 1e-5)|, J_c = input Jacobians
                     of the images of class c (Lopes et al. 2021)
fisher       yes     sum over conv/linear output channels of
                     1/2 mean_n (sum_hw a * dL/da)^2 (Turner et al. 2020)
flops        no      multiply-accumulates of conv and linear layers per image, in M
grad_norm    yes     sum of per-layer ||dL/dW||_2
grasp        yes     sum of -W * (H g), g = dL/dW, H the Hessian (Wang et al. 2020)
jacov        no      -sum_i log(v_i + k) + 1/(v_i + k), v = eigenvalues of the
                     correlation of input Jacobians, k = 1e-5 (Mellor et al. 2021, v1)
l2_norm      no      sum of per-layer ||W||_2
nwot         no      log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T with c the
                     binary activation codes (Mellor et al. 2021, v2)
params       no      number of parameters, in M
plain        yes     sum of W * dL/dW
snip         yes     sum of |W * dL/dW| (Lee et al. 2019)
synflow      no      sum of |W| * dR/d|W|, R = sum of the output of the network with
                     |W|, BN as identity (eval mode at init), input all ones, float64
                     (Tanaka et al. 2020)
zen          no      log E||f(x) - f(x + a e)||_F - log a + sum_BN log sqrt(mean batch
                     var), f = pre-pooling features, Gaussian weights and inputs, a=0.01
                     (Lin et al. 2021); needs no images; BN layers with an all-zero
                     input are skipped
===========  ======  ==========================================================

"labels: no" proxies never read the labels (tested).  The loss is cross-entropy.
BN is in training mode (batch statistics) except for synflow.
"""

from __future__ import annotations

import copy
import functools
import math
import time

import numpy as np

from dalgo._validation import check_positive_int
from dalgo.datasets import load_cifar10
from dalgo.datasets.paths import get_data_dir
from dalgo.random_state import check_random_state, int_seed

from ._deprecation import random_state_or_seed
from .mlp import torch_threads
from .networks import nb201_network

__all__ = ["PROXIES", "LABEL_FREE_PROXIES", "zero_cost", "load_cifar10_batch", "torch_threads"]

PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)
LABEL_FREE_PROXIES = ("flops", "jacov", "l2_norm", "nwot", "params", "synflow", "zen")

_CIFAR_MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
_CIFAR_STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)


# --------------------------------------------------------------------------- data


@functools.lru_cache(maxsize=2)
def _cifar10_test_uint8(data_dir):
    """The CIFAR-10 test set of the data folder ``data_dir`` (resolved, str) as read-only
    uint8 images (n, 32, 32, 3) and int64 labels, read once by :func:`dalgo.load_cifar10`."""
    ds = load_cifar10(data_dir)
    # load_cifar10 gives raw pixels 0..255 as float64 rows in HWC order: exact in uint8
    X = ds.X.reshape((-1,) + tuple(ds.image_shape)).astype(np.uint8)
    y = np.asarray(ds.y).astype(np.int64).ravel()
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_cifar10_batch(batch_size=64, *, random_state=0, data_dir=None, seed=None):
    """A minibatch of CIFAR-10 test images, drawn without replacement.

    Parameters
    ----------
    batch_size : int, default=64
    random_state : None, int, SeedSequence or Generator, default=0
        Chooses the images: ``check_random_state(random_state).choice(n, batch_size,
        replace=False)`` (an int ``s`` draws with ``np.random.default_rng(s)``).
    data_dir : path-like, default=None
        dalgo's data folder (the one holding ``cifar10/``); None: the environment variable
        ``DALGO_DATA``. Read with :func:`dalgo.load_cifar10` once per folder and cached.
    seed : int, default=None
        Deprecated alias of ``random_state`` (same results); will be removed in the next
        release.

    Returns
    -------
    X : ndarray of shape (batch_size, 32, 32, 3), uint8
    y : ndarray of shape (batch_size,), int64
    """
    random_state = random_state_or_seed(
        random_state, seed, where="dalgo.nas.zero_cost.load_cifar10_batch", default=0)
    batch_size = check_positive_int(batch_size, "batch_size")
    root = get_data_dir(data_dir)
    # the cache is keyed by the resolved folder; with no folder at all, load_cifar10 raises
    # the FileNotFoundError that says how to point dalgo at the data
    X, y = _cifar10_test_uint8(None if root is None else str(root.resolve()))
    idx = check_random_state(random_state).choice(len(X), size=batch_size, replace=False)
    return X[idx], y[idx]


def _to_tensors(data):
    import torch

    X, y = data
    X = np.asarray(X)
    if X.dtype == np.uint8:  # HWC images in [0, 255]
        if X.ndim != 4 or X.shape[-1] != 3:
            raise ValueError(f"uint8 images must have shape (n, H, W, 3), got {X.shape}")
        X = ((X.astype(np.float32) / 255.0 - _CIFAR_MEAN) / _CIFAR_STD).transpose(0, 3, 1, 2)
    elif X.ndim != 4 or X.shape[1] != 3:
        raise ValueError(f"float images must have shape (n, 3, H, W), got {X.shape}")
    x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    t = torch.from_numpy(np.asarray(y, dtype=np.int64).ravel().copy())
    if len(t) != len(x):
        raise ValueError(f"{len(x)} images but {len(t)} labels")
    return x, t


# --------------------------------------------------------------------------- kernels


def _layers(net):
    from torch import nn

    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _loss_backward(net, x, y):
    import torch.nn.functional as F

    net.zero_grad(set_to_none=True)
    loss = F.cross_entropy(net(x), y)
    loss.backward()


def _grad_or_zero(w):
    import torch

    return torch.zeros_like(w) if w.grad is None else w.grad


def _p_params(net, x, y):
    return sum(p.numel() for p in net.parameters()) / 1e6


def _p_flops(net, x, y):
    import torch
    from torch import nn

    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            total[0] += out[0].numel() * k
        else:
            total[0] += m.in_features * m.out_features

    hs = [m.register_forward_hook(hook) for m in _layers(net)]
    try:
        with torch.no_grad():
            net(x[:1])
    finally:
        for h in hs:
            h.remove()
    return total[0] / 1e6


def _p_l2_norm(net, x, y):
    import torch

    with torch.no_grad():
        return float(sum(m.weight.norm() for m in _layers(net)))


def _p_grad_norm(net, x, y):
    import torch

    _loss_backward(net, x, y)
    with torch.no_grad():
        return float(sum(_grad_or_zero(m.weight).norm() for m in _layers(net)))


def _p_snip(net, x, y):
    import torch

    _loss_backward(net, x, y)
    with torch.no_grad():
        return float(sum((m.weight * _grad_or_zero(m.weight)).abs().sum() for m in _layers(net)))


def _p_plain(net, x, y):
    import torch

    _loss_backward(net, x, y)
    with torch.no_grad():
        return float(sum((m.weight * _grad_or_zero(m.weight)).sum() for m in _layers(net)))


def _p_grasp(net, x, y):
    import torch
    import torch.nn.functional as F

    weights = [m.weight for m in _layers(net)]
    # g = dL/dW (no graph), then Hg = d(g_f . g)/dW with g_f = dL/dW (with graph).
    loss = F.cross_entropy(net(x), y)
    g = torch.autograd.grad(loss, weights, allow_unused=True)
    loss = F.cross_entropy(net(x), y)
    gf = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    z = sum((a.detach() * b).sum() for a, b in zip(g, gf) if a is not None and b is not None)
    hg = torch.autograd.grad(z, weights, allow_unused=True)
    with torch.no_grad():
        return float(sum((-w * h).sum() for w, h in zip(weights, hg) if h is not None))


def _p_fisher(net, x, y):
    import torch.nn.functional as F

    acc = []

    def fwd(m, inp, out):
        if not out.requires_grad:
            return
        # The hook must not hold ``out`` itself: a closure over the tensor it is registered
        # on is a reference cycle through autograd's C++ side that the garbage collector
        # cannot break (the activation, its graph and the network copy would stay alive).
        act = out.detach()

        def bwd(grad, act=act):
            prod = act * grad
            g_nk = prod.sum(dim=(2, 3)) if prod.dim() == 4 else prod
            acc.append(0.5 * g_nk.pow(2).mean(0).sum().item())

        out.register_hook(bwd)

    hs = [m.register_forward_hook(fwd) for m in _layers(net)]
    try:
        net.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
    finally:
        for h in hs:
            h.remove()
    return float(sum(acc))


def _input_jacobian(net, x):
    """Per-image gradient of the summed outputs w.r.t. the input, as float64 rows."""
    import torch

    x = x.clone().requires_grad_(True)
    out = net(x)
    out.backward(gradient=torch.ones_like(out))
    if x.grad is None:
        # no path from the input to the output (every cell edge into the output is
        # "none"): the Jacobian is identically zero
        return np.zeros((len(x), x[0].numel()))
    return x.grad.detach().reshape(len(x), -1).double().numpy()


def _p_jacov(net, x, y):
    J = _input_jacobian(net, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(J)
    if not np.all(np.isfinite(corr)):
        return float("nan")
    v = np.linalg.eigvalsh(corr)
    k = 1e-5
    return float(-np.sum(np.log(v + k) + 1.0 / (v + k)))


def _p_epe_nas(net, x, y):
    J = _input_jacobian(net, x)
    labels = y.numpy()
    k = 1e-5
    score = 0.0
    for c in np.unique(labels):
        Jc = J[labels == c]
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.atleast_2d(np.corrcoef(Jc))
        corr = np.nan_to_num(corr, nan=0.0)
        score += abs(float(np.sum(np.log(np.abs(corr) + k))))
    return score


def _p_nwot(net, x, y):
    import torch
    from torch import nn

    n = len(x)
    K = torch.zeros(n, n, dtype=torch.float64)

    def hook(m, inp, out):
        c = (inp[0].detach().reshape(n, -1) > 0).double()
        K.add_(c @ c.T).add_((1.0 - c) @ (1.0 - c).T)

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(x)
    finally:
        for h in hs:
            h.remove()
    return float(torch.linalg.slogdet(K)[1])


def _p_synflow(net, x, y):
    import torch

    net = net.double()
    net.eval()  # BN with its initial running stats: (x - 0) / sqrt(1 + eps), no batch stats
    with torch.no_grad():
        for p in net.parameters():
            p.abs_()
    net.zero_grad(set_to_none=True)
    ones = torch.ones((1,) + tuple(x.shape[1:]), dtype=torch.float64)
    net(ones).sum().backward()
    with torch.no_grad():
        return float(sum((m.weight * _grad_or_zero(m.weight)).sum() for m in _layers(net)))


def _p_zen(net, x, y, *, seed=0, alpha=0.01):
    import torch
    from torch import nn

    g = torch.Generator().manual_seed(int(seed) + 1)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(generator=g)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
        x0 = torch.randn(x.shape, generator=g)
        eps = torch.randn(x.shape, generator=g)
        stds = []

        def hook(m, inp, out):
            v = inp[0].var(dim=(0, 2, 3), unbiased=False)
            stds.append(torch.sqrt(v.mean()).item())

        hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
        try:
            f0 = net.features(x0)
        finally:
            for h in hs:
                h.remove()
        f1 = net.features(x0 + alpha * eps)
        delta = torch.linalg.vector_norm((f0 - f1).reshape(len(x0), -1), dim=1).mean().item()
    if delta <= 0.0:  # the output does not depend on the input (e.g. all-`none` cells)
        return float("-inf")
    # BN layers fed an identically zero map (ops on a node with only `none` inputs) carry
    # no signal and would add log(0); they are left out of the sum.
    return math.log(delta) - math.log(alpha) + sum(math.log(s) for s in stds if s > 0.0)


_PROXY_FUNCS = {
    "epe_nas": _p_epe_nas, "fisher": _p_fisher, "flops": _p_flops, "grad_norm": _p_grad_norm,
    "grasp": _p_grasp, "jacov": _p_jacov, "l2_norm": _p_l2_norm, "nwot": _p_nwot,
    "params": _p_params, "plain": _p_plain, "snip": _p_snip, "synflow": _p_synflow,
    "zen": _p_zen,
}


def _zero_cost_impl(net, x, y, proxies, seed):
    """Each proxy on its own deep copy of ``net``; validation already done."""
    scores, times = {}, {}
    for name in proxies:
        fn = _PROXY_FUNCS[name]
        work = copy.deepcopy(net)
        t0 = time.perf_counter()
        if name == "zen":
            val = fn(work, x, y, seed=seed)
        else:
            val = fn(work, x, y)
        times[name] = time.perf_counter() - t0
        scores[name] = float(val)
    return scores, times


def zero_cost(
    arch,
    proxies=None,
    *,
    data=None,
    batch_size=64,
    random_state=0,
    n_classes=10,
    C=16,
    n_cells=5,
    data_dir=None,
    n_threads=None,
    return_times=False,
    seed=None,
):
    """Zero-cost proxies of a NAS-Bench-201 architecture at initialisation.

    Parameters
    ----------
    arch : str, tuple of 6 int, sequence of 6 str or torch.nn.Module
        NB201 architecture: an arch string, the op tuple of :class:`dalgo.nas.NB201` (as
        :func:`~dalgo.nas.search` and ``task.query`` use) or op names (see
        :func:`~dalgo.nas.networks.parse_nb201`); the network is built with
        :func:`~dalgo.nas.networks.nb201_network` and initialised from ``random_state``. Or a
        ready network with a ``features(x)`` method.
    proxies : sequence of str, default=None
        Subset of :data:`PROXIES`; None computes all 13.
    data : tuple (X, y), default=None
        One minibatch: uint8 images (n, H, W, 3) (normalised with CIFAR-10 statistics) or
        float images (n, 3, H, W), and integer labels.  None draws ``batch_size`` images of
        the CIFAR-10 test set with ``random_state`` (:func:`load_cifar10_batch`).
    batch_size : int, default=64
        Used only when ``data`` is None.
    random_state : None, int, SeedSequence or Generator, default=0
        Becomes one int seed ``s`` (:func:`dalgo.random_state.int_seed`: an int is used as
        is), which seeds the weight initialisation, the minibatch and zen's Gaussian inputs.
    n_classes, C, n_cells : int
        Network size (NB201 defaults 10, 16, 5).
    data_dir : path-like, default=None
        Folder containing ``cifar10/`` (see :func:`load_cifar10_batch`).
    n_threads : int, default=None
        Torch intra-op threads inside the call (restored afterwards); None leaves it.
    return_times : bool, default=False
        Also return the wall time in seconds of each proxy.
    seed : int, default=None
        Deprecated alias of ``random_state`` (same results); will be removed in the next
        release.

    Returns
    -------
    scores : dict of str -> float
    times : dict of str -> float
        Only when ``return_times``.

    Notes
    -----
    Every proxy runs on a fresh copy of the same initial network, so the order of proxies
    does not matter.  Cost is a few forward/backward passes per proxy (grasp: two
    forwards and a double backward).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, size=(8, 8, 8, 3), dtype=np.uint8)
    >>> y = np.arange(8) % 2
    >>> arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"
    >>> s = zero_cost(arch, ["params", "flops"], data=(X, y), C=4, n_cells=1)
    >>> round(s["params"], 6), round(s["flops"], 6)
    (0.008366, 0.066464)
    """
    import torch

    random_state = random_state_or_seed(random_state, seed, where="dalgo.nas.zero_cost",
                                        default=0)
    seed = int_seed(random_state)
    n_threads = check_positive_int(n_threads, "n_threads", allow_none=True)
    if proxies is None:
        proxies = PROXIES
    elif isinstance(proxies, str):
        proxies = (proxies,)
    unknown = [p for p in proxies if p not in _PROXY_FUNCS]
    if unknown:
        raise ValueError(f"unknown proxies {unknown}; choose from {PROXIES}")
    with torch_threads(n_threads):
        if data is None:
            data = load_cifar10_batch(batch_size, random_state=seed, data_dir=data_dir)
        x, y = _to_tensors(data)
        if isinstance(arch, torch.nn.Module):
            net = arch
        else:
            net = nb201_network(arch, C=C, n_cells=n_cells, n_classes=n_classes,
                                random_state=seed)
        net.train()
        scores, times = _zero_cost_impl(net, x, y, tuple(proxies), seed)
    return (scores, times) if return_times else scores
