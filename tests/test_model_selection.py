"""Selection as model selection: smoothed ERM exact against brute force, cross-validation
against a direct computation, the one-s.e. rule, paired comparisons, the report."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import ttest_rel

from dalgo import InvalidParameterError, PiecewiseConstant
from dalgo.tuning import InstanceResult, TuneConfig, summarize
from dalgo.tuning.model_selection import (
    CVReport,
    candidates,
    cross_validate,
    guard_check,
    plateau,
    smoothed_argmin,
    smoothed_risk,
)
from dalgo.tuning.selection import _power_hint, paired_comparisons


def _window_mean_brute(curve, u, h, cap):
    """Average over [u - h, u + h] ∩ [u0, cap] in u = log(1 + α) by fine quadrature."""
    u0 = np.log1p(curve.breakpoints[0])
    a, b = max(u - h, u0), min(u + h, cap)
    grid = np.linspace(a, b, 20001)
    vals = curve(np.minimum(np.expm1(grid), curve.breakpoints[-1]))
    return float(np.trapezoid(vals, grid) / (b - a))


@st.composite
def curves(draw, unbounded=False):
    n = draw(st.integers(1, 12))
    cuts = sorted(set(draw(st.lists(st.floats(0.01, 19.9), min_size=n, max_size=n))))
    b = [0.0] + cuts + [np.inf if unbounded else 20.0]
    vals = draw(st.lists(st.floats(0, 1), min_size=len(b) - 1, max_size=len(b) - 1))
    return PiecewiseConstant(b, vals)


@given(curves(), st.sampled_from([0.05, 0.15, 0.4]))
def test_smoothed_argmin_is_the_minimum_over_all_centres(curve, h):
    alpha, value = smoothed_argmin(curve, h)
    cap = np.log1p(20.0)
    # no centre on a fine grid does better (the minimum lies at a kink: exact)
    u = np.linspace(0, cap, 801)
    dense = curve_u_window(curve, u, h, cap)
    assert value <= dense.min() + 1e-12
    assert 0.0 <= alpha <= 20.0
    assert value == pytest.approx(_window_mean_brute(curve, np.log1p(alpha), h, cap), abs=1e-3)


def curve_u_window(curve, u, h, cap):
    from dalgo.tuning.model_selection import log1p_curve

    return log1p_curve(curve).window_mean(u, h, upper=cap)


def test_smoothing_prefers_a_wide_dip_to_a_spike():
    spike = PiecewiseConstant([0, 4.0, 4.0001, 8, 12, 20], [0.5, 0.0, 0.5, 0.2, 0.5])
    exact = spike.argmin().intervals[0]
    assert exact == (4.0, 4.0001)
    alpha, _ = smoothed_argmin(spike, 0.15)
    assert 8 <= alpha <= 12
    lo, hi = plateau(spike, 0.15, 0.01)
    assert lo <= alpha <= hi


def test_smoothed_risk_stays_in_the_domain_of_an_unbounded_curve():
    c = PiecewiseConstant([0, 1, 30, np.inf], [0.3, 0.1, 0.2])
    alphas, values = smoothed_risk(c, 0.2)
    assert alphas.min() >= 0 and np.all(np.isfinite(alphas)) and np.all(values >= 0.1 - 1e-15)


def _results(values_per_instance, breakpoints):
    """Synthetic InstanceResults with given curve values (one β = 2)."""
    out = []
    for vals in values_per_instance:
        curve = PiecewiseConstant(breakpoints, vals)
        base = {label: {2.0: float(curve(min(a, breakpoints[-1])))} for label, a in
                (("0", 0.0), ("1", 1.0), ("2", 2.0), ("inf", np.inf))}
        out.append(InstanceResult(curves={2.0: curve}, baselines=base, n_leaves=3,
                                  n_clusters=3))
    return out


def test_cross_validation_equals_a_direct_computation():
    rng = np.random.default_rng(0)
    bp = [0.0, 1.5, 3.0, 7.0, np.inf]
    res = _results(rng.uniform(0, 1, size=(11, 4)), bp)
    cfg = TuneConfig(alpha_range=(0, np.inf))
    report = cross_validate(res, cfg, n_folds=4)
    folds = np.arange(11) % 4
    for i, cand in enumerate(report.candidates):
        for f in range(4):
            inside = [r.curve(2.0) for r, g in zip(res, folds) if g != f]
            alpha = cand.fit_alpha(PiecewiseConstant.mean(inside))
            for j in np.flatnonzero(folds == f):
                assert report.losses[i, j] == res[j].curve(2.0)(alpha)
    assert report.candidates[0].rule == "alpha=2" and report.candidates[0].beta == 2.0


def test_one_se_rule_keeps_kmeanspp_on_a_flat_landscape():
    rng = np.random.default_rng(1)
    bp = [0.0, 1.0, 2.5, 6.0, 20.0]
    noise = rng.normal(0, 0.05, size=(30, 4))
    res = _results(0.3 + noise, bp)
    out = summarize(res[:20], res[20:], TuneConfig(alpha_range=(0, 20)))
    assert out.selected_rule == "alpha=2" and out.alpha == 2.0
    assert "kept" in out.selection_reason
    assert out.cv_loss == pytest.approx(np.mean([r.curve(2.0)(2.0) for r in res[:20]]))


def test_a_clearly_better_region_is_selected():
    rng = np.random.default_rng(2)
    bp = [0.0, 1.0, 2.5, 6.0, 20.0]
    vals = np.array([0.3, 0.3, 0.3, 0.1]) + rng.normal(0, 0.02, size=(40, 4))
    res = _results(vals, bp)
    out = summarize(res[:25], res[25:], TuneConfig(alpha_range=(0, 20)))
    assert out.alpha >= 6.0
    assert "selected" in out.selection_reason
    assert out.comparisons["2"]["mean_diff"] > 0 and out.comparisons["2"]["p_value"] < 0.01
    assert "significantly better than k-means++" in out.table()
    # the exact rule on the same results is the paper's ERM
    exact = summarize(res[:25], res[25:], TuneConfig(alpha_range=(0, 20)), selection="exact")
    assert exact.selected_rule == "exact" and exact.alpha == pytest.approx(13.0)


def test_paired_comparisons_match_scipy():
    rng = np.random.default_rng(3)
    res = _results(rng.uniform(0, 1, size=(9, 2)), [0.0, 1.5, np.inf])
    comp = paired_comparisons(res, 5.0, 2.0)
    tuned = np.array([r.curve(2.0)(5.0) for r in res])
    base = np.array([r.baseline("0", 2.0) for r in res])
    assert comp["0"]["mean_diff"] == pytest.approx(np.mean(base - tuned))
    assert comp["0"]["p_value"] == pytest.approx(ttest_rel(base, tuned).pvalue)
    assert comp["inf"]["mean_diff"] == 0 and comp["inf"]["p_value"] == 1.0


def test_candidates_are_listed_simplest_first():
    cands = candidates(TuneConfig(alpha_range=(0, np.inf), betas=(1.0, 2.0)))
    assert (cands[0].rule, cands[0].beta) == ("alpha=2", 2.0)
    rules = [c.rule for c in cands if c.beta == 1.0]
    assert rules.index("alpha=inf") < rules.index("smooth(h=0.4)") < rules.index("exact")
    assert not any(c.fixed_alpha == np.inf for c in candidates(TuneConfig(alpha_range=(0, 5))))


def test_bad_selection_is_named():
    res = _results(np.ones((3, 2)), [0.0, 1.0, 5.0])
    with pytest.raises(InvalidParameterError, match="selection"):
        summarize(res, [], TuneConfig(alpha_range=(0, 5)), selection="best")
    one = summarize(res[:1], [], TuneConfig(alpha_range=(0, 5)))
    assert one.selected_rule == "exact" and "one training instance" in one.selection_reason


def test_groups_stay_in_one_fold_and_are_the_units():
    """Three z draws of each of 7 data sets: a data set's draws share a fold, and the
    report's losses are per data set (the mean of its draws' out-of-fold losses)."""
    rng = np.random.default_rng(3)
    bp = [0.0, 1.5, 3.0, 7.0, np.inf]
    res = _results(rng.uniform(0, 1, size=(21, 4)), bp)
    groups = [f"set{j}" for j in range(7) for _ in range(3)]
    cfg = TuneConfig(alpha_range=(0, np.inf))
    report = cross_validate(res, cfg, n_folds=3, groups=groups)
    assert report.losses.shape == (len(report.candidates), 7)
    fold_of_set = np.arange(7) % 3
    for i, cand in enumerate(report.candidates):
        for j in range(7):
            inside = [r.curve(2.0) for r, g in zip(res, groups)
                      if fold_of_set[int(g[3:])] != fold_of_set[j]]
            alpha = cand.fit_alpha(PiecewiseConstant.mean(inside))
            expected = np.mean([res[3 * j + d].curve(2.0)(alpha) for d in range(3)])
            assert report.losses[i, j] == pytest.approx(expected, abs=1e-15)
    # without groups the draws are split across folds: a different (leaky) estimate
    assert cross_validate(res, cfg, n_folds=3).losses.shape[1] == 21
    with pytest.raises(ValueError, match="groups has 20 entries"):
        cross_validate(res, cfg, groups=groups[:20])
    # one group only: summarize falls back to the exact ERM with a reason
    out = summarize(res, [], cfg, groups=["one"] * 21, uniform_bound=False)
    assert out.selected_rule == "exact" and "group" in out.selection_reason
    assert out.uniform_bound == {}


def test_one_se_rule_ranks_classical_members_by_loss_not_by_order():
    """k-means++ clearly beaten, α = 0 and α = ∞ both within one s.e. of the best: the rule
    takes the better of the two (∞), not the one listed first (0)."""
    rng = np.random.default_rng(4)
    bp = [0.0, 1.0, 2.5, 6.0, np.inf]        # pieces: α=0 | α=1,2 | … | α=∞
    vals = np.array([0.18, 0.4, 0.3, 0.12]) + rng.normal(0, 0.08, size=(30, 4))
    res = _results(np.clip(vals, 0, 1), bp)
    report = cross_validate(res, TuneConfig(alpha_range=(0, np.inf)))
    chosen = report.candidates[report.selected]
    means = report.losses.mean(axis=1)
    by_alpha = {c.fixed_alpha: i for i, c in enumerate(report.candidates)
                if c.fixed_alpha is not None}
    assert means[by_alpha[np.inf]] < means[by_alpha[0.0]]
    assert chosen.fixed_alpha == np.inf, report.reason
    assert "simplest kind" in report.reason


def test_one_se_rule_without_the_preference_for_simple_kinds_takes_the_lowest_cv_loss():
    """k-means++ clearly beaten; α = ∞ within one s.e. of a window ERM that is best: the
    default rule takes α = ∞ (simplest kind), ``simplest=False`` the window ERM."""
    cands = candidates(TuneConfig(alpha_range=(0, np.inf)))
    rng = np.random.default_rng(8)
    losses = 0.3 + rng.normal(0, 0.01, size=(len(cands), 40))
    inf = next(i for i, c in enumerate(cands) if c.fixed_alpha == np.inf)
    smooth = next(i for i, c in enumerate(cands) if c.half_width is not None)
    losses[0] += 0.05  # k-means++
    noise = rng.normal(0, 0.01, 40)
    losses[inf] = losses[smooth] + 0.0005 + noise - noise.mean()  # within one s.e.
    losses[smooth] -= 0.02
    losses[inf] -= 0.02
    report = CVReport(cands, losses, 0, smooth, "", 5)
    assert int(np.argmin(losses.mean(axis=1))) == smooth
    assert report.one_se() == inf
    assert report.one_se(simplest=False) == smooth
    out = report.select(guard_se=None, simplest=False)
    assert out.index == smooth and "the lowest 5-fold cv loss" in out.reason
    with pytest.raises(InvalidParameterError, match="simplest must be True or False; got 'no'"):
        report.select(simplest="no")


def _one_se_brute(cands, losses, n_se, simplest=True):
    """The one-s.e. rule written out directly (for the nested brute force)."""
    means = losses.mean(axis=1)
    best = int(np.argmin(means))
    n = losses.shape[1]

    def within(i):
        d = losses[i] - losses[best]
        se = d.std(ddof=1) / np.sqrt(n)
        return d.mean() <= n_se * se

    if within(0):
        return 0
    if not simplest:
        return best
    ok = [i for i in range(len(cands)) if within(i)]
    kind = min(cands[i].complexity for i in ok)
    return min((i for i in ok if cands[i].complexity == kind), key=lambda i: (means[i], i))


@pytest.mark.parametrize("simplest", [True, False])
@pytest.mark.parametrize("n_se", [0.5, 1.0])
def test_nested_cross_validation_equals_a_brute_force_recomputation(n_se, simplest):
    """Outer fold f: the one-s.e. rule on the (K − 1)-fold cross-validation of the other
    folds, its choice fitted on all folds but f and scored on f — recomputed from scratch."""
    rng = np.random.default_rng(5)
    bp = [0.0, 1.0, 2.5, 6.0, np.inf]
    vals = np.array([0.3, 0.3, 0.27, 0.25]) + rng.normal(0, 0.04, size=(13, 4))
    res = _results(vals, bp)
    cfg = TuneConfig(alpha_range=(0, np.inf))
    K = 4
    report = cross_validate(res, cfg, n_folds=K, n_se=n_se)
    cands = report.candidates
    folds = np.arange(13) % K
    mean_of = lambda keep: PiecewiseConstant.mean([r.curve(2.0) for r, g in zip(res, folds)  # noqa: E731
                                                   if g in keep])
    nested = np.empty(13)
    for f in range(K):
        others = [g for g in range(K) if g != f]
        units = np.flatnonzero(folds != f)
        inner = np.empty((len(cands), units.size))
        for g in others:
            curve = mean_of([h for h in others if h != g])
            for i, c in enumerate(cands):
                a = c.fit_alpha(curve)
                for col, u in enumerate(units):
                    if folds[u] == g:
                        inner[i, col] = res[u].curve(2.0)(a)
        np.testing.assert_array_equal(inner, report.inner_losses[f][:, units])
        choice = _one_se_brute(cands, inner, n_se, simplest)
        assert choice == report.nested_choices(n_se, simplest)[f]
        a = cands[choice].fit_alpha(mean_of(others))
        for u in np.flatnonzero(folds == f):
            nested[u] = res[u].curve(2.0)(a)
    np.testing.assert_array_equal(nested, report.nested_losses(n_se, simplest))
    # the guard: k-means++ replaced only if the nested paired gain exceeds guard_se s.e.
    gain, gain_se = np.mean(report.losses[0] - nested), np.std(report.losses[0] - nested,
                                                              ddof=1) / np.sqrt(13)
    for guard_se in (0.0, 1.0, 2.0, 5.0):
        out = report.select(n_se, guard_se, simplest)
        unguarded = _one_se_brute(cands, report.losses, n_se, simplest)
        if unguarded == 0:
            assert out.index == 0 and not out.guarded
        elif gain > guard_se * gain_se:
            assert out.index == unguarded and "Confirmed" in out.reason
            assert (out.cv_loss, out.nested_gain) == pytest.approx((nested.mean(), gain))
        else:
            assert out.index == 0 and out.guarded and "nested check" in out.reason
            assert out.cv_loss == pytest.approx(report.losses[0].mean())
    # no guard: the one-s.e. rule alone, with the winner's own cv loss
    old = report.select(n_se, None, simplest)
    assert old.index == _one_se_brute(cands, report.losses, n_se, simplest)
    assert old.cv_loss == pytest.approx(report.losses[old.index].mean())


def test_nested_cross_validation_with_groups_uses_group_folds():
    rng = np.random.default_rng(6)
    bp = [0.0, 1.0, 2.5, 6.0, np.inf]
    res = _results(rng.uniform(0, 1, size=(18, 4)), bp)
    groups = [f"set{j}" for j in range(6) for _ in range(3)]
    report = cross_validate(res, TuneConfig(alpha_range=(0, np.inf)), n_folds=3, groups=groups)
    assert report.inner_losses.shape == (3, len(report.candidates), 6)
    # fitted without folds 0 and 1 (data sets 2 and 5), scored on data set 1 (fold 1) for f = 0
    keep = [r.curve(2.0) for r, g in zip(res, groups) if int(g[3:]) % 3 == 2]
    for i, c in enumerate(report.candidates):
        a = c.fit_alpha(PiecewiseConstant.mean(keep))
        expected = np.mean([res[3 + d].curve(2.0)(a) for d in range(3)])
        assert report.inner_losses[0, i, 1] == pytest.approx(expected, abs=1e-15)
    assert np.all(np.isnan(report.inner_losses[0][:, [0, 3]]))
    # two groups: no nested check possible; the guard keeps the default member
    two = cross_validate(res[:6], TuneConfig(alpha_range=(0, np.inf)),
                         groups=["a"] * 3 + ["b"] * 3)
    assert two.inner_losses is None and two.selected == 0
    assert ("too few" in two.reason) == (two.one_se() != 0)
    # and summarize reports the guarded outcome: its choice, reason and estimate
    out = summarize(res, [], TuneConfig(alpha_range=(0, np.inf)), groups=groups,
                    uniform_bound=False, n_folds=3)
    assert out.selection_reason == report.outcome.reason
    assert (out.cv_loss, out.cv_se) == (report.outcome.cv_loss, report.outcome.cv_se)


_FLAT_BP = [0.0, 0.5, 1.0, 1.5, 2.5, 4.0, 7.0, 12.0, np.inf]


def _keep_rates(shift, n_sets, m=30):
    cfg = TuneConfig(alpha_range=(0, np.inf))
    one_se = guard = 0
    for s in range(n_sets):
        rng = np.random.default_rng(s)
        report = cross_validate(_results(0.3 + shift + rng.normal(0, 0.05, size=(m, 8)),
                                         _FLAT_BP), cfg)
        one_se += report.select(1.0, None).index == 0
        guard += report.selected == 0
    return one_se / n_sets, guard / n_sets


def test_guard_keeps_kmeanspp_on_flat_curves():
    """Eight pieces, i.i.d. noise, no real difference (m = 30, 100 training sets, seeds
    0–99): the one-s.e. rule alone keeps k-means++ in 55 % of the sets, the nested guard in
    88 % (measured; a broken guard falls to the one-s.e. rule's rate)."""
    one_se, guard = _keep_rates(np.zeros(8), 100)
    assert one_se <= 0.7
    assert guard >= 0.8


def test_guard_lets_a_clear_gain_through():
    """α ≥ 4 better by 0.04 (0.8 noise s.d.; m = 30, 60 sets): the guard keeps k-means++ in
    at most a tenth of the sets (measured: 5 % of 200 sets)."""
    shift = np.array([0, 0, 0, 0, 0, -0.04, -0.04, -0.04])
    _, guard = _keep_rates(shift, 60)
    assert guard <= 0.1


def test_reason_says_what_would_give_the_selection_power_when_it_keeps_kmeanspp():
    """When the guard overrules the one-s.e. rule, or the one-s.e. rule keeps k-means++
    although another candidate had the lower cv loss, the reason names the two levers (more
    instances, more seeding draws) with the numbers of this run; not with groups, and not
    when k-means++ had the lowest cv loss itself."""
    cfg = TuneConfig(alpha_range=(0, np.inf))
    guarded = led = best = None
    for s in range(60):  # flat curves: the guard overrules the one-s.e. rule in ~1/3 of sets
        rng = np.random.default_rng(s)
        res = _results(0.3 + rng.normal(0, 0.05, size=(30, 8)), _FLAT_BP)
        report = cross_validate(res, cfg)
        outcome = report.outcome
        if outcome.guarded and guarded is None:
            guarded = res
        if outcome.index == 0 and not outcome.guarded:
            if report.best != 0 and led is None:
                led = res
            if report.best == 0 and best is None:
                best = res
    assert guarded is not None and led is not None and best is not None
    reason = summarize(guarded, [], cfg, uniform_bound=False).selection_reason
    assert "nested check" in reason
    assert reason.endswith("With 30 training instances of one seeding draw each, more "
                           "instances or more draws per instance (n_draws; e.g. n_draws=2: "
                           "60 exact training curves, the default `dalgo tune` computes 60; "
                           "n_draws='auto' picks it) would give the check more power.")
    with_draws = TuneConfig(alpha_range=(0, np.inf), n_draws=4)
    reason4 = summarize(guarded, [], with_draws, uniform_bound=False).selection_reason
    assert reason4.endswith("of 4 seeding draws each, more instances or more draws per "
                            "instance (n_draws) would give the check more power.")
    groups = [i // 2 for i in range(30)]
    assert "n_draws" not in summarize(guarded, [], cfg, groups=groups, uniform_bound=False
                                      ).selection_reason
    reason = summarize(led, [], cfg, uniform_bound=False).selection_reason
    assert "no candidate is better by more than one paired s.e." in reason
    assert reason.endswith("(n_draws; e.g. n_draws=2: 60 exact training curves, the default "
                           "`dalgo tune` computes 60; n_draws='auto' picks it) would give the "
                           "comparison more power.")
    assert "n_draws" not in summarize(best, [], cfg, uniform_bound=False).selection_reason
    # α-linkage is deterministic: only more instances can help
    linkage = TuneConfig(family="linkage-minmax", alpha_range=(0.0, 1.0))
    assert _power_hint(linkage, 30, None) == (" With 30 training instances, more would give "
                                              "the check more power.")


@pytest.mark.parametrize("m, n_draws, suggested", [(10, 1, 6), (20, 1, 3), (30, 1, 2),
                                                   (25, 1, 3), (7, 1, 8), (3, 1, 8),
                                                   (20, 2, 3), (10, 4, 6)])
def test_power_hint_suggests_the_draws_that_cost_what_the_main_job_costs(m, n_draws,
                                                                        suggested):
    # the main job computes 60 one-draw training curves; a smaller training set is pointed
    # at ceil(60 / m) draws, never more than 8 (docs/results.md §10)
    hint = _power_hint(TuneConfig(alpha_range=(0, np.inf), n_draws=n_draws), m, None)
    assert f"e.g. n_draws={suggested}: {m * suggested} exact training curves" in hint
    assert "n_draws='auto' picks it" in hint


@pytest.mark.parametrize("m, n_draws", [(60, 1), (100, 1), (30, 2), (20, 3), (5, 8)])
def test_power_hint_names_no_number_at_or_above_the_main_jobs_budget(m, n_draws):
    hint = _power_hint(TuneConfig(alpha_range=(0, np.inf), n_draws=n_draws), m, None)
    assert hint.endswith("(n_draws) would give the check more power.")


def test_guard_check_is_the_paired_t_statistic_against_guard_se():
    """The gain over its paired s.e. is scipy's paired t statistic; the check passes exactly
    when that statistic exceeds ``guard_se``; unpaired input is refused by name."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        default = rng.uniform(0.2, 0.6, size=12)
        procedure = default - rng.normal(0.01, 0.03, size=12)
        t = ttest_rel(default, procedure).statistic
        for guard_se in (0.0, 1.0, 2.0):
            passed, gain, gain_se = guard_check(default, procedure, guard_se)
            assert gain / gain_se == pytest.approx(t)
            assert gain == pytest.approx(np.mean(default - procedure))
            assert passed == (t > guard_se)
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(4,\)"):
        guard_check([0.1, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4])
