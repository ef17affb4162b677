"""Exact empirical risk minimisation of α (and a β grid) over sampled instances."""

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from . import __version__
from ._validation import check_beta, check_center, check_enough_distinct
from .execution_tree import _instance_curves, check_alpha_range
from .instances import Instance
from .local_search import _local_search
from .losses import get_loss
from .piecewise import PiecewiseConstant
from .seeding import _dalpha_seeding

__all__ = ["tune", "TuneResult", "evaluate_instance", "BASELINE_ALPHAS"]

#: The fixed members of the family every tuning result is compared with.
BASELINE_ALPHAS = {"0": 0.0, "1": 1.0, "2": 2.0, "inf": np.inf}
#: Part of every cache key together with ``dalgo.__version__``: raise it when a
#: change of the numerical code can change a cached result, so that no cache
#: written by older code is read.  2: shared leaf searches, the β = 2
#: "partition" path, β-centres started from the members' mean.
_CACHE_FORMAT = 2


def _loss_id(loss):
    if isinstance(loss, str):
        return loss
    return f"{getattr(loss, '__module__', '?')}.{getattr(loss, '__qualname__', repr(loss))}"


def _as_instances(items, n_clusters, random_state, what):
    """Instances from Instance objects or (X, y[, k]) tuples (z drawn per item)."""
    items = list(items)
    if not items:
        raise ValueError(f"{what} is empty: give at least one instance.")
    if not isinstance(random_state, np.random.SeedSequence):
        random_state = np.random.SeedSequence(random_state)
    seeds = random_state.spawn(len(items))
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Instance):
            inst = item
            if n_clusters is not None and inst.n_clusters != n_clusters:
                raise ValueError(
                    f"{what}[{i}] has n_clusters={inst.n_clusters} but n_clusters="
                    f"{n_clusters} was asked for."
                )
        else:
            try:
                parts = tuple(item)
            except TypeError:
                raise TypeError(
                    f"{what}[{i}] must be an Instance or a tuple (X, y[, n_clusters]); "
                    f"got {type(item).__name__}."
                ) from None
            if len(parts) not in (2, 3):
                raise TypeError(f"{what}[{i}] must be (X, y) or (X, y, n_clusters).")
            X, y = parts[0], parts[1]
            k = parts[2] if len(parts) == 3 else n_clusters
            if k is None:
                if y is None:
                    raise ValueError(f"{what}[{i}]: give n_clusters or labels y.")
                k = int(np.unique(np.asarray(y)).shape[0])
            z = np.random.default_rng(seeds[i]).random(int(k))
            try:
                inst = Instance(X=X, y=y, n_clusters=int(k), z=z, name=f"{what}[{i}]")
            except ValueError as exc:
                raise ValueError(f"{what}[{i}]: {exc}") from None
        try:
            check_enough_distinct(inst.X, inst.n_clusters)
        except ValueError as exc:
            raise ValueError(f"{what}[{i}] ({inst.name}): {exc}") from None
        out.append(inst)
    return out


def evaluate_instance(instance, *, alpha_range, betas, loss, center, max_iter,
                      baselines=True):
    """Exact loss curves of one instance for every β, plus the baseline runs.

    Returns a plain dict (picklable, JSON-serialisable): ``curves`` (β → curve
    dict), ``n_leaves``, ``tree_seconds``, ``search_seconds``, and
    ``baselines`` (α label → β → loss of the direct run with the instance's z).
    """
    loss_fn = get_loss(loss)
    lo, hi = alpha_range
    curves, pieces, timing = _instance_curves(instance, loss_fn, list(betas), center, lo, hi,
                                              max_iter)
    out = {
        "curves": {repr(float(b)): c.to_dict() for b, c in curves.items()},
        "n_leaves": len(pieces),
        "tree_seconds": timing["tree_seconds"],
        "search_seconds": timing["search_seconds"],
        "baselines": {},
    }
    if baselines:
        X = instance.X
        w = np.ones(X.shape[0])
        logw = np.zeros(X.shape[0])
        for label, alpha in BASELINE_ALPHAS.items():
            seeds = _dalpha_seeding(X, alpha, instance.z, logw)
            per_beta = {}
            for b in betas:
                res = _local_search(X, w, seeds, X[seeds], beta=float(b), center=center,
                                    max_iter=max_iter, tol=0.0,
                                    want_centers=getattr(loss_fn, "needs_centers", False))
                per_beta[repr(float(b))] = float(loss_fn(res.labels, instance, res))
            out["baselines"][label] = per_beta
    return out


class _Cache:
    """One JSON file per finished instance, named by a content hash of
    (instance data, z, configuration), with a checksum of its payload."""

    def __init__(self, directory, config):
        self.dir = Path(directory) if directory is not None else None
        self.config = config
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)

    def key(self, instance, role):
        blob = json.dumps({"instance": instance.content_hash(), "role": role,
                           "config": self.config, "format": _CACHE_FORMAT,
                           "dalgo": __version__},
                          sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def path(self, key):
        return self.dir / f"{key}.json"

    def load(self, key):
        if self.dir is None:
            return None
        p = self.path(key)
        if not p.exists():
            return None
        try:
            doc = json.loads(p.read_text())
            payload = json.dumps(doc["result"], sort_keys=True)
            if hashlib.sha256(payload.encode()).hexdigest() != doc["checksum"]:
                raise ValueError("checksum mismatch")
            for c in doc["result"]["curves"].values():
                PiecewiseConstant.from_dict(c)
            return doc["result"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            warnings.warn(f"corrupt cache file {p} ({exc}); recomputing it.", RuntimeWarning,
                          stacklevel=3)
            return None

    def store(self, key, result):
        if self.dir is None:
            return
        payload = json.dumps(result, sort_keys=True)
        doc = {"checksum": hashlib.sha256(payload.encode()).hexdigest(), "result": result,
               "dalgo": __version__}
        tmp = self.path(key).with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(doc, sort_keys=True))
        os.replace(tmp, self.path(key))


def _evaluate_all(jobs, cache, n_jobs, progress, kwargs):
    """Evaluate (role, instance) jobs, reading and filling the cache."""
    results = [None] * len(jobs)
    keys = [cache.key(inst, role) for role, inst in jobs]
    todo = []
    for i, key in enumerate(keys):
        hit = cache.load(key)
        if hit is not None:
            results[i] = hit
        else:
            todo.append(i)
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc="instances",
                   unit="inst")
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(evaluate_instance)(jobs[i][1], baselines=jobs[i][0] == "test", **kwargs)
        for i in todo
    )
    for i, out in zip(todo, outputs):
        results[i] = out
        cache.store(keys[i], out)  # stored as it arrives: an interruption loses nothing
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return results


def _mean_se(values):
    values = np.asarray(values, dtype=np.float64)
    se = float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")
    return float(values.mean()), se


def _representative_alpha(lo, hi):
    """The α used for a minimising interval: its midpoint, or ∞ for ``[lo, ∞]``."""
    return float(np.inf) if np.isinf(hi) else 0.5 * (lo + hi)


@dataclass
class TuneResult:
    """Outcome of :func:`tune`.

    Attributes
    ----------
    alpha_interval : (float, float)
        The ERM interval of α (the first, lowest one if several tie).
    alpha : float
        The α used on test instances: the interval's midpoint, or ``inf`` when the
        interval reaches infinity.
    beta : float
        The β with the lowest training loss (the first on ties).
    train_loss : float
        Minimum of the exact mean training curve.
    test_loss, test_se : float
        Mean and standard error over the test instances at ``(alpha, beta)``;
        NaN without test instances.
    baselines : dict
        ``{"0"|"1"|"2"|"inf": {"test_loss": mean, "test_se": se}}`` for the chosen
        β, the same test instances and the same z.
    argmin_intervals : list of (float, float)
        All minimising intervals of the training curve for ``beta``.
    train_curves, test_curves : dict
        β → mean :class:`PiecewiseConstant` over the instances.
    test_se_curves : dict
        β → standard error of the test curve, piece by piece.
    train_loss_by_beta : dict
        β → minimum of that β's training curve.
    baselines_by_beta : dict
        β → baselines as above.
    n_leaves : dict
        ``{"train": [...], "test": [...]}`` leaves per instance.
    timings : dict
        Seconds spent building trees, in local search, and in total.
    config : dict
        The arguments of the run.
    """

    alpha_interval: tuple
    alpha: float
    beta: float
    train_loss: float
    test_loss: float
    test_se: float
    baselines: dict
    argmin_intervals: list
    train_curves: dict
    test_curves: dict
    test_se_curves: dict
    train_loss_by_beta: dict
    baselines_by_beta: dict
    n_leaves: dict
    timings: dict
    config: dict = field(default_factory=dict)

    @property
    def n_train(self):
        return len(self.n_leaves["train"])

    @property
    def n_test(self):
        return len(self.n_leaves["test"])

    def improvement_over(self, baseline="2"):
        """Relative test-loss improvement over a baseline α: ``(b - t) / b``."""
        b = self.baselines[baseline]["test_loss"]
        return float("nan") if b == 0 else float((b - self.test_loss) / b)

    def to_dict(self):
        def f(x):
            return None if x is None or (isinstance(x, float) and np.isnan(x)) else (
                "inf" if isinstance(x, float) and np.isinf(x) else x)

        return {
            "alpha_interval": [f(float(a)) for a in self.alpha_interval],
            "alpha": f(float(self.alpha)),
            "beta": f(float(self.beta)),
            "train_loss": self.train_loss,
            "test_loss": f(self.test_loss),
            "test_se": f(self.test_se),
            "baselines": {k: {kk: f(vv) for kk, vv in v.items()}
                          for k, v in self.baselines.items()},
            "argmin_intervals": [[f(float(a)), f(float(b))] for a, b in self.argmin_intervals],
            "train_loss_by_beta": {repr(b): v for b, v in self.train_loss_by_beta.items()},
            "train_curves": {repr(b): _curve_json(c) for b, c in self.train_curves.items()},
            "test_curves": {repr(b): _curve_json(c) for b, c in self.test_curves.items()},
            "n_train": self.n_train,
            "n_test": self.n_test,
            "n_leaves": self.n_leaves,
            "timings": self.timings,
            "config": self.config,
        }

    def to_json(self, path=None, **kwargs):
        """The result as JSON (``inf`` written as the string "inf"); also written
        to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=kwargs.pop("indent", 1), **kwargs)
        if path is not None:
            Path(path).write_text(text)
        return text

    def table(self):
        """A plain-text summary table."""
        rows = [("configuration", "test loss", "s.e.")]
        lo, hi = self.alpha_interval
        rows.append((f"ERM alpha in [{lo:.4g}, {hi:.4g}), beta={self.beta:g}",
                     f"{self.test_loss:.4f}", f"{self.test_se:.4f}"))
        names = {"0": "alpha=0 (uniform)", "1": "alpha=1 (d^1)", "2": "alpha=2 (k-means++)",
                 "inf": "alpha=inf (farthest-first)"}
        for key, name in names.items():
            if key in self.baselines:
                b = self.baselines[key]
                rows.append((f"{name}, beta={self.beta:g}", f"{b['test_loss']:.4f}",
                             f"{b['test_se']:.4f}"))
        width = max(len(r[0]) for r in rows)
        lines = [f"{r[0]:<{width}}  {r[1]:>9}  {r[2]:>7}" for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.append("")
        lines.append(f"train loss at ERM: {self.train_loss:.4f} over {self.n_train} instances; "
                     f"test over {self.n_test} instances")
        lines.append(f"leaves per instance: mean {np.mean(self.n_leaves['train']):.0f}; "
                     f"total time {self.timings.get('total_seconds', float('nan')):.1f} s")
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def plot(self, ax=None, *, betas=None, inf_at=None):
        """Mean training and test loss against α, with the test standard-error
        band, the ERM interval shaded and the baselines marked."""
        from .plotting import plot_tune_result

        return plot_tune_result(self, ax=ax, betas=betas, inf_at=inf_at)


def _curve_json(c):
    d = c.to_dict()
    d["breakpoints"] = ["inf" if np.isinf(x) else x for x in d["breakpoints"]]
    return d


def tune(train, test=None, *, n_clusters=None, alpha_range=(0.0, 20.0), betas=(2.0,),
         loss="hamming", center="euclidean", n_jobs=1, cache_dir=None, progress=True,
         max_iter=300, random_state=None):
    """Learn α (exactly) and β (over a grid) from sampled clustering instances.

    Parameters
    ----------
    train : sequence of Instance or (X, y[, n_clusters]) tuples
        Training instances. Tuples get their seeding draw ``z`` from
        ``random_state`` (one child seed per instance).
    test : sequence, default=None
        Held-out instances, evaluated at the learned (α, β) and at the baselines
        α ∈ {0, 1, 2, ∞} with the same z.
    n_clusters : int, default=None
        k for tuples without one (default: their number of distinct labels);
        Instances must agree with it if given.
    alpha_range : (float, float), default=(0.0, 20.0)
        ``hi`` may be ``np.inf`` to include farthest-first.
    betas : sequence of float, default=(2.0,)
        β grid; the execution tree is shared, the local search rerun per β.
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
    center : {"euclidean", "medoid"}, default="euclidean"
    n_jobs : int, default=1
        Processes for joblib. Inside ``joblib.parallel_backend("dask")`` the
        instances run on a Dask cluster instead (see the user guide).
    cache_dir : str or Path, default=None
        Where finished instances are stored (one JSON file per instance, keyed
        by a content hash of the data, z and the configuration). A rerun
        after an interruption reuses them; a corrupt file is recomputed with a
        warning.
    progress : bool, default=True
        Show a tqdm progress bar.
    max_iter : int, default=300
        Local-search iterations per run.
    random_state : int or None, default=None
        Seeds the z of tuple instances.

    Returns
    -------
    TuneResult

    Notes
    -----
    For each instance the execution tree gives the loss as an exact
    piecewise-constant function of α; the mean over the training instances is
    the exact empirical risk, minimised over all α in the range (not a grid).
    The test loss is measured on separate instances at the midpoint of the ERM
    interval (or at ∞ if the interval is unbounded).

    Examples
    --------
    >>> from dalgo import tune
    >>> from dalgo.instances import GaussianGrid
    >>> dist = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10)
    >>> res = tune(dist.sample(4, random_state=0), dist.sample(4, random_state=1),
    ...            alpha_range=(0, 10), progress=False)
    >>> res.n_train, res.n_test, res.beta
    (4, 4, 2.0)
    """
    t0 = time.perf_counter()
    lo, hi = check_alpha_range(alpha_range)
    betas = [check_beta(b) for b in (betas if np.iterable(betas) else [betas])]
    if not betas:
        raise ValueError("betas must contain at least one value.")
    if len(set(betas)) != len(betas):
        raise ValueError(f"betas contains duplicates: {betas}.")
    center = check_center(center)
    get_loss(loss)
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer; got {max_iter}.")
    rs_train, rs_test = np.random.SeedSequence(random_state).spawn(2)
    train_set = _as_instances(train, n_clusters, rs_train, "train")
    test_set = [] if test is None else _as_instances(test, n_clusters, rs_test, "test")
    if loss == "hamming":
        for what, insts in (("train", train_set), ("test", test_set)):
            for i, inst in enumerate(insts):
                if inst.y is None:
                    raise ValueError(f"loss='hamming' needs labels, but {what}[{i}] has none.")
    # JSON-safe (strict JSON has no Infinity): inf is written as the string "inf"
    config = {"alpha_range": [lo, "inf" if np.isinf(hi) else hi],
              "betas": ["inf" if np.isinf(b) else b for b in betas],
              "loss": _loss_id(loss), "center": center, "max_iter": int(max_iter)}
    cache = _Cache(cache_dir, config)
    kwargs = {"alpha_range": (lo, hi), "betas": betas, "loss": loss, "center": center,
              "max_iter": int(max_iter)}
    jobs = [("train", i) for i in train_set] + [("test", i) for i in test_set]
    results = _evaluate_all(jobs, cache, n_jobs, progress, kwargs)
    train_res, test_res = results[: len(train_set)], results[len(train_set):]
    return _assemble(train_res, test_res, betas, config, t0)


def _curves_for(results, beta):
    key = repr(float(beta))
    return [PiecewiseConstant.from_dict(r["curves"][key]) for r in results]


def _assemble(train_res, test_res, betas, config, t0):
    train_curves, test_curves, test_se_curves = {}, {}, {}
    by_beta = {}
    for b in betas:
        train_curves[b] = PiecewiseConstant.mean(_curves_for(train_res, b))
        by_beta[b] = train_curves[b].argmin()
    best_beta = min(betas, key=lambda b: (by_beta[b].value, betas.index(b)))
    arg = by_beta[best_beta]
    interval = arg.intervals[0]
    alpha = _representative_alpha(*interval)
    test_loss = test_se = float("nan")
    baselines_by_beta = {}
    if test_res:
        for b in betas:
            curves = _curves_for(test_res, b)
            bp, values = PiecewiseConstant.stack(curves)
            test_curves[b] = PiecewiseConstant(bp, values.mean(axis=0))
            se = values.std(axis=0, ddof=1) / np.sqrt(len(curves)) if len(curves) > 1 else (
                np.zeros(values.shape[1]))
            test_se_curves[b] = PiecewiseConstant(bp, se)
            baselines_by_beta[b] = {
                label: dict(zip(("test_loss", "test_se"),
                                _mean_se([r["baselines"][label][repr(float(b))]
                                          for r in test_res])))
                for label in BASELINE_ALPHAS
            }
        test_loss, test_se = _mean_se([c(alpha) for c in _curves_for(test_res, best_beta)])
    timings = {
        "tree_seconds": float(sum(r["tree_seconds"] for r in train_res + test_res)),
        "search_seconds": float(sum(r["search_seconds"] for r in train_res + test_res)),
        "total_seconds": time.perf_counter() - t0,
    }
    return TuneResult(
        alpha_interval=interval,
        alpha=alpha,
        beta=float(best_beta),
        train_loss=float(arg.value),
        test_loss=test_loss,
        test_se=test_se,
        baselines=baselines_by_beta.get(best_beta, {}),
        argmin_intervals=arg.intervals,
        train_curves=train_curves,
        test_curves=test_curves,
        test_se_curves=test_se_curves,
        train_loss_by_beta={b: float(by_beta[b].value) for b in betas},
        baselines_by_beta=baselines_by_beta,
        n_leaves={"train": [r["n_leaves"] for r in train_res],
                  "test": [r["n_leaves"] for r in test_res]},
        timings=timings,
        config=config,
    )
