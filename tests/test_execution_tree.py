"""The execution tree (docs/conventions.md): pieces agree with direct runs at every α.

The contract checked here: for every α inside a piece, ``dalpha_seeding`` with
the same z returns exactly the piece's seeds, and ``loss_curve`` equals the loss
of a direct run (seeding + local search + loss) bit for bit.  α is drawn inside
random pieces, within 1e-9 (relative) of breakpoints on both sides, and up to
1e3; the range may end at ``np.inf`` (farthest-first).
"""

import math

import _naive
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dalgo
from dalgo import (
    alpha_pieces,
    dalpha_seeding,
    hamming_loss,
    local_search,
    loss_curve,
    loss_curves,
    normalized_cost,
)
from dalgo.execution_tree import check_alpha_range

# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------

# Coordinates: either small integers (many exact distance ties, duplicates) or
# bounded floats.  Subnormal and tiny values are excluded: two rows 1e-200
# apart are distinct for np.unique but at distance 0 once squared, which is a
# different (documented) degenerate case, not the tree's.
_coord = st.one_of(
    st.integers(-3, 3).map(float),
    st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False, allow_subnormal=False,
              width=32).map(lambda v: 0.0 if abs(v) < 1e-6 else float(v)),
)


@st.composite
def instances(draw, max_n=12, max_k=4, max_d=3):
    """(X, k, z) with at least k distinct rows."""
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(k, max_n))
    d = draw(st.integers(1, max_d))
    X = draw(arrays(np.float64, (n, d), elements=_coord))
    assume(np.unique(X, axis=0).shape[0] >= k)
    z = np.array(draw(st.lists(st.floats(0.0, 1.0, exclude_max=True, allow_subnormal=False),
                               min_size=k, max_size=k)))
    return X, k, z


@st.composite
def alpha_ranges(draw):
    lo = draw(st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0, 7.25]))
    hi = draw(st.sampled_from([np.inf, np.inf, 3.0, 10.0, 20.0, 50.0, 1e3]))
    assume(lo < hi)
    return lo, hi


def _piece_at(pieces, alpha):
    """Index of the piece containing α (pieces are [lo, hi), the last closed)."""
    los = np.array([p.lo for p in pieces])
    i = int(np.searchsorted(los, alpha, side="right") - 1)
    return min(i, len(pieces) - 1)


#: The stated tolerance of the contract: α at least this far (relative) from every
#: breakpoint gets exactly the piece's seeds.  Closer than that, within a few
#: ulps to ~1e-14 (measured), the floating-point prefix fractions are not
#: monotone in α and the direct rule may flicker (see
#: test_float_level_flicker_at_an_exact_tie); each piece's own ends (``lo`` and
#: the last float before ``hi``) are exact by construction.
REL_TOL = 1e-12


def _probe_alphas(pieces, lo, hi, rng_u):
    """α values to check: random points inside random pieces, both ends of each
    piece, points 1e-9 (relative) from breakpoints on both sides, large α.

    Returns (alpha, exact_end) pairs; random points closer than ``REL_TOL`` to a
    breakpoint are dropped (they are outside the contract)."""
    breaks = np.array([p.lo for p in pieces[1:]])

    def clear(a):
        return breaks.size == 0 or np.min(np.abs(breaks - a)) > REL_TOL * max(abs(a), 1e-300)

    alphas = [lo]
    for p in pieces:
        alphas.append(p.lo)  # exact by construction
        if np.isfinite(p.hi):
            alphas.append(np.nextafter(p.hi, -np.inf))  # exact by construction
    for u, p in zip(rng_u, pieces):
        top = p.hi if np.isfinite(p.hi) else max(2.0 * p.lo, p.lo + 1.0, 1e3)
        a = p.lo + u * (top - p.lo)
        if clear(a):
            alphas.append(a)
    for b in breaks:
        alphas += [b * (1 - 1e-9), b * (1 + 1e-9)]
    if np.isfinite(hi):
        alphas.append(hi * (1 - 1e-9))
    else:
        alphas += [1e2, 5e2, 1e3, np.inf]
    return [a for a in alphas if lo <= a and (a < hi or (np.isinf(hi) and a <= hi))]


# ---------------------------------------------------------------------------
# pieces
# ---------------------------------------------------------------------------


def _check_tiling(pieces, lo, hi, k):
    assert pieces, "no pieces"
    assert pieces[0].lo == lo
    assert pieces[-1].hi == hi
    for p, q in zip(pieces, pieces[1:]):
        assert p.hi == q.lo, f"gap or overlap between {p} and {q}"
    for p in pieces:
        assert p.lo < p.hi
        assert p.seeds.shape == (k,)
        assert p.seeds.dtype == np.intp


@given(inst=instances(), rng=alpha_ranges(),
       u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=30, max_size=30))
def test_pieces_tile_the_range_and_match_direct_seeding(inst, rng, u):
    X, k, z = inst
    lo, hi = rng
    pieces = alpha_pieces(X, k, z, alpha_range=(lo, hi))
    _check_tiling(pieces, lo, hi, k)
    for alpha in _probe_alphas(pieces, lo, hi, u):
        p = pieces[_piece_at(pieces, alpha)]
        got = dalpha_seeding(X, k, alpha, z)
        assert np.array_equal(got, p.seeds), (
            f"alpha={alpha!r} in [{p.lo!r}, {p.hi!r}): direct {got}, piece {p.seeds}"
        )


@settings(max_examples=30)
@given(inst=instances(max_n=10))
def test_last_piece_to_infinity_is_farthest_first(inst):
    X, k, z = inst
    lo = 0.0
    pieces = alpha_pieces(X, k, z, alpha_range=(lo, np.inf))
    _check_tiling(pieces, lo, np.inf, k)
    assert np.array_equal(pieces[-1].seeds, dalpha_seeding(X, k, np.inf, z))
    # the naive reference of farthest-first agrees too
    assert np.array_equal(pieces[-1].seeds, _naive.dalpha_seeding(X, k, np.inf, z))


@settings(max_examples=30)
@given(inst=instances(max_n=10))
def test_pieces_agree_with_naive_reference_inside_wide_pieces(inst):
    """Away from breakpoints (relative margin 1e-6) the independent plain-numpy
    rule gives the same seeds; at breakpoints only the implementation's own
    rounding decides, which the test above covers."""
    X, k, z = inst
    pieces = alpha_pieces(X, k, z, alpha_range=(0.0, 30.0))
    for p in pieces:
        if p.hi - p.lo > 1e-5 * max(1.0, p.hi):
            mid = 0.5 * (p.lo + p.hi)
            assert np.array_equal(_naive.dalpha_seeding(X, k, mid, z), p.seeds)


@settings(max_examples=20)
@given(inst=instances(max_n=10))
def test_range_restriction_gives_the_same_breakpoints(inst):
    """The pieces of a sub-range are the pieces of the full range cut to it: the
    same seeds, and breakpoints that agree to the stated tolerance (a crossing
    bracketed differently may land on another float of its rounding band)."""
    X, k, z = inst
    full = alpha_pieces(X, k, z, alpha_range=(0.0, 20.0))
    part = alpha_pieces(X, k, z, alpha_range=(2.0, 10.0))
    _check_tiling(part, 2.0, 10.0, k)
    inner_full = np.array([p.lo for p in full if 2.0 < p.lo < 10.0])
    inner_part = np.array([p.lo for p in part[1:]])

    def near(a, bs):
        return bs.size > 0 and np.min(np.abs(bs - a)) <= REL_TOL * a

    for a in inner_part:
        assert near(a, inner_full), (a, inner_full)
    for a in inner_full:
        assert near(a, inner_part), (a, inner_part)
    breaks = np.concatenate([inner_full, inner_part])
    for p in part:
        mid = 0.5 * (p.lo + p.hi)
        if not near(mid, breaks):
            q = full[_piece_at(full, mid)]
            assert np.array_equal(p.seeds, q.seeds), (mid, p, q)


def test_docstring_example_and_k1():
    X = np.array([[0.0], [1.0], [3.0]])
    pieces = alpha_pieces(X, 2, [0.0, 0.4], alpha_range=(0, np.inf))
    assert [p.seeds.tolist() for p in pieces] == [[0, 1], [0, 2]]
    # k = 1: the first seed does not depend on α: one piece
    pieces = alpha_pieces(X, 1, [0.7], alpha_range=(0, 5))
    assert len(pieces) == 1 and pieces[0].seeds.tolist() == [2]
    assert (pieces[0].lo, pieces[0].hi) == (0.0, 5.0)


def test_no_float_level_flicker_at_an_exact_tie():
    """At an exact tie (F_j(1) = z = 0.5) plain prefix fractions flicker for a few
    floats around the crossing; the monotone rule matches the pieces at every float."""
    X = np.array([[0.0], [1.0], [1.0], [1.0], [2.0], [2.0], [3.0]])
    z = np.array([0.0, 0.5])
    pieces = alpha_pieces(X, 2, z, alpha_range=(0.0, np.inf))
    a = 1.0
    for _ in range(8):
        a = np.nextafter(a, -np.inf)
    for _ in range(16):
        p = pieces[_piece_at(pieces, a)]
        assert np.array_equal(dalpha_seeding(X, 2, a, z), p.seeds), a
        a = np.nextafter(a, np.inf)


def test_large_alpha_no_overflow(global_random_seed):
    """α up to 1e3 (log-space weights): every piece matches direct seeding."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(40, 3)) * np.array([1.0, 10.0, 0.1])
    z = rng.random(4)
    pieces = alpha_pieces(X, 4, z, alpha_range=(50.0, 1e3))
    _check_tiling(pieces, 50.0, 1e3, 4)
    for p in pieces:
        for a in (p.lo, 0.5 * (p.lo + p.hi), np.nextafter(p.hi, -np.inf)):
            assert np.array_equal(dalpha_seeding(X, 4, a, z), p.seeds)
    for a in rng.uniform(50.0, 1e3, 20):
        assert np.array_equal(dalpha_seeding(X, 4, a, z), pieces[_piece_at(pieces, a)].seeds)


def test_real_data_mnist_slice(shared_data, global_random_seed):
    """3 classes × 40 MNIST test images scaled to [0, 1]: seeds and losses match
    direct runs at random α (including near breakpoints)."""
    from dalgo.datasets import load_mnist

    try:
        ds = load_mnist(shared_data)
    except FileNotFoundError as exc:  # pragma: no cover - depends on the data folder
        pytest.skip(str(exc))
    rng = np.random.default_rng(global_random_seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(ds.y == c), 40, replace=False)
                          for c in (1, 4, 7)])
    X = ds.X[np.sort(idx)] / 255.0
    y = ds.y[np.sort(idx)]
    k = 3
    z = rng.random(k)
    curve, pieces = loss_curves(X, k, z, y=y, alpha_range=(0.0, 20.0), return_pieces=True)
    curve = curve[2.0]
    _check_tiling(pieces, 0.0, 20.0, k)
    assert len(pieces) > 10
    probe = list(rng.uniform(0.0, 20.0, 25))
    for i in rng.choice(np.arange(1, len(pieces)), size=min(10, len(pieces) - 1),
                        replace=False):
        b = pieces[i].lo
        probe += [b * (1 - 1e-9), b * (1 + 1e-9), b]
    for a in probe:
        seeds = dalpha_seeding(X, k, a, z)
        assert np.array_equal(seeds, pieces[_piece_at(pieces, a)].seeds), a
        assert hamming_loss(y, local_search(X, seeds).labels) == curve(a), a


# ---------------------------------------------------------------------------
# loss curves against direct runs
# ---------------------------------------------------------------------------


def _direct_alphas(curve, u, lo, hi):
    b = curve.breakpoints
    top = b[-2] * 1.5 + 1.0 if np.isinf(hi) else hi
    alphas = [lo + v * (top - lo) for v in u]
    for x in b[1:-1]:
        alphas += [x, x * (1 - 1e-9), x * (1 + 1e-9)]
    if np.isinf(hi):
        alphas += [1e3, np.inf]
    return [a for a in alphas if lo <= a <= hi]


@st.composite
def labelled_instances(draw, max_n=12, max_k=4):
    X, k, z = draw(instances(max_n=max_n, max_k=max_k))
    y = np.array(draw(st.lists(st.integers(0, max(k - 1, 0)), min_size=X.shape[0],
                               max_size=X.shape[0])))
    return X, y, k, z


@pytest.mark.parametrize(
    "beta, center",
    [(2.0, "euclidean"), (1.0, "euclidean"), (3.0, "euclidean"), (np.inf, "euclidean"),
     (2.0, "medoid"), (1.0, "medoid")],
    ids=["beta2-gram", "beta1", "beta3", "betainf", "medoid-beta2", "medoid-beta1"],
)
@settings(max_examples=12)
@given(inst=labelled_instances(),
       hi=st.sampled_from([np.inf, 20.0]),
       u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=12, max_size=12))
def test_loss_curve_equals_direct_runs(beta, center, inst, hi, u):
    X, y, k, z = inst
    curve = loss_curve(X, k, z, y=y, beta=beta, center=center, alpha_range=(0.0, hi))
    assert curve.domain == (0.0, hi)
    for a in _direct_alphas(curve, u, 0.0, hi):
        seeds = dalpha_seeding(X, k, a, z)
        res = local_search(X, seeds, beta=beta, center=center)
        assert hamming_loss(y, res.labels) == curve(a), f"alpha={a!r}"


@pytest.mark.parametrize("loss, beta_obj", [("kmeans", 2.0), ("kmedian", 1.0),
                                             ("kcenter", np.inf)])
@settings(max_examples=10)
@given(inst=instances(max_n=12),
       u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=10, max_size=10))
def test_objective_loss_curve_equals_direct_runs(loss, beta_obj, inst, u):
    X, k, z = inst
    curve = loss_curve(X, k, z, loss=loss, alpha_range=(0.0, np.inf))
    for a in _direct_alphas(curve, u, 0.0, np.inf):
        res = local_search(X, dalpha_seeding(X, k, a, z))
        assert normalized_cost(X, res.centers, beta_obj, labels=res.labels) == curve(a)


@settings(max_examples=10)
@given(inst=labelled_instances(),
       u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=10, max_size=10))
def test_callable_loss_curve_equals_direct_runs(inst, u):
    X, y, k, z = inst

    def largest_cluster_fraction(labels, instance):
        assert instance.X.shape == X.shape
        return np.bincount(labels).max() / labels.shape[0]

    curve = loss_curve(X, k, z, loss=largest_cluster_fraction, alpha_range=(0.0, 20.0),
                       beta=1.0)
    for a in _direct_alphas(curve, u, 0.0, 20.0):
        labels = local_search(X, dalpha_seeding(X, k, a, z), beta=1.0).labels
        assert np.bincount(labels).max() / labels.shape[0] == curve(a)


def test_loss_curves_share_the_tree(global_random_seed):
    """Several β from one tree equal separate loss_curve calls; pieces returned."""
    rng = np.random.default_rng(global_random_seed)
    X = np.vstack([rng.normal(size=(10, 2)) + c for c in ([0, 0], [5, 0], [0, 5])])
    y = np.repeat([0, 1, 2], 10)
    z = rng.random(3)
    curves, pieces = loss_curves(X, 3, z, y=y, betas=(1.0, 2.0), alpha_range=(0, 10),
                                 return_pieces=True)
    assert set(curves) == {1.0, 2.0}
    for b in (1.0, 2.0):
        assert curves[b] == loss_curve(X, 3, z, y=y, beta=b, alpha_range=(0, 10))
    assert pieces == alpha_pieces(X, 3, z, alpha_range=(0, 10))
    # the curve is simplified: neighbouring pieces differ
    for c in curves.values():
        assert np.all(c.values[1:] != c.values[:-1])
        assert c.n_pieces <= len(pieces)


def test_loss_curve_docstring_example():
    X = np.array([[0.0], [0.2], [0.4], [5.0], [5.3], [9.0], [9.4]])
    y = np.array([0, 0, 0, 1, 1, 2, 2])
    curve = loss_curve(X, 3, [0.51, 0.95, 0.14], y=y, alpha_range=(0, np.inf))
    assert curve.n_pieces == 4
    assert curve(np.inf) == 0.0


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


def test_fewer_distinct_points_than_k():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="distinct"):
        alpha_pieces(X, 3, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="distinct"):
        loss_curve(X, 3, [0.1, 0.2, 0.3], y=[0, 0, 1, 1])
    with pytest.raises(ValueError, match="n_clusters"):
        alpha_pieces(X, 5, [0.1] * 5)


def test_labels_must_match_X():
    X = np.arange(12, dtype=float).reshape(6, 2)
    with pytest.raises(ValueError, match="one label per row"):
        loss_curve(X, 2, [0.1, 0.2], y=[0, 1, 0])
    with pytest.raises(ValueError, match="one label per row"):
        loss_curve(X, 2, [0.1, 0.2], y=np.zeros((6, 1)))
    with pytest.raises(ValueError, match="labels"):
        loss_curve(X, 2, [0.1, 0.2])  # hamming needs y


@pytest.mark.parametrize("bad, exc, match", [
    ((5.0, 1.0), ValueError, "lo < hi"),
    ((2.0, 2.0), ValueError, "lo < hi"),
    ((-1.0, 2.0), ValueError, ">= 0"),
    ((np.nan, 2.0), ValueError, "finite"),
    ((0.0, np.nan), ValueError, "finite"),
    ((np.inf, np.inf), ValueError, "finite"),
    ((1.0,), TypeError, "pair"),
    ((0.0, 1.0, 2.0), TypeError, "pair"),
    ("ab", TypeError, "pair"),
    (None, TypeError, "pair"),
])
def test_bad_alpha_range(bad, exc, match):
    X = np.arange(8, dtype=float).reshape(4, 2)
    with pytest.raises(exc, match=match):
        alpha_pieces(X, 2, [0.1, 0.2], alpha_range=bad)
    with pytest.raises(exc, match=match):
        loss_curve(X, 2, [0.1, 0.2], y=[0, 0, 1, 1], alpha_range=bad)
    with pytest.raises(exc, match=match):
        check_alpha_range(bad)


def test_bad_z_and_X():
    X = np.arange(8, dtype=float).reshape(4, 2)
    with pytest.raises(ValueError, match="shape"):
        alpha_pieces(X, 2, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        alpha_pieces(X, 2, [0.1, 1.0])
    with pytest.raises(ValueError):
        alpha_pieces(np.array([[0.0, np.nan], [1.0, 1.0]]), 2, [0.1, 0.2])
    with pytest.raises(ValueError):
        loss_curve(X, 2, [0.1, 0.2], y=[0, 0, 1, 1], beta=0.5)
    with pytest.raises(ValueError):
        loss_curve(X, 2, [0.1, 0.2], y=[0, 0, 1, 1], center="mean")
    with pytest.raises(ValueError):
        loss_curve(X, 2, [0.1, 0.2], y=[0, 0, 1, 1], loss="nope")


def test_public_names():
    for name in ("alpha_pieces", "loss_curve", "loss_curves", "Piece", "PiecewiseConstant"):
        assert name in dalgo.__all__
    assert math.isinf(alpha_pieces([[0.0], [1.0]], 2, [0.0, 0.5], (0, np.inf))[-1].hi)


# ---------------------------------------------------------------------------
# parallel expansion and the Gram path's parallel leaves (issue 12)
# ---------------------------------------------------------------------------


def _gram_instance(seed, n=90, d=20, k=4):
    """Blobs in d = 20 (> PARTITION_MAX_FEATURES): the leaves take the Gram path."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(k, d))
    y = rng.integers(k, size=n)
    return centres[y] + rng.normal(size=(n, d)), y, rng.random(k)


@pytest.mark.parametrize("batch, parts", [(1, 1), (3, 2), (7, 5)])
def test_pieces_do_not_depend_on_batches_or_cuts(monkeypatch, global_random_seed, batch, parts):
    """Expanding one node at a time, uncut, gives the same pieces bit for bit as
    batches of nodes whose intervals are cut into parts swept separately."""
    import dalgo.execution_tree as et

    X, _, z = _gram_instance(global_random_seed, n=60, d=3)
    for alpha_range in [(0.0, 20.0), (0.5, np.inf)]:
        ref = alpha_pieces(X, 4, z, alpha_range=alpha_range)
        with monkeypatch.context() as m:
            m.setattr(et, "NODE_BATCH", batch)
            m.setattr(et, "SPLIT_PARTS", parts)
            m.setattr(et, "SPLIT_STEP", 0.37)
            got = alpha_pieces(X, 4, z, alpha_range=alpha_range)
        assert got == ref
        _check_tiling(got, *alpha_range, 4)


@given(inst=instances(max_n=10, max_k=3), parts=st.integers(1, 9), step=st.floats(0.05, 3.0))
@settings(max_examples=40, deadline=None)
def test_cut_sweeps_match_direct_seeding(inst, parts, step):
    """Any grid of cuts: every piece still equals direct seeding at both ends."""
    import dalgo.execution_tree as et

    X, k, z = inst
    old = et.SPLIT_PARTS, et.SPLIT_STEP, et.NODE_BATCH
    et.SPLIT_PARTS, et.SPLIT_STEP, et.NODE_BATCH = parts, step, 2
    try:
        pieces = alpha_pieces(X, k, z, alpha_range=(0.0, np.inf))
    finally:
        et.SPLIT_PARTS, et.SPLIT_STEP, et.NODE_BATCH = old
    assert pieces == alpha_pieces(X, k, z, alpha_range=(0.0, np.inf))
    for p in pieces:
        assert np.array_equal(dalpha_seeding(X, k, p.lo, z), p.seeds)
        if np.isfinite(p.hi):
            assert np.array_equal(dalpha_seeding(X, k, np.nextafter(p.hi, -np.inf), z), p.seeds)


@pytest.mark.parametrize("loss", ["hamming", "kmeans"])
def test_gram_path_leaves_equal_direct_runs(global_random_seed, loss):
    """d > PARTITION_MAX_FEATURES: the leaves run in parallel (gram_lloyd_many); each
    leaf's loss equals a direct local_search from its seeds, bit for bit."""
    X, y, z = _gram_instance(global_random_seed)
    curves, pieces = loss_curves(X, 4, z, y=y, loss=loss, alpha_range=(0.0, 20.0),
                                 return_pieces=True)
    curve = curves[2.0]
    assert len(pieces) > 5
    for p in pieces:
        res = local_search(X, dalpha_seeding(X, 4, p.lo, z))
        if loss == "hamming":
            want = hamming_loss(y, res.labels)
        else:
            want = normalized_cost(X, res.centers, 2.0, labels=res.labels)
        assert curve(p.lo) == want


def test_leaf_chunks_do_not_change_the_curve(monkeypatch):
    """Leaves searched and scored in chunks (losses remembered across chunks): same curve."""
    import dalgo.execution_tree as et

    X, y, z = _gram_instance(3)
    ref = loss_curve(X, 4, z, y=y, alpha_range=(0.0, 20.0))
    monkeypatch.setattr(et, "LEAF_CHUNK_ELEMENTS", 3 * X.shape[0])
    got = loss_curve(X, 4, z, y=y, alpha_range=(0.0, 20.0))
    assert np.array_equal(got.breakpoints, ref.breakpoints)
    assert np.array_equal(got.values, ref.values)


@pytest.mark.parametrize("n, levels", [(40, 3), (1500, 2)])
def test_child_sorted_equals_full_sort(global_random_seed, n, levels):
    """A child's points merged from its parent's sorted points equal the full sort bit
    for bit (ties and duplicate points included; n >= 1024 sorts by radix)."""
    from dalgo._kernels.distances import distances_to_point
    from dalgo._kernels.tree import child_sorted, sorted_node

    rng = np.random.default_rng(global_random_seed)
    X = rng.integers(0, 5, size=(n, 2)).astype(float)  # many equal distances
    X[-3:] = X[0]
    seeds = rng.choice(n, levels + 1, replace=False)
    rows = np.empty((levels + 1, n))
    for r, c in enumerate(seeds):
        distances_to_point(X, X[c], rows[r])
    slot = np.full(n, -1, dtype=np.intp)
    slot[seeds] = np.arange(levels + 1)
    logw = np.zeros(n)

    def full(t):
        out = (np.empty(n), np.empty(n, dtype=np.intp), np.empty(n), np.empty(n))
        return sorted_node(rows, slot, seeds, t, logw, *out), out

    nz, (D, order, logd, _) = full(1)
    for t in range(2, levels + 2):
        out = (np.empty(n), np.empty(n, dtype=np.intp), np.empty(n), np.empty(n))
        got = child_sorted(D, order, logd, rows[t - 1], logw, *out,
                           np.empty(n, dtype=np.intp), np.empty(n, dtype=np.bool_))
        ref_nz, ref = full(t)
        assert got == ref_nz
        for a, b in zip(out, ref):
            assert np.array_equal(a, b)
        D, order, logd = out[0], out[1], out[2]


def _root_children(X, logw, z, hi):
    """(starts, children) of the root node of d^α seeding with log weights ``logw``: one
    call of :func:`dalgo._kernels.tree.expand_batch` with a single part ``[0, hi)``."""
    from dalgo._kernels.seeding import first_seed
    from dalgo._kernels.tree import expand_batch
    from dalgo.execution_tree import _TreeArrays

    n = X.shape[0]
    arrays = _TreeArrays(X, need_gram=False, need_distances=True)
    seeds = np.full((1, z.shape[0]), -1, dtype=np.intp)
    seeds[0, 0] = first_seed(logw, z[0])
    starts, children = np.empty((n + 1, 1)), np.empty((n + 1, 1), dtype=np.intp)
    counts = np.empty(1, dtype=np.intp)
    expand_batch(arrays.rows, arrays.slot, seeds, np.ones(1, dtype=np.intp), z,
                 np.array([hi]), logw, np.array([-1], dtype=np.intp), np.empty((1, n)),
                 np.empty((1, n), dtype=np.intp), np.empty((1, n)),
                 np.array([0, 1], dtype=np.intp), np.zeros(1), np.array([hi]),
                 np.empty((1, n)), np.empty((1, n), dtype=np.intp), np.empty((1, n)),
                 starts, children, counts)
    c = int(counts[0])
    return np.append(starts[:c, 0], hi), children[:c, 0]


@pytest.mark.parametrize("seed", range(4))
def test_tree_expansion_with_unequal_weights_follows_weighted_seeding(seed):
    """The tree kernel takes log weights; the tree itself passes equal ones (and then skips
    sorting them). Unequal weights take the general path: each child of the root is the
    second seed of weighted d^α seeding at its interval's midpoint."""
    from dalgo.seeding import _dalpha_seeding

    rng = np.random.default_rng(seed)
    X = np.ascontiguousarray(rng.normal(size=(30, 2)))
    z = rng.random(2)
    logw = np.log(rng.uniform(0.2, 3.0, size=30))
    logw[rng.choice(30, size=3, replace=False)] = -np.inf  # weight 0: never chosen
    edges, children = _root_children(X, logw, z, 12.0)
    assert len(children) > 1 and np.all(np.diff(edges) > 0)
    for lo, hi, child in zip(edges[:-1], edges[1:], children):
        assert _dalpha_seeding(X, 0.5 * (lo + hi), z, logw)[1] == child
        assert logw[child] > -np.inf
    # equal weights cancel in the rule: any constant gives the unweighted tree
    zero = _root_children(X, np.zeros(30), z, 12.0)
    const = _root_children(X, np.full(30, 0.7), z, 12.0)
    assert np.array_equal(zero[0], const[0]) and np.array_equal(zero[1], const[1])
