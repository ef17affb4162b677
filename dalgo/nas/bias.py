"""Bias of zero-cost proxies towards architecture properties, and its removal.

A proxy ``f`` is *biased* towards a property ``b(a)`` of the architecture when its
ranking follows ``b`` (e.g. it prefers cells with many convolutions whatever their
accuracy).  Here the bias is the rank correlation (Kendall tau-b) between ``f(a)`` and
``b(a)`` over a set of architectures, and the debiased proxy is

    f'(a) = f(a) / (b(a) + C),

with ``C > -min b`` chosen on a grid by one of three strategies:

* ``"minimize"``: the C whose f' has the smallest |bias|;
* ``"equalize"``: the C whose f' has the same bias as the true accuracy has
  (tau(f', b) closest to tau(y, b)) -- the proxy should prefer a property exactly as
  much as good architectures do;
* ``"performance"``: the C whose f' has the largest Kendall tau with the accuracy.

Large C gives back (up to near-ties) the ranking of f (f' ~ f / C), so "performance"
hardly does worse than the original proxy on the architectures it was chosen on.

**Negative bias.**  Dividing by ``b + C`` can only push the ranking away from high b, so
it corrects a positive bias.  When the proxy's bias is negative (e.g. FLOPs fall with the
number of skips), the property is first oriented, ``b~ = max(b) - b`` (e.g. the number
of non-skip ops), and ``f / (b~ + C)`` is used; reported biases are always
``tau(f', b)`` with the original b, and C refers to the oriented property
(``orient=True``, the default; ``orient=False`` keeps the literal formula).  The division
only makes sense for a non-negative proxy; :func:`debias` raises for negative or non-finite
scores.

Properties (:func:`arch_property`)
----------------------------------
``conv_pool``
    number of convolution ops over number of pooling ops.  **Zero pools convention:** a
    cell without pooling counts as having half a pool, ``n_conv / 0.5``, so the ratio is
    finite, equals ``n_conv / n_pool`` whenever that is defined, and increases with the
    number of convolutions and decreases with the number of pools.
``cell_size``
    number of non-``none`` ops (NB201, TNB-101-micro); number of edges for NB101; 8 per
    cell (16) for NB301, which has no ``none``.
``num_skip``
    number of ``skip_connect`` ops (NB201, TNB-micro, both NB301 cells); for NB101, 1 if
    the input is wired directly to the output, else 0.

Conv / pool ops: NB201 ``nor_conv_1x1, nor_conv_3x3`` / ``avg_pool_3x3``; NB301
``sep_conv_*, dil_conv_*`` / ``max_pool_3x3, avg_pool_3x3``; NB101 ``conv3x3, conv1x1`` /
``maxpool3x3``; TNB-101-micro ``conv`` ops / none (its ratio is ``2 n_conv``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "PROPERTIES",
    "STRATEGIES",
    "arch_property",
    "arch_properties",
    "proxy_bias",
    "debias",
    "choose_C",
    "default_C_grid",
    "debias_study",
]

PROPERTIES = ("conv_pool", "cell_size", "num_skip")
STRATEGIES = ("minimize", "equalize", "performance")

# op-index conventions of the Suite-Zero keys (see dalgo.nas.suite_zero / spaces)
_NB201 = {"conv": (2, 3), "pool": (4,), "skip": (0,), "none": (1,)}
_TNB_MICRO = {"conv": (2, 3), "pool": (), "skip": (0,), "none": (1,)}
_NB301 = {"conv": (3, 4, 5, 6), "pool": (0, 1), "skip": (2,)}
_NB101 = {"conv": (2, 3), "pool": (4,)}


def _ratio(n_conv, n_pool):
    return n_conv / n_pool if n_pool > 0 else n_conv / 0.5


def arch_property(space, arch, prop):
    """One property of one architecture.

    Parameters
    ----------
    space : {"nb201", "nb301", "nb101", "tnb101_micro"}
    arch : tuple or str
        Parsed Suite-Zero key (see :mod:`dalgo.nas.suite_zero`); for ``nb201`` also an arch
        string.
    prop : {"conv_pool", "cell_size", "num_skip"}

    Returns
    -------
    float

    Examples
    --------
    >>> s = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"
    >>> [arch_property("nb201", s, p) for p in PROPERTIES]
    [2.0, 4.0, 1.0]
    >>> arch_property("nb201", (2, 2, 2, 3, 3, 3), "conv_pool")  # no pool: n_conv / 0.5
    12.0
    """
    if prop not in PROPERTIES:
        raise ValueError(f"unknown property {prop!r}; choose from {PROPERTIES}")
    if space in ("nb201", "tnb101_micro"):
        if isinstance(arch, str):
            if space != "nb201":
                raise ValueError("arch strings are accepted for nb201 only")
            from dalgo.nas.spaces import NB201

            arch = NB201().from_string(arch)
        ops = tuple(int(a) for a in arch)
        if len(ops) != 6:
            raise ValueError(f"{space} archs are 6-tuples, got {arch!r}")
        c = _NB201 if space == "nb201" else _TNB_MICRO
        if prop == "conv_pool":
            return float(_ratio(sum(o in c["conv"] for o in ops), sum(o in c["pool"] for o in ops)))
        if prop == "cell_size":
            return float(sum(o not in c["none"] for o in ops))
        return float(sum(o in c["skip"] for o in ops))
    if space == "nb301":
        ops = [op for cell in arch for _, op in cell]
        if prop == "conv_pool":
            return float(_ratio(sum(o in _NB301["conv"] for o in ops),
                                sum(o in _NB301["pool"] for o in ops)))
        if prop == "cell_size":
            return float(len(ops))
        return float(sum(o in _NB301["skip"] for o in ops))
    if space == "nb101":
        a = np.asarray(arch, dtype=np.intp)
        adj, ops = a[:49].reshape(7, 7), a[49:]
        if prop == "conv_pool":
            return float(_ratio(int(np.isin(ops, _NB101["conv"]).sum()),
                                int(np.isin(ops, _NB101["pool"]).sum())))
        if prop == "cell_size":
            return float(adj.sum())
        return float(adj[0, 6])
    raise ValueError(f"property {prop!r} is not defined for space {space!r}")


def arch_properties(space, archs, prop):
    """:func:`arch_property` for many architectures, as a float array."""
    return np.array([arch_property(space, a, prop) for a in archs], dtype=np.float64)


def _tau(a, b):
    t = stats.kendalltau(a, b)[0]
    return 0.0 if not np.isfinite(t) else float(t)


def proxy_bias(scores, b):
    """Bias of a proxy: Kendall tau-b between its scores and the property values.

    Returns 0 when either is constant.

    Examples
    --------
    >>> proxy_bias([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    1.0
    """
    return _tau(np.asarray(scores, float), np.asarray(b, float))


def debias(scores, b, C):
    """Debiased proxy ``f / (b + C)``.

    Raises
    ------
    ValueError
        If a score is negative or not finite, or ``b + C`` is not positive.

    Examples
    --------
    >>> debias([2.0, 4.0], [0.0, 1.0], C=1.0)
    array([2., 2.])
    """
    f = np.asarray(scores, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if not (np.all(np.isfinite(f)) and np.all(f >= 0)):
        raise ValueError("debiasing f / (b + C) needs finite, non-negative proxy scores")
    d = b + C
    if not np.all(d > 0):
        raise ValueError(f"b + C must be positive; min(b) = {b.min()}, C = {C}")
    return f / d


def default_C_grid(b, n=121):
    """Grid of C: ``-min(b) + scale * 10**k``, k in [-3, 4], scale = max(1, ptp(b))."""
    b = np.asarray(b, float)
    scale = max(1.0, float(np.ptp(b)))
    return -float(b.min()) + scale * np.logspace(-3, 4, n)


def _orient(f, b, orient):
    if orient and proxy_bias(f, b) < 0:
        return float(np.max(b)) - b, True
    return b, False


def choose_C(scores, b, y=None, *, strategy="minimize", Cs=None, orient=True):
    """Choose C for ``f / (b + C)`` by one strategy.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Non-negative, finite proxy scores f.
    b : array-like of shape (n,)
        Property values.
    y : array-like of shape (n,), default=None
        True accuracies (needed by ``"equalize"`` and ``"performance"``; when given, the
        returned ``perf`` is the Kendall tau of f' with y).
    strategy : {"minimize", "equalize", "performance"}
    Cs : array-like, default=None
        Candidate values; None uses :func:`default_C_grid` of the (oriented) property.
    orient : bool, default=True
        Divide by ``max(b) - b + C`` when f's bias is negative (see the module notes).

    Returns
    -------
    dict with ``C``, ``bias`` (tau(f', b)), ``perf`` (tau(f', y) or None) and
    ``oriented`` (whether ``max(b) - b`` was used).

    Notes
    -----
    Ties between grid values are broken towards the largest C (the mildest change).
    Cost O(len(Cs) * n log n).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {STRATEGIES}")
    f = np.asarray(scores, float)
    b = np.asarray(b, float)
    if y is None and strategy != "minimize":
        raise ValueError(f"strategy {strategy!r} needs the accuracies y")
    bo, oriented = _orient(f, b, orient)
    Cs = default_C_grid(bo) if Cs is None else np.asarray(Cs, float)
    biases, perfs = [], []
    for C in Cs:
        fd = debias(f, bo, C)
        biases.append(_tau(fd, b))
        perfs.append(_tau(fd, y) if y is not None else np.nan)
    biases, perfs = np.array(biases), np.array(perfs)
    if strategy == "minimize":
        obj = np.abs(biases)
    elif strategy == "equalize":
        obj = np.abs(biases - _tau(np.asarray(y, float), b))
    else:
        obj = -perfs
    best = np.flatnonzero(obj <= obj.min() + 1e-12)[-1]
    return {
        "C": float(Cs[best]), "bias": float(biases[best]),
        "perf": None if y is None else float(perfs[best]), "oriented": oriented,
    }


def debias_study(scores, b, y, *, Cs=None, orient=True):
    """Original bias/performance and the result of each strategy (the study's record).

    Returns
    -------
    dict shaped ``{"original_bias", "original_perf", "minimize": {"bias", "perf", "C"},
    "equalize": {...}, "performance": {...}, "accuracy_bias"}``; each strategy's dict also
    has ``oriented``.  ``Cs=None`` uses :func:`default_C_grid` of the oriented property.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> b = rng.integers(0, 5, 200).astype(float); y = rng.random(200)
    >>> f = np.exp(b + 0.5 * y)  # strongly biased towards b
    >>> r = debias_study(f, b, y)
    >>> r["original_bias"] > 0.8, abs(r["minimize"]["bias"]) < abs(r["original_bias"])
    (True, True)
    """
    f = np.asarray(scores, float)
    b = np.asarray(b, float)
    y = np.asarray(y, float)
    out = {
        "original_bias": proxy_bias(f, b),
        "original_perf": _tau(f, y),
        "accuracy_bias": proxy_bias(y, b),
    }
    for s in STRATEGIES:
        out[s] = choose_C(f, b, y, strategy=s, Cs=Cs, orient=orient)
    return out
