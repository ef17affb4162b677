"""Generalization bounds (docs/conventions.md): formulas by hand, exact uniform deviation,
monotonicity."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dalgo import PiecewiseConstant
from dalgo.generalization import (
    apriori_uniform_bound,
    distance_ratio,
    expected_leaves_bound,
    finite_grid_bound,
    massart_bound,
    merged_pieces,
    rademacher_uniform_bound,
    samples_needed,
    uniform_deviation,
)

# ---------------------------------------------------------------------------
# formulas against hand computation
# ---------------------------------------------------------------------------


def test_massart_by_hand():
    # H sqrt(2 ln N / m)
    assert massart_bound(100, 50) == pytest.approx(math.sqrt(2 * math.log(100) / 50), rel=1e-15)
    assert massart_bound(100, 50, H=3.0) == pytest.approx(3 * math.sqrt(2 * math.log(100) / 50))
    assert massart_bound(1, 10) == 0.0  # one piece: the loss vector takes one value


def test_rademacher_uniform_bound_by_hand():
    N, m, H, delta = 1000, 200, 1.0, 0.05
    want = 2 * H * math.sqrt(2 * math.log(N) / m) + 3 * H * math.sqrt(math.log(4 / delta) / (2 * m))
    assert rademacher_uniform_bound(N, m, H=H, delta=delta) == pytest.approx(want, rel=1e-14)
    assert round(rademacher_uniform_bound(1000, 200), 4) == 0.8397  # the docstring value
    want2 = 2 * 0.5 * math.sqrt(2 * math.log(37) / 12) + 3 * 0.5 * math.sqrt(
        math.log(4 / 0.1) / 24)
    assert rademacher_uniform_bound(37, 12, H=0.5, delta=0.1) == pytest.approx(want2, rel=1e-14)


def test_expected_leaves_bound_by_hand():
    # 1 + (k - 1) n (hi - lo) ln R
    assert expected_leaves_bound(500, 5, 0.0, 20.0, math.e) == 40001.0
    assert expected_leaves_bound(250, 3, 2.0, 7.0, 10.0) == pytest.approx(
        1 + 2 * 250 * 5 * math.log(10.0), rel=1e-15)
    assert expected_leaves_bound(100, 1, 0.0, 20.0, 50.0) == 1.0  # k = 1: one leaf
    assert expected_leaves_bound(100, 4, 0.0, 20.0, 1.0) == 1.0  # all distances equal
    assert expected_leaves_bound(100, 4, 0.0, np.inf, 2.0) == np.inf
    with pytest.raises(ValueError, match="R"):
        expected_leaves_bound(100, 4, 0.0, 1.0, 0.5)


def test_apriori_bound_by_hand():
    m, n, k, lo, hi, R, H, delta = 100, 500, 5, 0.0, 20.0, 30.0, 1.0, 0.05
    B = 1 + (k - 1) * n * (hi - lo) * math.log(R)
    N = 2 * m * B / delta
    want = 2 * H * math.sqrt(2 * math.log(N) / m) + 3 * H * math.sqrt(
        math.log(8 / delta) / (2 * m))
    assert apriori_uniform_bound(m, n, k, lo, hi, R, H=H, delta=delta) == pytest.approx(
        want, rel=1e-14)
    with pytest.raises(ValueError, match="finite"):
        apriori_uniform_bound(m, n, k, 0.0, np.inf, R)


def test_finite_grid_bound_by_hand():
    assert finite_grid_bound(10, 100) == pytest.approx(
        math.sqrt(math.log(2 * 10 / 0.05) / 200), rel=1e-15)
    assert round(finite_grid_bound(10, 100), 4) == 0.1731
    assert finite_grid_bound(4, 9, H=2.0, delta=0.5) == pytest.approx(
        2 * math.sqrt(math.log(16) / 18), rel=1e-15)


def test_distance_ratio():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [0.0, 3.0]])
    # positive distances: 1, 3, sqrt(10) (and duplicates at 0 are ignored)
    assert distance_ratio(X) == pytest.approx(math.sqrt(10.0), rel=1e-15)
    with pytest.raises(ValueError, match="distinct"):
        distance_ratio(np.ones((3, 2)))


def test_samples_needed_is_the_smallest_m():
    for eps, per in ((0.5, 100), (0.3, 1000), (0.8, 10)):
        m = samples_needed(eps, per)

        def bound(mm, per=per):
            return rademacher_uniform_bound(max(1.0, mm * per), mm)

        assert bound(m) <= eps
        assert m == 1 or bound(m - 1) > eps
    with pytest.raises(ValueError, match="more than"):
        samples_needed(1e-6, 1000, m_max=1000)


@pytest.mark.parametrize("call", [
    lambda: massart_bound(10, 0),
    lambda: massart_bound(10, 2.5),
    lambda: massart_bound(0, 10),
    lambda: rademacher_uniform_bound(10, 10, delta=0.0),
    lambda: rademacher_uniform_bound(10, 10, delta=1.0),
    lambda: finite_grid_bound(0, 10),
    lambda: finite_grid_bound(5, -1),
])
def test_bad_arguments(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------------------
# monotonicity
# ---------------------------------------------------------------------------


def test_bounds_decrease_with_m_and_increase_with_N():
    ms = [5, 10, 50, 100, 1000, 10**5]
    for N in (2, 50, 10**4):
        vals = [rademacher_uniform_bound(N, m) for m in ms]
        assert all(a > b for a, b in zip(vals, vals[1:]))
    Ns = [1, 2, 10, 1000, 10**6, 10**12]
    for m in (10, 200):
        vals = [rademacher_uniform_bound(N, m) for N in Ns]
        assert all(a < b for a, b in zip(vals, vals[1:]))
        vals = [massart_bound(N, m) for N in Ns]
        assert all(a < b for a, b in zip(vals, vals[1:]))
    # smaller delta, larger bound; larger H scales linearly
    assert rademacher_uniform_bound(100, 50, delta=0.01) > rademacher_uniform_bound(
        100, 50, delta=0.1)
    assert rademacher_uniform_bound(100, 50, H=2.0) == pytest.approx(
        2 * rademacher_uniform_bound(100, 50))
    grid = [finite_grid_bound(g, 100) for g in (1, 10, 100, 10**6)]
    assert all(a < b for a, b in zip(grid, grid[1:]))
    assert finite_grid_bound(10, 100) > finite_grid_bound(10, 1000)


def test_expected_leaves_bound_is_monotone():
    base = dict(n_samples=500, n_clusters=5, alpha_lo=0.0, alpha_hi=20.0, R=40.0)
    b0 = expected_leaves_bound(**base)
    assert expected_leaves_bound(**{**base, "n_samples": 1000}) > b0
    assert expected_leaves_bound(**{**base, "n_clusters": 10}) > b0
    assert expected_leaves_bound(**{**base, "alpha_hi": 50.0}) > b0
    assert expected_leaves_bound(**{**base, "R": 400.0}) > b0
    assert expected_leaves_bound(**{**base, "alpha_lo": 5.0}) < b0
    ms = [10, 100, 1000]
    vals = [apriori_uniform_bound(m, 500, 5, 0.0, 20.0, 40.0) for m in ms]
    assert all(a > b for a, b in zip(vals, vals[1:]))


def test_tree_leaves_below_expected_bound():
    """The measured leaves of a few small trees stay below the expected-size bound."""
    from dalgo import alpha_pieces

    rng = np.random.default_rng(0)
    counts, bounds = [], []
    for _ in range(5):
        X = np.vstack([rng.normal(size=(15, 2)) + 4.0 * c for c in range(3)])
        z = rng.random(3)
        counts.append(len(alpha_pieces(X, 3, z, alpha_range=(0.0, 10.0))))
        bounds.append(expected_leaves_bound(45, 3, 0.0, 10.0, distance_ratio(X)))
    assert np.mean(counts) <= np.mean(bounds)


# ---------------------------------------------------------------------------
# exact uniform deviation and merged pieces
# ---------------------------------------------------------------------------


@st.composite
def curves(draw, hi=np.inf):
    n = draw(st.integers(1, 7))
    inner = draw(st.lists(st.floats(0.0, 30.0, exclude_min=True, exclude_max=True,
                                    allow_subnormal=False),
                          min_size=n - 1, max_size=n - 1, unique=True))
    vals = draw(st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=n, max_size=n))
    return PiecewiseConstant([0.0] + sorted(inner) + [hi], vals)


@settings(max_examples=40)
@given(a=curves(), b=curves())
def test_uniform_deviation_equals_brute_force(a, b):
    union = np.union1d(a.breakpoints, b.breakpoints)
    # the difference is constant between consecutive union breakpoints, so its sup is
    # attained at some union breakpoint (evaluate on the left end of every piece + inf)
    brute = max(abs(a(x) - b(x)) for x in union)
    assert uniform_deviation(a, b) == pytest.approx(brute, abs=1e-15)
    assert uniform_deviation(a, b) == uniform_deviation(b, a)
    assert uniform_deviation(a, a) == 0.0
    # and it is a sup: no random point exceeds it
    xs = np.random.default_rng(0).uniform(0.0, 40.0, 200)
    assert np.all(np.abs(a(xs) - b(xs)) <= uniform_deviation(a, b) + 1e-15)


@settings(max_examples=40)
@given(cs=st.lists(curves(), min_size=1, max_size=6))
def test_merged_pieces_is_the_size_of_the_common_refinement(cs):
    union = set()
    for c in cs:
        union |= set(c.breakpoints.tolist())
    assert merged_pieces(cs) == len(union) - 1
    assert merged_pieces(cs) == PiecewiseConstant.mean(cs).n_pieces
    # at most the sum of the pieces, at least the largest single curve
    assert max(c.n_pieces for c in cs) <= merged_pieces(cs) <= sum(c.n_pieces for c in cs)


def test_merged_pieces_by_hand():
    f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    g = PiecewiseConstant([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    h = PiecewiseConstant([0.0, 3.0], [0.1])
    assert merged_pieces([f, g]) == 3
    assert merged_pieces([f, h]) == 2
    assert merged_pieces([h]) == 1
    assert uniform_deviation(f, g) == 0.75  # on [1, 2): |0.25 - 1.0|


def test_vectors_of_losses_take_at_most_N_values():
    """The premise of the Massart bound: as α ranges, the vector of the m losses
    takes at most N (= merged pieces) distinct values."""
    rng = np.random.default_rng(3)
    cs = []
    for _ in range(4):
        b = np.sort(rng.uniform(0.0, 10.0, 5))
        cs.append(PiecewiseConstant(np.concatenate([[0.0], b, [10.0]]),
                                    rng.integers(0, 3, 6) / 3))
    xs = np.linspace(0.0, 10.0, 5001)
    vectors = {tuple(c(x) for c in cs) for x in xs}
    assert len(vectors) <= merged_pieces(cs)
