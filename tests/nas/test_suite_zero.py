"""The 19 NAS-Bench-Suite-Zero tasks and the encodings of their spaces."""

import csv

import numpy as np
import pytest
from scipy import stats

from dalgo.nas.suite_zero import (
    SUITE_ZERO_PROXIES,
    SUITE_ZERO_TASKS,
    encode_archs,
    load_suite_zero_task,
)

SIZES = {"NB101-CF10": 500, "NB201-CF10": 724, "NB201-CF100": 725, "NB201-IMGNT": 724,
         "NB301-CF10": 725}


@pytest.fixture(scope="module")
def tasks(shared_data):
    return {t: load_suite_zero_task(t, data_dir=shared_data) for t in SUITE_ZERO_TASKS}


def test_nineteen_tasks_with_expected_sizes(tasks):
    assert len(SUITE_ZERO_TASKS) == 19
    for name, t in tasks.items():
        if name in SIZES:
            assert t.n_archs == SIZES[name]
        elif name.startswith("TNB101_MICRO"):
            assert t.n_archs == 711
        else:
            assert 662 <= t.n_archs <= 725
        assert len(set(t.keys)) == t.n_archs == len(t.y) == len(t.zc)
        assert np.isfinite(t.y).all()
        assert set(t.proxies) <= set(SUITE_ZERO_PROXIES) and len(t.proxies) >= 10
        assert "synflow" in t.proxies or name.startswith("TNB")
        # keys round-trip to the parsed archs
        norm = lambda v: str(v).replace(" ", "").replace("[", "(").replace("]", ")")  # noqa: E731
        assert norm(t.archs[0]) == norm(t.keys[0])


def test_nb201_keys_follow_the_naslib_tuple_convention(tasks, shared_data):
    # tuple -> arch string -> NB201 table: val_accuracy must match cifar10-valid accuracy
    from dalgo.nas.spaces import NB201

    acc = {}
    with open(shared_data / "nas" / "nb201_cifar10_nwot" / "arch_score_acc.csv") as fh:
        for row in csv.DictReader(fh):
            acc[row["arch_str"]] = float(row["cifar10valid_valid_acc"])
    t = tasks["NB201-CF10"]
    space = NB201()
    ours = [acc[space.to_string(a)] for a in t.archs]
    assert stats.pearsonr(ours, t.y)[0] > 0.99


def test_encodings_are_one_hot_and_injective(tasks):
    for name, t in tasks.items():
        X = t.features("encoding")
        assert X.shape[0] == t.n_archs and set(np.unique(X)) <= {0.0, 1.0}
        assert len(np.unique(X, axis=0)) == t.n_archs, name
        ones = X.sum(axis=1)
        expect = {"nb201": 6, "nb301": 32, "tnb101_micro": 6, "tnb101_macro": 6}.get(t.space)
        if expect is not None:
            assert (ones == expect).all(), name
    X = tasks["NB101-CF10"].features("encoding")
    A = np.array([a[:49] for a in tasks["NB101-CF10"].archs])
    np.testing.assert_array_equal(X[:, :49], A)
    assert (X[:, 49:].sum(axis=1) == 5).all()


def test_features_zc_and_both(tasks):
    t = tasks["NB201-CF10"]
    Z = t.features("zc")
    assert Z.shape == (t.n_archs, len(t.proxies)) and np.isfinite(Z).all()
    # monotone per column: ranks preserved where the raw score is finite
    j = t.proxies.index("synflow")
    ok = np.isfinite(t.zc[:, j])
    assert stats.spearmanr(Z[ok, j], t.zc[ok, j])[0] == pytest.approx(1.0)
    assert t.features("both").shape == (t.n_archs, 30 + len(t.proxies))
    assert t.features("encoding", encoding="path").shape == (t.n_archs, 155)
    with pytest.raises(ValueError):
        t.features("bogus")
    with pytest.raises(KeyError):
        tasks["NB101-CF10"].proxy("nwot")


def test_encode_archs_by_hand():
    X = encode_archs("nb301", [(((0, 3), (1, 0)) + ((0, 0),) * 6, ((4, 6),) * 8)])
    X = X.reshape(2, 8, 12)
    assert X[0, 0, 3] == 1 and X[0, 0, 7 + 0] == 1 and X[0, 1, 0] == 1 and X[0, 1, 8] == 1
    assert X[1, 5, 6] == 1 and X[1, 5, 11] == 1
    M = encode_archs("tnb101_macro", [(1, 2, 4, 0, 0, 3)]).reshape(6, 5)
    np.testing.assert_array_equal(M.argmax(axis=1), [1, 2, 4, 0, 0, 3])
    with pytest.raises(ValueError):
        encode_archs("tnb101_micro", [(0, 1, 2, 3, 4, 0)])
    with pytest.raises(ValueError):
        encode_archs("nb301", [], encoding="path")
    with pytest.raises(ValueError):
        load_suite_zero_task("NB999")


def test_missing_data_dir_names_places(tmp_path):
    with pytest.raises(FileNotFoundError, match="DALGO_DATA"):
        load_suite_zero_task("NB201-CF10", data_dir=tmp_path)


def test_zctask_repr_is_short(shared_data):
    from dalgo.nas import load_suite_zero_task

    t = load_suite_zero_task("NB201-CF10", data_dir=shared_data)
    r = repr(t)
    assert len(r) < 300 and "n_archs=724" in r and "'synflow'" in r
