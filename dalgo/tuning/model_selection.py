"""Selection as model selection: candidates compared by K-fold cross-validation over instances.

The exact ERM minimises a noisy empirical risk; on real data its minimiser is often a spike a
few 1e-6 wide that future instances never see. :func:`cross_validate` compares candidate rules
— the classical members α ∈ {0, 1, 2, ∞}, the exact ERM, and ERMs of the window-smoothed risk
— for every β of the grid, each fitted on K − 1 folds of the training *instances* and scored on
the held-out fold (exact: every fold's curve is exact). The one-standard-error rule keeps
k-means++ (α = 2, β = 2) unless a candidate beats it by more than one paired s.e.; otherwise,
among the candidates within one paired s.e. of the best, it takes the simplest kind (a
classical member, then a smoothed ERM, then the exact ERM) and, within that kind, the lowest
cross-validated loss.

On a flat landscape the largest of several noisy cross-validated gains exceeds one s.e. by
chance often (with ~7 candidates, in a quarter to a half of the training sets), and the
winner's cross-validated loss is then optimistic. Two safeguards follow from *nested*
cross-validation of the selection procedure itself, which costs only arithmetic on fold means
because every curve is exact: for each outer fold, the whole one-s.e. selection is rerun on
the other folds (their K − 1 folds as inner folds) and its choice, fitted on those folds, is
scored on the outer fold. The mean of these out-of-fold losses is an estimate of the
procedure's loss free of selection optimism (reported as ``cv_loss``), and the *guard* keeps
k-means++ unless the procedure's nested paired gain over it exceeds ``guard_se`` paired
standard errors (:meth:`CVReport.select`).

Smoothing is done on the scale u = log(1 + α): the breakpoints of the loss curves crowd at
small α, and a window of fixed width in u is narrow there and wide at large α. The window
average of a piecewise-constant curve is continuous and piecewise linear-fractional in the
window's centre, monotone between kinks, so its minimum over the centres is attained at a kink
(a breakpoint ± the half-width, or an end of the range) and :func:`smoothed_argmin` finds it
exactly by evaluating all of them.
"""

from dataclasses import dataclass

import numpy as np

from .._validation import InvalidParameterError
from ..piecewise import PiecewiseConstant
from ..stats import mean_se

__all__ = ["DEFAULT_BANDWIDTHS", "DEFAULT_GUARD_SE", "DEFAULT_N_FOLDS", "DEFAULT_N_SE",
           "SELECTIONS", "CVReport", "Candidate", "Selected", "candidates", "cross_validate",
           "guard_check", "log1p_curve", "plateau", "representative_alpha", "smoothed_argmin",
           "smoothed_risk"]

#: The selection rules :func:`dalgo.tune` knows.
SELECTIONS = ("cv", "exact")
#: Half-widths of the smoothing windows, in u = log(1 + α).
DEFAULT_BANDWIDTHS = (0.05, 0.15, 0.4)
#: Folds of training instances.
DEFAULT_N_FOLDS = 5
#: Paired standard errors by which a simpler candidate may trail the best and still win.
DEFAULT_N_SE = 1.0
#: Paired standard errors by which the nested cross-validated gain of the whole selection over
#: the default member must exceed zero for the selection to replace it (None: no guard).
DEFAULT_GUARD_SE = 1.0
#: The user's default member of the family: k-means++ (α = 2) with Lloyd's (β = 2).
DEFAULT_ALPHA, DEFAULT_BETA = 2.0, 2.0


def representative_alpha(lo, hi):
    """The α used for a minimising interval ``[lo, hi)``: its midpoint, or ∞ for ``[lo, ∞]``.

    Examples
    --------
    >>> representative_alpha(1.0, 3.0), representative_alpha(4.0, float("inf"))
    (2.0, inf)
    """
    return float(np.inf) if np.isinf(hi) else 0.5 * (lo + hi)


def log1p_curve(curve):
    """``curve`` with α replaced by u = log(1 + α), the scale of the smoothing windows
    (zero-width pieces from rounding dropped).

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> log1p_curve(PiecewiseConstant([0, np.e - 1, np.inf], [0.2, 0.1])).breakpoints
    array([ 0.,  1., inf])
    """
    u = np.log1p(curve.breakpoints)
    keep = np.concatenate([np.diff(u) > 0, [True]])
    keep[-1] = True
    b = np.concatenate([u[:-1][keep[:-1]], u[-1:]])
    return PiecewiseConstant(b, curve.values[keep[:-1]])


def _smoothing_cap(curve):
    """The largest u a smoothing window reaches: the end of the range, or, for an unbounded
    range, the last finite breakpoint (beyond it the curve is constant up to α = ∞, which
    the classical candidate α = ∞ covers)."""
    b = curve.breakpoints
    if np.isfinite(b[-1]):
        return float(np.log1p(b[-1]))
    last = float(b[-2]) if b.size > 2 else float(b[0]) + 1.0
    return float(np.log1p(max(last, b[0] + 1e-9)))


def smoothed_risk(curve, half_width):
    """The window-smoothed curve at every point where its minimum can lie.

    Parameters
    ----------
    curve : PiecewiseConstant
        A loss curve in α (e.g. the mean training curve).
    half_width : float
        Half-width ``h`` of the window in u = log(1 + α); the value at ``u`` is the
        average of the curve over ``[u - h, u + h]`` clipped to the range.

    Returns
    -------
    alphas : ndarray
        Sorted candidate centres, as α (the kinks of the smoothed curve and the range ends).
    values : ndarray
        The exact smoothed risk there.
    """
    if not half_width > 0:
        raise ValueError(f"half_width must be > 0; got {half_width}.")
    uc = log1p_curve(curve)
    u0, cap = float(uc.breakpoints[0]), _smoothing_cap(curve)
    b = uc.breakpoints[np.isfinite(uc.breakpoints)]
    centres = np.concatenate([b - half_width, b + half_width,
                              [u0, cap, u0 + half_width, cap - half_width]])
    centres = np.unique(np.clip(centres, u0, cap))
    values = uc.window_mean(centres, half_width, upper=cap)
    # back to α; clipped so that rounding in log1p/expm1 never leaves the curve's domain
    alpha_cap = curve.breakpoints[-1] if np.isfinite(curve.breakpoints[-1]) else np.expm1(cap)
    return np.clip(np.expm1(centres), curve.breakpoints[0], alpha_cap), values


def smoothed_argmin(curve, half_width):
    """The α minimising the window-smoothed curve (the first on ties) and its value.

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> spike = PiecewiseConstant([0, 1, 1.0001, 3, 6], [0.5, 0.1, 0.5, 0.2])
    >>> alpha, value = smoothed_argmin(spike, 0.3)
    >>> bool(alpha > 3)                     # the wide dip, not the spike
    True
    """
    alphas, values = smoothed_risk(curve, half_width)
    i = int(np.argmin(values))
    return float(alphas[i]), float(values[i])


@dataclass(frozen=True)
class Candidate:
    """One candidate of the selection: a rule for α and a β.

    ``rule`` is ``"alpha=<a>"`` (a fixed classical member), ``"exact"`` (the exact ERM) or
    ``"smooth(h=<h>)"`` (the ERM of the window-smoothed risk, half-width ``h`` in
    log(1 + α)). Candidates are listed simplest first.
    """

    rule: str
    beta: float
    fixed_alpha: float = None
    half_width: float = None
    show_beta: bool = True

    def fit_alpha(self, curve):
        """The α this rule picks on the (mean training) ``curve``."""
        if self.fixed_alpha is not None:
            return self.fixed_alpha
        if self.half_width is None:
            return representative_alpha(*curve.argmin().intervals[0])
        return smoothed_argmin(curve, self.half_width)[0]

    @property
    def complexity(self):
        """0 for a classical member (fixed α), 1 for a smoothed ERM, 2 for the exact ERM:
        the order in which the one-s.e. rule prefers them."""
        if self.fixed_alpha is not None:
            return 0
        return 1 if self.half_width is not None else 2

    @property
    def label(self):
        return f"{self.rule}, beta={self.beta:g}" if self.show_beta else self.rule


def candidates(config, bandwidths=DEFAULT_BANDWIDTHS):
    """The candidates for ``config``, simplest first: the family's default member (Lloyd's:
    k-means++, α = 2, at β = 2 or the first β; linkage: complete linkage), the other
    classical members in the range, then per β the smoothed ERMs from the widest window to
    the narrowest, then the exact ERM."""
    family = config.family_spec
    lo, hi = config.alpha_range
    betas = list(config.betas)
    if DEFAULT_BETA in betas:
        betas.remove(DEFAULT_BETA)
        betas.insert(0, DEFAULT_BETA)
    default = family.members[family.default_label]
    classical = [a for a in family.members.values() if lo <= a <= hi]
    classical.sort(key=lambda a: (a != default, a))
    show = family.uses_beta
    out = [Candidate(f"alpha={a:g}", b, fixed_alpha=float(a), show_beta=show) for b in betas
           for a in classical]
    for b in betas:
        out += [Candidate(f"smooth(h={h:g})", b, half_width=float(h), show_beta=show)
                for h in sorted(bandwidths, reverse=True)]
        out.append(Candidate("exact", b, show_beta=show))
    return out


@dataclass(frozen=True)
class Selected:
    """The outcome of a selection rule applied to a :class:`CVReport`.

    Attributes
    ----------
    index : int
        Index of the selected candidate.
    reason : str
        Why, in one sentence.
    cv_loss, cv_se : float
        The estimate of the selected rule's loss: with the guard, the nested cross-validated
        loss of the selection procedure when it replaced the default member, or the default
        member's cross-validated loss when it was kept (neither is the minimum of several
        noisy estimates); without the guard, the winner's own cross-validated loss (the old,
        optimistic report).
    guarded : bool
        True when the one-s.e. rule chose another candidate but the guard kept the default.
    nested_gain, nested_se : float
        The procedure's nested cross-validated paired gain over the default member (default
        − procedure, positive = the procedure is better) and its paired s.e.; NaN when not
        computed (no guard, or fewer than 3 folds).
    """

    index: int
    reason: str
    cv_loss: float
    cv_se: float
    guarded: bool = False
    nested_gain: float = float("nan")
    nested_se: float = float("nan")


@dataclass
class CVReport:
    """Cross-validated comparison of the candidates.

    Attributes
    ----------
    candidates : list of Candidate
        Simplest first.
    losses : ndarray of shape (n_candidates, n_units)
        Out-of-fold loss of each candidate on each training instance (with ``groups``:
        the mean over each group's instances — the groups are the units then).
    selected : int
        Index of the selected candidate.
    best : int
        Index of the candidate with the lowest cross-validated loss.
    reason : str
        Why the selected candidate won, in one sentence.
    n_folds : int
    folds : ndarray of shape (n_units,)
        The fold of each unit.
    inner_losses : ndarray of shape (n_folds, n_candidates, n_units) or None
        ``inner_losses[f, i, u]`` is candidate ``i`` fitted on the folds other than ``f``
        and ``u``'s fold, scored on unit ``u`` (NaN for the units of fold ``f``): the
        (K − 1)-fold cross-validation run inside outer fold ``f``. None when not computed
        (fewer than 3 folds, or ``nested=False``).
    outcome : Selected
        The selection :func:`cross_validate` was asked for (``selected``, ``reason`` and
        the reported estimate).
    """

    candidates: list
    losses: np.ndarray
    selected: int
    best: int
    reason: str
    n_folds: int
    folds: np.ndarray = None
    inner_losses: np.ndarray = None
    outcome: Selected = None

    def cv(self, i):
        """Cross-validated loss and its standard error for candidate ``i``."""
        return mean_se(self.losses[i])

    def table(self):
        """Rows ``{"rule", "beta", "cv_loss", "cv_se", "diff_vs_best", "diff_se"}``."""
        rows = []
        for i, c in enumerate(self.candidates):
            m, s = self.cv(i)
            d, ds = mean_se(self.losses[i] - self.losses[self.best])
            rows.append({"rule": c.rule, "beta": c.beta, "cv_loss": m, "cv_se": s,
                         "diff_vs_best": d, "diff_se": ds})
        return rows

    def one_se(self, n_se=DEFAULT_N_SE, simplest=True):
        """Index chosen by the one-s.e. rule at ``n_se`` on the (outer) cross-validation
        (``simplest``: see :meth:`select`)."""
        return _one_se_choice(self.candidates, self.losses, n_se, simplest)

    def nested_choices(self, n_se=DEFAULT_N_SE, simplest=True):
        """Per outer fold ``f``, the candidate the one-s.e. rule at ``n_se`` picks from the
        inner cross-validation on the other folds."""
        if self.inner_losses is None:
            raise ValueError("nested cross-validation needs at least 3 folds (and nested=True).")
        return np.array([_one_se_choice(self.candidates,
                                        self.inner_losses[f][:, self.folds != f], n_se,
                                        simplest)
                         for f in range(self.n_folds)], dtype=np.intp)

    def nested_losses(self, n_se=DEFAULT_N_SE, simplest=True):
        """Per unit, the loss of the whole selection procedure (one-s.e. rule at ``n_se``)
        under nested cross-validation: the candidate chosen without the unit's fold, fitted
        on the other folds, scored on the unit."""
        choice = self.nested_choices(n_se, simplest)[self.folds]
        return self.losses[choice, np.arange(self.losses.shape[1])]

    def select(self, n_se=DEFAULT_N_SE, guard_se=DEFAULT_GUARD_SE, simplest=True):
        """The one-s.e. rule at ``n_se``, guarded by nested cross-validation.

        Without a guard (``guard_se=None``) this is the one-s.e. rule alone. With it, a
        candidate other than the default member (candidate 0) is kept only if the nested
        cross-validated paired gain of the whole procedure over the default member,
        ``mean(default − procedure)``, exceeds ``guard_se`` times its paired s.e.;
        otherwise (or with fewer than 3 folds, where no inner cross-validation is possible)
        the default member is kept.

        ``simplest`` decides among the candidates other than the default member: True (the
        default) takes the simplest kind within ``n_se`` paired s.e. of the best, False the
        one with the lowest cross-validated loss (only the default member is preferred).

        Returns
        -------
        Selected
        """
        sel = self.one_se(n_se, simplest)
        cands, default = self.candidates, _default_alpha(self.candidates)
        if guard_se is None or sel == 0:
            m, s = self.cv(sel)
            return Selected(sel, _reason(cands, self.losses, sel, _best(self.losses),
                                         self.n_folds, default, n_se, simplest), m, s)
        label = cands[0].label
        if self.inner_losses is None:
            m, s = self.cv(0)
            return Selected(0, f"{label} kept: {self.n_folds} folds of training instances are "
                               "too few to check the selection by nested cross-validation.",
                            m, s, guarded=True)
        nested = self.nested_losses(n_se, simplest)
        passed, gain, gain_se = guard_check(self.losses[0], nested, guard_se)
        check = (f"nested {self.n_folds}-fold cross-validation of the whole selection gains "
                 f"{gain:+.4f} ± {gain_se:.4f} over {label} (paired)")
        if not passed:
            m, s = self.cv(0)
            d, ds = mean_se(self.losses[0] - self.losses[sel])
            return Selected(0, f"{label} kept by the nested check: {cands[sel].label} beat it "
                               f"by {d:.4f} ± {ds:.4f} in cross-validation, but {check}, not "
                               f"more than {guard_se:g} paired s.e.", m, s, True, gain, gain_se)
        m, s = mean_se(nested)
        reason = _reason(cands, self.losses, sel, _best(self.losses), self.n_folds, default,
                         n_se, simplest)
        return Selected(sel, f"{reason} Confirmed: {check}, more than {guard_se:g} paired "
                             f"s.e.; cv loss = the nested estimate.", m, s, False, gain, gain_se)


def guard_check(default_losses, procedure_losses, guard_se=DEFAULT_GUARD_SE):
    """The nested check of :meth:`CVReport.select`: does the selection procedure beat the
    default member by more than ``guard_se`` paired standard errors?

    Parameters
    ----------
    default_losses, procedure_losses : array-like of shape (n_units,)
        Per unit, the default member's out-of-fold loss and the whole procedure's nested
        out-of-fold loss (:meth:`CVReport.nested_losses`).
    guard_se : float

    Returns
    -------
    passed : bool
        ``gain > guard_se * gain_se`` (``gain > 0`` when the s.e. is undefined).
    gain, gain_se : float
        ``mean(default − procedure)`` (positive: the procedure is better) and its paired s.e.

    Examples
    --------
    >>> guard_check([0.3, 0.4, 0.5, 0.3], [0.2, 0.3, 0.3, 0.2])[0]
    True
    >>> guard_check([0.3, 0.4, 0.5, 0.3], [0.2, 0.5, 0.3, 0.4])[0]
    False
    """
    default_losses = np.asarray(default_losses, dtype=float)
    procedure_losses = np.asarray(procedure_losses, dtype=float)
    if default_losses.ndim != 1 or default_losses.shape != procedure_losses.shape:
        raise ValueError(f"default_losses and procedure_losses must be 1-d and paired, unit for "
                         f"unit; got shapes {default_losses.shape} and "
                         f"{procedure_losses.shape}.")
    gain, gain_se = mean_se(default_losses - procedure_losses)
    return bool(gain > (0.0 if np.isnan(gain_se) else guard_se * gain_se)), gain, gain_se


def _group_codes(groups, m):
    """Groups as codes ``0, 1, …`` in order of first appearance (each instance its own
    group when ``groups`` is None)."""
    if groups is None:
        return np.arange(m)
    groups = list(groups)
    if len(groups) != m:
        raise ValueError(f"groups has {len(groups)} entries for {m} training instances.")
    first = {}
    return np.array([first.setdefault(g, len(first)) for g in groups], dtype=np.intp)


def _default_alpha(cands):
    return cands[0].fixed_alpha


def _best(losses):
    return int(np.argmin(losses.mean(axis=1)))


def cross_validate(train_results, config, *, n_folds=DEFAULT_N_FOLDS,
                   bandwidths=DEFAULT_BANDWIDTHS, n_se=DEFAULT_N_SE, guard_se=DEFAULT_GUARD_SE,
                   groups=None, nested=None):
    """K-fold cross-validation over training instances of every candidate, and nested
    cross-validation of the selection.

    Instance ``i`` is in fold ``i mod K`` (instances are exchangeable draws, so a fixed
    assignment is as good as a random one and needs no seed). Each candidate's rule is
    fitted on the mean curve of the other folds and scored on each held-out instance's exact
    curve; the one-s.e. rule picks the default member if its paired mean difference from
    the best is at most ``n_se`` paired standard errors, else the best candidate of the
    simplest kind (classical, smoothed, exact) among those that are.

    Nested cross-validation (K ≥ 3 folds): for every outer fold ``f`` the same comparison is
    run on the other folds alone, with those K − 1 folds as inner folds (each candidate
    fitted on the mean curve of K − 2 folds), and the one-s.e. rule's choice there, fitted on
    all folds but ``f``, is scored on ``f``. With ``guard_se`` (default 1) the default
    member is kept unless this nested estimate of the whole procedure beats it by more than
    ``guard_se`` paired s.e. (:meth:`CVReport.select`); ``guard_se=None`` is the one-s.e.
    rule alone.

    ``groups`` (one label per instance, e.g. the data set each instance was drawn from, or
    one label for several z draws of the same data) keeps each group in one fold — group
    ``j`` in order of first appearance goes to fold ``j mod K`` — and makes the groups the
    units of the estimate: the losses are averaged per group before the means and paired
    standard errors, so correlated instances are not counted as independent evidence.

    ``nested`` (default: whether ``guard_se`` is given) computes the inner cross-validations
    even without the guard (for :meth:`CVReport.select` with other settings).

    Returns
    -------
    CVReport
    """
    results = list(train_results)
    m = len(results)
    codes = _group_codes(groups, m)
    n_units = int(codes.max()) + 1 if m else 0
    if n_units < 2:
        raise ValueError("cross-validation needs at least 2 training instances (groups); use "
                         "selection='exact'.")
    n_folds = max(2, min(int(n_folds), n_units))
    folds = codes % n_folds
    unit_folds = np.arange(n_units) % n_folds
    cands = candidates(config, bandwidths)
    sizes = np.bincount(codes, minlength=n_units)

    def per_unit(rows):  # one unit per group: the mean of its instances' losses
        if groups is None:
            return rows
        return np.stack([np.bincount(codes, weights=row, minlength=n_units) / sizes
                         for row in rows])

    def fit_and_score(excluded, score_folds):
        """Every candidate fitted on the folds not in ``excluded``, its loss on the
        instances of ``score_folds`` (an (n_candidates, m) array, NaN elsewhere)."""
        inside = [r for r, g in zip(results, folds) if g not in excluded]
        idx = np.flatnonzero(np.isin(folds, list(score_folds)))
        out = np.full((len(cands), m), np.nan)
        means = {b: PiecewiseConstant.mean([r.curve(b) for r in inside]) for b in config.betas}
        for i, c in enumerate(cands):
            alpha = c.fit_alpha(means[c.beta])
            out[i, idx] = [results[j].curve(c.beta)(alpha) for j in idx]
        return out

    losses = np.empty((len(cands), m))
    for f in range(n_folds):
        idx = np.flatnonzero(folds == f)
        losses[:, idx] = fit_and_score({f}, {f})[:, idx]
    losses = per_unit(losses)
    inner = None
    if nested is None:
        nested = guard_se is not None
    if nested and n_folds >= 3:
        inner = np.full((n_folds, len(cands), n_units), np.nan)
        for f in range(n_folds):
            for g in range(f + 1, n_folds):  # fitted without f and g: scores g for f, f for g
                pair = per_unit(np.nan_to_num(fit_and_score({f, g}, {f, g}), nan=0.0))
                inner[f][:, unit_folds == g] = pair[:, unit_folds == g]
                inner[g][:, unit_folds == f] = pair[:, unit_folds == f]
    report = CVReport(cands, losses, 0, _best(losses), "", n_folds, unit_folds, inner)
    outcome = report.select(n_se, guard_se)
    report.selected, report.reason, report.outcome = outcome.index, outcome.reason, outcome
    return report


def _one_se_choice(cands, losses, n_se, simplest=True):
    """The one-standard-error rule: the family's default member (candidate 0) if it trails
    the best by at most ``n_se`` paired s.e.; otherwise, among the candidates that do, the
    simplest kind (a classical member, then a smoothed ERM, then the exact ERM) and within
    that kind the lowest cross-validated loss (with ``simplest=False``: the best). Ranking
    the classical members by loss, not by their order, matters: the rule must not prefer
    α = 0 (uniform seeding) to α = ∞ merely because it is listed first."""
    if not isinstance(simplest, (bool, np.bool_)):  # "no" or 0 would pass silently
        raise InvalidParameterError(f"simplest must be True or False; got {simplest!r}.")
    cv_means = losses.mean(axis=1)
    best = int(np.argmin(cv_means))

    def near_best(i):
        d, se = mean_se(losses[i] - losses[best])
        return d <= (0.0 if np.isnan(se) else n_se * se)

    if near_best(0):
        return 0
    if not simplest:
        return best
    eligible = [i for i in range(len(cands)) if near_best(i)]  # holds best itself
    kind = min(cands[i].complexity for i in eligible)
    return min((i for i in eligible if cands[i].complexity == kind),
               key=lambda i: (cv_means[i], i))


def _reason(cands, losses, selected, best, n_folds, default_alpha, n_se=DEFAULT_N_SE,
            simplest=True):
    sel, b = cands[selected], cands[best]
    m_sel, s_sel = mean_se(losses[selected])
    within = "one paired s.e." if n_se == 1 else f"{n_se:g} paired s.e."
    if selected == 0 and sel.fixed_alpha == default_alpha:
        if best == 0:
            return (f"{sel.label} kept: it has the lowest {n_folds}-fold cross-validated "
                    f"loss ({m_sel:.4f} ± {s_sel:.4f}).")
        d, se = mean_se(losses[selected] - losses[best])
        return (f"{sel.label} kept: no candidate is better by more than {within} "
                f"(best: {b.label}, {n_folds}-fold cv loss lower by {d:.4f} ± {se:.4f}).")
    d0, se0 = mean_se(losses[0] - losses[selected])
    why = (f"the lowest {n_folds}-fold cv loss" if not simplest else
           f"among the candidates within {within.replace('paired ', '')} of the best "
           f"({b.label}), the best of the simplest kind")
    return (f"{sel.label} selected: {n_folds}-fold cv loss {m_sel:.4f} ± {s_sel:.4f}, better "
            f"than {cands[0].label} by {d0:.4f} ± {se0:.4f} (paired); {why}.")


def plateau(curve, half_width, tolerance):
    """The near-optimal α interval: the connected set of centres around the minimiser of the
    window-smoothed ``curve`` on which the smoothed risk is within ``tolerance`` of its
    minimum (ends at candidate points, so exact up to the kink grid)."""
    alphas, values = smoothed_risk(curve, half_width)
    i = int(np.argmin(values))
    ok = values <= values[i] + tolerance
    lo = hi = i
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi + 1 < len(ok) and ok[hi + 1]:
        hi += 1
    return float(alphas[lo]), float(alphas[hi])
