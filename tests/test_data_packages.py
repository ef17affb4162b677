"""dalgo.datasets and dalgo.instances as packages: layout, re-exports, one validation policy."""

import ast
import pickle
from pathlib import Path

import numpy as np
import pytest

import dalgo
from dalgo import InvalidParameterError, datasets, draw_z, instances
from dalgo.datasets import (
    load_clustering_benchmark,
    load_dataset,
    load_mnist,
    read_cifar10_batch,
    read_cifar10_npz,
)
from dalgo.datasets.benchmark_suite import split_benchmark_name
from dalgo.instances import (
    ClassSubsampling,
    FixedInstances,
    GaussianGrid,
    Instance,
    instances_from_benchmark_battery,
    make_instance,
)
from dalgo.instances.preprocessing import pca_transform, scale_data

PACKAGES = [Path(datasets.__file__).parent, Path(instances.__file__).parent]
MODULES = sorted(p for pkg in PACKAGES for p in pkg.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_modules_are_small_and_import_no_private_name(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 700
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.level > 0 or node.module.startswith("dalgo")):
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{path.name} imports private {private} from {node.module}"


@pytest.mark.parametrize("package", [datasets, instances])
def test_init_only_reexports(package):
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}
    for name in package.__all__:
        assert hasattr(package, name), name


def test_public_names_kept():
    for name in ["Dataset", "get_data_dir", "find_data_file", "load_digits", "load_mnist",
                 "load_cifar10", "load_cnae9", "list_clustering_benchmarks",
                 "load_clustering_benchmark", "from_torchvision", "load_dataset", "read_idx",
                 "DATA_ENV_VAR", "DATASET_NAMES", "HOW_TO", "read_bytes", "safe_load",
                 "safe_loads", "ALLOWED_GLOBALS"]:
        assert name in datasets.__all__, name
    assert set(instances.__all__) == {
        "Instance", "make_instance", "InstanceDistribution", "ClassSubsampling",
        "GaussianGrid", "FixedInstances", "instances_from_benchmark_battery",
        "spawn_generators"}
    assert instances.spawn_generators is dalgo.random_state.spawn_generators
    assert dalgo.ClassSubsampling is ClassSubsampling and dalgo.Instance is Instance


# ----------------------------------------------------------------------------- benchmark names


def test_split_benchmark_name():
    assert split_benchmark_name("wut/x2") == ("wut", "x2")
    assert split_benchmark_name(" wut/x2 ") == ("wut", "x2")
    assert split_benchmark_name("wut", "x2") == ("wut", "x2")
    for args in [("wut",), ("wut/x2", "x3"), ("wut/../x",), ("a/b/c",), ("wut", None)]:
        with pytest.raises(InvalidParameterError):
            split_benchmark_name(*args)


def test_load_clustering_benchmark_one_string(shared_data):
    a = load_clustering_benchmark("wut/x2", data_dir=shared_data)
    b = load_clustering_benchmark("wut", "x2", shared_data)
    assert a.name == b.name == "wut/x2"
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert a.description == b.description
    assert np.array_equal(load_dataset("wut/x2", shared_data).y, a.y)
    with pytest.raises(InvalidParameterError, match="data_dir by keyword"):
        load_clustering_benchmark("wut/x2", shared_data)
    with pytest.raises(InvalidParameterError, match="labels"):
        load_clustering_benchmark("wut/x2", data_dir=shared_data, labels=-1)


# ----------------------------------------------------------------------------- formats


def test_cifar_readers_are_public(tmp_path, rng):
    data = rng.integers(0, 256, size=(3, 3072), dtype=np.uint8)
    path = tmp_path / "test_batch"
    path.write_bytes(pickle.dumps({b"data": data, b"labels": [1, 2, 3]}, protocol=2))
    images, labels = read_cifar10_batch(path)
    assert images.shape == (3, 32, 32, 3) and labels.tolist() == [1, 2, 3]
    np.savez(tmp_path / "c.npz", X=images, y=labels)
    images2, labels2 = read_cifar10_npz(tmp_path / "c.npz")
    assert np.array_equal(images, images2) and np.array_equal(labels, labels2)


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "call",
    [
        lambda: Instance(np.zeros((3, 1)), None, 2.0, [0.1, 0.2]),
        lambda: Instance(np.zeros((3, 1)), None, 4, [0.1] * 4),
        lambda: GaussianGrid(grid_size=0),
        lambda: GaussianGrid(spacing="4"),
        lambda: GaussianGrid(n_clusters=10),
        lambda: ClassSubsampling(np.zeros((4, 2)), [0, 0, 1, 1], n_clusters=2, pca=0),
        lambda: ClassSubsampling(np.zeros((4, 2)), [0, 0, 1, 1], n_clusters=2, scale="log"),
        lambda: ClassSubsampling(np.zeros((4, 2)), [0, 0, 1, 1], n_clusters=2, n_per_class=1.5),
        lambda: GaussianGrid().sample(-1, 0),
        lambda: GaussianGrid().sample(1, 0, start=-1),
        lambda: GaussianGrid().sample(1, "seed"),
        lambda: FixedInstances([(np.zeros((3, 2)), None, 0)]),
        lambda: FixedInstances([], n_draws=1),
        lambda: make_instance(np.zeros((3, 1)), None),
        lambda: load_mnist(subset="validation"),
        lambda: load_dataset("digits", subset="train"),
        lambda: load_dataset(3),
        lambda: instances_from_benchmark_battery("wut", max_samples=0),
    ],
)
def test_bad_parameters_raise_one_exception_type(call):
    with pytest.raises(InvalidParameterError) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


# ----------------------------------------------------------------------------- randomness


def test_make_instance_draws_z_through_draw_z():
    X = np.arange(10.0).reshape(5, 2)
    assert np.array_equal(make_instance(X, n_clusters=3, random_state=4).z, draw_z(3, 4))
    g1, g2 = np.random.default_rng(8), np.random.default_rng(8)
    assert np.array_equal(make_instance(X, n_clusters=3, random_state=g1).z, draw_z(3, g2))
    assert g1.random() == g2.random()  # a Generator is used, and advanced, as is


def test_default_k_ignores_noise():
    X = np.arange(12.0).reshape(6, 2)
    y = [0, 0, 1, 1, -1, -1]
    assert make_instance(X, y, random_state=0).n_clusters == 2
    assert FixedInstances([(X, y)]).sample(1, 0)[0].n_clusters == 2


def test_sample_accepts_every_random_state_kind():
    grid = GaussianGrid(n_per_cluster=3)
    ref = grid.sample(2, 5)
    same = grid.sample(2, np.random.SeedSequence(5))
    assert [a.content_hash() for a in ref] == [b.content_hash() for b in same]
    assert len(grid.sample(2, np.random.RandomState(0))) == 2
    assert len(grid.sample(2, None)) == 2


# ----------------------------------------------------------------------------- preprocessing


def test_scale_data():
    X = np.array([[0.0, 2.0], [4.0, 6.0]])
    assert np.array_equal(scale_data(X, "minmax"), X / 6.0)
    assert np.array_equal(scale_data(X, "unit", 2.0), X / 2.0)
    assert np.array_equal(scale_data(X, "unit"), X / 6.0)
    assert scale_data(X) is X
    std = scale_data(np.array([[1.0, 5.0], [3.0, 5.0]]), "standard")
    assert np.array_equal(std, [[-1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="scale_max"):
        scale_data(X, "unit", 0.0)


def test_pca_transform_checks_components(rng):
    X = rng.normal(size=(6, 3))
    assert pca_transform(X, 2).shape == (6, 2)
    assert pca_transform(X, 2).flags.c_contiguous
    with pytest.raises(InvalidParameterError, match="pca=4"):
        pca_transform(X, 4)
    with pytest.raises(InvalidParameterError, match="pca_solver"):
        pca_transform(X, 2, "arpack")
