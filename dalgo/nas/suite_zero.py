"""The 19 NAS-Bench-Suite-Zero tasks of ``nas/naslib_zc`` and encodings for their spaces.

A task is one (search space, data set) pair with a few hundred architectures, each with
its validation accuracy and up to 12 precomputed zero-cost proxies (Krishnakumar et al.,
"NAS-Bench-Suite-Zero", NeurIPS 2022 D&B).  Architectures are keyed as the data files key
them (the string of a Python tuple / list) and parsed into plain tuples:

=================  =========================  =============================================
space              key                        encoding ("adjacency", the default)
=================  =========================  =============================================
``nb101``          56 ints: 7x7 adjacency     49 adjacency bits + one-hot op (conv3x3,
                   (row-major) + 7 op codes   conv1x1, maxpool3x3 = codes 2, 3, 4) of the 5
                   (0 in, 1 out, 2/3/4 ops)   inner nodes: 64 values
``nb201``          NASLib 6-tuple (see        one-hot op per edge (30 values) via
                   ``dalgo.nas.spaces``)      :class:`dalgo.nas.spaces.NB201`; also "path"
``nb301``          DARTS genotype ``[[(in,    per cell and edge: one-hot op (7) and one-hot
                   op) x 8] normal, [...]     input node (5): 2 x 8 x 12 = 192 values
                   reduce]``
``tnb101_micro``   6-tuple, op 0..3           one-hot op per edge, 24 values
``tnb101_macro``   6-tuple, 0 = absent layer  one-hot code per position, 30 values
                   else 1..4 (TNB's digit)
=================  =========================  =============================================

NB301 op codes follow NASLib's compact DARTS form: 0 max_pool_3x3, 1 avg_pool_3x3,
2 skip_connect, 3 sep_conv_3x3, 4 sep_conv_5x5, 5 dil_conv_3x3, 6 dil_conv_5x5.
"""

from __future__ import annotations

import ast
import functools
import json
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "SUITE_ZERO_TASKS",
    "SUITE_ZERO_PROXIES",
    "NB301_OPS",
    "ZCTask",
    "load_suite_zero_task",
    "load_suite_zero",
    "encode_archs",
]

_TNB = {
    "AUTOENC": "autoencoder", "JIGSAW": "jigsaw", "NORMAL": "normal", "OBJECT": "class_object",
    "ROOM": "room_layout", "SCENE": "class_scene", "SEGMENT": "segmentsemantic",
}

#: task name -> (space, file, path of keys inside the json)
_TASKS = {
    "NB101-CF10": ("nb101", "zc_nasbench101.json", ("nasbench101", "cifar10")),
    "NB201-CF10": ("nb201", "zc_nasbench201.json", ("cifar10",)),
    "NB201-CF100": ("nb201", "zc_nasbench201.json", ("cifar100",)),
    "NB201-IMGNT": ("nb201", "zc_nasbench201.json", ("ImageNet16-120",)),
    "NB301-CF10": ("nb301", "zc_nasbench301.json", ("cifar10",)),
}
for _k, _v in _TNB.items():
    _TASKS[f"TNB101_MICRO-{_k}"] = ("tnb101_micro", "zc_transbench101_micro.json", (_v,))
for _k, _v in _TNB.items():
    _TASKS[f"TNB101_MACRO-{_k}"] = ("tnb101_macro", "zc_transbench101_macro.json", (_v,))

#: The 19 task names, in a fixed order.
SUITE_ZERO_TASKS = tuple(_TASKS)

#: The 12 proxies of the NAS-Bench-Suite-Zero files (no zen); a task holds a subset.
SUITE_ZERO_PROXIES = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
    "nwot", "params", "plain", "snip", "synflow",
)

NB301_OPS = (
    "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
    "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
)


def _parse_key(space, key):
    obj = ast.literal_eval(key)  # literals only: tuples/lists of ints
    if space == "nb301":
        return tuple(tuple((int(i), int(o)) for i, o in cell) for cell in obj)
    return tuple(int(v) for v in obj)


def encode_archs(space, archs, encoding="adjacency"):
    """Encode architectures of a Suite-Zero space as a float matrix.

    Parameters
    ----------
    space : {"nb101", "nb201", "nb301", "tnb101_micro", "tnb101_macro"}
    archs : sequence of tuple
        Parsed keys (see the module docstring).
    encoding : {"adjacency", "path"}, default="adjacency"
        ``"path"`` only for ``nb201`` (the 155-bit BANANAS path encoding).

    Returns
    -------
    X : ndarray of shape (len(archs), n_features)

    Examples
    --------
    >>> encode_archs("tnb101_micro", [(0, 1, 2, 3, 0, 1)]).reshape(6, 4)[:2]
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.]])
    """
    archs = list(archs)
    if space == "nb201":
        from dalgo.nas.spaces import NB201

        return NB201().encode_many(archs, encoding=encoding)
    if encoding != "adjacency":
        raise ValueError(f"encoding {encoding!r} is available for nb201 only; use 'adjacency'")
    if space == "nb101":
        A = np.asarray(archs, dtype=np.intp)
        if A.ndim != 2 or A.shape[1] != 56:
            raise ValueError(f"nb101 keys have 56 entries, got shape {A.shape}")
        ops = A[:, 50:55] - 2  # inner nodes 1..5, codes 2/3/4 -> 0/1/2
        if ops.min() < 0 or ops.max() > 2:
            raise ValueError("nb101 inner-node op codes must be 2, 3 or 4")
        onehot = np.zeros((len(A), 5, 3))
        onehot[np.arange(len(A))[:, None], np.arange(5)[None, :], ops] = 1.0
        return np.hstack([A[:, :49].astype(np.float64), onehot.reshape(len(A), 15)])
    if space == "nb301":
        X = np.zeros((len(archs), 2, 8, 12))
        for r, g in enumerate(archs):
            for c, cell in enumerate(g):
                for e, (inp, op) in enumerate(cell):
                    X[r, c, e, op] = 1.0
                    X[r, c, e, 7 + inp] = 1.0
        return X.reshape(len(archs), -1)
    if space in ("tnb101_micro", "tnb101_macro"):
        n_vals = 4 if space == "tnb101_micro" else 5
        A = np.asarray(archs, dtype=np.intp)
        if A.ndim != 2 or A.shape[1] != 6 or A.min() < 0 or A.max() >= n_vals:
            raise ValueError(f"{space} archs are 6-tuples with values in 0..{n_vals - 1}")
        X = np.zeros((len(A), 6, n_vals))
        X[np.arange(len(A))[:, None], np.arange(6)[None, :], A] = 1.0
        return X.reshape(len(A), -1)
    raise ValueError(f"unknown space {space!r}")


def _signed_log(x):
    return np.sign(x) * np.log1p(np.abs(x))


@dataclass(frozen=True, eq=False)
class ZCTask:
    """One NAS-Bench-Suite-Zero task.

    Attributes
    ----------
    name : str
        e.g. ``"NB201-CF10"``.
    space : str
        ``nb101``, ``nb201``, ``nb301``, ``tnb101_micro`` or ``tnb101_macro``.
    keys : tuple of str
        Architecture keys exactly as in the file (sorted).
    archs : tuple
        Parsed keys.
    y : ndarray of shape (n_archs,)
        ``val_accuracy`` (higher is better on every task).
    proxies : tuple of str
        Proxies of the file that are present and not constant on this task.
    zc : ndarray of shape (n_archs, n_proxies)
        Raw proxy scores (NaN where missing).
    zc_time : ndarray of shape (n_archs, n_proxies)
        Their ``time`` fields (seconds), NaN for the older NB101 format.
    """

    name: str
    space: str
    keys: tuple
    archs: tuple
    y: np.ndarray = field(repr=False)
    proxies: tuple = ()
    zc: np.ndarray = field(default=None, repr=False)
    zc_time: np.ndarray = field(default=None, repr=False)

    @property
    def n_archs(self):
        return len(self.keys)

    def __repr__(self):
        return (f"ZCTask(name={self.name!r}, space={self.space!r}, n_archs={self.n_archs}, "
                f"proxies={self.proxies!r})")

    def proxy(self, name):
        """Scores of one proxy, shape (n_archs,)."""
        if name not in self.proxies:
            raise KeyError(f"proxy {name!r} not available on {self.name}; has {self.proxies}")
        return self.zc[:, self.proxies.index(name)]

    def features(self, kind="encoding", *, encoding="adjacency"):
        """Feature matrix for predictors.

        Parameters
        ----------
        kind : {"encoding", "zc", "both"}
            ``"zc"`` are the proxies mapped by ``sign(x) log(1 + |x|)`` (monotone, so
            rank-based models are unaffected; tames heavy tails for the others); a
            non-finite score (the files hold a few ``-inf``/NaN for failed evaluations)
            becomes its column's finite minimum, i.e. the worst value seen.
        encoding : str, default="adjacency"
        """
        if kind not in ("encoding", "zc", "both"):
            raise ValueError(f"kind must be 'encoding', 'zc' or 'both', got {kind!r}")
        parts = []
        if kind in ("encoding", "both"):
            parts.append(encode_archs(self.space, self.archs, encoding=encoding))
        if kind in ("zc", "both"):
            Z = self.zc.copy()
            for j in range(Z.shape[1]):
                bad = ~np.isfinite(Z[:, j])
                if bad.any():
                    Z[bad, j] = Z[~bad, j].min()
            parts.append(_signed_log(Z))
        return np.hstack(parts)


@functools.lru_cache(maxsize=8)
def _read_json(path):
    with open(path) as fh:
        return json.load(fh)


def load_suite_zero_task(name, *, data_dir=None):
    """Load one of the 19 tasks.

    Parameters
    ----------
    name : str
        One of :data:`SUITE_ZERO_TASKS`.
    data_dir : path-like, default=None
        Folder containing ``nas/``; None: ``DALGO_DATA`` (see :func:`dalgo.nas.data.find_nas_file`).

    Returns
    -------
    task : ZCTask

    Examples
    --------
    >>> t = load_suite_zero_task("NB201-CF10")
    >>> t.n_archs, t.features("encoding").shape, t.features("both").shape
    (724, (724, 30), (724, 42))
    """
    if name not in _TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {SUITE_ZERO_TASKS}")
    from .data import find_nas_file

    space, fname, path = _TASKS[name]
    d = _read_json(str(find_nas_file(f"naslib_zc/{fname}", data_dir)))
    for p in path:
        d = d[p]
    keys = tuple(sorted(d))
    archs = tuple(_parse_key(space, k) for k in keys)
    y = np.array([float(d[k]["val_accuracy"]) for k in keys])
    zc, zt, names = [], [], []
    for p in SUITE_ZERO_PROXIES:
        if not all(p in d[k] for k in keys):
            continue
        vals, times = [], []
        for k in keys:
            v = d[k][p]
            if isinstance(v, dict):
                vals.append(float(v["score"]))
                times.append(float(v["time"]))
            else:  # older NB101 format: bare score, no time
                vals.append(float(v))
                times.append(np.nan)
        vals = np.asarray(vals)
        finite = vals[np.isfinite(vals)]
        if finite.size == 0 or np.ptp(finite) == 0.0:
            continue  # constant on this task (e.g. epe_nas placeholder on TNB regression)
        names.append(p)
        zc.append(vals)
        zt.append(times)
    return ZCTask(
        name=name, space=space, keys=keys, archs=archs, y=y, proxies=tuple(names),
        zc=np.column_stack(zc), zc_time=np.column_stack(zt),
    )


def load_suite_zero(tasks=None, *, data_dir=None):
    """Load several tasks (default: all 19) into a dict ``{name: ZCTask}``."""
    tasks = SUITE_ZERO_TASKS if tasks is None else tasks
    return {t: load_suite_zero_task(t, data_dir=data_dir) for t in tasks}
