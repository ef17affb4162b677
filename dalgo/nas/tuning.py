"""Configure a NAS algorithm over a distribution of tasks and check it on held-out tasks."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np

from dalgo import generalization
from dalgo.stats import mean_se

from .search import default_hyperparameters, search

__all__ = ["tune_over_tasks", "TuningResult", "finite_grid_bound", "expand_grid"]


def expand_grid(grid):
    """Configurations (dicts) from a dict of lists (Cartesian product) or a list of dicts."""
    if isinstance(grid, dict):
        keys = list(grid)
        for k in keys:
            if isinstance(grid[k], (str, bytes)) or not hasattr(grid[k], "__iter__"):
                raise ValueError(f"grid[{k!r}] must be a list of values, got {grid[k]!r}")
        return [dict(zip(keys, vals)) for vals in itertools.product(*(list(grid[k]) for k in keys))]
    configs = [dict(c) for c in grid]
    if not configs:
        raise ValueError("the grid is empty")
    return configs


def finite_grid_bound(n_configs, n_tasks, delta=0.05, H=1.0):
    """Deprecated: use :func:`dalgo.generalization.finite_grid_bound` (``grid_size, m``).

    ``finite_grid_bound(n_configs, n_tasks, delta, H)`` is
    ``dalgo.generalization.finite_grid_bound(n_configs, n_tasks, H=H, delta=delta)``, the
    Hoeffding + union bound ``H * sqrt(ln(2 * n_configs / delta) / (2 * n_tasks))``; this
    alias emits a :class:`FutureWarning` and will be removed in the next release.

    Examples
    --------
    >>> import warnings
    >>> from dalgo.nas.tuning import finite_grid_bound
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", FutureWarning)
    ...     round(finite_grid_bound(12, 16, delta=0.05), 4)
    0.4392
    """
    warnings.warn(
        "dalgo.nas.finite_grid_bound(n_configs, n_tasks, delta, H) is deprecated and will be "
        "removed in the next release; use dalgo.generalization.finite_grid_bound(grid_size, m, "
        "*, H=..., delta=...) (same value).",
        FutureWarning,
        stacklevel=2,
    )
    return generalization.finite_grid_bound(n_configs, n_tasks, H=H, delta=delta)


@dataclass
class TuningResult:
    """Outcome of :func:`tune_over_tasks`.

    Attributes
    ----------
    algorithm : str
    configs : list of dict
        The grid (index ``default_index`` is the default configuration, added if absent).
    default_index : int
    tasks : list of str
    seeds : list of int
    budget : int
    metric : str
    regret : ndarray of shape (n_configs, n_tasks, n_seeds)
        Normalised regret of the incumbent after ``budget`` queries.
    best_config : dict
        Minimiser of the average regret over *all* tasks (what to use on new tasks).
    folds : list of dict
        Per held-out task: chosen config, its training regret, its held-out regret and the
        default's held-out regret.
    summary : dict
        Mean held-out regret of tuned vs default configurations with standard errors, and
        number of held-out tasks where tuning won / tied / lost.
    bound : dict
        The finite-grid generalization statement
        (:func:`dalgo.generalization.finite_grid_bound`) with its constants.
    """

    algorithm: str
    configs: list
    default_index: int
    tasks: list
    seeds: list
    budget: int
    metric: str
    regret: np.ndarray
    best_config: dict
    folds: list
    summary: dict
    bound: dict = field(default_factory=dict)

    def to_dict(self):
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["regret"] = self.regret.tolist()
        return d


def _run_one(task, algorithm, configs, budget, seed, metric, data_dir):
    from .benchmarks import load_task

    if isinstance(task, str):
        task = load_task(task, data_dir)
    out = np.empty(len(configs))
    for c, cfg in enumerate(configs):
        traj = search(task, algorithm, budget=budget, random_state=seed, **cfg)
        out[c] = traj.final_regret(metric)
    return out


def tune_over_tasks(tasks, algorithm, grid, *, budget=150, seeds=range(10),
                    split="leave-one-task-out",
                    metric="valid", default=None, delta=0.05, n_jobs=1, backend=None, data_dir=None,
                    verbose=0):
    """Choose a NAS algorithm's hyperparameters by average normalised regret over tasks.

    Each configuration of ``grid`` (plus the default) is run on every task with every seed;
    a run's loss is the normalised regret ``(best - incumbent) / (best - worst)`` in [0, 1]
    after ``budget`` queries. With ``split="leave-one-task-out"`` each task in turn is held
    out: the configuration with the lowest mean regret over the other tasks is chosen and its
    regret on the held-out task is compared with the default's.

    Parameters
    ----------
    tasks : list of TabularTask or str
        Task objects or names (names are loaded inside the workers).
    algorithm : {"rs", "re", "ls", "bananas"}
    grid : dict of lists or list of dicts
        Hyperparameter values; unspecified ones keep their defaults.
    budget : int, default=150
    seeds : iterable of int, default=range(10)
        The replicate runs: every (configuration, task) is run once per ``s`` in ``seeds``
        with ``search(..., random_state=s)`` (a list of runs, not a random state).
    split : "leave-one-task-out" or dict, default="leave-one-task-out"
        Or ``{"train": [task names], "test": [task names]}`` for one fixed split.
    metric : {"valid", "test"}, default="valid"
        "test" needs test metrics on every task (TransNAS-Bench-101 has none).
    default : dict, default=None
        The baseline configuration (default: the algorithm's defaults, i.e. ``{}``).
    delta : float, default=0.05
        Confidence level of the generalization statement.
    n_jobs : int, default=1
        joblib workers over (task, seed) pairs.
    backend : str, default=None
        joblib backend ("loky", "threading", or "dask" with a running ``dask.distributed``
        client); None uses joblib's current default.
    data_dir : str, default=None
    verbose : int, default=0

    Returns
    -------
    TuningResult

    Examples
    --------
    >>> from dalgo.nas import tune_over_tasks
    >>> res = tune_over_tasks(["nbgraph-cora", "nbgraph-citeseer", "nbgraph-pubmed"], "re",
    ...                       {"population_size": [10, 30]}, budget=40, seeds=[0, 1])
    >>> res.regret.shape, len(res.folds)
    ((2, 3, 2), 3)
    """
    from joblib import Parallel, delayed

    defaults = default_hyperparameters(algorithm)
    configs = expand_grid(grid)
    for cfg in configs:
        unknown = set(cfg) - set(defaults)
        if unknown:
            raise ValueError(f"unknown hyperparameters {sorted(unknown)} for {algorithm!r}")
    default = dict(default or {})
    full = lambda c: {**defaults, **c}  # noqa: E731
    default_index = next((i for i, c in enumerate(configs) if full(c) == full(default)), None)
    in_grid = np.ones(len(configs) + (default_index is None), dtype=bool)
    if default_index is None:
        configs.append(default)
        default_index = len(configs) - 1
        in_grid[-1] = False
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds is empty")
    names = [t if isinstance(t, str) else t.name for t in tasks]
    if len(set(names)) != len(names):
        raise ValueError("duplicate tasks")
    if len(names) < 2:
        raise ValueError("need at least 2 tasks (training and held-out)")
    jobs = [(ti, si) for ti in range(len(tasks)) for si in range(len(seeds))]
    import contextlib

    from joblib import parallel_config

    # parallel_config (unlike Parallel(backend=...)) also knows joblib's external backends (dask)
    ctx = parallel_config(backend=backend) if backend is not None else contextlib.nullcontext()
    with ctx:
        outs = Parallel(n_jobs=n_jobs, verbose=verbose)(
            delayed(_run_one)(tasks[ti], algorithm, configs, budget, seeds[si], metric, data_dir)
            for ti, si in jobs
        )
    R = np.empty((len(configs), len(tasks), len(seeds)))
    for (ti, si), out in zip(jobs, outs):
        R[:, ti, si] = out
    per_task = R.mean(axis=2)  # (configs, tasks)

    def choose(train_idx):
        m = per_task[:, train_idx].mean(axis=1)
        m = np.where(in_grid, m, np.inf)
        return int(np.argmin(m))

    if split == "leave-one-task-out":
        splits = [([j for j in range(len(names)) if j != i], [i]) for i in range(len(names))]
    elif isinstance(split, dict) and set(split) == {"train", "test"}:
        idx = {n: i for i, n in enumerate(names)}
        try:
            splits = [([idx[n] for n in split["train"]], [idx[n] for n in split["test"]])]
        except KeyError as e:
            raise ValueError(f"split names a task not in tasks: {e}") from None
    else:
        raise ValueError("split must be 'leave-one-task-out' or {'train': [...], 'test': [...]}, "
                         f"got {split!r}")

    folds = []
    tuned_held, default_held = [], []
    for train_idx, test_idx in splits:
        c = choose(train_idx)
        for t in test_idx:
            folds.append(dict(
                held_out=names[t], train_tasks=[names[j] for j in train_idx], config=configs[c],
                config_index=c, train_regret=float(per_task[c, train_idx].mean()),
                held_out_regret=float(per_task[c, t]),
                default_held_out_regret=float(per_task[default_index, t]),
            ))
            tuned_held.append(per_task[c, t])
            default_held.append(per_task[default_index, t])
    tuned_held, default_held = np.array(tuned_held), np.array(default_held)
    diff = tuned_held - default_held
    n = len(diff)

    def se(x):
        return mean_se(x)[1]

    summary = dict(
        tuned_held_out_mean=float(tuned_held.mean()), tuned_held_out_se=se(tuned_held),
        default_held_out_mean=float(default_held.mean()), default_held_out_se=se(default_held),
        difference_mean=float(diff.mean()), difference_se=se(diff),
        wins=int((diff < -1e-12).sum()), ties=int((np.abs(diff) <= 1e-12).sum()),
        losses=int((diff > 1e-12).sum()),
        n_held_out=n,
    )
    best_all = choose(list(range(len(names))))
    m_train = len(splits[0][0])
    n_grid = int(in_grid.sum())
    eps = generalization.finite_grid_bound(n_grid, m_train, H=1.0, delta=delta)
    bound = dict(
        kind="Hoeffding + union bound over a finite grid",
        statement=(
            f"If the {m_train} training tasks of a split are i.i.d. draws from a task "
            f"distribution, then with probability >= {1 - delta:g}, for all {n_grid} grid "
            "configurations at once, "
            f"|mean training regret - expected regret| <= H*sqrt(ln(2|G|/delta)/(2m)) = {eps:.4f} "
            f"(H = 1: normalised regret lies in [0, 1]; |G| = {n_grid}; m = {m_train}; "
            f"delta = {delta:g}); so the chosen configuration's expected regret is within "
            f"{2 * eps:.4f} of the grid's best. "
            "A task's loss is its regret averaged over the seeds; the statement is about new tasks "
            "from the same distribution and is only as good as the i.i.d. assumption on tasks."
        ),
        epsilon=eps, H=1.0, n_configs=n_grid, n_train_tasks=m_train, delta=delta,
    )
    return TuningResult(
        algorithm=algorithm, configs=configs, default_index=default_index, tasks=names, seeds=seeds,
        budget=int(budget), metric=metric, regret=R, best_config=configs[best_all], folds=folds,
        summary=summary, bound=bound,
    )
