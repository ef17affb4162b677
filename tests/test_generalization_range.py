"""The certified range of the Hamming loss and the bounds with a range H < 1: the range is
never exceeded and is attained; the self-bounding conditions at half the range, checked by
brute force over every sign vector; every term of the bound scales with H; the bound holds on
families of range H < 1 whose expectation is known."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalgo import PiecewiseConstant
from dalgo._validation import InvalidParameterError
from dalgo.generalization import (
    rademacher_bound_from_draws,
    rademacher_complexity_bound,
    rademacher_draws,
)
from dalgo.losses import hamming_loss, hamming_loss_range


@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 60), st.integers(0, 2**16))
def test_hamming_loss_never_exceeds_its_range(k, c, n, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, c, size=n)
    y_pred = rng.integers(0, k, size=n)
    assert hamming_loss(y_true, y_pred) <= hamming_loss_range(k, c)


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**16))
def test_hamming_loss_range_is_attained_by_a_uniform_table(k, c, t, seed):
    """t points in every (class, cluster) cell: every matching agrees on min(k, c) t of the
    k c t points, so the loss is exactly 1 − 1/max(k, c) — the same float."""
    y_true, y_pred = (np.repeat(a.ravel(), t) for a in np.meshgrid(np.arange(c), np.arange(k)))
    perm = np.random.default_rng(seed).permutation(y_true.size)
    assert hamming_loss(y_true[perm], y_pred[perm]) == hamming_loss_range(k, c)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 40), st.integers(0, 2**16))
def test_adversarial_labellings_stay_within_the_range(k, c, n, seed):
    """Labellings built to spread every class over every cluster (the diagonal pattern of the
    proof, shifted), the hardest case for the matching."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, c, size=n)
    y_pred = (y_true + np.arange(n)) % k
    assert hamming_loss(y_true, y_pred) <= hamming_loss_range(k, c)


def test_hamming_loss_range_values_and_validation():
    assert hamming_loss_range(5, 5) == 0.8
    assert hamming_loss_range(4, 4) == 0.75
    assert hamming_loss_range(2, 7) == hamming_loss_range(7, 2) == 6 / 7
    assert hamming_loss_range(1, 1) == 0.0
    with pytest.raises(InvalidParameterError, match="n_clusters"):
        hamming_loss_range(0, 3)
    with pytest.raises(InvalidParameterError, match="n_classes"):
        hamming_loss_range(3, 2.5)


def _rademacher_average(values):
    """E_σ max_j Σ_i σ_i values[i, j] over all 2^m sign vectors (m = rows), exactly."""
    m = values.shape[0]
    if m == 0:
        return 0.0
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=m)))
    return float(np.mean(np.max(signs @ values, axis=1)))


@given(st.integers(1, 6), st.integers(1, 5), st.floats(0.1, 1.0), st.integers(0, 2**16))
def test_rademacher_average_is_self_bounding_at_half_the_range(m, n_alpha, H, seed):
    """Z = m R̂ / (H/2) for values in [0, H]: 0 <= Z − Z_i <= 1 and Σ_i (Z − Z_i) <= Z, with
    Z_i the average without instance i — computed over every sign vector."""
    rng = np.random.default_rng(seed)
    values = rng.choice([0.0, H, rng.uniform(0, H)], size=(m, n_alpha))
    z = _rademacher_average(values) / (H / 2)
    drops = np.array([z - _rademacher_average(np.delete(values, i, axis=0)) / (H / 2)
                      for i in range(m)])
    assert np.all(drops >= -1e-12)
    assert np.all(drops <= 1.0 + 1e-12)
    assert drops.sum() <= z + 1e-12


def test_half_the_range_is_attained():
    """One instance whose loss is 0 at one α and H at another: Z − Z_1 = 1 exactly, so the
    self-bounding scale H/2 cannot be lowered."""
    H = 0.8
    assert _rademacher_average(np.array([[0.0, H]])) / (H / 2) == pytest.approx(1.0)


def _threshold_curves(m, rng, H):
    """f_i(α) = H · 1[α < U_i], U_i ~ Uniform(0, 1): range exactly [0, H], E f(α) = H (1 − α)."""
    return [PiecewiseConstant([0.0, u, 1.0], [H, 0.0]) for u in rng.uniform(0, 1, m)]


def _deviations(curves, H):
    """Exact sup_α of (E f − mean f) and of |E f − mean f| for :func:`_threshold_curves`."""
    mean = PiecewiseConstant.mean(curves)
    b, v = mean.breakpoints, mean.values
    ends = np.concatenate([H * (1.0 - b[:-1]), H * (1.0 - b[1:])])
    gap = ends - np.concatenate([v, v])
    return float(gap.max()), float(np.abs(gap).max())


@pytest.mark.parametrize("m", [25, 100, 400])
def test_bound_holds_on_a_family_of_range_below_one(m):
    """The protocol's ranges (0.75, 0.8): the bound at that H, both sides and the one-sided
    form, on 20 samples each of a family that attains both ends of its range."""
    failures = 0
    for H in (0.75, 0.8):
        for seed in range(20):
            curves = _threshold_curves(m, np.random.default_rng(2000 + seed), H)
            draws = rademacher_draws(curves, 400, random_state=seed)
            upper_dev, abs_dev = _deviations(curves, H)
            two = rademacher_bound_from_draws(draws, m, H=H)
            one = rademacher_bound_from_draws(draws, m, H=H, sides="upper")
            failures += (abs_dev > two["bound"]) + (upper_dev > one["bound"])
            assert two["bound"] < rademacher_bound_from_draws(draws, m, H=1.0)["bound"]
    assert failures == 0


@pytest.mark.parametrize("concentration", ["adaptive", "self-bounding", "mcdiarmid"])
@pytest.mark.parametrize("sides", ["two-sided", "upper"])
@pytest.mark.parametrize("m", [5, 50, 300])
def test_every_term_scales_with_the_range(m, concentration, sides):
    """Scaling the losses and H by the same factor scales every term of the bound by it: no
    term is tied to H = 1 (bounded differences H/m, the self-bounding scale H/2, the
    empirical Bernstein range, the clamp of R̂ at H/2)."""
    curves = _threshold_curves(m, np.random.default_rng(m), 1.0)
    draws = rademacher_draws(curves, 300, random_state=0)
    base = rademacher_bound_from_draws(draws, m, concentration=concentration, sides=sides)
    for H in (0.8, 0.25):
        scaled = rademacher_bound_from_draws(H * draws, m, H=H, concentration=concentration,
                                             sides=sides)
        for key in ("bound", "rademacher", "rademacher_upper", "complexity_term", "mc_term",
                    "rademacher_step", "deviation_step"):
            assert scaled[key] == pytest.approx(H * base[key], rel=1e-9, abs=1e-15), key


def test_curves_outside_the_stated_range_are_refused():
    curves = _threshold_curves(10, np.random.default_rng(0), 0.8)
    assert rademacher_complexity_bound(curves, H=0.8, n_draws=50, random_state=0)["H"] == 0.8
    with pytest.raises(ValueError, match=r"outside \[0, H=0.75\]"):
        rademacher_complexity_bound(curves, H=0.75, n_draws=50)
    with pytest.raises(ValueError, match="H"):
        rademacher_complexity_bound(curves, H=True)
