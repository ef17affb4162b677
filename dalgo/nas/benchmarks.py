"""Offline tabular NAS benchmarks as *tasks*: a search space plus a lookup table.

Task names
----------
* ``"nb201-cifar10"``: NAS-Bench-201, CIFAR-10, all 15,625 cells. Validation accuracy =
  ``cifar10-valid`` validation accuracy, test accuracy = ``cifar10`` (train+valid) test
  accuracy, both averaged over seeds (nas-without-training table); query cost = training
  seconds (``train-all-time`` of NATS-Bench ``cifar10-valid``, NAS-Landscapes table).
* ``"nb201-cifar10-lat:<device>"``: the same, restricted to the cells whose latency on
  ``<device>`` (27 HELP tables) is at most a limit: by default the median latency over all
  cells on that device (``latency_quantile=0.5``) or ``latency_limit`` milliseconds.
* ``"nbgraph-<dataset>"``: NAS-Bench-Graph (its PyPI package's tables; ``valid_perf`` /
  ``perf`` as validation / test accuracy in [0, 1]; no training time: cost is NaN; the
  inference latency is in ``task.extra["latency"]``).
* ``"tnb101micro-<task>"``: TransNAS-Bench-101-micro (4,096 cells) from the NAS-Bench-Suite-Zero
  zen records. Only a validation metric exists (higher is better; see the data README for its
  units per task): test accuracy and cost are NaN.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dalgo.datasets.safe_pickle import safe_load

from .data import find_nas_file, nas_bench_graph_dir
from .spaces import NB201, NBGraph, SubSpace, TNB101Micro

__all__ = ["QueryResult", "TabularTask", "load_task", "list_tasks", "NB201_DEVICES",
           "NBGRAPH_DATASETS", "TNB101_MICRO_TASKS"]

NB201_DEVICES = (
    "1080ti_1", "1080ti_256", "1080ti_32", "2080ti_1", "2080ti_256", "2080ti_32",
    "essential_ph_1", "eyeriss", "fpga", "gold_6226", "gold_6240", "pixel2", "pixel3", "raspi4",
    "samsung_a50", "samsung_s7", "silver_4114", "silver_4210r", "titan_rtx_1", "titan_rtx_256",
    "titan_rtx_32", "titanx_1", "titanx_256", "titanx_32", "titanxp_1", "titanxp_256", "titanxp_32",
)
NBGRAPH_DATASETS = ("arxiv", "citeseer", "computers", "cora", "cs", "photo", "physics", "proteins",
                    "pubmed")
TNB101_MICRO_TASKS = ("class_scene", "class_object", "autoencoder", "normal", "jigsaw",
                      "room_layout", "segmentsemantic")

_NB201_ACC = "nb201_cifar10_nwot/arch_score_acc.csv"
_NB201_COST = "nb201_cifar10_landscapes/cifar10_avg.csv"
_NB201_LAT = "nb201_latency_help/nb201_latency_ms.csv"
_TNB_ZIP = "naslib_zc/all_benchmarks_zen.zip"


@dataclass(frozen=True)
class QueryResult:
    """Result of one table lookup.

    Attributes
    ----------
    valid_accuracy : float
    test_accuracy : float
        NaN when the benchmark has no test metric.
    cost : float
        Training time in seconds, NaN when the benchmark has none.
    """

    valid_accuracy: float
    test_accuracy: float
    cost: float


class TabularTask:
    """A NAS task: a search space whose every architecture has a tabulated result.

    Parameters
    ----------
    name : str
    space : space object
        Its members are exactly ``archs``.
    archs : sequence of tuple
    valid, test, cost : array-like of shape (len(archs),)
        Validation metric (higher is better), test metric and query cost (NaN if unknown).
    extra : dict of str -> array, default=None
        Further per-architecture columns (e.g. latency, official index).

    Attributes
    ----------
    best_valid, worst_valid : float
        Best and worst validation metric over the space.
    best_test, worst_test : float
        Best and worst test metric over the space (NaN without a test metric).
    has_test : bool
    """

    def __init__(self, name, space, archs, valid, test, cost, *, extra=None, description=""):
        self.name = name
        self.space = space
        self.archs = [tuple(a) for a in archs]
        self.valid = _ro(valid)
        self.test = _ro(test)
        self.cost = _ro(cost)
        n = len(self.archs)
        if not (self.valid.shape == self.test.shape == self.cost.shape == (n,)):
            raise ValueError("archs, valid, test and cost must have the same length")
        self.extra = {k: _ro(v) for k, v in (extra or {}).items()}
        self.description = description
        self._row = {a: i for i, a in enumerate(self.archs)}
        if len(self._row) != n:
            raise ValueError(f"task {name}: duplicate architectures")
        self.best_valid = float(np.max(self.valid))
        self.worst_valid = float(np.min(self.valid))
        self.has_test = bool(np.isfinite(self.test).all())
        self.best_test = float(np.max(self.test)) if self.has_test else float("nan")
        self.worst_test = float(np.min(self.test)) if self.has_test else float("nan")

    def __repr__(self):
        return f"TabularTask({self.name!r}, size={len(self.archs)})"

    def __len__(self):
        return len(self.archs)

    def row(self, arch):
        """Row of ``arch`` in the table. Raises ValueError for an unknown architecture."""
        try:
            return self._row[tuple(arch)]
        except (KeyError, TypeError):
            pass
        t = self.space.validate(arch)
        if t not in self._row:
            raise ValueError(f"architecture {arch!r} is not in task {self.name}")
        return self._row[t]

    def query(self, arch):
        """Tabulated validation metric, test metric and cost of ``arch`` (tuple or string).

        Examples
        --------
        >>> from dalgo.nas import load_task
        >>> task = load_task("nb201-cifar10")
        >>> r = task.query(task.space.from_index(6111))
        >>> round(r.test_accuracy, 2), r.test_accuracy == task.best_test
        (94.37, True)
        """
        i = self.row(arch)
        return QueryResult(float(self.valid[i]), float(self.test[i]), float(self.cost[i]))

    def regret(self, value, metric="valid", normalized=True):
        """Regret of a metric value: ``best - value``, divided by ``best - worst`` if normalized.

        Normalised regret lies in [0, 1] for values of the table.
        """
        if metric == "valid":
            best, worst = self.best_valid, self.worst_valid
        elif metric == "test":
            if not self.has_test:
                raise ValueError(f"task {self.name} has no test metric; use metric='valid'")
            best, worst = self.best_test, self.worst_test
        else:
            raise ValueError(f"metric must be 'valid' or 'test', got {metric!r}")
        r = best - np.asarray(value, dtype=np.float64)
        return r / (best - worst) if normalized else r


def _ro(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------------- loaders

def _read_csv(path, columns):
    out = {c: [] for c in columns}
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for row in reader:
            for c in columns:
                out[c].append(row[c])
    return out


@lru_cache(maxsize=2)
def _nb201_table(data_dir):
    acc_path = find_nas_file(_NB201_ACC, data_dir)
    cost_path = find_nas_file(_NB201_COST, data_dir)
    acc = _read_csv(acc_path,
                    ["nb201_index", "arch_str", "cifar10valid_valid_acc", "cifar10_test_acc"])
    cost = _read_csv(cost_path, ["index", "arch_str", "train-all-time"])
    space = NB201(data_dir=data_dir)
    idx = np.array(acc["nb201_index"], dtype=np.int64)
    if not np.array_equal(idx, np.arange(space.size)):
        raise ValueError(f"{acc_path}: rows are not the official indices 0..15624 in order")
    cost_by_index = {}
    for i, s, t in zip(cost["index"], cost["arch_str"], cost["train-all-time"]):
        i = int(i)
        if acc["arch_str"][i] != s:
            raise ValueError(f"{cost_path}: index {i} is {s}, but {acc_path} says "
                             f"{acc['arch_str'][i]}")
        cost_by_index[i] = float(t)
    archs = [space.from_string(s) for s in acc["arch_str"]]
    return dict(
        space=space,
        archs=archs,
        valid=np.array(acc["cifar10valid_valid_acc"], dtype=np.float64),
        test=np.array(acc["cifar10_test_acc"], dtype=np.float64),
        cost=np.array([cost_by_index.get(i, np.nan) for i in range(space.size)]),
        index=idx,
    )


@lru_cache(maxsize=2)
def _nb201_latency(data_dir):
    path = find_nas_file(_NB201_LAT, data_dir)
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    devices = header[2:]
    idx = np.array([int(r[0]) for r in rows])
    lat = np.array([[float(v) for v in r[2:]] for r in rows])
    out = np.full((len(idx), len(devices)), np.nan)
    out[idx] = lat
    strings = [None] * len(idx)
    for i, r in zip(idx, rows):
        strings[i] = r[1]
    return devices, out, strings


def _load_nb201(data_dir):
    t = _nb201_table(data_dir)
    return TabularTask(
        "nb201-cifar10", t["space"], t["archs"], t["valid"], t["test"], t["cost"],
        extra={"nb201_index": t["index"]},
        description="NAS-Bench-201 CIFAR-10 (15,625 cells)",
    )


@lru_cache(maxsize=2)
def _latency_mismatch(data_dir):
    t = _nb201_table(data_dir)
    strings = _nb201_latency(data_dir)[2]
    return any(t["space"].from_string(s) != a for s, a in zip(strings, t["archs"]))


def _load_nb201_latency(device, data_dir, latency_limit, latency_quantile):
    t = _nb201_table(data_dir)
    devices, lat, strings = _nb201_latency(data_dir)
    if device not in devices:
        raise ValueError(f"unknown device {device!r}; available: {', '.join(devices)}")
    col = lat[:, devices.index(device)]
    if _latency_mismatch(data_dir):
        raise ValueError("latency table and accuracy table disagree on the NB201 index")
    if latency_limit is None:
        if not 0 < latency_quantile <= 1:
            raise ValueError(f"latency_quantile must be in (0, 1], got {latency_quantile!r}")
        latency_limit = float(np.quantile(col, latency_quantile))
    keep = np.flatnonzero(col <= latency_limit)
    if keep.size == 0:
        raise ValueError(f"no NB201 cell has latency <= {latency_limit} ms on {device}")
    archs = [t["archs"][i] for i in keep]
    name = f"nb201-cifar10-lat:{device}"
    space = SubSpace(t["space"], archs,
                     name=f"NB201 cells with {device} latency <= {latency_limit:g} ms")
    task = TabularTask(
        name, space, archs, t["valid"][keep], t["test"][keep], t["cost"][keep],
        extra={"nb201_index": t["index"][keep], "latency_ms": col[keep]},
        description=f"NAS-Bench-201 CIFAR-10 under latency <= {latency_limit:g} ms on {device}",
    )
    task.latency_limit = float(latency_limit)
    return task


@lru_cache(maxsize=16)
def _nbgraph_table(dataset):
    path = nas_bench_graph_dir() / f"{dataset}.bench"
    if not path.is_file():
        raise FileNotFoundError(f"NAS-Bench-Graph table {path} not found")
    bench = safe_load(path)  # restricted unpickler: no code in the pickle is run
    if not isinstance(bench, dict):
        raise ValueError(f"{path}: expected a dict of architectures")
    keys = sorted(int(k) for k in bench)
    cols = {c: np.array([float(bench[k][c]) for k in keys])
            for c in ("valid_perf", "perf", "latency", "para")}
    return keys, cols


def _load_nbgraph(dataset):
    keys, cols = _nbgraph_table(dataset)
    space = NBGraph(keys, name=f"NAS-Bench-Graph ({dataset})")
    archs = [NBGraph.key_to_arch(k) for k in keys]
    n = len(keys)
    return TabularTask(
        f"nbgraph-{dataset}", space, archs, cols["valid_perf"], cols["perf"], np.full(n, np.nan),
        extra={"latency": cols["latency"], "params_M": cols["para"], "key": np.array(keys)},
        description=f"NAS-Bench-Graph {dataset} ({n} architectures)",
    )


@lru_cache(maxsize=2)
def _tnb_table(data_dir):
    path = find_nas_file(_TNB_ZIP, data_dir)
    out = {}
    with zipfile.ZipFile(path) as z:
        for member in z.namelist():
            m = re.fullmatch(r"zen/benchmark--transbench101_micro--(\w+)--\d+\.json", member)
            if not m:
                continue
            for rec in json.loads(z.read(member)):
                arch = tuple(int(x) for x in re.findall(r"-?\d+", rec["arch"]))
                out.setdefault(m.group(1), {})[arch] = float(rec["val_accuracy"])
    return out


def _load_tnb(task_name, data_dir):
    table = _tnb_table(data_dir)
    if task_name not in table:
        raise ValueError(f"unknown TransNAS-Bench-101-micro task {task_name!r}; "
                         f"available: {sorted(table)}")
    space = TNB101Micro()
    archs = space.all_archs()
    rec = table[task_name]
    if len(rec) != space.size or set(rec) != set(archs):
        raise ValueError(
            f"TNB-101-micro {task_name}: the zen records do not cover the 4,096 cells once")
    valid = np.array([rec[a] for a in archs])
    nan = np.full(len(archs), np.nan)
    return TabularTask(f"tnb101micro-{task_name}", space, archs, valid, nan, nan,
                       description=f"TransNAS-Bench-101-micro {task_name} (4,096 cells)")


def _all_names():
    return (["nb201-cifar10"] + [f"nb201-cifar10-lat:{d}" for d in NB201_DEVICES]
            + [f"nbgraph-{d}" for d in NBGRAPH_DATASETS]
            + [f"tnb101micro-{t}" for t in TNB101_MICRO_TASKS])


def load_task(name, data_dir=None, *, latency_limit=None, latency_quantile=0.5):
    """Load a tabular NAS task by name, reading the data files in place.

    Parameters
    ----------
    name : str
        See the module docstring; :func:`list_tasks` lists what is available.
    data_dir : str or path-like, default=None
        dalgo's data folder, the one containing ``nas/`` (see
        :func:`dalgo.nas.data.find_nas_file`). When None: the environment variable
        ``DALGO_DATA``; there is no other fallback. NAS-Bench-Graph tables are read from the
        installed ``nas-bench-graph`` package (safely: no code in the pickle is run).
    latency_limit : float, default=None
        For ``nb201-cifar10-lat:<device>``: maximum latency in ms.
    latency_quantile : float, default=0.5
        When ``latency_limit`` is None, the limit is this quantile of the device's latencies.

    Returns
    -------
    TabularTask

    Raises
    ------
    ValueError
        Unknown name (the message lists the available ones).
    FileNotFoundError
        A data file is missing (the message says where it looked).

    Examples
    --------
    >>> from dalgo.nas import load_task
    >>> task = load_task("nb201-cifar10")
    >>> len(task), round(task.best_valid, 2), round(task.best_test, 2)
    (15625, 91.61, 94.37)
    """
    data_dir = None if data_dir is None else str(data_dir)
    if not isinstance(name, str):
        raise ValueError(f"task name must be a string, got {name!r}")
    if name == "nb201-cifar10":
        return _load_nb201(data_dir)
    if name.startswith("nb201-cifar10-lat:"):
        return _load_nb201_latency(name.split(":", 1)[1], data_dir, latency_limit, latency_quantile)
    if name.startswith("nbgraph-") and name[8:] in NBGRAPH_DATASETS:
        return _load_nbgraph(name[8:])
    if name.startswith("tnb101micro-") and name[12:] in TNB101_MICRO_TASKS:
        return _load_tnb(name[12:], data_dir)
    from .suite_zero import SUITE_ZERO_TASKS

    hint = ""
    if name in SUITE_ZERO_TASKS or name.upper() in SUITE_ZERO_TASKS:
        hint = (f"; {name!r} is a zero-cost table of NAS-Bench-Suite-Zero: load it with "
                f"dalgo.nas.load_suite_zero_task")
    raise ValueError(f"unknown NAS task {name!r}{hint}; search task names: "
                     f"{', '.join(_all_names())} (zero-cost tables: "
                     f"dalgo.nas.load_suite_zero_task, SUITE_ZERO_TASKS)")


def list_tasks(data_dir=None):
    """Names of the tasks whose data are available here (files present / package installed).

    Examples
    --------
    >>> from dalgo.nas import list_tasks
    >>> "nb201-cifar10" in list_tasks()
    True
    """
    data_dir = None if data_dir is None else str(data_dir)
    names = []

    def have(rel):
        try:
            find_nas_file(rel, data_dir)
            return True
        except FileNotFoundError:
            return False

    if have(_NB201_ACC) and have(_NB201_COST):
        names.append("nb201-cifar10")
        if have(_NB201_LAT):
            names += [f"nb201-cifar10-lat:{d}" for d in NB201_DEVICES]
    try:
        light = nas_bench_graph_dir()
        names += [f"nbgraph-{d}" for d in NBGRAPH_DATASETS if (light / f"{d}.bench").is_file()]
    except FileNotFoundError:
        pass
    if have(_TNB_ZIP):
        names += [f"tnb101micro-{t}" for t in TNB101_MICRO_TASKS]
    return names
