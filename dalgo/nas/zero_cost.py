"""Zero-cost proxies computed on real NAS-Bench-201 networks at initialisation.

Thirteen proxies, each as its reference implementation computes it: the measure functions of
NASLib (``naslib/predictors/utils/pruners/measures/*.py``, github.com/automl/NASLib, which
carry the zero-cost-NAS code of Abdelfattah et al. 2021 and produced the NAS-Bench-Suite-Zero
tables, Krishnakumar et al. 2022), run on dalgo's NB201 network.  The agreement with those
functions (Spearman over NB201 architectures, same initialisation and batch) is measured by
``experiments/nas_zc_reference.py`` and reported in docs/nas.md.

===========  ======  ==========================================================
proxy        labels  definition (sums run over conv and linear weights unless said)
===========  ======  ==========================================================
epe_nas      yes     sum_c |sum_ij log(|corr(J_c)|_ij + 1e-5)|, J_c = input Jacobians
                     of the images of class c (Lopes et al. 2021, EPE-NAS; reference
                     ``epe_nas.py``, from the authors' ``search.py``)
fisher       yes     sum over conv/linear layers l and output channels k of
                     fan_in(l) * 1/2 mean_n (sum_hw a * dL/da)^2: the channel's value
                     given to each of its weights, as the reference does (Turner et al.
                     2020; reference ``fisher.py``)
flops        no      FLOPs of one image in M by the benchmark's counter (tensorwatch
                     ``ModelStats`` as called by NASLib): conv and linear MACs plus BN
                     (2 per element), ReLU (1 per element) and pooling
grad_norm    yes     sum of per-layer ||dL/dW||_2 (reference ``grad_norm.py``)
grasp        yes     sum of -W * (H g), g = dL/dW, H the Hessian (Wang et al. 2020;
                     reference ``grasp.py``)
jacov        no      -sum_i log(v_i + k) + 1/(v_i + k), v = eigenvalues of the
                     correlation of input Jacobians, k = 1e-5 (Mellor et al. 2021, v1;
                     reference ``jacov.py``)
l2_norm      no      sum of per-layer ||W||_2 (reference ``l2_norm.py``)
nwot         no      log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T with c the
                     binary activation codes (Mellor et al. 2021, v2; reference ``nwot.py``)
params       no      number of parameters, in M
plain        yes     sum of W * dL/dW (reference ``plain.py``)
snip         yes     sum of |W * dL/dW| (Lee et al. 2019; reference ``snip.py``)
synflow      no      sum of |W * dR/dW|, R = sum of the output of the network with every
                     parameter and buffer replaced by its absolute value, every BN
                     bypassed (identity), input all ones, float64 (Tanaka et al. 2020;
                     reference ``synflow.py``, measure ``synflow``)
zen          no      log mean_n ||f(x) - f(x + a e)||_1 + sum_BN log sqrt(mean running
                     var), f = map before global pooling, Gaussian weights (BN weight 1,
                     bias 0), Gaussian x and e, a = 0.01, BN in training mode so that
                     the two passes move each running variance (momentum 0.1) (Lin et
                     al. 2021, Zen-NAS; reference ``zen.py``); needs no images
===========  ======  ==========================================================

Named variants (not the reference definitions, never computed unless asked for):

==============  =================================================================
fisher_channel  fisher summed once per channel (no fan-in factor)
flops_macs      multiply-accumulates of conv and linear layers only, in M
synflow_bn      synflow with BN kept, in eval mode at its initial statistics (a
                factor 1/sqrt(1 + 1e-5) per BN; the reference's ``synflow_bn`` runs BN
                in training mode instead)
==============  =================================================================

"labels: no" proxies never read the labels (tested).  The loss is cross-entropy.  BN is in
training mode (batch statistics) except where said.

Dead cells: a cell with no path of non-``none`` ops from its input to its output makes the
network's output independent of its input.  epe_nas and jacov are then NaN (the correlation
of a zero Jacobian) and zen is -inf (log 0), exactly as in the reference; the reference's
query layer (NASLib's ``ZeroCost.query``) replaces every NaN or infinite score by -1e8, the
worst score, and so does :func:`zero_cost` by default (``nonfinite="worst"``), so that no NaN
reaches a predictor or a search.  The stored benchmark tables hold -1e8 for these cells.
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

__all__ = ["PROXIES", "PROXY_VARIANTS", "LABEL_FREE_PROXIES", "WORST_SCORE", "zero_cost",
           "load_cifar10_batch", "torch_threads"]

PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow", "zen",
)
#: named variants of three proxies (see the module docstring); not in :data:`PROXIES`
PROXY_VARIANTS = ("fisher_channel", "flops_macs", "synflow_bn")
LABEL_FREE_PROXIES = ("flops", "flops_macs", "jacov", "l2_norm", "nwot", "params", "synflow",
                      "synflow_bn", "zen")
#: the score a NaN or infinite proxy value becomes (NASLib's ``ZeroCost.query``)
WORST_SCORE = -1e8

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


def load_cifar10_batch(batch_size=32, *, random_state=0, data_dir=None, seed=None):
    """A minibatch of CIFAR-10 test images, drawn without replacement.

    Parameters
    ----------
    batch_size : int, default=32
        32, the batch of the benchmark's zero-cost runs (NAS-Bench-Suite-Zero).
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


def _p_flops_macs(net, x, y):
    """Multiply-accumulates of conv and linear layers per image, in M (dalgo's former
    ``flops``): no BN, ReLU, pooling or bias terms."""
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


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _p_flops(net, x, y):
    """FLOPs per image in M by the rule of the counter behind the benchmark's ``flops``
    (tensorwatch's ``ModelStats``, as NASLib's ``find_measures`` calls it): on one image in
    eval mode, each leaf module counts conv ``kh kw C_in C_out/groups H_out W_out`` (+ bias
    ``C_out H_out W_out``), BN the input size (x 2 if affine), ReLU the input size, average
    or max pooling ``C H_out W_out kh kw``, linear ``in x out``; the global average pooling
    before the head (an ``AdaptiveAvgPool2d(1)`` there) counts ``C (H + 1) (W + 1)``."""
    import torch
    from torch import nn

    total = [0]

    def hook(m, inp, out):
        a = inp[0]
        if isinstance(m, nn.Conv2d):
            c_out, h_out, w_out = out.shape[1:]
            kh, kw = m.kernel_size
            f = kh * kw * a.shape[1] * (c_out // m.groups) * h_out * w_out
            if m.bias is not None:
                f += c_out * h_out * w_out
        elif isinstance(m, nn.BatchNorm2d):
            f = a.numel() * (2 if m.affine else 1)
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d)):
            (kh, kw), (sh, _), (ph, pw) = _pair(m.kernel_size), _pair(m.stride), _pair(m.padding)
            w_out = math.floor((a.shape[3] + 2 * ph - kh) / float(sh) + 1)
            h_out = math.floor((a.shape[2] + 2 * pw - kw) / float(sh) + 1)
            f = a.shape[0] * a.shape[1] * w_out * h_out * kh * kw
        elif isinstance(m, (nn.ReLU, nn.ReLU6, nn.PReLU, nn.ELU, nn.LeakyReLU)):
            f = a.numel()
        elif isinstance(m, nn.AdaptiveAvgPool2d) and _pair(m.output_size) == (1, 1):
            f = a.shape[0] * a.shape[1] * (a.shape[2] + 1) * (a.shape[3] + 1)
        elif isinstance(m, nn.Linear):
            f = a.shape[0] * a.shape[1] * out.shape[1]
        else:
            f = 0
        total[0] += f

    leaves = [m for m in net.modules() if next(m.children(), None) is None]
    hs = [m.register_forward_hook(hook) for m in leaves]
    has_pool = any(isinstance(m, nn.AdaptiveAvgPool2d) for m in leaves)
    net.eval()
    try:
        with torch.no_grad():
            if has_pool or not hasattr(net, "features"):
                net(x[:1])
            else:
                # dalgo's NB201 network pools with a mean (no module): count that pooling
                # as the benchmark's AdaptiveAvgPool2d(1), then the head.
                f = net.features(x[:1])
                total[0] += f.shape[1] * (f.shape[2] + 1) * (f.shape[3] + 1)
                net.classifier(f.mean(dim=(2, 3)))
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


def _fisher_per_channel(net, x, y):
    """Per conv/linear layer: (layer, fisher value of each output channel)."""
    import torch
    import torch.nn.functional as F

    acc = {}

    def fwd(m, inp, out):
        if not out.requires_grad:
            return
        # The hook must not hold ``out`` itself: a closure over the tensor it is registered
        # on is a reference cycle through autograd's C++ side that the garbage collector
        # cannot break (the activation, its graph and the network copy would stay alive).
        act = out.detach()

        def bwd(grad, act=act, m=m):
            prod = act * grad
            g_nk = prod.sum(dim=tuple(range(2, prod.dim()))) if prod.dim() > 2 else prod
            del_k = 0.5 * g_nk.pow(2).mean(0)
            acc[m] = del_k if m not in acc else acc[m] + del_k

        out.register_hook(bwd)

    layers = _layers(net)
    hs = [m.register_forward_hook(fwd) for m in layers]
    try:
        net.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
    finally:
        for h in hs:
            h.remove()
    return [(m, acc.get(m, torch.zeros(m.weight.shape[0]))) for m in layers]


def _p_fisher(net, x, y):
    # the reference gives each channel's value to every weight of the channel (x fan-in)
    per_channel = _fisher_per_channel(net, x, y)
    return float(sum(v.abs().sum().item() * m.weight[0].numel() for m, v in per_channel))


def _p_fisher_channel(net, x, y):
    return float(sum(v.abs().sum().item() for _, v in _fisher_per_channel(net, x, y)))


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
            # a zero Jacobian (dead cell) has NaN correlations: the score is NaN, as in
            # the reference, and zero_cost maps it to the worst score
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


def _synflow(net, x, *, bn):
    import torch
    from torch import nn

    if not bn:
        # the reference's copy bypasses every BN (its forward becomes the identity)
        for parent in list(net.modules()):
            for name, child in list(parent.named_children()):
                if isinstance(child, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    setattr(parent, name, nn.Identity())
    net = net.double()
    net.eval()  # with BN kept: its initial running stats, (x - 0) / sqrt(1 + eps)
    with torch.no_grad():
        for t in net.state_dict().values():
            t.abs_()
    net.zero_grad(set_to_none=True)
    ones = torch.ones((1,) + tuple(x.shape[1:]), dtype=torch.float64)
    net(ones).sum().backward()
    with torch.no_grad():
        return float(sum((m.weight * _grad_or_zero(m.weight)).abs().sum() for m in _layers(net)))


def _p_synflow(net, x, y):
    return _synflow(net, x, bn=False)


def _p_synflow_bn(net, x, y):
    return _synflow(net, x, bn=True)


def _p_zen(net, x, y, *, seed=0, alpha=0.01):
    import torch
    from torch import nn

    # Draws in the reference's order from a private generator: Gaussian weights module by
    # module, then the input, then the perturbation.
    g = torch.Generator().manual_seed(int(seed) + 1)
    net.train()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(generator=g)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)) and m.weight is not None:
                m.weight.fill_(1.0)
                m.bias.zero_()
        x0 = torch.randn(x.shape, generator=g)
        eps = torch.randn(x.shape, generator=g)
        f0 = net.features(x0)
        f1 = net.features(x0 + alpha * eps)
        delta = (f0 - f1).abs().sum(dim=(1, 2, 3)).mean()
        # BN in training mode: two passes moved each running variance (momentum 0.1)
        log_bn = sum(torch.log(torch.sqrt(torch.mean(m.running_var)))
                     for m in net.modules() if isinstance(m, nn.BatchNorm2d))
        # a dead cell (output independent of the input) gives log(0) = -inf
        return float(torch.log(delta) + log_bn)


_PROXY_FUNCS = {
    "epe_nas": _p_epe_nas, "fisher": _p_fisher, "flops": _p_flops, "grad_norm": _p_grad_norm,
    "grasp": _p_grasp, "jacov": _p_jacov, "l2_norm": _p_l2_norm, "nwot": _p_nwot,
    "params": _p_params, "plain": _p_plain, "snip": _p_snip, "synflow": _p_synflow,
    "zen": _p_zen,
    # named variants (not the reference definitions)
    "fisher_channel": _p_fisher_channel, "flops_macs": _p_flops_macs,
    "synflow_bn": _p_synflow_bn,
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
    batch_size=32,
    random_state=0,
    n_classes=10,
    C=16,
    n_cells=5,
    data_dir=None,
    n_threads=1,
    return_times=False,
    nonfinite="worst",
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
        Names from :data:`PROXIES` (the reference definitions) or :data:`PROXY_VARIANTS`;
        None computes the 13 of :data:`PROXIES`.
    data : tuple (X, y), default=None
        One minibatch: uint8 images (n, H, W, 3) (normalised with CIFAR-10 statistics) or
        float images (n, 3, H, W), and integer labels.  None draws ``batch_size`` images of
        the CIFAR-10 test set with ``random_state`` (:func:`load_cifar10_batch`).
    batch_size : int, default=32
        Used only when ``data`` is None; 32 as in the benchmark's zero-cost runs (at 64,
        nwot, jacov and epe_nas are about twice as large).
    random_state : None, int, SeedSequence or Generator, default=0
        Becomes one int seed ``s`` (:func:`dalgo.random_state.int_seed`: an int is used as
        is), which seeds the weight initialisation, the minibatch and zen's Gaussian inputs.
    n_classes, C, n_cells : int
        Network size (NB201 defaults 10, 16, 5).
    data_dir : path-like, default=None
        Folder containing ``cifar10/`` (see :func:`load_cifar10_batch`).
    n_threads : int or None, default=1
        Torch intra-op threads inside the call (restored afterwards).  The default, one
        thread, makes the scores the same whatever torch's global setting: torch splits its
        float32 reductions by thread, and grasp and plain (sums whose terms cancel) move in
        the fourth or fifth digit between 1 and 2 threads.  More threads are faster and give
        values that depend on the count; None leaves torch's setting alone.
    return_times : bool, default=False
        Also return the wall time in seconds of each proxy.
    nonfinite : {"worst", "keep"}, default="worst"
        ``"worst"``: a NaN or infinite score (epe_nas, jacov and zen of a dead cell, see the
        module docstring) becomes :data:`WORST_SCORE` (-1e8), as the reference's query layer
        does; ``"keep"``: the raw value.
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
    (0.008366, 0.07576)
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
        raise ValueError(f"unknown proxies {unknown}; choose from {PROXIES + PROXY_VARIANTS}")
    if nonfinite not in ("worst", "keep"):
        raise ValueError(f"nonfinite must be 'worst' or 'keep', got {nonfinite!r}")
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
    if nonfinite == "worst":
        scores = {k: v if math.isfinite(v) else WORST_SCORE for k, v in scores.items()}
    return (scores, times) if return_times else scores
