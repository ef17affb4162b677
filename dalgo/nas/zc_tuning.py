"""Configuration over tasks for zero-cost NAS: choose on training tasks, test on a held-out one.

Three choices are learned from a distribution of NAS-Bench-Suite-Zero tasks and checked by
leave-one-task-out (LOTO):

* a *discrete configuration* -- e.g. the predictor's feature set, or (predictor, feature
  set) -- from a table of per-task scores (:func:`loto_select`);
* the *weights of a proxy ensemble* ``sum_p w_p r_p(a)``, with ``r_p`` the per-task rank of
  proxy p scaled to [0, 1] and ``w_p`` on a finite grid, by coordinate ascent on the mean
  training-task Spearman rho (:func:`fit_proxy_ensemble`, :func:`loto_proxy_ensemble`);
* the *debiasing constant* ``C`` of ``f / (b + C)`` (:func:`loto_debias_C`), with C on a
  grid relative to the property's range so that it transfers between tasks.

Every LOTO fold reports the held-out score of the configuration chosen on the other tasks,
the held-out score of the default, and of the per-task oracle (best in hindsight).  The
classes searched are finite, so the uniform Hoeffding bound of
:func:`dalgo.nas.tuning.finite_grid_bound` applies to the gap between training and
expected score.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from dalgo.nas.bias import debias, proxy_bias

__all__ = [
    "loto_select",
    "rank_features",
    "fit_proxy_ensemble",
    "ensemble_score",
    "loto_proxy_ensemble",
    "loto_debias_C",
]


def loto_select(table, *, default=None, higher_is_better=True):
    """Leave-one-task-out choice of a discrete configuration.

    Parameters
    ----------
    table : dict
        ``{task: {config: score}}``; every task must score every config.  Configs are any
        hashable (strings, tuples).
    default : hashable, default=None
        Reference configuration reported next to the chosen one.
    higher_is_better : bool, default=True

    Returns
    -------
    dict with ``folds`` (per held-out task: ``chosen``, ``held_out``, ``default``,
    ``oracle``, ``oracle_config``) and the means ``mean_held_out``, ``mean_default``,
    ``mean_oracle``; ``best_overall`` is the choice on all tasks.

    Examples
    --------
    >>> t = {"a": {"x": 0.5, "y": 0.4}, "b": {"x": 0.6, "y": 0.7}, "c": {"x": 0.6, "y": 0.1}}
    >>> r = loto_select(t, default="y")
    >>> [r["folds"][k]["chosen"] for k in "abc"], r["best_overall"]
    (['x', 'x', 'x'], 'x')
    """
    tasks = list(table)
    if len(tasks) < 2:
        raise ValueError(f"leave-one-task-out needs at least 2 tasks, got {len(tasks)}")
    configs = list(table[tasks[0]])
    for t in tasks:
        if set(table[t]) != set(configs):
            raise ValueError(f"task {t!r} does not score the same configs as {tasks[0]!r}")
    S = np.array([[table[t][c] for c in configs] for t in tasks], dtype=float)
    sign = 1.0 if higher_is_better else -1.0

    def pick(rows):
        m = sign * S[rows].mean(axis=0)
        return int(np.flatnonzero(m >= m.max() - 1e-12)[0])  # first config wins ties

    folds = {}
    for i, t in enumerate(tasks):
        train = [j for j in range(len(tasks)) if j != i]
        c = pick(train)
        o = int(np.argmax(sign * S[i]))
        folds[t] = {
            "chosen": configs[c], "held_out": float(S[i, c]),
            "default": None if default is None else float(table[t][default]),
            "oracle": float(S[i, o]), "oracle_config": configs[o],
        }
    out = {
        "folds": folds,
        "mean_held_out": float(np.mean([f["held_out"] for f in folds.values()])),
        "mean_oracle": float(np.mean([f["oracle"] for f in folds.values()])),
        "best_overall": configs[pick(list(range(len(tasks))))],
        "n_configs": len(configs),
    }
    out["mean_default"] = None if default is None else float(
        np.mean([f["default"] for f in folds.values()]))
    return out


def rank_features(Z):
    """Per-column ranks scaled to [0, 1] (average ranks for ties; NaN/-inf rank lowest).

    Examples
    --------
    >>> rank_features(np.array([[3.0], [1.0], [2.0]])).ravel()
    array([1. , 0. , 0.5])
    """
    Z = np.asarray(Z, dtype=float)
    Z = np.where(np.isfinite(Z), Z, -np.inf)
    R = np.apply_along_axis(stats.rankdata, 0, Z)
    n = len(Z)
    return (R - 1.0) / max(n - 1, 1)


def ensemble_score(R, w):
    """Ensemble proxy ``R @ w`` for rank features R (n, p) and weights w (p,)."""
    return np.asarray(R, float) @ np.asarray(w, float)


def _spearman_rows(R, w, yr):
    s = R @ w
    if np.ptp(s) == 0:
        return 0.0
    sr = stats.rankdata(s)
    return float(np.corrcoef(sr, yr)[0, 1])


def fit_proxy_ensemble(tasks_R, tasks_y, *, grid=(-1.0, -0.5, 0.0, 0.5, 1.0), n_passes=3,
                       init=None):
    """Weights of a rank ensemble maximising the mean Spearman rho over training tasks.

    Parameters
    ----------
    tasks_R : list of ndarray of shape (n_t, p)
        Rank features of each task (:func:`rank_features`), same p proxies everywhere.
    tasks_y : list of ndarray of shape (n_t,)
        Accuracies.
    grid : tuple of float
        Finite set of values of each weight (the class searched has len(grid)**p members).
    n_passes : int, default=3
        Coordinate-ascent passes (each tries every grid value for every weight in turn).
    init : array-like, default=None
        Start (default: the best single proxy with weight 1).

    Returns
    -------
    w : ndarray of shape (p,)
    score : float
        Mean training Spearman rho of ``R @ w``.
    """
    p = tasks_R[0].shape[1]
    yrs = [stats.rankdata(y) for y in tasks_y]

    def obj(w):
        return float(np.mean([_spearman_rows(R, w, yr) for R, yr in zip(tasks_R, yrs)]))

    if init is None:
        singles = [obj(np.eye(p)[j]) for j in range(p)]
        w = np.eye(p)[int(np.argmax(singles))]
    else:
        w = np.asarray(init, float).copy()
    best = obj(w)
    for _ in range(int(n_passes)):
        improved = False
        for j in range(p):
            for v in grid:
                if v == w[j]:
                    continue
                cand = w.copy()
                cand[j] = v
                if not np.any(cand):
                    continue
                s = obj(cand)
                if s > best + 1e-12:
                    best, w, improved = s, cand, True
        if not improved:
            break
    return w, best


def loto_proxy_ensemble(tasks, proxies, *, grid=(-1.0, -0.5, 0.0, 0.5, 1.0), n_passes=3):
    """Leave-one-task-out proxy ensembles against the best single proxy chosen the same way.

    Parameters
    ----------
    tasks : dict of name -> :class:`dalgo.nas.suite_zero.ZCTask`
    proxies : sequence of str
        Proxies present on every task.

    Returns
    -------
    dict ``{"folds": {task: {"weights", "ensemble_tau", "best_single", "single_tau",
    "equal_weights_tau"}}, "mean_ensemble_tau", "mean_single_tau", "mean_equal_tau",
    "class_size"}``; taus are held-out Kendall tau with the accuracy.
    """
    names = list(tasks)
    Rs = {n: rank_features(np.column_stack([tasks[n].proxy(p) for p in proxies])) for n in names}
    ys = {n: tasks[n].y for n in names}
    folds = {}
    for n in names:
        train = [m for m in names if m != n]
        w, _ = fit_proxy_ensemble([Rs[m] for m in train], [ys[m] for m in train],
                                  grid=grid, n_passes=n_passes)
        singles = [np.mean([_spearman_rows(Rs[m], np.eye(len(proxies))[j],
                                           stats.rankdata(ys[m])) for m in train])
                   for j in range(len(proxies))]
        j = int(np.argmax(singles))
        tau = lambda s, n=n: float(stats.kendalltau(s, ys[n])[0])  # noqa: E731
        folds[n] = {
            "weights": dict(zip(proxies, map(float, w))),
            "ensemble_tau": tau(ensemble_score(Rs[n], w)),
            "best_single": proxies[j],
            "single_tau": tau(Rs[n][:, j]),
            "equal_weights_tau": tau(Rs[n].sum(axis=1)),
        }
    return {
        "folds": folds,
        "mean_ensemble_tau": float(np.mean([f["ensemble_tau"] for f in folds.values()])),
        "mean_single_tau": float(np.mean([f["single_tau"] for f in folds.values()])),
        "mean_equal_tau": float(np.mean([f["equal_weights_tau"] for f in folds.values()])),
        "class_size": len(grid) ** len(proxies),
    }


def loto_debias_C(scores, props, ys, *, strategy="performance", rel_grid=None):
    """Leave-one-task-out choice of the debiasing constant C.

    C is parametrised relative to each task's property, ``C = -min(b) + c * max(1, ptp(b))``
    with ``c`` on ``rel_grid``, so that a value chosen on some tasks means the same on
    another.  If the proxy's bias averaged over the tasks is negative, the property is
    oriented as ``max(b) - b`` first (as in :func:`dalgo.nas.bias.choose_C`); reported biases
    use the original b.

    Parameters
    ----------
    scores, props, ys : dict of task -> ndarray
        Non-negative proxy scores f, property values b, accuracies y.
    strategy : {"performance", "minimize"}
        Maximise the mean Kendall tau of f' with y, or minimise the mean |tau(f', b)|, over
        the training tasks.
    rel_grid : array-like, default=None
        Values of c (default ``logspace(-3, 4, 57)``).

    Returns
    -------
    dict ``{"folds": {task: {"c", "C", "perf", "bias", "original_perf", "original_bias",
    "oracle_perf"}}, "mean_perf", "mean_original_perf", "mean_bias", "mean_original_bias",
    "oriented"}``.
    """
    if strategy not in ("performance", "minimize"):
        raise ValueError(f"strategy must be 'performance' or 'minimize', got {strategy!r}")
    rel = np.logspace(-3, 4, 57) if rel_grid is None else np.asarray(rel_grid, float)
    names = list(scores)
    # orient the property by the sign of the bias pooled over tasks (see dalgo.nas.bias)
    sign = np.mean([proxy_bias(scores[n], props[n]) for n in names])
    raw_props = props
    if sign < 0:
        props = {n: float(np.max(b)) - np.asarray(b, float) for n, b in props.items()}

    def C_of(b, c):
        return -float(np.min(b)) + c * max(1.0, float(np.ptp(b)))

    perf = {n: np.array([stats.kendalltau(debias(scores[n], props[n], C_of(props[n], c)),
                                          ys[n])[0] for c in rel]) for n in names}
    bias = {n: np.array([proxy_bias(debias(scores[n], props[n], C_of(props[n], c)),
                                    raw_props[n]) for c in rel]) for n in names}
    folds = {}
    for n in names:
        train = [m for m in names if m != n]
        if strategy == "performance":
            obj = np.mean([perf[m] for m in train], axis=0)
        else:
            obj = -np.mean([np.abs(bias[m]) for m in train], axis=0)
        k = int(np.flatnonzero(obj >= obj.max() - 1e-12)[-1])
        folds[n] = {
            "c": float(rel[k]), "C": C_of(props[n], rel[k]),
            "perf": float(perf[n][k]), "bias": float(bias[n][k]),
            "original_perf": float(stats.kendalltau(scores[n], ys[n])[0]),
            "original_bias": proxy_bias(scores[n], raw_props[n]),
            "oracle_perf": float(np.max(perf[n])),
        }
    mean = lambda key: float(np.mean([f[key] for f in folds.values()]))  # noqa: E731
    return {
        "strategy": strategy, "folds": folds, "mean_perf": mean("perf"),
        "mean_original_perf": mean("original_perf"), "mean_bias": mean("bias"),
        "mean_original_bias": mean("original_bias"), "n_configs": len(rel),
        "oriented": bool(sign < 0),
    }
