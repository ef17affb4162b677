"""Loaders of the named data sets, and :func:`load_dataset`, which finds one by name.

Embedded (scikit-learn's bundled files, no data folder needed): digits — the default data
set —, iris, wine, breast_cancer. On disk, under the data directory (``data_dir`` or
``$DALGO_DATA``): MNIST (IDX), CIFAR-10 (npz or python batches), CNAE-9 (UCI text), and the
clustering benchmark suite (:mod:`dalgo.datasets.benchmark_suite`).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .._validation import InvalidParameterError
from .benchmark_suite import list_clustering_benchmarks, load_clustering_benchmark
from .dataset import Dataset
from .formats import read_cifar10_batch, read_cifar10_npz, read_idx
from .paths import HOW_TO, find_data_file, read_bytes

__all__ = ["DATASET_NAMES", "load_cifar10", "load_cnae9", "load_dataset", "load_digits",
           "load_mnist"]

_SUBSETS = ("test", "train", "all")


def _check_subset(subset):
    if subset not in _SUBSETS:
        raise InvalidParameterError(f"subset must be 'test', 'train' or 'all', got {subset!r}")
    return ["train", "test"] if subset == "all" else [subset]


# --------------------------------------------------------------------------------------
# Embedded data (scikit-learn's bundled files)
# --------------------------------------------------------------------------------------


def load_digits() -> Dataset:
    """scikit-learn's bundled handwritten digits: 1,797 images of 8×8 pixels, 10 classes.

    The embedded default data set: it ships inside scikit-learn and needs no files.
    Pixels are kept raw (floats 0..16); scale them in the instance distribution
    (e.g. ``ClassSubsampling(..., scale="minmax")``).

    Returns
    -------
    Dataset
        ``X`` of shape (1797, 64), ``y`` in 0..9, ``image_shape=(8, 8)``.

    Examples
    --------
    >>> ds = load_digits()
    >>> ds.X.shape, ds.n_classes, float(ds.X.max())
    ((1797, 64), 10, 16.0)
    """
    return _load_sklearn("digits", image_shape=(8, 8))


def _load_sklearn(name: str, image_shape=None) -> Dataset:
    from sklearn import datasets as skd

    loader = {
        "digits": skd.load_digits,
        "iris": skd.load_iris,
        "wine": skd.load_wine,
        "breast_cancer": skd.load_breast_cancer,
    }[name]
    bunch = loader()
    y = np.unique(np.asarray(bunch.target), return_inverse=True)[1]
    descr = str(bunch.get("DESCR", "")).strip()
    descr = f"scikit-learn bundled data set '{name}' (sklearn.datasets.load_{name}).\n\n" + descr
    return Dataset(np.asarray(bunch.data, dtype=np.float64), y, name, descr, image_shape)


# --------------------------------------------------------------------------------------
# MNIST (IDX files)
# --------------------------------------------------------------------------------------

_MNIST_DIRS = ("mnist", "MNIST/raw", "mnist/raw", "mnist/MNIST/raw", "")
_MNIST_PREFIX = {"test": "t10k", "train": "train"}


def _idx_names(prefix: str, kind: str, ndim: int) -> list[str]:
    names = []
    for sep in ("-", "."):
        base = f"{prefix}-{kind}{sep}idx{ndim}-ubyte"
        names += [base + ".gz", base]
    return names


def _load_mnist_part(part: str, data_dir) -> tuple[np.ndarray, np.ndarray, Path]:
    prefix = _MNIST_PREFIX[part]
    img_cands = [
        str(Path(d) / n) if d else n for d in _MNIST_DIRS for n in _idx_names(prefix, "images", 3)
    ]
    img_path = find_data_file(img_cands, data_dir, what=f"MNIST {part} images")
    lab_names = _idx_names(prefix, "labels", 1)
    lab_path = next(
        (img_path.parent / n for n in lab_names if (img_path.parent / n).exists()), None)
    if lab_path is None:
        looked = "\n  ".join(str(img_path.parent / n) for n in lab_names)
        raise FileNotFoundError(
            f"found MNIST images {img_path} but no labels beside them; looked at:\n  {looked}"
            f"\n{HOW_TO}"
        )
    images = read_idx(img_path, expected_ndim=3)
    labels = read_idx(lab_path, expected_ndim=1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"MNIST {part}: {images.shape[0]} images in {img_path} but {labels.shape[0]} "
            f"labels in {lab_path}"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{lab_path}: MNIST labels must be 0..9, found {int(labels.max())}")
    return images, labels, img_path


def load_mnist(data_dir=None, *, subset: str = "test") -> Dataset:
    """MNIST from IDX files (``.gz`` or not), as LeCun and torchvision store them.

    Looked for under the data directory, in this order: ``mnist/``, ``MNIST/raw/``
    (torchvision's layout when ``data_dir`` is the torchvision root), ``mnist/raw/``,
    ``mnist/MNIST/raw/``, and the directory itself. Files are
    ``t10k-images-idx3-ubyte[.gz]`` + ``t10k-labels-idx1-ubyte[.gz]`` (test) and
    ``train-…`` (train); the labels are taken from the images' directory.

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        The data directory; None: ``$DALGO_DATA`` (see :func:`~dalgo.datasets.find_data_file`).
    subset : {"test", "train", "all"}, default="test"
        ``"all"`` is train followed by test (70,000 images).

    Returns
    -------
    Dataset
        Pixels as floats 0..255 (raw), ``y`` in 0..9, ``image_shape=(28, 28)``.

    Raises
    ------
    FileNotFoundError
        If the files are missing (the message lists where they were looked for).
    ValueError
        If a file is corrupt (bad magic number, wrong size, mismatched counts).
    """
    parts = _check_subset(subset)
    loaded = [_load_mnist_part(p, data_dir) for p in parts]
    shapes = {imgs.shape[1:] for imgs, _, _ in loaded}
    if len(shapes) != 1:
        raise ValueError(f"MNIST parts have different image shapes: {sorted(shapes)}")
    shape = shapes.pop()
    X = np.concatenate([imgs.reshape(imgs.shape[0], -1) for imgs, _, _ in loaded])
    X = X.astype(np.float64)
    y = np.concatenate([lab for _, lab, _ in loaded]).astype(np.int64)
    X.flags.writeable = False
    files = ", ".join(str(p) for _, _, p in loaded)
    descr = (
        f"MNIST handwritten digits ({subset} set; Y. LeCun, C. Cortes, C. J. C. Burges), "
        f"read from {files}. Pixels are raw grey levels 0..255."
    )
    return Dataset(X, y, "mnist" if subset == "test" else f"mnist-{subset}", descr, shape)


# --------------------------------------------------------------------------------------
# CIFAR-10 (npz and official python batches)
# --------------------------------------------------------------------------------------

_CIFAR_DIRS = ("cifar-10-batches-py", "cifar10/cifar-10-batches-py", "cifar10", "")


def _in_dirs(name: str) -> list[str]:
    return [str(Path(d) / name) if d else name for d in _CIFAR_DIRS]


def load_cifar10(data_dir=None, *, subset: str = "test") -> Dataset:
    """CIFAR-10 from ``cifar10/cifar10_test.npz`` or the official python batches.

    Sources, in order: ``cifar10/cifar10_test.npz`` (read with ``allow_pickle=False``; test
    set only), then ``cifar-10-batches-py/test_batch`` / ``data_batch_1`` … ``data_batch_5``
    (also under ``cifar10/``), the official pickles, read with dalgo's restricted unpickler
    (:func:`~dalgo.datasets.read_cifar10_batch`).

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        The data directory; None: ``$DALGO_DATA`` (see :func:`~dalgo.datasets.find_data_file`).
    subset : {"test", "train", "all"}, default="test"
        ``"all"`` is the five training batches followed by the test set.

    Returns
    -------
    Dataset
        Pixels as floats 0..255 (raw), each image flattened in height × width × channel
        (HWC, RGB) order whatever the source; ``image_shape=(32, 32, 3)``;
        ``Dataset.images()`` gives the 4-D view. ``y`` in 0..9 (airplane … truck).

    Notes
    -----
    The npz copy in the shared data folder is sorted by (class, file name), so its row order
    differs from the official ``test_batch``; the set of images is the same.
    """
    parts = _check_subset(subset)
    imgs, labs, sources = [], [], []
    for part in parts:
        if part == "test":
            cands = ["cifar10/cifar10_test.npz", "cifar10_test.npz"] + _in_dirs("test_batch")
            path = find_data_file(cands, data_dir, what="CIFAR-10 test set")
            read = read_cifar10_npz if path.suffix == ".npz" else read_cifar10_batch
            X, y = read(path)
            imgs.append(X)
            labs.append(y)
            sources.append(str(path))
        else:
            first = find_data_file(_in_dirs("data_batch_1"), data_dir,
                                   what="CIFAR-10 training set")
            for i in range(1, 6):
                path = first.parent / f"data_batch_{i}"
                if not path.exists():
                    raise FileNotFoundError(f"CIFAR-10 training batch missing: {path}\n{HOW_TO}")
                X, y = read_cifar10_batch(path)
                imgs.append(X)
                labs.append(y)
            sources.append(str(first.parent / "data_batch_{1..5}"))
    X = np.concatenate(imgs).reshape(sum(len(i) for i in imgs), -1).astype(np.float64)
    X.flags.writeable = False
    y = np.concatenate(labs)
    descr = (
        f"CIFAR-10 ({subset} set; A. Krizhevsky, 2009), read from {', '.join(sources)}. "
        "Raw pixels 0..255, rows flattened in HWC (RGB) order."
    )
    name = "cifar10" if subset == "test" else f"cifar10-{subset}"
    return Dataset(X, y, name, descr, (32, 32, 3))


# --------------------------------------------------------------------------------------
# CNAE-9
# --------------------------------------------------------------------------------------


def load_cnae9(data_dir=None) -> Dataset:
    """CNAE-9 (UCI): 1,080 Brazilian business descriptions × 856 word frequencies, 9 classes.

    Reads ``cnae9/CNAE-9.data.gz`` or the uncompressed ``CNAE-9.data`` (comma separated,
    class 1..9 in column 0).

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        The data directory; None: ``$DALGO_DATA`` (see :func:`~dalgo.datasets.find_data_file`).

    Returns
    -------
    Dataset
        ``X`` of shape (1080, 856), ``y`` shifted to 0..8.
    """
    cands = [f"{d}CNAE-9.data{ext}" for d in ("cnae9/", "") for ext in (".gz", "")]
    path = find_data_file(cands, data_dir, what="CNAE-9")
    text = read_bytes(path).decode("ascii", errors="strict")
    try:
        a = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise ValueError(f"{path}: cannot parse CNAE-9 data ({exc})") from exc
    if a.shape[1] < 2 or a.shape[0] == 0:
        raise ValueError(f"{path}: expected rows of 'class,features...', got shape {a.shape}")
    labels = a[:, 0]
    if not np.all(labels == np.round(labels)) or labels.min() < 1 or labels.max() > 9:
        raise ValueError(f"{path}: CNAE-9 classes must be integers 1..9")
    X = np.ascontiguousarray(a[:, 1:])
    X.flags.writeable = False
    descr = (
        f"CNAE-9 (UCI; P. M. Ciarelli and E. Oliveira, ISDA 2009), read from {path}. "
        "Word frequencies of business descriptions; classes 1..9 shifted to 0..8."
    )
    return Dataset(X, labels.astype(np.int64) - 1, "cnae9", descr)


# --------------------------------------------------------------------------------------
# The registry and the dispatcher
# --------------------------------------------------------------------------------------


def _embedded(name, image_shape=None):
    def load(data_dir=None, **kwargs):
        if kwargs:
            raise InvalidParameterError(
                f"data set {name!r} takes no options; got unexpected keyword arguments "
                f"{sorted(kwargs)}")
        return _load_sklearn(name, image_shape)
    return load


_LOADERS = {
    "digits": _embedded("digits", (8, 8)),
    "iris": _embedded("iris"),
    "wine": _embedded("wine"),
    "breast_cancer": _embedded("breast_cancer"),
    "mnist": load_mnist,
    "cifar10": load_cifar10,
    "cnae9": load_cnae9,
}

#: Names :func:`load_dataset` accepts besides ``"<battery>/<name>"``.
DATASET_NAMES = tuple(_LOADERS)

_ALIASES = {"digits": "digits", "mnist": "mnist", "cifar10": "cifar10", "cifar": "cifar10",
            "cnae9": "cnae9", "cnae": "cnae9", "iris": "iris", "wine": "wine",
            "breastcancer": "breast_cancer"}


def load_dataset(name: str, data_dir=None, **kwargs) -> Dataset:
    """Load a data set by name.

    Parameters
    ----------
    name : str
        ``"digits"`` (embedded, the default data set), ``"iris"``, ``"wine"``,
        ``"breast_cancer"`` (embedded), ``"mnist"``, ``"cifar10"``, ``"cnae9"``, or
        ``"<battery>/<name>"`` for the clustering benchmark suite (e.g. ``"wut/x2"``).
        Case, ``-`` and ``_`` are ignored in the built-in names.
    data_dir : str or path-like or None, default=None
        The data directory; None: ``$DALGO_DATA`` (see :func:`~dalgo.datasets.find_data_file`).
    **kwargs
        Passed to the loader (e.g. ``subset="train"`` for MNIST, ``labels=1`` or
        ``drop_noise=False`` for the benchmark suite).

    Returns
    -------
    Dataset

    Raises
    ------
    InvalidParameterError
        For an unknown name (a :class:`ValueError`); the message lists the available names.

    Examples
    --------
    >>> load_dataset("digits").X.shape
    (1797, 64)
    """
    if not isinstance(name, str):
        raise InvalidParameterError(f"name must be a str, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key in _ALIASES:
        return _LOADERS[_ALIASES[key]](data_dir, **kwargs)
    if "/" in name:
        return load_clustering_benchmark(name, data_dir=data_dir, **kwargs)
    try:
        bench = [f"{b}/{n}" for b, n in list_clustering_benchmarks(data_dir)]
        extra = f"; clustering benchmark suite: {', '.join(bench)}"
    except FileNotFoundError:
        extra = ("; or '<battery>/<name>' from the clustering benchmark suite "
                 "(data folder not found)")
    raise InvalidParameterError(
        f"unknown data set {name!r}; available: {', '.join(DATASET_NAMES)}{extra}")
