"""Hamming loss and objective costs against brute force (docs/conventions.md)."""

import _naive
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalgo import (
    beta_cost,
    hamming_loss,
    kcenter_cost,
    kmeans_cost,
    kmedian_cost,
    normalized_cost,
)
from dalgo.losses import get_loss

labelings = st.integers(1, 30).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 3), min_size=n, max_size=n),
                        st.lists(st.integers(0, 4), min_size=n, max_size=n)))


@given(labelings)
def test_hamming_equals_brute_force(pair):
    y_true, y_pred = pair
    assert hamming_loss(y_true, y_pred) == pytest.approx(
        _naive.hamming_loss(y_true, y_pred), abs=1e-15)


@given(labelings, st.permutations(range(5)), st.permutations(range(4)))
def test_hamming_invariant_to_relabelling(pair, perm_pred, perm_true):
    y_true, y_pred = (np.array(v) for v in pair)
    base = hamming_loss(y_true, y_pred)
    assert 0.0 <= base <= 1.0
    assert hamming_loss(y_true, np.array(perm_pred)[y_pred]) == base
    assert hamming_loss(np.array(perm_true)[y_true], y_pred) == base
    # symmetric in its arguments, and arbitrary hashable labels work
    assert hamming_loss(y_pred, y_true) == pytest.approx(base, abs=1e-15)
    names = np.array(["a", "b", "c", "d", "e"])
    assert hamming_loss(y_true, names[y_pred]) == base


def test_hamming_known_values():
    assert hamming_loss([0, 0, 1, 1, 2], [5, 5, 3, 3, 3]) == 0.2
    assert hamming_loss([0, 1, 2], [0, 1, 2]) == 0.0
    assert hamming_loss([0, 0, 0, 0], [0, 1, 2, 3]) == 0.75


@pytest.mark.parametrize("bad, exc", [
    (([0, 1], [0]), ValueError),
    (([], []), ValueError),
    (([[0, 1]], [[0, 1]]), ValueError),
    (([0.0, np.nan], [0, 1]), ValueError),
])
def test_hamming_bad_input(bad, exc):
    with pytest.raises(exc):
        hamming_loss(*bad)


def test_costs_match_naive(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(50, 3))
    C = rng.normal(size=(4, 3))
    w = rng.random(50)
    labels, sq = _naive.assign(X, C)
    r = np.sqrt(sq)
    assert kmeans_cost(X, C) == pytest.approx((r**2).sum(), rel=1e-12)
    assert kmedian_cost(X, C) == pytest.approx(r.sum(), rel=1e-12)
    assert kcenter_cost(X, C) == pytest.approx(r.max(), rel=1e-12)
    assert beta_cost(X, C, 3.0, sample_weight=w) == pytest.approx((w * r**3).sum(),
                                                                  rel=1e-12)
    # explicit labels: the given centre, not the nearest
    lab = rng.integers(4, size=50)
    r2 = np.sqrt(((X - C[lab]) ** 2).sum(1))
    assert beta_cost(X, C, 1.5, labels=lab) == pytest.approx((r2**1.5).sum(), rel=1e-12)
    one = (np.sqrt(((X - X.mean(0)) ** 2).sum(1)) ** 2).sum()
    assert normalized_cost(X, C, 2.0) == pytest.approx((r**2).sum() / one, rel=1e-12)


def test_cost_bad_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="beta"):
        beta_cost(X, X[:1], 0.5)
    with pytest.raises(ValueError, match="features"):
        beta_cost(X, np.zeros((1, 3)), 2.0)
    with pytest.raises(ValueError, match="labels"):
        beta_cost(X, X[:1], 2.0, labels=[0, 1, 0])
    with pytest.raises(ValueError, match="NaN"):
        kmeans_cost(np.array([[np.nan, 0.0]]), X[:1])


def test_get_loss_callable_and_names():
    class Inst:
        X = np.array([[0.0], [1.0], [5.0]])
        y = np.array([0, 0, 1])

    class Res:
        centers = np.array([[0.5], [5.0]])

    assert get_loss("hamming")(np.array([1, 1, 0]), Inst, Res) == 0.0
    assert get_loss(lambda labels, inst: 0.25)(None, Inst, Res) == 0.25
    assert 0.0 <= get_loss("kmeans")(np.array([0, 0, 1]), Inst, Res) <= 1.0
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss("nope")


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-3, 300), min_size=n, max_size=n),
    st.lists(st.integers(0, 6), min_size=n, max_size=n))),
    st.sampled_from(["int", "uint8", "str", "shift"]))
def test_hamming_contingency_paths_agree(pair, kind):
    """Direct integer indexing and np.unique codes give the same loss as scikit-learn's
    contingency table (any label values: negative, large, strings)."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics.cluster import contingency_matrix

    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    if kind == "uint8":
        y_true = (y_true % 256).astype(np.uint8)
    elif kind == "str":
        y_true = y_true.astype(str)
    elif kind == "shift":
        y_pred = y_pred * 1000 + 5
    table = contingency_matrix(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    n = y_true.shape[0]
    assert hamming_loss(y_true, y_pred) == (n - int(table[rows, cols].sum())) / n


@given(st.integers(1, 6), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_hamming_many_equals_hamming_loss(r, n, seed):
    """The batched Hamming loss of the execution tree equals hamming_loss row by row."""
    from dalgo.instances import Instance

    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 5))
    y = rng.choice(np.array([-1, 3, 7, 40]), size=n)
    labels = rng.integers(0, k, size=(r, n))
    inst = Instance(X=rng.normal(size=(n, 2)), y=y, n_clusters=1, z=[0.5])
    got = get_loss("hamming").many(labels, inst)
    assert [float(v) for v in got] == [hamming_loss(y, row) for row in labels]
