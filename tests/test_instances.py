"""Tests for dalgo.instances: Instance validation and hashing, seeded instance distributions."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import dalgo
from dalgo.datasets import Dataset, load_clustering_benchmark, load_digits, load_mnist
from dalgo.instances import (
    ClassSubsampling,
    FixedInstances,
    GaussianGrid,
    Instance,
    instances_from_benchmark_battery,
    make_instance,
    spawn_generators,
)


def assert_same_instances(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert u == v
        assert u.content_hash() == v.content_hash()


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def toy_labelled(n_classes=4, sizes=(5, 6, 7, 8), d=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), sizes[:n_classes])
    X = rng.normal(size=(y.size, d)) + 10 * y[:, None]
    return X, y


# ----------------------------------------------------------------------------- Instance


def test_instance_normalises_and_freezes():
    X = np.arange(6, dtype=np.int32).reshape(3, 2)
    y = [0, 1, 1]
    inst = Instance(X, y, 2, [0.1, 0.9], "a")
    assert inst.X.dtype == np.float64 and inst.X.flags.c_contiguous and not inst.X.flags.writeable
    assert inst.y.dtype == np.int64 and not inst.y.flags.writeable
    assert inst.z.dtype == np.float64 and not inst.z.flags.writeable
    X[0, 0] = 100
    assert inst.X[0, 0] == 0  # no aliasing of writable user arrays
    Xf = np.ones((3, 2))
    assert Instance(Xf, None, 1, [0.0]).X is not Xf  # writable input is copied
    with pytest.raises(dataclasses.FrozenInstanceError):
        inst.n_clusters = 3


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros(3), None, 1, [0.5]), "2-D"),
        ((np.zeros((0, 2)), None, 1, [0.5]), "at least one"),
        ((np.array([[0.0], [np.nan]]), None, 1, [0.5]), "non-finite"),
        ((np.array([[0.0], [np.inf]]), None, 1, [0.5]), "non-finite"),
        ((np.zeros((3, 1)), [0, 1], 1, [0.5]), "y must have shape"),
        ((np.zeros((3, 1)), [0, 1, 0.5], 1, [0.5]), "integer"),
        ((np.zeros((3, 1)), ["a", "b", "c"], 1, [0.5]), "integer"),
        ((np.zeros((3, 1)), None, 0, []), "n_clusters"),
        ((np.zeros((3, 1)), None, 4, [0.1] * 4), "n_clusters"),
        ((np.zeros((3, 1)), None, 2.0, [0.1, 0.2]), "n_clusters"),
        ((np.zeros((3, 1)), None, True, [0.1]), "n_clusters"),
        ((np.zeros((3, 1)), None, 2, [0.1]), "z must have shape"),
        ((np.zeros((3, 1)), None, 2, [0.1, 1.0]), r"\[0, 1\)"),
        ((np.zeros((3, 1)), None, 2, [-0.1, 0.5]), r"\[0, 1\)"),
        ((np.zeros((3, 1)), None, 2, [np.nan, 0.5]), r"\[0, 1\)"),
    ],
)
def test_instance_validation(args, match):
    with pytest.raises(ValueError, match=match):
        Instance(*args)


def test_content_hash_is_pinned():
    # A literal value: the cache key must not change between processes, runs or platforms.
    inst = Instance(np.arange(6.0).reshape(3, 2), [0, 1, 1], 2, [0.25, 0.75], "x")
    assert inst.content_hash() == "ad0e7a50ad0f46cff680024d01b02ce710847d20dcbbffc4a0b32aaef7099b75"
    inst = Instance(np.arange(6.0).reshape(3, 2), None, 2, [0.25, 0.75], "x")
    assert inst.content_hash() == "c979da0e58764c7534aa637db4dc8dc7d5c680aae9f3fe56cc43ffd3cd1c25e0"


def test_content_hash_other_process():
    inst = GaussianGrid(n_per_cluster=5).sample(1, random_state=3)[0]
    code = (
        "from dalgo.instances import GaussianGrid;"
        "print(GaussianGrid(n_per_cluster=5).sample(1, random_state=3)[0].content_hash())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == inst.content_hash()


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)


@given(
    data=st.lists(finite, min_size=2, max_size=12),
    z=st.floats(0.0, 1.0, exclude_max=True),
    which=st.sampled_from(["X", "y", "z", "k", "shape", "none"]),
)
def test_content_hash_sensitivity(data, z, which):
    n = len(data) // 2
    X = np.array(data[: 2 * n]).reshape(n, 2)
    y = np.zeros(n, dtype=int)
    base = Instance(X, y, 1, [z], "a")
    assert Instance(X.copy(), y.copy(), 1, [z], "other-name").content_hash() == base.content_hash()
    if which == "X":
        X2 = X.copy()
        X2[0, 0] = X2[0, 0] + 1.0 if abs(X2[0, 0]) < 1e6 else 0.0
        assume(X2[0, 0] != X[0, 0])
        other = Instance(X2, y, 1, [z])
    elif which == "y":
        other = Instance(X, y + 1, 1, [z])
    elif which == "z":
        z2 = z / 2 if z > 0 else 0.5
        other = Instance(X, y, 1, [z2])
    elif which == "k":
        assume(n >= 2)
        other = Instance(X, y, 2, [z, z])
    elif which == "shape":
        assume(n >= 1)
        other = Instance(X.reshape(2 * n, 1), np.zeros(2 * n, int), 1, [z])
    else:
        other = Instance(X, None, 1, [z])
    assert other.content_hash() != base.content_hash()


def test_content_hash_signed_zero():
    a = Instance(np.array([[0.0, 1.0]]), None, 1, [0.0])
    b = Instance(np.array([[-0.0, 1.0]]), None, 1, [-0.0])
    assert a.content_hash() == b.content_hash()


def test_instance_equality_and_with_z():
    a = Instance(np.eye(3), [0, 1, 2], 3, [0.1, 0.2, 0.3], "a")
    b = a.with_z([0.3, 0.2, 0.1])
    assert a != b and b.X is a.X and b.y is a.y
    assert a == Instance(np.eye(3), [0, 1, 2], 3, [0.1, 0.2, 0.3], "a")
    assert a != Instance(np.eye(3), None, 3, [0.1, 0.2, 0.3], "a")
    assert len({a, b, a.with_z(a.z)}) == 2


def test_instance_pickles_read_only():
    import pickle

    inst = GaussianGrid(n_per_cluster=3).sample(1, 0)[0]
    back = pickle.loads(pickle.dumps(inst))
    assert back == inst and back.content_hash() == inst.content_hash()
    assert not back.X.flags.writeable and not back.z.flags.writeable


def test_make_instance():
    inst = make_instance(np.arange(10.0).reshape(5, 2), [0, 0, 1, 2, -1], random_state=1)
    assert inst.n_clusters == 3  # noise label -1 not counted
    assert make_instance(np.zeros((3, 1)), n_clusters=2, random_state=1).z.shape == (2,)
    assert np.array_equal(make_instance(np.zeros((3, 1)), n_clusters=2, random_state=5).z,
                          make_instance(np.zeros((3, 1)), n_clusters=2, random_state=5).z)
    with pytest.raises(ValueError, match="n_clusters is required"):
        make_instance(np.zeros((3, 1)))


# ----------------------------------------------------------------------------- seeding


def test_spawn_generators_contract():
    a = [g.random() for g in spawn_generators(5, 11)]
    b = [g.random() for g in spawn_generators(2, 11, start=3)]
    assert a[3:] == b
    g1, g2 = np.random.default_rng(4), np.random.default_rng(4)
    assert spawn_generators(1, g1)[0].random() == spawn_generators(1, g2)[0].random()
    assert spawn_generators(1, None)[0].random() != spawn_generators(1, None)[0].random()
    seq = np.random.SeedSequence(9)
    assert spawn_generators(1, seq)[0].random() == spawn_generators(1, 9)[0].random()
    with pytest.raises(TypeError, match="random_state"):
        spawn_generators(1, "seed")
    with pytest.raises(ValueError, match="non-negative"):
        spawn_generators(1, -1)
    with pytest.raises(ValueError, match="n must be an integer >= 0"):
        spawn_generators(-1, 0)
    assert spawn_generators is dalgo.random_state.spawn_generators  # one helper, re-exported


def distributions():
    X, y = toy_labelled()
    return {
        "subsample": ClassSubsampling(X, y, n_clusters=2, n_per_class=3),
        "subsample_all": ClassSubsampling(X, y, n_clusters=3, n_per_class=None),
        "subsample_replace": ClassSubsampling(X, y, n_clusters=2, n_per_class=7, replace=True),
        "grid": GaussianGrid(n_per_cluster=4),
        "fixed": FixedInstances([(X, y, 4), (X[:6], None, 2, "head")]),
    }


DISTS = distributions()


@given(
    which=st.sampled_from(sorted(DISTS)),
    n_big=st.integers(1, 12),
    n_small=st.integers(0, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_sample_prefix_property(which, n_big, n_small, seed):
    dist = DISTS[which]
    n_small = min(n_small, n_big)
    big = dist.sample(n_big, seed)
    assert_same_instances(big[:n_small], dist.sample(n_small, seed))
    start = n_big - n_small
    assert_same_instances(big[start:], dist.sample(n_small, seed, start=start))


@pytest.mark.parametrize("which", sorted(DISTS))
def test_sample_deterministic_and_seed_dependent(which):
    dist = DISTS[which]
    assert_same_instances(dist.sample(4, 0), dist.sample(4, 0))
    assert_same_instances(dist.sample(3, np.random.default_rng(1)),
                          dist.sample(3, np.random.default_rng(1)))
    a, b = dist.sample(4, 0), dist.sample(4, 1)
    assert any(u.content_hash() != v.content_hash() for u, v in zip(a, b))
    # fresh z per draw
    zs = {tuple(inst.z) for inst in dist.sample(6, 2)}
    assert len(zs) == 6


def test_z_is_drawn_after_the_data_from_the_instances_own_generator():
    grid = GaussianGrid(grid_size=3, spacing=4.0, n_clusters=2, n_per_cluster=3)
    inst = grid.sample(3, random_state=8)[2]
    rng = np.random.default_rng(np.random.SeedSequence(8).spawn(3)[2])
    cells = np.sort(rng.choice(9, size=2, replace=False))
    X = np.repeat(grid.centers_[cells], 3, axis=0) + rng.standard_normal((6, 2))
    z = rng.random(2)
    assert np.array_equal(inst.X, X) and np.array_equal(inst.z, z)


# ----------------------------------------------------------------------------- ClassSubsampling


def test_class_subsampling_structure(digits):
    dist = ClassSubsampling.from_dataset(digits, n_clusters=5, n_per_class=20, scale="minmax")
    scaled = digits.X / 16.0
    for inst in dist.sample(5, 0):
        assert inst.X.shape == (100, 64) and inst.n_clusters == 5
        assert np.array_equal(np.bincount(inst.y), [20] * 5)
        # each row is a row of the scaled data set, no repeats, from one class per label
        rows = {r.tobytes(): i for i, r in enumerate(scaled)}
        idx = np.array([rows[r.tobytes()] for r in inst.X])
        assert np.unique(idx).size == 100 or len(rows) < len(scaled)
        for j in range(5):
            assert np.unique(digits.y[idx[inst.y == j]]).size == 1
        assert inst.name.startswith("digits[")


def test_class_subsampling_rows_and_labels_exact():
    X, y = toy_labelled()
    y_orig = y + 10  # arbitrary class ids
    dist = ClassSubsampling(X, y_orig, n_clusters=2, n_per_class=3)
    for inst in dist.sample(20, 5):
        idx = np.array([np.flatnonzero((X == row).all(axis=1))[0] for row in inst.X])
        assert np.all(np.diff(idx) > 0)  # data order, no repeats
        classes = np.unique(y_orig[idx])
        assert classes.size == 2
        assert np.array_equal(inst.y, np.searchsorted(classes, y_orig[idx]))


def test_class_subsampling_small_classes_and_all():
    X, y = toy_labelled(sizes=(5, 6, 7, 8))
    dist = ClassSubsampling(X, y, n_clusters=4, n_per_class=6)
    inst = dist.sample(1, 0)[0]
    assert np.array_equal(np.bincount(inst.y), [5, 6, 6, 6])  # the 5-point class given whole
    inst = ClassSubsampling(X, y, n_clusters=4, n_per_class=None).sample(1, 0)[0]
    assert np.array_equal(inst.X, X)
    inst = ClassSubsampling(X, y, n_clusters=4, n_per_class=9, replace=True).sample(1, 0)[0]
    assert np.array_equal(np.bincount(inst.y), [9] * 4)


def test_class_subsampling_uniform_classes():
    X, y = toy_labelled()
    dist = ClassSubsampling(X, y, n_clusters=2, n_per_class=1)
    counts = np.zeros(4)
    for inst in dist.sample(600, 0):
        counts[[int(s) for s in inst.name.split("[")[1].split("]")[0].split(",")]] += 1
    # each class is chosen with probability 1/2: 300 ± 3.5 sd (sd ≈ 12.2)
    assert np.all(np.abs(counts - 300) < 45), counts


def test_class_subsampling_scaling(digits):
    X, y = digits.X, digits.y
    d = ClassSubsampling(X, y, scale="minmax")
    assert d.X_.min() == 0.0 and d.X_.max() == 1.0
    assert np.allclose(ClassSubsampling(X, y, scale="unit", scale_max=32.0).X_, X / 32.0)
    assert np.allclose(ClassSubsampling(X, y, scale="unit").X_, X / 16.0)
    s = ClassSubsampling(X, y, scale="standard").X_
    nonconst = X.std(axis=0) > 0
    assert np.allclose(s[:, nonconst].mean(axis=0), 0, atol=1e-12)
    assert np.allclose(s[:, nonconst].std(axis=0), 1)
    assert np.all(s[:, ~nonconst] == 0)
    assert not d.X_.flags.writeable


def test_pca_matches_sklearn(rng):
    from sklearn.decomposition import PCA

    X = rng.normal(size=(60, 7)) @ rng.normal(size=(7, 7)) + 3.0
    y = np.arange(60) % 3
    for solver in ("full", "covariance_eigh"):
        ours = ClassSubsampling(X, y, n_clusters=2, pca=4, pca_solver=solver).X_
        ref = PCA(n_components=4, svd_solver=solver).fit_transform(X)
        np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-8)


def test_class_subsampling_pca_deterministic(digits):
    a = ClassSubsampling.from_dataset(digits, n_clusters=3, n_per_class=10, scale="minmax", pca=5)
    b = ClassSubsampling.from_dataset(digits, n_clusters=3, n_per_class=10, scale="minmax", pca=5)
    assert a.X_.shape == (1797, 5) and np.array_equal(a.X_, b.X_)
    assert_same_instances(a.sample(3, 0), b.sample(3, 0))
    assert a.sample(1, 0)[0].X.shape == (30, 5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_clusters=5), "n_clusters=5 exceeds the number of classes"),
        (dict(n_clusters=0), "n_clusters"),
        (dict(n_per_class=0), "n_per_class"),
        (dict(n_per_class=2.5), "n_per_class"),
        (dict(scale="log"), "scale"),
        (dict(scale="unit", scale_max=-1.0), "scale_max"),
        (dict(pca=4), "pca=4"),
        (dict(pca=0), "pca"),
        (dict(pca=2, pca_solver="arpack"), "pca_solver"),
    ],
)
def test_class_subsampling_validation(kwargs, match):
    X, y = toy_labelled()
    kwargs = {"n_clusters": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        ClassSubsampling(X, y, **kwargs)


def test_class_subsampling_bad_data():
    X, y = toy_labelled()
    with pytest.raises(ValueError, match="needs labels"):
        ClassSubsampling(X, None)
    with pytest.raises(ValueError, match="has no labels"):
        ClassSubsampling.from_dataset(Dataset(X, None, "u"))
    with pytest.raises(ValueError, match="shape"):
        ClassSubsampling(X, y[:-1])
    with pytest.raises(ValueError, match="non-empty"):
        ClassSubsampling(np.zeros((0, 2)), [])
    X2 = X.copy()
    X2[0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        ClassSubsampling(X2, y)
    with pytest.raises(ValueError, match="n_instances"):
        ClassSubsampling(X, y, n_clusters=2).sample(-1, 0)


def test_class_subsampling_mnist_protocol(shared_data):
    ds = load_mnist(shared_data)
    dist = ClassSubsampling.from_dataset(ds, n_clusters=5, n_per_class=100, scale="unit",
                                         scale_max=255.0)
    insts = dist.sample(3, 0)
    for inst in insts:
        assert inst.X.shape == (500, 784) and 0.0 <= inst.X.min() and inst.X.max() <= 1.0
        assert np.array_equal(np.bincount(inst.y), [100] * 5)


# ----------------------------------------------------------------------------- GaussianGrid


def test_gaussian_grid_structure():
    grid = GaussianGrid(grid_size=3, spacing=4.0, n_clusters=4, n_per_cluster=50)
    assert grid.centers_.shape == (9, 2) and np.array_equal(grid.centers_[5], [4.0, 8.0])
    all_means = []
    for inst in grid.sample(10, 0):
        assert inst.X.shape == (200, 2) and np.array_equal(np.bincount(inst.y), [50] * 4)
        cells = [int(c) for c in inst.name.split("[")[1].split("]")[0].split(",")]
        assert len(set(cells)) == 4 and cells == sorted(cells)
        for j, c in enumerate(cells):
            pts = inst.X[inst.y == j]
            all_means.append(pts.mean(axis=0) - grid.centers_[c])
            # sd of the mean ≈ 0.14
            assert np.linalg.norm(pts.mean(axis=0) - grid.centers_[c]) < 0.8
    resid = np.concatenate([inst.X for inst in grid.sample(3, 1)])
    assert resid.shape == (600, 2)
    assert abs(np.mean(all_means)) < 0.1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_clusters=10), "exceeds the number of grid cells"),
        (dict(spacing=0.0), "spacing"),
        (dict(spacing=float("nan")), "spacing"),
        (dict(grid_size=0), "grid_size"),
        (dict(n_per_cluster=0), "n_per_cluster"),
    ],
)
def test_gaussian_grid_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GaussianGrid(**kwargs)


# ----------------------------------------------------------------------------- FixedInstances


def test_fixed_instances_cycle_with_fresh_z():
    X, y = toy_labelled()
    ds = Dataset(X[:10], y[:10], "ds")
    inst = Instance(X[:4], None, 2, [0.0, 0.0], "given")
    dist = FixedInstances([ds, inst, (X, y)], n_draws=2)
    draws = dist.sample(None, random_state=3)
    assert len(draws) == 6 and len(dist) == 3
    assert [d.name for d in draws] == ["ds#0", "given#1", "fixed:2#2",
                                       "ds#3", "given#4", "fixed:2#5"]
    assert [d.n_clusters for d in draws[:3]] == [2, 2, 4]
    assert draws[0].X is draws[3].X  # the data are shared, not copied per draw
    assert not np.array_equal(draws[0].z, draws[3].z)
    assert not np.array_equal(draws[1].z, inst.z)


def test_fixed_instances_validation():
    with pytest.raises(ValueError, match="empty"):
        FixedInstances([])
    with pytest.raises(ValueError, match="item 0"):
        FixedInstances([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="n_clusters is required"):
        FixedInstances([(np.zeros((3, 2)), None)])
    with pytest.raises(ValueError, match="n_clusters must be in"):
        FixedInstances([(np.zeros((3, 2)), None, 5)])
    with pytest.raises(ValueError, match="n_draws"):
        FixedInstances([(np.zeros((3, 2)), None, 1)], n_draws=0)
    single = FixedInstances(Dataset(np.zeros((3, 2)), [0, 1, 1], "one"))
    assert len(single) == 1


def test_benchmark_battery_synthetic(tmp_path):
    suite = tmp_path / "clustering-data-v1" / "toy"
    suite.mkdir(parents=True)
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [9.0, 0.0]])
    for name, lab in [("a", [1, 1, 2, 2, 0]), ("b", [1, 2, 3, 3, 3])]:
        np.savetxt(suite / f"{name}.data.gz", X)
        np.savetxt(suite / f"{name}.labels0.gz", np.array(lab), fmt="%d")
    dist = instances_from_benchmark_battery("toy", tmp_path)
    a, b = dist.sample(2, 0)
    assert (a.n_samples, a.n_clusters, b.n_clusters) == (4, 2, 3)
    kept = instances_from_benchmark_battery("toy", tmp_path, names=["a"], drop_noise=False)
    kept = kept.sample(1, 0)[0]
    assert kept.n_samples == 5 and kept.n_clusters == 2 and kept.y[-1] == -1
    with pytest.raises(ValueError, match="no data sets found"):
        instances_from_benchmark_battery("nope", tmp_path)
    with pytest.raises(ValueError, match="unknown data sets"):
        instances_from_benchmark_battery("toy", tmp_path, names=["zzz"])
    with pytest.raises(ValueError, match="no data set left"):
        instances_from_benchmark_battery("toy", tmp_path, max_samples=2)


def test_benchmark_battery_shared(shared_data):
    dist = instances_from_benchmark_battery("graves", shared_data, max_samples=400)
    draws = dist.sample(len(dist), 0)
    ref = load_clustering_benchmark("graves", "zigzag_noisy", shared_data)
    match = [d for d in draws if d.name.startswith("graves/zigzag_noisy")]
    assert len(match) == 1 and match[0].n_clusters == ref.n_classes == 3
    assert all(d.n_samples <= 400 for d in draws)
