"""Selection and report: the exact ERM over training results, assessed on test results."""

import time

import numpy as np

from ..piecewise import PiecewiseConstant
from ..stats import mean_se
from .config import BASELINE_ALPHAS, TuneConfig
from .result import TuneResult

__all__ = ["mean_curve", "representative_alpha", "summarize", "test_curve_stats"]


def representative_alpha(lo, hi):
    """The α used for a minimising interval ``[lo, hi)``: its midpoint, or ∞ for ``[lo, ∞]``.

    Examples
    --------
    >>> representative_alpha(1.0, 3.0), representative_alpha(4.0, float("inf"))
    (2.0, inf)
    """
    return float(np.inf) if np.isinf(hi) else 0.5 * (lo + hi)


def mean_curve(results, beta):
    """The exact mean of the instances' curves for ``beta`` (the empirical risk)."""
    return PiecewiseConstant.mean([r.curve(beta) for r in results])


def test_curve_stats(results, beta):
    """Mean and standard-error curves of the instances' curves for ``beta``, piece by piece."""
    bp, values = PiecewiseConstant.stack([r.curve(beta) for r in results])
    if values.shape[0] == 1:  # one instance: no spread to estimate
        return PiecewiseConstant(bp, values[0]), PiecewiseConstant(bp, np.zeros(bp.size - 1))
    mean, se = mean_se(values, axis=0)
    return PiecewiseConstant(bp, mean), PiecewiseConstant(bp, se)


def _baseline_stats(results, beta):
    return {label: dict(zip(("test_loss", "test_se"),
                            mean_se([r.baseline(label, beta) for r in results])))
            for label in BASELINE_ALPHAS}


def summarize(train_results, test_results, config, *, started=None, extra_config=None):
    """The tuning result of per-instance results: exact ERM on ``train_results`` over α
    (per β of ``config``), the β with the lowest training loss, and its test loss, curves
    and baselines on ``test_results``.

    Parameters
    ----------
    train_results : sequence of InstanceResult
        At least one.
    test_results : sequence of InstanceResult
        May be empty (no test numbers then); must hold the baselines.
    config : TuneConfig
    started : float, default=None
        ``time.perf_counter()`` at the start of the run, for ``timings["total_seconds"]``.
    extra_config : dict, default=None
        Added to ``result.config`` (data set name, seed, ...).

    Returns
    -------
    TuneResult
    """
    if not isinstance(config, TuneConfig):
        raise TypeError(f"config must be a TuneConfig; got {type(config).__name__}.")
    train_results, test_results = list(train_results), list(test_results)
    if not train_results:
        raise ValueError("summarize needs at least one training result.")
    betas = list(config.betas)
    train_curves = {b: mean_curve(train_results, b) for b in betas}
    argmins = {b: train_curves[b].argmin() for b in betas}
    best_beta = min(betas, key=lambda b: (argmins[b].value, betas.index(b)))
    arg = argmins[best_beta]
    interval = arg.intervals[0]
    alpha = representative_alpha(*interval)
    test_curves, test_se_curves, baselines_by_beta = {}, {}, {}
    test_loss = test_se = float("nan")
    if test_results:
        for b in betas:
            test_curves[b], test_se_curves[b] = test_curve_stats(test_results, b)
            baselines_by_beta[b] = _baseline_stats(test_results, b)
        test_loss, test_se = mean_se([r.curve(best_beta)(alpha) for r in test_results])
    all_results = train_results + test_results
    timings = {"tree_seconds": float(sum(r.tree_seconds for r in all_results)),
               "search_seconds": float(sum(r.search_seconds for r in all_results))}
    if started is not None:
        timings["total_seconds"] = time.perf_counter() - started
    return TuneResult(
        alpha_interval=tuple(float(a) for a in interval),
        alpha=alpha,
        beta=float(best_beta),
        train_loss=float(arg.value),
        test_loss=test_loss,
        test_se=test_se,
        baselines=baselines_by_beta.get(best_beta, {}),
        argmin_intervals=[tuple(float(a) for a in iv) for iv in arg.intervals],
        train_curves=train_curves,
        test_curves=test_curves,
        test_se_curves=test_se_curves,
        train_loss_by_beta={b: float(argmins[b].value) for b in betas},
        baselines_by_beta=baselines_by_beta,
        n_leaves={"train": [r.n_leaves for r in train_results],
                  "test": [r.n_leaves for r in test_results]},
        timings=timings,
        config={**config.to_dict(), **(extra_config or {})},
        n_clusters={"train": [r.n_clusters for r in train_results],
                    "test": [r.n_clusters for r in test_results]},
    )
