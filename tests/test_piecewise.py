"""PiecewiseConstant: evaluation, exact averaging, argmin, algebra, serialisation, plot."""

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dalgo import PiecewiseConstant  # noqa: E402
from dalgo.piecewise import ordered_mean  # noqa: E402

# ---------------------------------------------------------------------------
# strategies and a direct (slow) evaluator
# ---------------------------------------------------------------------------


@st.composite
def curves_on(draw, lo, hi, max_pieces=8, int_values=False):
    n = draw(st.integers(1, max_pieces))
    top = hi if np.isfinite(hi) else lo + 50.0
    inner = draw(st.lists(st.floats(lo, top, exclude_min=True, exclude_max=True,
                                    allow_subnormal=False),
                          min_size=n - 1, max_size=n - 1, unique=True))
    b = [lo] + sorted(inner) + [hi]
    if int_values:
        vals = draw(st.lists(st.integers(0, 3).map(float), min_size=n, max_size=n))
    else:
        vals = draw(st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=n,
                             max_size=n))
    return PiecewiseConstant(b, vals)


def direct(curve, alpha):
    """Scalar evaluation straight from the definition: [b_i, b_{i+1}), last closed."""
    b, v = curve.breakpoints, curve.values
    for i in range(len(v)):
        if b[i] <= alpha < b[i + 1]:
            return v[i]
    assert alpha == b[-1]
    return v[-1]


def probe_points(curves, lo, hi, rng, n_random=50):
    b = np.unique(np.concatenate([c.breakpoints for c in curves]))
    top = hi if np.isfinite(hi) else b[-2] + 10.0
    pts = list(np.linspace(lo, top, 201)) + list(rng.uniform(lo, top, n_random)) + list(b)
    pts += [np.nextafter(x, -np.inf) for x in b[1:] if np.isfinite(x)]
    return [p for p in pts if lo <= p <= hi]


# ---------------------------------------------------------------------------
# construction and evaluation
# ---------------------------------------------------------------------------


def test_evaluation_is_vectorised_and_right_continuous():
    f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    out = f(np.array([0.0, 0.99, 1.0, 2.5, 3.0]))
    assert isinstance(out, np.ndarray) and out.shape == (5,)
    np.testing.assert_array_equal(out, [0.5, 0.5, 0.25, 0.25, 0.25])
    assert f(0.5) == 0.5 and isinstance(f(0.5), float)
    np.testing.assert_array_equal(f(np.array([[0.0, 1.0], [2.0, 3.0]])),
                                  [[0.5, 0.25], [0.25, 0.25]])
    assert f(np.array([])).shape == (0,)
    g = PiecewiseConstant([0.0, 2.0, np.inf], [1.0, 2.0])
    assert g(np.inf) == 2.0 and g(1e300) == 2.0 and g(2.0) == 2.0
    assert g.domain == (0.0, np.inf) and len(g) == 2 and g.n_pieces == 2
    assert "2 pieces" in repr(g)


@pytest.mark.parametrize("alpha", [-0.1, 3.0 + 1e-12, np.nan, np.inf, [0.5, 4.0]])
def test_out_of_domain_raises(alpha):
    f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    with pytest.raises(ValueError, match="domain"):
        f(alpha)


@pytest.mark.parametrize("b, v", [
    ([0.0, 1.0], [1.0, 2.0]),          # wrong lengths
    ([0.0], []),                        # no piece
    ([0.0, 2.0, 1.0], [1.0, 2.0]),     # decreasing
    ([0.0, 1.0, 1.0], [1.0, 2.0]),     # repeated
    ([0.0, np.inf, np.inf], [1.0, 2.0]),
    ([np.nan, 1.0], [1.0]),
    ([0.0, 1.0], [np.nan]),
    ([0.0, 1.0], [np.inf]),
    ([[0.0, 1.0]], [1.0]),
])
def test_invalid_construction(b, v):
    with pytest.raises(ValueError):
        PiecewiseConstant(b, v)


def test_immutable():
    f = PiecewiseConstant([0.0, 1.0], [1.0])
    with pytest.raises(ValueError):
        f.values[0] = 3.0
    with pytest.raises(ValueError):
        f.breakpoints[0] = 3.0


@given(c=curves_on(0.0, 20.0), seed=st.integers(0, 2**32 - 1))
def test_vectorised_evaluation_equals_direct(c, seed):
    rng = np.random.default_rng(seed)
    pts = probe_points([c], 0.0, 20.0, rng)
    np.testing.assert_array_equal(c(np.array(pts)), [direct(c, p) for p in pts])


# ---------------------------------------------------------------------------
# mean / sum
# ---------------------------------------------------------------------------


@settings(max_examples=40)
@given(cs=st.lists(curves_on(0.0, np.inf), min_size=1, max_size=6),
       seed=st.integers(0, 2**32 - 1))
def test_mean_equals_average_of_direct_evaluations(cs, seed):
    rng = np.random.default_rng(seed)
    m = PiecewiseConstant.mean(cs)
    assert m.domain == (0.0, np.inf)
    # the merged curve has exactly the union of the breakpoints
    np.testing.assert_array_equal(m.breakpoints, PiecewiseConstant.common_breakpoints(cs))
    for p in probe_points(cs, 0.0, np.inf, rng) + [np.inf]:
        want = sum(direct(c, p) for c in cs) / len(cs)
        assert abs(m(p) - want) <= 1e-12, p


@settings(max_examples=30)
@given(cs=st.lists(curves_on(1.0, 5.0), min_size=2, max_size=4),
       w=st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4),
       seed=st.integers(0, 2**32 - 1))
def test_weighted_sum_and_stack(cs, w, seed):
    rng = np.random.default_rng(seed)
    w = w[: len(cs)]
    s = PiecewiseConstant.sum(cs, weights=w)
    b, V = PiecewiseConstant.stack(cs)
    np.testing.assert_array_equal(b, s.breakpoints)
    assert V.shape == (len(cs), b.shape[0] - 1)
    for p in probe_points(cs, 1.0, 5.0, rng):
        want = sum(wi * direct(c, p) for wi, c in zip(w, cs))
        assert abs(s(p) - want) <= 1e-12
        np.testing.assert_array_equal(V[:, s.piece_index(p)], [direct(c, p) for c in cs])


def test_mean_docstring_and_errors():
    f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    g = PiecewiseConstant([0.0, 2.0, 3.0], [0.0, 1.0])
    m = PiecewiseConstant.mean([f, g])
    np.testing.assert_array_equal(m.breakpoints, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(m.values, [0.25, 0.125, 0.625])
    assert PiecewiseConstant.mean(iter([f, g])) == m  # any iterable
    with pytest.raises(ValueError, match="at least one"):
        PiecewiseConstant.mean([])
    with pytest.raises(ValueError, match="domain"):
        PiecewiseConstant.mean([f, PiecewiseConstant([0.0, 4.0], [1.0])])
    with pytest.raises(ValueError, match="domain"):
        f + PiecewiseConstant([0.0, np.inf], [1.0])


# ---------------------------------------------------------------------------
# argmin
# ---------------------------------------------------------------------------


def test_argmin_returns_all_tied_intervals():
    f = PiecewiseConstant([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, np.inf],
                          [0.2, 0.1, 0.1, 0.3, 0.1, 0.1])
    a = f.argmin()
    assert a.value == 0.1
    assert a.intervals == [(1.0, 3.0), (4.0, np.inf)]
    single = PiecewiseConstant([0.0, 1.0], [0.7]).argmin()
    assert single.intervals == [(0.0, 1.0)] and single.value == 0.7


@settings(max_examples=40)
@given(cs=st.lists(curves_on(0.0, 20.0, int_values=True), min_size=1, max_size=5))
def test_erm_value_is_below_the_curve_on_a_dense_grid(cs):
    m = PiecewiseConstant.mean(cs)
    arg = m.argmin()
    grid = np.linspace(0.0, 20.0, 2001)
    direct_mean = np.array([sum(direct(c, p) for c in cs) / len(cs) for p in grid])
    assert np.all(arg.value <= direct_mean + 1e-12)
    # the intervals are maximal, disjoint, ordered, and carry the value
    for (_lo, hi), (lo2, _) in zip(arg.intervals, arg.intervals[1:]):
        assert hi < lo2
    for lo, hi in arg.intervals:
        assert m(lo) == arg.value
        assert m(0.5 * (lo + hi)) == arg.value
        assert m(np.nextafter(hi, -np.inf)) == arg.value
        if hi < 20.0:
            assert m(hi) > arg.value
        if lo > 0.0:
            assert m(np.nextafter(lo, -np.inf)) > arg.value
    # every piece attaining the minimum is inside some interval
    for i in np.flatnonzero(m.values == arg.value):
        x = m.breakpoints[i]
        assert any(lo <= x < hi for lo, hi in arg.intervals)


# ---------------------------------------------------------------------------
# algebra
# ---------------------------------------------------------------------------


@settings(max_examples=40)
@given(f=curves_on(0.0, np.inf), g=curves_on(0.0, np.inf),
       s=st.floats(-3.0, 3.0), seed=st.integers(0, 2**32 - 1))
def test_algebra(f, g, s, seed):
    rng = np.random.default_rng(seed)
    pts = probe_points([f, g], 0.0, np.inf, rng) + [np.inf]
    fp = np.array([direct(f, p) for p in pts])
    gp = np.array([direct(g, p) for p in pts])
    x = np.array(pts)
    np.testing.assert_array_equal((f + g)(x), fp + gp)
    np.testing.assert_array_equal((f - g)(x), fp - gp)
    np.testing.assert_array_equal((s * f)(x), s * fp)
    np.testing.assert_array_equal((f * s)(x), fp * s)
    np.testing.assert_array_equal((np.float64(s) * f)(x), s * fp)
    np.testing.assert_array_equal((f + s)(x), fp + s)
    np.testing.assert_array_equal((s + f)(x), s + fp)
    np.testing.assert_array_equal((f - s)(x), fp - s)
    np.testing.assert_array_equal((-f)(x), -fp)
    np.testing.assert_array_equal((f - g).abs()(x), np.abs(fp - gp))
    assert f.max() == f.values.max() and f.min() == f.values.min()


def test_algebra_rejects_non_scalars():
    f = PiecewiseConstant([0.0, 1.0], [1.0])
    with pytest.raises(TypeError):
        f * f
    with pytest.raises(TypeError):
        f + "a"
    with pytest.raises(TypeError):
        f * np.array([1.0, 2.0])
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) * f
    with pytest.raises(TypeError):
        f + True


@settings(max_examples=40)
@given(f=curves_on(0.0, 10.0, max_pieces=12, int_values=True),
       seed=st.integers(0, 2**32 - 1))
def test_simplify_preserves_the_function(f, seed):
    rng = np.random.default_rng(seed)
    s = f.simplify()
    assert s.domain == f.domain
    assert np.all(s.values[1:] != s.values[:-1])
    assert set(s.breakpoints) <= set(f.breakpoints)
    pts = probe_points([f], 0.0, 10.0, rng)
    np.testing.assert_array_equal(s(np.array(pts)), f(np.array(pts)))
    assert s.simplify() == s


def test_integral():
    f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    assert f.integral() == 1.0
    g = PiecewiseConstant([0.0, 1.0, np.inf], [0.5, 0.25])
    assert g.integral(upper=3.0) == 1.0
    with pytest.raises(ValueError, match="unbounded"):
        g.integral()


# ---------------------------------------------------------------------------
# serialisation and plotting
# ---------------------------------------------------------------------------


@given(f=curves_on(0.0, np.inf))
def test_dict_round_trip(f):
    d = f.to_dict()
    assert PiecewiseConstant.from_dict(d) == f
    # and through JSON text (inf is written as Infinity by the json module)
    assert PiecewiseConstant.from_dict(json.loads(json.dumps(d))) == f


def test_equality_and_hash():
    f = PiecewiseConstant([0.0, 1.0], [1.0])
    assert f == PiecewiseConstant([0, 1], [1])
    assert f != PiecewiseConstant([0.0, 1.0], [2.0])
    assert f != "f"
    with pytest.raises(TypeError):
        hash(f)


def test_plot_runs():
    f = PiecewiseConstant([0.0, 1.0, 2.0, np.inf], [0.5, 0.25, 0.75])
    fig, ax = plt.subplots()
    out = f.plot(ax=ax, label="f")
    assert out is ax
    xs = np.concatenate([line.get_xdata() for line in ax.get_lines()])
    assert np.all(np.isfinite(xs))
    assert max(xs) > 2.0  # the infinite piece is drawn to the right of the last breakpoint
    PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25]).plot(ax=ax, inf_at=5.0)
    plt.close(fig)
    # without ax: uses the current axes
    fig = plt.figure()
    assert PiecewiseConstant([0.0, np.inf], [1.0]).plot() is not None
    plt.close(fig)


def test_plot_curves_helper():
    from dalgo.plotting import finite_right_edge, plot_curves

    cs = [PiecewiseConstant([0.0, 1.0, np.inf], [0.5, 0.25]),
          PiecewiseConstant([0.0, 4.0, np.inf], [0.1, 0.2])]
    assert finite_right_edge(cs) == pytest.approx(4.0 * 1.08)
    fig, ax = plt.subplots()
    plot_curves(cs, ax=ax, labels=["a", "b"])
    plt.close(fig)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=1, max_size=40))
def test_ordered_mean_is_the_mean_curves_arithmetic(values):
    """A mean of values at one α (e.g. a member's losses over seeding draws) equals the mean
    curve there bit for bit: one order of summation for both."""
    curves = [PiecewiseConstant([0.0, 1.0, 2.0], [v, 1.0 - v]) for v in values]
    mean = PiecewiseConstant.mean(curves)
    by_hand = 0.0
    for v in values:  # the definition, independently of dalgo: left to right, then divide
        by_hand += v
    assert ordered_mean(values) == by_hand / len(values)
    assert ordered_mean(values) == mean(0.5)
    assert ordered_mean(1.0 - v for v in values) == mean(1.5)  # any iterable
    with pytest.raises(ValueError, match="at least one"):
        ordered_mean([])
