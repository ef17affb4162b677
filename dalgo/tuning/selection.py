"""Selection and report: the exact ERM over training results, assessed on test results."""

import time
import warnings

import numpy as np

from .._validation import InvalidParameterError, check_positive_int
from ..piecewise import PiecewiseConstant
from ..stats import mean_se
from .config import DEFAULT_N_INSTANCES, TuneConfig, budget_draws
from .model_selection import (
    DEFAULT_BANDWIDTHS,
    DEFAULT_GUARD_SE,
    DEFAULT_N_FOLDS,
    DEFAULT_N_SE,
    SELECTIONS,
    cross_validate,
    plateau,
    representative_alpha,
)
from .result import TuneResult

#: Confidence and sign draws of the uniform bound reported with every result.
RADEMACHER_DELTA = 0.05
RADEMACHER_DRAWS = 4000

__all__ = ["check_loss_range", "mean_curve", "paired_comparisons", "summarize", "test_curve_stats"]


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


def _baseline_labels(results):
    """The labels of the classical members the results hold (the family's, in its order)."""
    return list(results[0].baselines)


def _baseline_stats(results, beta):
    return {label: dict(zip(("test_loss", "test_se"),
                            mean_se([r.baseline(label, beta) for r in results])))
            for label in _baseline_labels(results)}


def paired_comparisons(test_results, alpha, beta):
    """For each baseline (each classical member of the results' family), the paired
    difference ``baseline − tuned`` of the test losses (same instances; Lloyd's: same z):
    mean, standard error and the two-sided p-value of a paired t-test (positive means the
    tuned configuration is better)."""
    from scipy.stats import ttest_rel

    tuned = np.array([r.curve(beta)(alpha) for r in test_results])
    out = {}
    for label in _baseline_labels(test_results):
        base = np.array([r.baseline(label, beta) for r in test_results])
        d, se = mean_se(base - tuned)
        if tuned.size < 2 or not np.any(base != tuned):
            p = 1.0 if tuned.size >= 2 else float("nan")
        else:
            with warnings.catch_warnings():  # near-identical samples: scipy warns, p is fine
                warnings.simplefilter("ignore", RuntimeWarning)
                p = float(ttest_rel(base, tuned).pvalue)
        out[label] = {"mean_diff": d, "se": se, "p_value": p}
    return out


def check_loss_range(loss_range, train_results=(), betas=()):
    """``loss_range`` as a float in (0, 1], checked against every training curve given."""
    H = float(loss_range)
    if not 0.0 < H <= 1.0:
        raise ValueError(f"loss_range must lie in (0, 1] for the Hamming loss; got {loss_range}.")
    worst = max((float(np.max(r.curve(b).values)) for r in train_results for b in betas),
                default=0.0)
    if worst > H + 1e-12:
        raise ValueError(f"loss_range={loss_range} is below a training loss ({worst:.4f}); "
                         "it must bound the loss of every instance.")
    return H


def _power_hint(config, n_units, groups, what="check"):
    """What would give the selection more power, appended when it kept the default member
    although another candidate had the lower cross-validated loss (``what``: "check" when
    the nested check overruled the one-s.e. rule, "comparison" when that rule kept the
    default itself): more instances and, for a randomised family, more seeding draws per
    instance (most of the per-instance noise is the draw's, and at m = 30 one draw hid the
    real gain on most Gaussian-grid training sets: docs/results.md §10). Nothing with
    ``groups``, whose units the caller chose."""
    if groups is not None:
        return ""
    if not config.family_spec.accepts_draws:
        return f" With {n_units} training instances, more would give the {what} more power."
    draws = "one seeding draw" if config.n_draws == 1 else f"{config.n_draws} seeding draws"
    return (f" With {n_units} training instances of {draws} each, more instances or more "
            f"draws per instance (n_draws{_draws_suggestion(config.n_draws, n_units)}) would "
            f"give the {what} more power.")


def _draws_suggestion(n_draws, n_units):
    """A concrete ``n_draws`` for a training set below the main job's compute
    (:func:`~dalgo.tuning.config.budget_draws`); nothing when the run already has that many."""
    suggested = budget_draws(n_units)
    if suggested <= n_draws:
        return ""
    return (f"; e.g. n_draws={suggested}: {n_units * suggested} exact training curves, the "
            f"default `dalgo tune` computes {DEFAULT_N_INSTANCES}; n_draws='auto' picks it")


def summarize(train_results, test_results, config, *, selection="cv", n_folds=None,
              bandwidths=None, n_se=None, groups=None, uniform_bound=True, started=None,
              extra_config=None, guard_se=DEFAULT_GUARD_SE, loss_range=None):
    """The tuning result of per-instance results: the selected (α, β) on ``train_results``
    and its test loss, curves, baselines and paired comparisons on ``test_results``.

    Parameters
    ----------
    train_results : sequence of InstanceResult
        At least one (two for ``selection="cv"``).
    test_results : sequence of InstanceResult
        May be empty (no test numbers then); must hold the baselines.
    config : TuneConfig
    selection : {"cv", "exact"}, default="cv"
        ``"cv"``: model selection by K-fold cross-validation over the training instances
        among the classical members, the exact ERM and smoothed ERMs, for every β, keeping
        the best of the simplest kind of candidate within one paired s.e. of the best
        (:func:`dalgo.tuning.model_selection.cross_validate`); k-means++ is kept unless a
        candidate beats it by more than one paired s.e. ``"exact"``: the exact ERM of the
        paper — the minimiser of the mean training curve per β, the β with the lowest
        training loss. The cross-validated choice is guarded by nested cross-validation
        of the selection itself (``guard_se``).
    n_folds : int, default=None
        Folds for the cross-validation (default 5; at most the number of instances).
    bandwidths : sequence of float, default=None
        Half-widths, in log(1 + α), of the smoothed candidates (default (0.05, 0.15, 0.4)).
    n_se : float, default=None
        How many paired standard errors a simpler candidate may trail the best and still
        be chosen (default :data:`dalgo.tuning.model_selection.DEFAULT_N_SE`).
    groups : sequence, default=None
        One label per training instance; instances of one group stay in one fold and are
        one unit of the cross-validated estimate (e.g. several z draws of one data set; see
        :func:`dalgo.tuning.model_selection.cross_validate`).
    guard_se : float or None, default=1.0
        With ``selection="cv"``: k-means++ (the family's default member) is replaced only if
        nested cross-validation of the whole selection (the one-s.e. rule rerun inside each
        outer fold) gains more than ``guard_se`` paired s.e. over it
        (:meth:`dalgo.tuning.model_selection.CVReport.select`); None: the one-s.e. rule
        alone, as before the guard.
    uniform_bound : bool, default=True
        Compute the certified uniform bound (Hamming loss only). False skips its sign draws
        (for studies that call ``summarize`` many times and do not report it).
    loss_range : float, default=None
        The certified range H of the Hamming loss on every instance of the distribution,
        which scales the bound's concentration terms (``None``: 1, valid for any
        instances). Pass :func:`dalgo.losses.hamming_loss_range` ``(k, c)`` when every
        instance has at most k clusters and c classes (the bound's reference: user guide
        §4); a range below a training curve's values raises ValueError.
    started : float, default=None
        ``time.perf_counter()`` at the start of the run, for ``timings["total_seconds"]``.
    extra_config : dict, default=None
        Added to ``result.config`` (data set name, seed, ...).

    Returns
    -------
    TuneResult
        ``cv_loss``/``cv_se`` is the cross-validated estimate of the selected rule (NaN
        with a single training instance): with ``selection="cv"`` and the guard, the nested
        estimate of the selection procedure when it replaced k-means++, else the
        cross-validated loss of k-means++ (free of selection optimism either way);
        ``plateau`` the near-optimal α interval, ``comparisons`` the paired test
        comparisons with every baseline.
    """
    if not isinstance(config, TuneConfig):
        raise TypeError(f"config must be a TuneConfig; got {type(config).__name__}.")
    if selection not in SELECTIONS:
        raise InvalidParameterError(f"selection must be one of {SELECTIONS}; got {selection!r}.")
    bandwidths = DEFAULT_BANDWIDTHS if bandwidths is None else tuple(bandwidths)
    n_folds = DEFAULT_N_FOLDS if n_folds is None else check_positive_int(n_folds, "n_folds",
                                                                          minimum=2)
    train_results, test_results = list(train_results), list(test_results)
    if not train_results:
        raise ValueError("summarize needs at least one training result.")
    betas = list(config.betas)
    train_curves = {b: mean_curve(train_results, b) for b in betas}
    argmins = {b: train_curves[b].argmin() for b in betas}
    n_se = DEFAULT_N_SE if n_se is None else float(n_se)
    n_units = len(train_results) if groups is None else len(set(groups))
    guard = None if selection == "exact" else guard_se
    if guard is not None:
        guard = float(guard)
        if not guard >= 0:
            raise InvalidParameterError(f"guard_se must be >= 0 or None; got {guard_se!r}.")
    report = (cross_validate(train_results, config, n_folds=n_folds, bandwidths=bandwidths,
                             n_se=n_se, guard_se=guard, groups=groups)
              if n_units >= 2 else None)
    if selection == "exact" or report is None:
        best_beta = min(betas, key=lambda b: (argmins[b].value, betas.index(b)))
        alpha = representative_alpha(*argmins[best_beta].intervals[0])
        rule = "exact"
        reason = ("exact ERM (selection='exact'): the minimiser of the mean training curve, "
                  "the β with the lowest training loss." if report is not None else
                  "exact ERM: one training instance (or group), so no cross-validation is "
                  "possible.")
        chosen = None if report is None else next(
            i for i, c in enumerate(report.candidates)
            if c.rule == "exact" and c.beta == best_beta)
    else:
        chosen = report.selected
        cand = report.candidates[chosen]
        best_beta, rule, reason = cand.beta, cand.rule, report.reason
        alpha = cand.fit_alpha(train_curves[best_beta])
        if report.outcome.guarded:
            reason += _power_hint(config, n_units, groups)
        elif chosen == 0 and report.best != 0:  # kept, though a candidate led within 1 s.e.
            reason += _power_hint(config, n_units, groups, "comparison")
    arg = argmins[best_beta]
    cv_loss = cv_se = float("nan")
    plateau_interval = (float("nan"), float("nan"))
    if report is not None:
        cv_loss, cv_se = (report.cv(chosen) if selection == "exact" else
                          (report.outcome.cv_loss, report.outcome.cv_se))
        width = report.candidates[chosen].half_width or bandwidths[len(bandwidths) // 2]
        plateau_interval = plateau(train_curves[best_beta], width,
                                   0.0 if np.isnan(cv_se) else cv_se)
    test_curves, test_se_curves, baselines_by_beta, comparisons = {}, {}, {}, {}
    test_loss = test_se = float("nan")
    if test_results:
        for b in betas:
            test_curves[b], test_se_curves[b] = test_curve_stats(test_results, b)
            baselines_by_beta[b] = _baseline_stats(test_results, b)
        test_loss, test_se = mean_se([r.curve(best_beta)(alpha) for r in test_results])
        comparisons = paired_comparisons(test_results, alpha, best_beta)
    bound = {}
    if uniform_bound and config.loss == "hamming":  # losses in [0, 1]: H is known
        from ..generalization import (
            rademacher_bound_from_draws,
            rademacher_draws,
            selection_uniform_bound,
        )

        n_pieces = [train_curves[b].n_pieces for b in betas]
        # exact empirical Rademacher complexity per β, union bound over the β grid; the
        # sign draws are seeded so that the report is reproducible
        draws = {b: rademacher_draws([r.curve(b) for r in train_results], RADEMACHER_DRAWS,
                                     random_state=0) for b in betas}
        m, share = len(train_results), RADEMACHER_DELTA / len(betas)
        H = 1.0 if loss_range is None else check_loss_range(loss_range, train_results, betas)
        rademacher = max(rademacher_bound_from_draws(d, m, delta=share, H=H)["bound"]
                         for d in draws.values())
        upper = max(rademacher_bound_from_draws(d, m, delta=share, H=H,
                                                sides="upper")["bound"]
                    for d in draws.values())
        bound = {"epsilon": rademacher, "upper_epsilon": upper,
                 "massart_epsilon": selection_uniform_bound(n_pieces, m, H=H),
                 "delta": RADEMACHER_DELTA, "H": H, "n_pieces": max(n_pieces),
                 "n_betas": len(betas)}
    all_results = train_results + test_results
    timings = {"tree_seconds": float(sum(r.tree_seconds for r in all_results)),
               "search_seconds": float(sum(r.search_seconds for r in all_results))}
    if started is not None:
        timings["total_seconds"] = time.perf_counter() - started
    return TuneResult(
        alpha_interval=tuple(float(a) for a in arg.intervals[0]),
        alpha=float(alpha),
        beta=float(best_beta),
        train_loss=float(train_curves[best_beta](alpha)),
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
        selection=selection,
        selected_rule=rule,
        selection_reason=reason,
        cv_loss=cv_loss,
        cv_se=cv_se,
        plateau=plateau_interval,
        candidates=[] if report is None else report.table(),
        comparisons=comparisons,
        uniform_bound=bound,
    )
