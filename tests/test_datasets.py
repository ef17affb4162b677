"""Tests for dalgo.datasets: loaders, data-directory resolution, restricted unpickler."""

import dataclasses
import gzip
import os
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalgo.datasets import (
    Dataset,
    find_data_file,
    from_torchvision,
    get_data_dir,
    list_clustering_benchmarks,
    load_cifar10,
    load_clustering_benchmark,
    load_cnae9,
    load_dataset,
    load_digits,
    load_mnist,
    read_idx,
)
from dalgo.datasets.safe_pickle import ALLOWED_GLOBALS, safe_loads

# ----------------------------------------------------------------------------- helpers


def write_idx(path: Path, arr: np.ndarray, *, gz: bool = False, magic=None):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    magic = (0x800 + arr.ndim) if magic is None else magic
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", s) for s in arr.shape)
    payload = header + arr.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        with gzip.open(path, "wb") as fh:
            fh.write(payload)
    else:
        path.write_bytes(payload)


def write_mnist(root: Path, prefix: str, n: int, rng, *, layout="mnist", gz=True):
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    ext = ".gz" if gz else ""
    write_idx(root / layout / f"{prefix}-images-idx3-ubyte{ext}", images, gz=gz)
    write_idx(root / layout / f"{prefix}-labels-idx1-ubyte{ext}", labels, gz=gz)
    return images, labels


def write_cifar_batch(path: Path, n: int, rng, *, protocol=2):
    data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    labels = [int(v) for v in rng.integers(0, 10, size=n)]
    batch = {
        b"batch_label": b"testing batch 1 of 1",
        b"labels": labels,
        b"data": data,
        b"filenames": [f"img_{i}.png".encode() for i in range(n)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(batch, protocol=protocol))
    return data, np.asarray(labels)


def write_suite(root: Path, with_index: bool):
    suite = root / "clustering-data-v1"
    (suite / "toy").mkdir(parents=True)
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [9.0, 0.0], [2.0, 2.0]])
    np.savetxt(suite / "toy" / "a.data.gz", X)
    np.savetxt(suite / "toy" / "a.labels0.gz", np.array([1, 1, 3, 3, 0, 3]), fmt="%d")
    np.savetxt(suite / "toy" / "a.labels1.gz", np.array([2, 2, 2, 2, 1, 1]), fmt="%d")
    (suite / "toy" / "a.txt").write_text("Toy data set a.\n")
    np.savetxt(suite / "toy" / "b.data", X[:4])  # uncompressed variant
    np.savetxt(suite / "toy" / "b.labels0", np.array([1, 1, 2, 2]), fmt="%d")
    if with_index:
        (suite / "INDEX.tsv").write_text(
            "battery\tdataset\tn\td\tn_label_vectors\tk_per_labels\tnoise_points_per_labels\n"
            "toy\ta\t6\t2\t2\t2|2\t1|0\ntoy\tb\t4\t2\t1\t2\t0\n"
        )
    return X


# ----------------------------------------------------------------------------- Dataset


def test_dataset_converts_and_freezes():
    X = np.arange(6, dtype=np.int32).reshape(3, 2)
    ds = Dataset(X, [0, 1, 1], "toy")
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous and not ds.X.flags.writeable
    assert ds.y.dtype == np.int64 and not ds.y.flags.writeable
    X[0, 0] = 99  # the dataset owns a copy
    assert ds.X[0, 0] == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(X=np.zeros(3), y=None), "2-D"),
        (dict(X=np.zeros((3, 2)), y=[0, 1]), "3 rows"),
        (dict(X=np.zeros((3, 2)), y=[0.5, 1, 1]), "integer"),
        (dict(X=np.zeros((3, 2)), y=None, image_shape=(3, 3)), "image_shape"),
        (dict(X=np.zeros((3, 2)), y=None, noise=[True]), "noise"),
    ],
)
def test_dataset_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Dataset(name="bad", **kwargs)


def test_dataset_pickles_read_only():
    ds = Dataset(np.ones((2, 4)), [0, 1], "p", "d", (2, 2), [False, True])
    back = pickle.loads(pickle.dumps(ds))
    assert np.array_equal(back.X, ds.X) and np.array_equal(back.noise, ds.noise)
    assert back.image_shape == (2, 2) and not back.X.flags.writeable


def test_dataset_images_view():
    ds = Dataset(np.arange(8.0).reshape(2, 4), None, "img", image_shape=(2, 2))
    assert ds.images().shape == (2, 2, 2)
    assert ds.n_classes is None
    with pytest.raises(ValueError, match="no image_shape"):
        Dataset(np.zeros((2, 4)), None, "x").images()


# ----------------------------------------------------------------------------- data dir


def test_get_data_dir_argument_env_none(monkeypatch, tmp_path):
    monkeypatch.setenv("DALGO_DATA", str(tmp_path / "env"))
    assert get_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_dir() == tmp_path / "env"
    monkeypatch.delenv("DALGO_DATA")
    assert get_data_dir() is None


def test_find_data_file_env_and_error(monkeypatch, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.bin").write_bytes(b"x")
    monkeypatch.setenv("DALGO_DATA", str(tmp_path))
    assert find_data_file(["nope", "sub/f.bin"]) == tmp_path / "sub" / "f.bin"
    with pytest.raises(FileNotFoundError) as info:
        find_data_file(["a/x.gz", "b/y"])
    msg = str(info.value)
    assert str(tmp_path / "a" / "x.gz") in msg and str(tmp_path / "b" / "y") in msg
    assert "DALGO_DATA" in msg and "data_dir" in msg and "--data-dir" in msg


def test_find_data_file_has_no_developer_fallback(monkeypatch, tmp_path):
    """Without data_dir or $DALGO_DATA nothing is guessed, not even ../shared/data."""
    monkeypatch.delenv("DALGO_DATA", raising=False)
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "shared" / "data" / "here.txt").write_text("ok")
    work = tmp_path / "repo"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(FileNotFoundError) as info:
        find_data_file(["here.txt"], what="test file")
    msg = str(info.value)
    assert "test file not found" in msg and "here.txt" in msg
    assert "DALGO_DATA" in msg and "data_dir" in msg and "--data-dir" in msg


# ----------------------------------------------------------------------------- digits


def test_load_digits():
    ds = load_digits()
    assert ds.X.shape == (1797, 64) and ds.image_shape == (8, 8)
    assert ds.X.min() == 0 and ds.X.max() == 16
    assert np.array_equal(np.unique(ds.y), np.arange(10))
    assert load_dataset("digits").X.shape == (1797, 64)


@pytest.mark.parametrize(
    "name, shape", [("iris", (150, 4)), ("wine", (178, 13)), ("breast_cancer", (569, 30))])
def test_other_embedded(name, shape):
    assert load_dataset(name).X.shape == shape


# ----------------------------------------------------------------------------- IDX / MNIST


@given(
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    gz=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_read_idx_roundtrip(tmp_path_factory, shape, gz, seed):
    arr = np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)
    path = tmp_path_factory.mktemp("idx") / "x-idx"
    write_idx(path, arr, gz=gz)
    out = read_idx(path, expected_ndim=len(shape))
    assert out.shape == tuple(shape) and np.array_equal(out, arr)


def test_read_idx_rejects_corrupt(tmp_path):
    arr = np.zeros((2, 3, 3), dtype=np.uint8)
    write_idx(tmp_path / "bad_magic", arr, magic=0x12345603)
    with pytest.raises(ValueError, match="magic"):
        read_idx(tmp_path / "bad_magic")
    write_idx(tmp_path / "wrong_ndim", arr)
    with pytest.raises(ValueError, match="expected 1"):
        read_idx(tmp_path / "wrong_ndim", expected_ndim=1)
    write_idx(tmp_path / "ok", arr)
    (tmp_path / "trunc").write_bytes((tmp_path / "ok").read_bytes()[:-1])
    with pytest.raises(ValueError, match="size mismatch"):
        read_idx(tmp_path / "trunc")
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b" + b"garbage")
    with pytest.raises(ValueError, match="gzip"):
        read_idx(tmp_path / "bad.gz")
    (tmp_path / "tiny").write_bytes(b"\x00")
    with pytest.raises(ValueError, match="not an IDX"):
        read_idx(tmp_path / "tiny")


@pytest.mark.parametrize(
    "layout, gz", [("mnist", True), ("mnist", False), ("MNIST/raw", True), ("MNIST/raw", False)])
def test_load_mnist_layouts(tmp_path, rng, layout, gz):
    images, labels = write_mnist(tmp_path, "t10k", 7, rng, layout=layout, gz=gz)
    ds = load_mnist(tmp_path)
    assert ds.X.shape == (7, 784) and ds.image_shape == (28, 28)
    assert np.array_equal(ds.X, images.reshape(7, -1).astype(float))
    assert np.array_equal(ds.y, labels)
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.int64


def test_load_mnist_subsets(tmp_path, rng):
    tr_i, tr_l = write_mnist(tmp_path, "train", 5, rng)
    te_i, te_l = write_mnist(tmp_path, "t10k", 3, rng)
    assert load_mnist(tmp_path, subset="train").n_samples == 5
    both = load_mnist(tmp_path, subset="all")
    assert np.array_equal(both.y, np.concatenate([tr_l, te_l]))
    assert np.array_equal(both.X[5:], te_i.reshape(3, -1))
    with pytest.raises(ValueError, match="subset"):
        load_mnist(tmp_path, subset="validation")


def test_load_mnist_errors(tmp_path, rng):
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz", np.zeros((3, 28, 28)), gz=True)
    with pytest.raises(FileNotFoundError, match="labels"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz", np.zeros(4), gz=True)
    with pytest.raises(ValueError, match="3 images"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz", np.zeros((3, 1)), gz=True)
    with pytest.raises(ValueError, match="magic"):
        load_mnist(tmp_path)


def test_load_mnist_shared(shared_data):
    ds = load_mnist(shared_data)
    assert ds.X.shape == (10000, 784)
    assert np.array_equal(
        np.bincount(ds.y), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    )
    assert ds.y[0] == 7 and ds.X.max() == 255.0
    assert load_dataset("mnist", data_dir=shared_data).n_samples == 10000


# ----------------------------------------------------------------------------- CIFAR-10


def test_cifar_npz(tmp_path, rng):
    X = rng.integers(0, 256, size=(6, 32, 32, 3), dtype=np.uint8)
    y = np.array([0, 1, 2, 3, 4, 9], dtype=np.uint8)
    (tmp_path / "cifar10").mkdir()
    np.savez(tmp_path / "cifar10" / "cifar10_test.npz", X=X, y=y, filenames=np.array(["a"] * 6))
    ds = load_cifar10(tmp_path)
    assert ds.X.shape == (6, 3072) and ds.image_shape == (32, 32, 3)
    assert np.array_equal(ds.images(), X.astype(float))
    assert np.array_equal(ds.y, y)


def test_cifar_npz_refuses_object_arrays(tmp_path):
    (tmp_path / "cifar10").mkdir()
    np.savez(tmp_path / "cifar10" / "cifar10_test.npz", X=np.array([object()] * 2, dtype=object),
             y=np.zeros(2))
    with pytest.raises(ValueError, match="cannot read npz"):
        load_cifar10(tmp_path)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_cifar_batch_test(tmp_path, rng, protocol):
    data, labels = write_cifar_batch(tmp_path / "cifar-10-batches-py" / "test_batch", 4, rng,
                                     protocol=protocol)
    ds = load_cifar10(tmp_path)
    assert ds.X.shape == (4, 3072) and np.array_equal(ds.y, labels)
    imgs = ds.images()
    # official rows are CHW planes; dalgo rows are HWC
    for c, h, w in [(0, 0, 0), (1, 3, 7), (2, 31, 30)]:
        assert imgs[2, h, w, c] == data[2, c * 1024 + h * 32 + w]


def test_cifar_batches_train_and_all(tmp_path, rng):
    base = tmp_path / "cifar-10-batches-py"
    train = [write_cifar_batch(base / f"data_batch_{i}", 2, rng) for i in range(1, 6)]
    write_cifar_batch(base / "test_batch", 3, rng)
    tr = load_cifar10(tmp_path, subset="train")
    assert tr.n_samples == 10
    assert np.array_equal(tr.y, np.concatenate([lab for _, lab in train]))
    assert load_cifar10(tmp_path, subset="all").n_samples == 13
    (base / "data_batch_4").unlink()
    with pytest.raises(FileNotFoundError, match="data_batch_4"):
        load_cifar10(tmp_path, subset="train")


def test_cifar_batch_bad_content(tmp_path):
    base = tmp_path / "cifar-10-batches-py"
    base.mkdir()
    bad = {b"data": np.zeros((2, 10), np.uint8), b"labels": [0, 1]}
    (base / "test_batch").write_bytes(pickle.dumps(bad, protocol=2))
    with pytest.raises(ValueError, match="3072"):
        load_cifar10(tmp_path)
    (base / "test_batch").write_bytes(pickle.dumps([1, 2, 3], protocol=2))
    with pytest.raises(ValueError, match="dict"):
        load_cifar10(tmp_path)
    (base / "test_batch").write_bytes(b"\x80\x02}q\x00(")  # truncated stream
    with pytest.raises(pickle.UnpicklingError, match="malformed"):
        load_cifar10(tmp_path)


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_restricted_unpickler_refuses_os_system(tmp_path):
    marker = tmp_path / "pwned"
    base = tmp_path / "cifar-10-batches-py"
    base.mkdir()
    payload = pickle.dumps({b"data": _Evil(marker), b"labels": []}, protocol=2)
    assert b"system" in payload
    (base / "test_batch").write_bytes(payload)
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        load_cifar10(tmp_path)
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):
        safe_loads(payload, encoding="bytes")


def test_restricted_unpickler_refuses_codecs_tricks():
    # _codecs.encode is allowed only as str -> latin-1 (how protocol 2 encodes bytes)
    payload = b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00\x00base64\x86R."
    with pytest.raises(pickle.UnpicklingError, match="latin-1"):
        safe_loads(payload, encoding="bytes")
    ok = b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00\x00latin1\x86R."
    assert safe_loads(ok, encoding="bytes") == b"a"


@given(
    module=st.sampled_from(["os", "builtins", "subprocess", "numpy", "numpy.core.multiarray",
                            "posix", "sys", "io"]),
    name=st.sampled_from(["system", "eval", "exec", "getattr", "open", "load", "fromfile",
                          "__import__", "Popen", "_reconstruct"]),
)
def test_restricted_unpickler_allowlist(module, name):
    payload = b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n."
    allowed = (module, name) in ALLOWED_GLOBALS
    if allowed:
        assert callable(safe_loads(payload, encoding="bytes"))
    else:
        with pytest.raises(pickle.UnpicklingError, match="refusing"):
            safe_loads(payload, encoding="bytes")


def test_restricted_unpickler_reads_python2_style_pickle():
    # A protocol-2 pickle as Python 2 + numpy 1.x wrote the official batches:
    # module numpy.core.multiarray, byte strings as SHORT_BINSTRING.
    arr = np.arange(6, dtype=np.uint8).reshape(2, 3)
    py3 = pickle.dumps({b"data": arr, b"labels": [1, 2]}, protocol=2)
    py2ish = py3.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    out = safe_loads(py2ish, encoding="bytes")
    assert np.array_equal(out[b"data"], arr) and out[b"labels"] == [1, 2]


def test_cifar_shared(shared_data):
    ds = load_cifar10(shared_data)
    assert ds.X.shape == (10000, 3072)
    assert np.array_equal(np.bincount(ds.y), [1000] * 10)
    sl = ds.X[:200] / 255.0
    assert 0.0 <= sl.min() and sl.max() <= 1.0


# ----------------------------------------------------------------------------- CNAE-9


@pytest.mark.parametrize("gz", [True, False])
def test_cnae9_synthetic(tmp_path, gz):
    rows = np.array([[1, 0, 2, 0], [9, 1, 0, 0], [5, 0, 0, 4]])
    (tmp_path / "cnae9").mkdir()
    name = "CNAE-9.data.gz" if gz else "CNAE-9.data"
    np.savetxt(tmp_path / "cnae9" / name, rows, fmt="%d", delimiter=",")
    ds = load_cnae9(tmp_path)
    assert np.array_equal(ds.y, [0, 8, 4])
    assert np.array_equal(ds.X, rows[:, 1:])


def test_cnae9_bad_labels(tmp_path):
    (tmp_path / "cnae9").mkdir()
    np.savetxt(tmp_path / "cnae9" / "CNAE-9.data", np.array([[0, 1], [10, 1]]), fmt="%d",
               delimiter=",")
    with pytest.raises(ValueError, match="1..9"):
        load_cnae9(tmp_path)


def test_cnae9_shared(shared_data):
    ds = load_cnae9(shared_data)
    assert ds.X.shape == (1080, 856)
    assert np.array_equal(np.bincount(ds.y), [120] * 9)


# ----------------------------------------------------------------------------- benchmark suite


@pytest.mark.parametrize("with_index", [True, False])
def test_list_benchmarks(tmp_path, with_index):
    write_suite(tmp_path, with_index)
    assert list_clustering_benchmarks(tmp_path) == [("toy", "a"), ("toy", "b")]
    # the suite folder itself is accepted as data_dir
    suite = tmp_path / "clustering-data-v1"
    assert list_clustering_benchmarks(suite) == [("toy", "a"), ("toy", "b")]


def test_load_benchmark_noise_handling(tmp_path):
    X = write_suite(tmp_path, True)
    dropped = load_clustering_benchmark("toy", "a", tmp_path)
    assert dropped.name == "toy/a" and dropped.noise is None
    assert np.array_equal(dropped.X, np.delete(X, 4, axis=0))
    assert np.array_equal(dropped.y, [0, 0, 1, 1, 1])  # labels 1, 3 -> 0, 1
    assert "Toy data set a." in dropped.description
    kept = load_clustering_benchmark("toy", "a", tmp_path, drop_noise=False)
    assert np.array_equal(kept.y, [0, 0, 1, 1, -1, 1])
    assert np.array_equal(kept.noise, [False] * 4 + [True, False])
    assert kept.n_classes == 2
    alt = load_clustering_benchmark("toy", "a", tmp_path, labels=1)
    assert np.array_equal(alt.y, [1, 1, 1, 1, 0, 0])
    assert load_clustering_benchmark("toy", "b", tmp_path).n_samples == 4  # uncompressed
    assert load_dataset("toy/a", data_dir=tmp_path, drop_noise=False).noise.sum() == 1


def test_load_benchmark_errors(tmp_path):
    write_suite(tmp_path, True)
    with pytest.raises(FileNotFoundError, match="toy/a"):
        load_clustering_benchmark("toy", "zzz", tmp_path)
    with pytest.raises(FileNotFoundError, match="labels5"):
        load_clustering_benchmark("toy", "a", tmp_path, labels=5)
    for battery, name in [("..", "a"), ("toy", "../toy/a"), ("toy", "")]:
        with pytest.raises(ValueError, match="invalid benchmark"):
            load_clustering_benchmark(battery, name, tmp_path)
    np.savetxt(tmp_path / "clustering-data-v1" / "toy" / "b.labels0", np.array([1, 2]), fmt="%d")
    with pytest.raises(ValueError, match="2 labels for 4 points"):
        load_clustering_benchmark("toy", "b", tmp_path)


def test_benchmark_shared(shared_data):
    pairs = list_clustering_benchmarks(shared_data)
    assert len(pairs) == 76 and ("wut", "x2") in pairs
    ds = load_clustering_benchmark("graves", "zigzag_noisy", shared_data)
    assert ds.n_samples == 300 - 38 and ds.n_classes == 3
    full = load_clustering_benchmark("graves", "zigzag_noisy", shared_data, drop_noise=False)
    assert full.noise.sum() == 38 and full.n_samples == 300
    assert load_dataset("wut/x2", data_dir=shared_data).n_features == 2


# ----------------------------------------------------------------------------- torchvision-like


class FakeTensor:
    """Quacks like a torch tensor: detach() / cpu() / numpy()."""

    def __init__(self, arr):
        self._arr = np.asarray(arr)
        self.calls = []

    def detach(self):
        self.calls.append("detach")
        return self

    def cpu(self):
        self.calls.append("cpu")
        return self

    def numpy(self):
        self.calls.append("numpy")
        return self._arr


def test_from_torchvision_tensors():
    class MNISTLike:
        def __init__(self):
            self.data = FakeTensor(np.arange(3 * 4 * 4, dtype=np.uint8).reshape(3, 4, 4))
            self.targets = FakeTensor(np.array([2, 0, 1]))

    src = MNISTLike()
    ds = from_torchvision(src)
    assert ds.name == "mnistlike" and ds.image_shape == (4, 4) and ds.X.shape == (3, 16)
    assert np.array_equal(ds.y, [2, 0, 1])
    assert src.data.calls == ["detach", "cpu", "numpy"]


def test_from_torchvision_numpy_and_lists():
    class CIFARLike:
        data = np.zeros((2, 32, 32, 3), dtype=np.uint8)
        targets = [3, 4]

    ds = from_torchvision(CIFARLike(), name="c")
    assert ds.image_shape == (32, 32, 3) and ds.name == "c"

    class SVHNLike:
        data = [[1.0, 2.0], [3.0, 4.0]]
        labels = np.array([1, 0])

    assert from_torchvision(SVHNLike()).image_shape is None
    with pytest.raises(TypeError, match="targets"):
        from_torchvision(type("NoLabels", (), {"data": np.zeros((2, 2))})())
    with pytest.raises(TypeError, match="data"):
        from_torchvision(object())


# ----------------------------------------------------------------------------- dispatcher


def test_load_dataset_unknown_lists_available(tmp_path):
    write_suite(tmp_path, True)
    with pytest.raises(ValueError) as info:
        load_dataset("imagenet", data_dir=tmp_path)
    msg = str(info.value)
    for n in ("digits", "mnist", "cifar10", "cnae9", "toy/a"):
        assert n in msg
    with pytest.raises(ValueError, match="data folder not found"):
        load_dataset("imagenet", data_dir=tmp_path / "nowhere")
    with pytest.raises(TypeError, match="unexpected"):
        load_dataset("digits", subset="train")
