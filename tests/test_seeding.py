"""d^α seeding against independent references (docs/conventions.md)."""

import math

import _naive
import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dalgo import dalpha_seeding, draw_z, greedy_kmeans_plusplus
from dalgo._kernels import distances as dist_kernels
from dalgo._kernels import seeding as seed_kernels
from dalgo.local_search import gram_matrix

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _small_instance(seed, n=6, d=2, duplicate=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if duplicate:
        X[-1] = X[1]  # a duplicate: weight 0 once its twin is a centre
    return X


def _next_seed(X, alpha, prefix_z, z):
    return int(dalpha_seeding(X, len(prefix_z) + 1, alpha, list(prefix_z) + [z])[-1])


def _measures(X, alpha, prefix_z):
    """Measure of the set of z_t in [0, 1) that picks each next seed.

    The chosen position is monotone in z_t, so each seed owns one interval; its
    end is found by bisection on the implementation (to ~1e-16).
    Returns ``{seed: (measure, a z inside the interval)}``.
    """
    out = {}
    lo = 0.0
    top = np.nextafter(1.0, 0.0)
    while True:
        s = _next_seed(X, alpha, prefix_z, lo)
        if _next_seed(X, alpha, prefix_z, top) == s:
            hi_end = 1.0
        else:
            a, b = lo, top  # f(a) == s, f(b) != s
            for _ in range(200):
                m = 0.5 * (a + b)
                if m <= a or m >= b:
                    break
                if _next_seed(X, alpha, prefix_z, m) == s:
                    a = m
                else:
                    b = m
            hi_end = b
        assert s not in out, "a seed owns two separate z-intervals"
        out[s] = (hi_end - lo, 0.5 * (lo + hi_end))
        if hi_end >= 1.0:
            return out
        lo = hi_end


def _sequence_measures(X, k, alpha):
    """Exact probability of every seed sequence produced by ``dalpha_seeding``."""
    out = {}

    def rec(prefix_seeds, prefix_z, prob):
        if len(prefix_seeds) == k:
            out[tuple(prefix_seeds)] = prob
            return
        for s, (mass, zmid) in _measures(X, alpha, prefix_z).items():
            rec(prefix_seeds + [s], prefix_z + [zmid], prob * mass)

    rec([], [], 1.0)
    return out


def _rank_in_sorted_order(X, prefix, c):
    D = np.min([_naive.euclid(X, X[s]) for s in prefix], axis=0)
    order = np.argsort(D, kind="stable")
    return int(np.flatnonzero(order == c)[0]), D


# ---------------------------------------------------------------------------
# exact probabilities (measure of the z mapping to each seed sequence)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("duplicate", [False, True])
def test_alpha2_exact_kmeanspp_probabilities(global_random_seed, duplicate):
    """α = 2: the z-measure of every seed sequence equals vanilla k-means++."""
    X = _small_instance(global_random_seed, n=6, duplicate=duplicate)
    got = _sequence_measures(X, 3, 2.0)
    want = _naive.kmeanspp_sequence_probabilities(X, 3)
    want = {s: p for s, p in want.items() if p > 0}
    assert set(got) == set(want)
    for seq, p in want.items():
        assert got[seq] == pytest.approx(p, abs=1e-12), seq
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 1.0, 3.5])
def test_dalpha_exact_probabilities(alpha):
    """Other α (α = 0 with a duplicate point: uniform over positive distance)."""
    X = _small_instance(3, n=5, duplicate=True)
    got = _sequence_measures(X, 3, alpha)
    want = {s: p for s, p in _naive.dalpha_sequence_probabilities(X, 3, alpha).items()
            if p > 0}
    assert set(got) == set(want)
    for seq, p in want.items():
        assert got[seq] == pytest.approx(p, abs=1e-12), seq


def test_alpha0_uniform_over_uncovered_points():
    """α = 0: each point not at distance 0 from a centre gets the same z-measure."""
    X = np.array([[0.0], [0.0], [1.0], [5.0], [5.0], [9.0]])
    # first seed: point 0 (z_1 = 0); points 0 and 1 are then at distance 0
    m = _measures(X, 0.0, [0.0])
    assert set(m) == {2, 3, 4, 5}
    for s in m:
        assert m[s][0] == pytest.approx(0.25, abs=1e-15)


def test_first_seed_is_floor_z_n():
    X = np.arange(14.0).reshape(7, 2)
    for z0 in [0.0, 1 / 7, 0.5, 0.999999, 3 / 7 - 1e-12, 3 / 7]:
        assert dalpha_seeding(X, 1, 2.0, [z0])[0] == math.floor(z0 * 7)


# ---------------------------------------------------------------------------
# agreement with the plain reference for many z
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 50.0])
def test_matches_naive_reference(global_random_seed, alpha):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(40, 3))
    X[5] = X[7]  # duplicates get weight 0 once covered
    for _ in range(40):
        z = rng.random(6)
        got = dalpha_seeding(X, 6, alpha, z)
        want = _naive.dalpha_seeding(X, 6, alpha, z)
        np.testing.assert_array_equal(got, want)


def test_alpha2_is_kmeanspp_in_distribution():
    """Statistical check (fixed seed): α = 2 picks point c second with D(c)²/ΣD².

    1-D points; first seed forced to 0 (z_1 = 0). 20,000 uniform z_2; each
    frequency within 5 standard errors of its probability.
    """
    X = np.array([[0.0], [1.0], [2.0], [4.0], [7.0]])
    rng = np.random.default_rng(12345)
    n_draws = 20_000
    counts = np.zeros(5)
    for z2 in rng.random(n_draws):
        counts[dalpha_seeding(X, 2, 2.0, [0.0, z2])[1]] += 1
    p = np.array([0, 1, 4, 16, 49]) / 70.0
    se = np.sqrt(p * (1 - p) / n_draws) + 1e-12
    assert np.all(np.abs(counts / n_draws - p) <= 5 * se)


# ---------------------------------------------------------------------------
# α = ∞: farthest-first traversal
# ---------------------------------------------------------------------------


def test_alpha_inf_is_farthest_first(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(60, 4))
    for _ in range(10):
        z = rng.random(8)
        got = dalpha_seeding(X, 8, np.inf, z)
        np.testing.assert_array_equal(got, _naive.dalpha_seeding(X, 8, np.inf, z))
        # no ties in continuous data: z_t for t >= 2 does not matter
        z0 = np.r_[z[0], np.zeros(7)]
        np.testing.assert_array_equal(
            dalpha_seeding(X, 8, np.inf, z0),
            _naive.farthest_first(X, 8, int(z[0] * 60)),
        )


def test_alpha_inf_ties_indexed_by_z():
    # from 0, the points +-1 along both axes are all at distance 1 (4 ties)
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0],
                  [0.5, 0.0]])
    for j, z in enumerate([0.0, 0.25, 0.5, 0.75]):
        for eps in [0.0, 0.2]:
            seeds = dalpha_seeding(X, 2, np.inf, [0.0, z + eps])
            assert seeds[1] == [1, 2, 3, 4][j]


def test_large_alpha_approaches_farthest_first(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(30, 2))
    z = rng.random(5)
    # gaps between the largest distances are >> 1e-3 relative, so alpha = 1e5
    # puts essentially all mass on the farthest point
    np.testing.assert_array_equal(dalpha_seeding(X, 5, 1e5, z),
                                  dalpha_seeding(X, 5, np.inf, z))


# ---------------------------------------------------------------------------
# monotonicity in α (hypothesis)
# ---------------------------------------------------------------------------

ALPHAS = [0.0, 0.3, 1.0, 1.5, 2.0, 3.0, 7.0, 20.0, 50.0, 500.0, 1e3, np.inf]

point_sets = st.integers(3, 12).flatmap(
    lambda n: st.integers(1, 3).flatmap(
        lambda d: arrays(np.float64, (n, d),
                         elements=st.integers(-4, 4).map(float))))


@given(X=point_sets, data=st.data())
def test_position_non_decreasing_in_alpha(X, data):
    """For fixed z, at the first step where two α's differ, the larger α picks a
    later position in the sorted-by-distance order; results are valid for large α.
    """
    k_max = np.unique(X, axis=0).shape[0]
    assume(k_max >= 2)
    k = data.draw(st.integers(2, min(k_max, 5)))
    z = data.draw(st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=k,
                           max_size=k))
    runs = [dalpha_seeding(X, k, a, z) for a in ALPHAS]
    for seeds in runs:
        assert seeds.shape == (k,)
        assert np.unique(X[seeds], axis=0).shape[0] == k  # never a covered point
    for i in range(len(ALPHAS) - 1):
        a, b = runs[i], runs[i + 1]
        diff = np.flatnonzero(a != b)
        if diff.size == 0:
            continue
        t = int(diff[0])
        assert t >= 1  # the first seed does not depend on alpha
        ra, _ = _rank_in_sorted_order(X, list(a[:t]), a[t])
        rb, _ = _rank_in_sorted_order(X, list(b[:t]), b[t])
        assert ra < rb, (ALPHAS[i], ALPHAS[i + 1], a, b)


@given(
    D=arrays(np.float64, st.integers(1, 30),
             elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6))),
    z=st.floats(0.0, 1.0, exclude_max=True),
)
# found by hypothesis: a z = 0 draw, where α = 1e4 still picks the nearer point
@example(D=np.array([272103.0, 253478.0]), z=0.0)
def test_choose_position_kernel_monotone_no_nan(D, z):
    """The kernel rule alone, with zeros and huge ranges: valid and monotone."""
    assume(np.any(D > 0))
    order = np.empty(D.shape[0], dtype=np.intp)
    logd = np.empty(D.shape[0])
    lw = np.empty(D.shape[0])
    n_zero = seed_kernels.sort_by_distance(D, np.zeros(D.shape[0]), order, logd, lw)
    prev = -1
    for a in sorted(ALPHAS + [1e4, 1e6]):  # increasing α, inf last
        pos = seed_kernels.choose_position(logd, lw, n_zero, a, z)
        assert n_zero <= pos < D.shape[0]
        assert D[order[pos]] > 0
        assert pos >= prev
        prev = pos


# ---------------------------------------------------------------------------
# sample weights, float32, greedy k-means++
# ---------------------------------------------------------------------------


def test_zero_weight_acts_as_absent(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(30, 2))
    w = (rng.random(30) < 0.6).astype(float)
    keep = np.flatnonzero(w > 0)
    for alpha in [0.0, 2.0, np.inf]:
        z = rng.random(4)
        got = dalpha_seeding(X, 4, alpha, z, sample_weight=w)
        want = keep[dalpha_seeding(X[keep], 4, alpha, z)]
        np.testing.assert_array_equal(got, want)


def test_float32_input():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    z = rng.random(4)
    np.testing.assert_array_equal(dalpha_seeding(X, 4, 2.0, z),
                                  dalpha_seeding(X.astype(np.float64), 4, 2.0, z))


def test_draw_z_documented_rule():
    np.testing.assert_array_equal(draw_z(5, random_state=3),
                                  np.random.default_rng(3).random(5))


def test_greedy_kmeanspp_valid():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    seeds = greedy_kmeans_plusplus(X, 5, random_state=0)
    assert seeds.shape == (5,) and np.unique(seeds).shape[0] == 5
    np.testing.assert_array_equal(seeds, greedy_kmeans_plusplus(X, 5, random_state=0))


# ---------------------------------------------------------------------------
# bad input: clear errors, never NaN or a hang
# ---------------------------------------------------------------------------

X_OK = np.arange(12.0).reshape(6, 2)


@pytest.mark.parametrize(
    "X, k, alpha, z, exc, match",
    [
        (np.array([[0.0, np.nan], [1.0, 1.0]]), 1, 2.0, [0.1], ValueError, "NaN"),
        (np.array([[0.0, np.inf], [1.0, 1.0]]), 1, 2.0, [0.1], ValueError, "infinity"),
        (np.array([[0.0], [0.0], [1.0]]), 3, 2.0, [0.1, 0.2, 0.3], ValueError, "distinct"),
        (X_OK, 7, 2.0, [0.1] * 7, ValueError, "n_clusters"),
        (X_OK, 0, 2.0, [], ValueError, "n_clusters"),
        (X_OK, 2.5, 2.0, [0.1, 0.2], TypeError, "n_clusters"),
        (X_OK, 2, -0.5, [0.1, 0.2], ValueError, "alpha"),
        (X_OK, 2, np.nan, [0.1, 0.2], ValueError, "alpha"),
        (X_OK, 2, "2", [0.1, 0.2], TypeError, "alpha"),
        (X_OK, 2, 2.0, [0.1], ValueError, "z must have shape"),
        (X_OK, 2, 2.0, [[0.1, 0.2]], ValueError, "z must have shape"),
        (X_OK, 2, 2.0, [0.1, 1.0], ValueError, r"\[0, 1\)"),
        (X_OK, 2, 2.0, [-0.1, 0.5], ValueError, r"\[0, 1\)"),
        (X_OK, 2, 2.0, [np.nan, 0.5], ValueError, r"\[0, 1\)"),
        (X_OK, 2, 2.0, ["a", "b"], TypeError, "z"),
        (np.empty((0, 2)), 1, 2.0, [0.1], ValueError, "sample"),
        (np.array([[1, 2], [3, "a"]], dtype=object), 1, 2.0, [0.1], TypeError, "real"),
        (np.array([["1", "2"]]), 1, 2.0, [0.1], TypeError, "real"),
        (np.array([1.0, 2.0, 3.0]), 1, 2.0, [0.1], ValueError, "2D"),
    ],
)
def test_bad_input(X, k, alpha, z, exc, match):
    with pytest.raises(exc, match=match):
        dalpha_seeding(X, k, alpha, z)


def test_bad_sample_weight():
    with pytest.raises(ValueError, match="sample_weight"):
        dalpha_seeding(X_OK, 2, 2.0, [0.1, 0.2], sample_weight=-np.ones(6))
    with pytest.raises(ValueError, match="sample_weight"):
        dalpha_seeding(X_OK, 2, 2.0, [0.1, 0.2], sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="distinct"):
        dalpha_seeding(X_OK, 2, 2.0, [0.1, 0.2], sample_weight=np.r_[1.0, np.zeros(5)])


def test_distance_kernels_agree_bitwise(global_random_seed):
    """One definition of a distance: rows of the distance matrix equal the
    distances to a point bit for bit (the execution tree relies on it), the
    matrix and the Gram matrix are exactly symmetric, and they match numpy."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(37, 11))
    P = np.empty((37, 37))
    dist_kernels.pairwise_distances(X, P)
    G = gram_matrix(X)
    row = np.empty(37)
    for c in [0, 5, 36]:
        dist_kernels.distances_to_point(X, np.ascontiguousarray(X[c]), row)
        assert row.tobytes() == P[c].tobytes() == P[:, c].copy().tobytes()
    assert np.array_equal(P, P.T) and np.array_equal(G, G.T)
    np.testing.assert_allclose(P, np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1)),
                               rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(G, X @ X.T, rtol=1e-13, atol=1e-12)
    sq = np.empty((37, 3))
    dist_kernels.sq_distances_to_centers(X, np.ascontiguousarray(X[[0, 5, 36]]), sq)
    assert np.sqrt(sq[:, 1]).tobytes() == P[:, 5].copy().tobytes()


# ---------------------------------------------------------------------------
# the fast seeding loop equals the execution tree's pieces; thread counts
# ---------------------------------------------------------------------------


def _seeding_from_tree_pieces(X, k, alpha, z, logw):
    """The seeding loop spelled with the pieces the execution tree uses:
    ``distances_to_point``, ``sort_by_distance``, ``choose_position``."""
    n = X.shape[0]
    seeds = [int(seed_kernels.first_seed(logw, z[0]))]
    D = np.empty(n)
    dist_kernels.distances_to_point(X, np.ascontiguousarray(X[seeds[0]]), D)
    order = np.empty(n, dtype=np.intp)
    logd, lw, row = np.empty(n), np.empty(n), np.empty(n)
    for t in range(1, k):
        n_zero = seed_kernels.sort_by_distance(D, logw, order, logd, lw)
        pos = seed_kernels.choose_position(logd, lw, n_zero, alpha, z[t])
        seeds.append(int(order[pos]))
        dist_kernels.distances_to_point(X, np.ascontiguousarray(X[seeds[-1]]), row)
        np.minimum(D, row, out=D)
    return np.array(seeds)


@pytest.mark.parametrize("n, d", [(1500, 6), (2200, 960)])  # radix sort; + parallel pass
def test_seeding_equals_tree_pieces_large(n, d):
    rng = np.random.default_rng(n)
    X = np.round(rng.normal(size=(n, d)), 1)  # ties in distance
    X[: n // 10] = X[0]  # duplicates: zero distances
    assert n >= seed_kernels.RADIX_MIN_POINTS
    w = np.where(rng.random(n) < 0.9, rng.random(n) + 0.5, 0.0)
    for alpha, weights in [(2.0, None), (0.0, None), (7.5, w), (np.inf, None)]:
        z = rng.random(8)
        logw = np.zeros(n) if weights is None else np.log(np.maximum(weights, 1e-300))
        if weights is not None:
            logw[weights == 0] = -np.inf
        got = dalpha_seeding(X, 8, alpha, z, sample_weight=weights)
        np.testing.assert_array_equal(got, _seeding_from_tree_pieces(X, 8, alpha, z, logw))


@pytest.mark.parametrize("n", [1024, 3001])
def test_radix_argsort_is_the_stable_sort(n):
    rng = np.random.default_rng(n)
    for D in [rng.random(n) * 10, np.round(rng.random(n) * 5, 1),
              np.r_[np.zeros(n // 3), rng.exponential(size=n - n // 3)],
              np.where(rng.random(n) < 0.1, np.inf, rng.random(n) * 1e-300),
              np.full(n, 2.0), rng.random(n) * 10.0 ** rng.integers(-300, 300, n)]:
        D = rng.permutation(D)
        order = np.empty(n, dtype=np.intp)
        seed_kernels.argsort_distances(D, order)
        np.testing.assert_array_equal(order, np.argsort(D, kind="stable"))


def test_seeding_same_bits_for_one_and_two_threads():
    """Rows split across threads (n * d above SEEDING_PARALLEL_MIN_WORK)."""
    import numba

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has one thread here")
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2200, 960))
    assert X.size >= seed_kernels.SEEDING_PARALLEL_MIN_WORK
    z = rng.random(6)
    before = numba.get_num_threads()
    try:
        out = []
        for t in (1, 2):
            numba.set_num_threads(t)
            out.append(dalpha_seeding(X, 6, 2.0, z).tobytes())
    finally:
        numba.set_num_threads(before)
    assert out[0] == out[1]


def test_overflowing_distances_as_the_tree_pieces():
    """Finite X whose squared differences overflow (distance inf): not an error,
    and the same seeds as the tree's pieces (the kernel's NaN/inf check falls
    back to the full validation, then runs without it)."""
    X = np.array([[0.0], [1e200], [-1e200], [5.0], [7.0], [1e200]])
    rng = np.random.default_rng(0)
    for alpha in [0.0, 2.0, np.inf]:
        for _ in range(5):
            z = rng.random(3)
            np.testing.assert_array_equal(
                dalpha_seeding(X, 3, alpha, z),
                _seeding_from_tree_pieces(X, 3, alpha, z, np.zeros(6)))
