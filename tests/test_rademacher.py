"""The exact empirical Rademacher complexity: sup against brute force over every piece, the
bound against families whose expectation is known, and Massart's lemma above it."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalgo import PiecewiseConstant
from dalgo._validation import InvalidParameterError
from dalgo.generalization import (
    empirical_bernstein_term,
    empirical_rademacher,
    massart_bound,
    merged_pieces,
    rademacher_bound_from_draws,
    rademacher_complexity_bound,
    rademacher_draws,
    rademacher_sup,
    rademacher_uniform_bound,
    self_bounding_rademacher_upper,
)


def _brute_sup(curves, signs):
    """max over the pieces of the common refinement of |Σ σ_i f_i| / m."""
    b, values = PiecewiseConstant.stack(curves)
    return float(np.max(np.abs(np.asarray(signs) @ values))) / len(curves)


@st.composite
def curve_sets(draw):
    m = draw(st.integers(1, 8))
    unbounded = draw(st.booleans())
    out = []
    for _ in range(m):
        cuts = sorted(set(draw(st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.5, 3.0, 4.5]),
                                        max_size=5))))
        b = [0.0] + cuts + [np.inf if unbounded else 5.0]
        vals = draw(st.lists(st.floats(0, 1), min_size=len(b) - 1, max_size=len(b) - 1))
        out.append(PiecewiseConstant(b, vals))
    return out


@given(curve_sets(), st.integers(0, 2**16))
def test_sup_equals_brute_force_over_every_piece(curves, seed):
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(4, len(curves)))
    got = rademacher_sup(curves, signs)
    for d in range(4):
        # shared breakpoints (the sampled_from cuts) exercise jumps at equal positions
        assert got[d] == pytest.approx(_brute_sup(curves, signs[d]), abs=1e-12)
    assert rademacher_sup(curves, signs[0]) == got[0]


def test_sup_is_deterministic_and_validates_signs():
    rng = np.random.default_rng(0)
    curves = [PiecewiseConstant([0, u, 3], [0.2, 0.7]) for u in rng.uniform(0, 3, 30)]
    a = empirical_rademacher(curves, n_draws=64, random_state=1)
    b = empirical_rademacher(curves, n_draws=64, random_state=1)
    assert a == b
    with pytest.raises(ValueError, match="signs"):
        rademacher_sup(curves, np.ones(29))
    with pytest.raises(ValueError, match="domain"):
        rademacher_sup([curves[0], PiecewiseConstant([0, 4], [0.1])], [1, 1])


def _threshold_family(m, rng):
    """f_i(α) = 1[α < U_i], U_i ~ Uniform(0, 1): E f(α) = 1 − α on [0, 1]."""
    return [PiecewiseConstant([0.0, u, 1.0], [1.0, 0.0]) for u in rng.uniform(0, 1, m)]


def _sup_deviation_from_expectation(curves):
    """Exact sup_α |mean_i f_i(α) − (1 − α)|: at the jumps, from both sides."""
    mean = PiecewiseConstant.mean(curves)
    b, v = mean.breakpoints, mean.values
    left = np.abs(v - (1.0 - b[:-1]))          # start of each piece
    right = np.abs(v - (1.0 - b[1:]))          # end of each piece (limit from the left)
    return float(max(left.max(), right.max()))


@pytest.mark.parametrize("m", [25, 100, 400])
def test_bound_holds_where_the_expectation_is_known(m):
    failures = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        curves = _threshold_family(m, rng)
        bound = rademacher_complexity_bound(curves, n_draws=200, random_state=seed)
        failures += _sup_deviation_from_expectation(curves) > bound["bound"]
        assert bound["bound"] == pytest.approx(bound["complexity_term"] + bound["mc_term"]
                                               + bound["confidence_term"])
    assert failures == 0  # δ = 0.05 allows one in twenty; the bound is loose enough for none


@pytest.mark.parametrize("m", [50, 200])
def test_massart_is_above_the_exact_complexity(m):
    rng = np.random.default_rng(m)
    curves = _threshold_family(m, rng)
    r, se = empirical_rademacher(curves, n_draws=400, random_state=0)
    n = merged_pieces(curves)
    # with the absolute value the finite class is the N vectors and their negatives
    assert r <= massart_bound(2 * n, m) + 4 * se
    new = rademacher_complexity_bound(curves, n_draws=400, random_state=0)["bound"]
    assert new < rademacher_uniform_bound(n, m)


@given(curve_sets(), st.integers(0, 2**16))
def test_signed_sup_without_absolute_value_equals_brute_force(curves, seed):
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(3, len(curves)))
    b, values = PiecewiseConstant.stack(curves)
    got = rademacher_sup(curves, signs, absolute=False)
    centred = rademacher_sup(curves, signs, absolute=False, centered=True)
    for d in range(3):
        assert got[d] == pytest.approx(float(np.max(signs[d] @ values)) / len(curves),
                                       abs=1e-12)
        shifted = signs[d] @ (values - values[:, :1])
        assert centred[d] == pytest.approx(float(np.max(shifted)) / len(curves), abs=1e-12)
        assert -1e-12 <= centred[d] <= 1.0 + 1e-12  # H = 1: each centred draw in [0, H]


def test_centring_leaves_the_expectation_and_removes_an_offset():
    """A constant offset of every loss adds only sign noise: the centred estimate ignores it."""
    rng = np.random.default_rng(5)
    base = _threshold_family(200, rng)
    shifted = [PiecewiseConstant(c.breakpoints, 0.5 * c.values + 0.4) for c in base]
    r_base, _ = empirical_rademacher([PiecewiseConstant(c.breakpoints, 0.5 * c.values)
                                      for c in base], n_draws=500, random_state=1)
    r_shift, _ = empirical_rademacher(shifted, n_draws=500, random_state=1)
    assert r_shift == pytest.approx(r_base, abs=1e-12)
    r_abs, _ = empirical_rademacher(shifted, n_draws=500, random_state=1, absolute=True)
    assert r_abs > r_shift + 0.01


def test_bad_range_and_window_are_named():
    curves = [PiecewiseConstant([0, 1, 2], [0.1, 0.3])] * 3
    with pytest.raises(ValueError, match="H"):
        rademacher_complexity_bound(curves, H=0.0)
    with pytest.raises(ValueError, match="half_width"):
        curves[0].window_mean([0.5], 0.0)


def _deviations_from_expectation(curves, scale=1.0, offset=0.0):
    """Exact sup_α of (E f − mean f) and of |E f − mean f| for
    f_i = offset + scale · 1[α < U_i], U_i ~ Uniform(0, 1), whose expectation is
    offset + scale (1 − α) on [0, 1]."""
    mean = PiecewiseConstant.mean(curves)
    b, v = mean.breakpoints, mean.values
    ends = np.concatenate([offset + scale * (1.0 - b[:-1]), offset + scale * (1.0 - b[1:])])
    gap = ends - np.concatenate([v, v])        # E f − mean f at both ends of every piece
    return float(gap.max()), float(np.abs(gap).max())


@pytest.mark.parametrize("scale, offset", [(1.0, 0.0), (0.08, 0.6)])
@pytest.mark.parametrize("m", [25, 100, 400])
def test_sharper_bounds_hold_where_the_expectation_is_known(m, scale, offset):
    """Both sides, and the one-sided form, on a full-range family and on a low-variance one
    (CIFAR-10-like: losses near 0.6 that move by 0.08), 20 samples each."""
    failures = 0
    for seed in range(20):
        rng = np.random.default_rng(1000 + seed)
        curves = [PiecewiseConstant(c.breakpoints, offset + scale * c.values)
                  for c in _threshold_family(m, rng)]
        draws = rademacher_draws(curves, 400, random_state=seed)
        upper_dev, abs_dev = _deviations_from_expectation(curves, scale, offset)
        two = rademacher_bound_from_draws(draws, m)
        one = rademacher_bound_from_draws(draws, m, sides="upper")
        failures += (abs_dev > two["bound"]) + (upper_dev > one["bound"])
        assert one["bound"] < two["bound"]
        for b in (one, two):
            assert b["bound"] == pytest.approx(b["complexity_term"] + b["mc_term"]
                                               + b["confidence_term"])
            assert b["confidence_term"] == pytest.approx(b["rademacher_step"]
                                                         + b["deviation_step"])
    assert failures == 0


@pytest.mark.parametrize("m", [5, 20, 50, 200, 500])
def test_adaptive_bound_is_below_the_textbook_one_on_the_same_draws(m):
    curves = [PiecewiseConstant(c.breakpoints, 0.2 * c.values)
              for c in _threshold_family(m, np.random.default_rng(m))]
    draws = rademacher_draws(curves, 1000, random_state=0)
    sharp = rademacher_bound_from_draws(draws, m)
    textbook = rademacher_bound_from_draws(draws, m, concentration="mcdiarmid")
    self_bounding = rademacher_bound_from_draws(draws, m, concentration="self-bounding")
    assert sharp["rademacher"] == textbook["rademacher"]
    assert sharp["mc_term"] < textbook["mc_term"]
    assert sharp["bound"] < textbook["bound"] < rademacher_uniform_bound(merged_pieces(curves), m)
    # the self-bounding step alone loses to the textbook chain at m = 5 and wins from m = 20;
    # the adaptive step takes McDiarmid's at small m and the self-bounding one at large m
    assert (self_bounding["bound"] < textbook["bound"]) == (m >= 20)
    assert sharp["bound"] <= self_bounding["bound"]
    assert (sharp["bound"] == self_bounding["bound"]) == (m >= 200)
    # the default of rademacher_complexity_bound is the sharper chain
    assert rademacher_complexity_bound(curves, n_draws=1000, random_state=0) == sharp


def test_self_bounding_step_covers_the_expected_complexity():
    """R_m = E R̂_m (estimated from 300 samples) lies below the self-bounding upper bound
    computed from one sample's R̂_m in at least 1 − δ of the samples — and a step that
    adds nothing (R̂_m itself) fails about half the time, so the check has power."""
    m, delta, n_samples = 40, 0.05, 300
    r_hats = []
    for seed in range(n_samples):
        curves = [PiecewiseConstant(c.breakpoints, 0.3 * c.values)
                  for c in _threshold_family(m, np.random.default_rng(seed))]
        r_hats.append(empirical_rademacher(curves, n_draws=300, random_state=seed)[0])
    r_hats = np.array(r_hats)
    expected = r_hats.mean()
    covered = [self_bounding_rademacher_upper(r, m, delta) >= expected for r in r_hats]
    assert np.mean(covered) >= 1 - delta
    assert 0.25 < np.mean(r_hats >= expected) < 0.75


def test_empirical_bernstein_covers_the_mean_and_beats_hoeffding_on_low_spread():
    rng = np.random.default_rng(3)
    delta, n, true_mean = 0.05, 300, 2.0 / 52.0       # Beta(2, 50)
    misses = 0
    for _ in range(2000):
        x = rng.beta(2.0, 50.0, size=n)
        misses += true_mean > x.mean() + empirical_bernstein_term(x, delta)
    assert misses / 2000 <= delta
    assert empirical_bernstein_term(x, delta) < np.sqrt(np.log(1 / delta) / (2 * n))
    with pytest.raises(ValueError, match="at least 2"):
        empirical_bernstein_term([0.5], delta)


def test_bad_bound_options_are_named():
    curves = _threshold_family(10, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="concentration"):
        rademacher_complexity_bound(curves, concentration="bernstein")
    with pytest.raises(InvalidParameterError, match="sides"):
        rademacher_complexity_bound(curves, sides="lower")
    with pytest.raises(ValueError, match=r"\[0, H"):
        rademacher_bound_from_draws([0.5, 1.5], 10)
