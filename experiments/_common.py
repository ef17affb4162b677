"""Shared helpers for the clustering experiments (SPEC §3–§4, issue 4).

* :func:`distribution` builds the protocol's instance distributions
  (MNIST/CIFAR-10 pixels /255, k = 5 classes × 100 points; CNAE-9 k = 4 classes × all
  their points; Gaussian grid 3×3, k = 4 cells × 50 points; digits pixels /16, k = 5 × 100).
* :func:`evaluate_pool` evaluates a list of instances exactly (execution tree + one local
  search per leaf and per β, plus the baseline runs α ∈ {0, 1, 2, ∞} with the same z) through
  :mod:`dalgo.tuning`'s own per-instance cache, so every script that asks for the same
  (instance, z, configuration) reuses the same cache file: the expensive trees are computed
  once and a rerun after an interruption is free.  Every instance is evaluated with the
  "test" role (baselines included), so the same pool can be split into train and test sets
  in any way afterwards.
* :func:`assemble` turns per-instance results into a :class:`dalgo.TuneResult` (exact ERM).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from dalgo import tuning as _tuning  # noqa: E402
from dalgo.datasets import load_cifar10, load_cnae9, load_digits, load_mnist  # noqa: E402
from dalgo.instances import ClassSubsampling, GaussianGrid  # noqa: E402
from dalgo.piecewise import PiecewiseConstant  # noqa: E402

DEFAULT_DATA_DIR = str(ROOT.parent / "shared" / "data")
DEFAULT_CACHE = "/tmp/dalgo_exp_cache"
RESULTS = ROOT / "docs" / "results"
DATASETS = ("mnist", "cifar10", "cnae9", "gaussian_grid", "digits")
ALPHA_RANGE = (0.0, np.inf)  # [0, 20] plus the farthest-first piece; see ALPHA_MAX
ALPHA_MAX = 20.0  # SPEC §4: α ∈ [0, 20] plus ∞
# the seeds of each data set's instance stream (train and test are disjoint draws)
SEEDS = {"mnist": 1001, "cifar10": 1002, "cnae9": 1003, "gaussian_grid": 1004, "digits": 1005}


def distribution(name, data_dir=DEFAULT_DATA_DIR, *, smoke=False):
    """The protocol's instance distribution for ``name`` (smaller instances with smoke)."""
    m = 10 if smoke else 100
    if name == "mnist":
        return ClassSubsampling.from_dataset(load_mnist(data_dir), n_clusters=5, n_per_class=m,
                                             scale="unit", scale_max=255.0)
    if name == "cifar10":
        return ClassSubsampling.from_dataset(load_cifar10(data_dir), n_clusters=5,
                                             n_per_class=m, scale="unit", scale_max=255.0)
    if name == "cnae9":
        return ClassSubsampling.from_dataset(load_cnae9(data_dir), n_clusters=4,
                                             n_per_class=10 if smoke else None)
    if name == "gaussian_grid":
        return GaussianGrid(grid_size=3, n_clusters=4, n_per_cluster=10 if smoke else 50)
    if name == "digits":
        return ClassSubsampling.from_dataset(load_digits(), n_clusters=5, n_per_class=m,
                                             scale="unit", scale_max=16.0)
    raise ValueError(f"unknown data set {name!r}; choose from {DATASETS}")


def pool(name, n, data_dir=DEFAULT_DATA_DIR, *, smoke=False, start=0):
    """Instances ``start .. start+n-1`` of the data set's fixed stream."""
    return distribution(name, data_dir, smoke=smoke).sample(n, random_state=SEEDS[name],
                                                            start=start)


def evaluate_pool(instances, *, betas=(2.0,), center="euclidean", alpha_range=ALPHA_RANGE,
                  cache_dir=DEFAULT_CACHE, n_jobs=1, loss="hamming", max_iter=300,
                  progress=False, log=None):
    """Per-instance exact results (dicts as :func:`dalgo.tuning.evaluate_instance`).

    Uses the same cache files as :func:`dalgo.tune` would for test instances with the
    same configuration.  Finished instances are written as they arrive.
    """
    lo, hi = alpha_range
    betas = [float(b) for b in betas]
    config = {"alpha_range": [lo, "inf" if np.isinf(hi) else hi], "betas": betas,
              "loss": loss, "center": center, "max_iter": int(max_iter)}
    cache = _tuning._Cache(cache_dir, config)
    kwargs = {"alpha_range": (lo, hi), "betas": betas, "loss": loss, "center": center,
              "max_iter": int(max_iter)}
    jobs = [("test", inst) for inst in instances]
    t0 = time.time()
    # in chunks so that progress is visible in the log
    out = []
    chunk = max(2 * max(n_jobs, 1), 10)
    for s in range(0, len(jobs), chunk):
        out.extend(_tuning._evaluate_all(jobs[s:s + chunk], cache, n_jobs, progress, kwargs))
        if log is not None:
            log(f"  {len(out)}/{len(jobs)} instances, {time.time() - t0:.0f} s")
    return out


def assemble(train_res, test_res, betas):
    """Exact ERM over the training results, evaluated on the test results."""
    betas = [float(b) for b in betas]
    return _tuning._assemble(train_res, test_res, betas, {"loss": "hamming"},
                             time.perf_counter())


def curves(results, beta=2.0):
    return [PiecewiseConstant.from_dict(r["curves"][repr(float(beta))]) for r in results]


def mean_se(values):
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return float(v.mean()), se


def json_float(x):
    """JSON has no inf/nan: inf -> 1e308 (callers add an ``*_is_inf`` flag), nan -> None."""
    x = float(x)
    if np.isnan(x):
        return None
    if np.isinf(x):
        return 1.0e308 if x > 0 else -1.0e308
    return x


def write_json(path, doc):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(doc, indent=1, allow_nan=False))
    os.replace(tmp, path)


def logger(prefix):
    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {prefix}: {msg}", flush=True)

    return log


def step_xy(curve, inf_at):
    """x, y arrays of a step plot of ``curve`` with an infinite last breakpoint at inf_at."""
    b = np.array(curve.breakpoints, dtype=float)
    b[np.isinf(b)] = inf_at
    return np.repeat(b, 2)[1:-1], np.repeat(curve.values, 2)


def clip_curve(curve, hi):
    """The curve restricted to [lo, hi] (for plotting a finite part), as arrays x, y."""
    b = np.array(curve.breakpoints, dtype=float)
    v = np.array(curve.values, dtype=float)
    keep = b[:-1] < hi
    bb = np.concatenate([b[:-1][keep], [hi]])
    vv = v[keep]
    return np.repeat(bb, 2)[1:-1], np.repeat(vv, 2)


def common_args(parser, *, cache=True):
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help="folder with mnist/, cifar10/, cnae9/, clustering-data-v1/")
    parser.add_argument("--out-dir", default=str(RESULTS), help="where figures/JSON go")
    if cache:
        parser.add_argument("--cache", default=DEFAULT_CACHE,
                            help="per-instance result cache (resumable runs)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (for the tests)")
    return parser


def window_mean(curve, grid, half_width):
    """Exact average of ``curve`` over [a − h, a + h] ∩ [lo, 20] for each a in ``grid``
    (the cumulative integral of a piecewise-constant function is piecewise linear)."""
    b = np.array(curve.breakpoints, dtype=float)
    v = np.array(curve.values, dtype=float)
    b[np.isinf(b)] = max(ALPHA_MAX, float(b[-2]) if b.size > 1 else ALPHA_MAX) + 1.0
    cum = np.concatenate([[0.0], np.cumsum(np.diff(b) * v)])
    lo = np.maximum(grid - half_width, b[0])
    hi = np.minimum(grid + half_width, ALPHA_MAX)
    return (np.interp(hi, b, cum) - np.interp(lo, b, cum)) / (hi - lo)
