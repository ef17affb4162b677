"""Data set loaders: embedded, on-disk, and user-supplied (nothing is ever downloaded).

Every loader returns a :class:`Dataset`: a 2-D float64 matrix ``X`` (one row per sample,
images flattened) and integer labels ``y`` (``0 .. c-1``), plus a name and a description.
Preprocessing (scaling, PCA) is *not* done here; it belongs to the instance distributions in
:mod:`dalgo.instances`.

Where the files are
-------------------
Loaders that read files take ``data_dir``; when it is ``None`` the environment variable
``DALGO_DATA`` names the folder (:mod:`dalgo.datasets.paths`). A missing file raises
:class:`FileNotFoundError` listing every path that was looked at and how to point dalgo at
the data.

Security
--------
CIFAR-10 python batches are pickles. They are read with dalgo's restricted unpickler
(:mod:`dalgo.datasets.safe_pickle`); a forbidden global, e.g. ``os.system``, raises
:class:`pickle.UnpicklingError`. ``.npz`` files are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Dataset",
    "get_data_dir",
    "find_data_file",
    "load_digits",
    "load_mnist",
    "load_cifar10",
    "load_cnae9",
    "list_clustering_benchmarks",
    "load_clustering_benchmark",
    "from_torchvision",
    "load_dataset",
    "read_idx",
    "DATA_ENV_VAR",
]

from .paths import DATA_ENV_VAR, find_data_file, get_data_dir
from .paths import HOW_TO as _HOW_TO
from .paths import read_bytes as _read_bytes
from .safe_pickle import safe_loads


# --------------------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------------------


def _frozen_float_matrix(X, what="X"):
    """Return ``X`` as a read-only, C-contiguous 2-D float64 array (copied unless it already is one)."""
    if isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.c_contiguous and not X.flags.writeable:
        arr = X
    else:
        arr = np.array(X, dtype=np.float64, order="C", copy=True)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    arr.flags.writeable = False
    return arr


def _frozen_int_vector(y, n, what="y"):
    """Return ``y`` as a read-only int64 vector of length ``n`` (integer values required)."""
    raw = np.asarray(y)
    if raw.ndim != 1 or raw.shape[0] != n:
        raise ValueError(f"{what} must have shape ({n},) to match X with {n} rows, got {raw.shape}")
    if raw.dtype.kind in "f":
        if not np.all(np.isfinite(raw)) or not np.all(raw == np.round(raw)):
            raise ValueError(f"{what} must hold integer labels, got non-integer values")
    elif raw.dtype.kind not in "iub":
        raise ValueError(f"{what} must hold integer labels, got dtype {raw.dtype}")
    if raw.dtype == np.int64 and raw.flags.c_contiguous and not raw.flags.writeable:
        return raw  # already frozen: no copy
    arr = np.array(raw, dtype=np.int64, order="C", copy=True)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled (or unlabelled) data set as a point matrix.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points, one row per sample; images are flattened (see ``image_shape``).
        Stored as a read-only, C-contiguous float64 array.
    y : array-like of shape (n_samples,) or None
        Integer labels. The loaders give ``0 .. c-1``; ``-1`` marks noise points in
        :func:`load_clustering_benchmark` with ``drop_noise=False``.
    name : str
        Short name, e.g. ``"mnist"`` or ``"wut/x2"``.
    description : str, default=""
        Free text: source, citation, preprocessing already applied.
    image_shape : tuple of int or None, default=None
        Shape of one image (e.g. ``(28, 28)`` or ``(32, 32, 3)``) when the rows are images.
    noise : array-like of bool of shape (n_samples,) or None, default=None
        Mask of noise points (clustering benchmark suite only), else None.

    Examples
    --------
    >>> ds = Dataset([[0, 1], [2, 3], [4, 5]], [0, 1, 1], name="toy")
    >>> ds.n_samples, ds.n_features, ds.n_classes
    (3, 2, 2)
    >>> ds.X.dtype, ds.y.dtype
    (dtype('float64'), dtype('int64'))
    """

    X: np.ndarray
    y: np.ndarray | None
    name: str
    description: str = ""
    image_shape: tuple | None = None
    noise: np.ndarray | None = None

    def __post_init__(self):
        X = _frozen_float_matrix(self.X)
        object.__setattr__(self, "X", X)
        if self.y is not None:
            object.__setattr__(self, "y", _frozen_int_vector(self.y, X.shape[0]))
        if self.noise is not None:
            noise = np.array(self.noise, dtype=bool, copy=True)
            if noise.shape != (X.shape[0],):
                raise ValueError(f"noise must have shape ({X.shape[0]},), got {noise.shape}")
            noise.flags.writeable = False
            object.__setattr__(self, "noise", noise)
        if self.image_shape is not None:
            shape = tuple(int(s) for s in self.image_shape)
            if int(np.prod(shape)) != X.shape[1]:
                raise ValueError(
                    f"image_shape {shape} has {int(np.prod(shape))} pixels but X has {X.shape[1]} columns"
                )
            object.__setattr__(self, "image_shape", shape)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")

    def __reduce__(self):
        # re-run validation on unpickling so the arrays come back read-only
        return (Dataset, (self.X, self.y, self.name, self.description, self.image_shape, self.noise))

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of distinct labels, noise (``-1``) excluded; None without labels."""
        if self.y is None:
            return None
        return int(np.unique(self.y[self.y >= 0]).size)

    def images(self) -> np.ndarray:
        """``X`` reshaped to ``(n_samples, *image_shape)`` (a read-only view).

        Raises
        ------
        ValueError
            If the data set has no ``image_shape``.
        """
        if self.image_shape is None:
            raise ValueError(f"data set {self.name!r} has no image_shape")
        return self.X.reshape((self.n_samples,) + tuple(self.image_shape))

    def __repr__(self):
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, n_features={self.n_features}, "
            f"n_classes={self.n_classes})"
        )


# --------------------------------------------------------------------------------------
# Where the data are
# --------------------------------------------------------------------------------------


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

_IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path, *, expected_ndim: int | None = None) -> np.ndarray:
    """Read one IDX file (LeCun's MNIST format), gzip-compressed or not.

    Parameters
    ----------
    path : str or path-like
        The file; gzip is detected from its first bytes, not from its name.
    expected_ndim : int or None, default=None
        If given, the number of dimensions the magic number must announce
        (3 for images: magic 0x00000803; 1 for labels: 0x00000801).

    Returns
    -------
    numpy.ndarray
        The array, in native byte order, with the shape stored in the header.

    Raises
    ------
    ValueError
        If the magic number, the type code, the dimension count or the file size is wrong.

    Examples
    --------
    >>> import tempfile, pathlib, struct
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "labels-idx1-ubyte"
    ...     _ = p.write_bytes(struct.pack(">IIBBB", 0x801, 3, 7, 0, 9))
    ...     read_idx(p, expected_ndim=1)
    array([7, 0, 9], dtype=uint8)
    """
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: not an IDX file (only {len(data)} bytes)")
    zero, code, ndim = data[0:2], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero != b"\x00\x00" or code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(f"{path}: bad IDX magic number 0x{magic:08x} (file corrupt or not IDX)")
    if expected_ndim is not None and ndim != expected_ndim:
        raise ValueError(
            f"{path}: IDX magic number 0x{magic:08x} announces {ndim} dimensions, "
            f"expected {expected_ndim} (0x{0x800 + expected_ndim:08x})"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX header")
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[code]
    expected = header + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(
            f"{path}: IDX size mismatch: header announces shape {dims} ({expected} bytes) "
            f"but the file holds {len(data)} bytes (truncated or corrupt)"
        )
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=True)


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
    img_path = find_data_file(img_cands, data_dir)
    lab_names = _idx_names(prefix, "labels", 1)
    lab_path = next((img_path.parent / n for n in lab_names if (img_path.parent / n).exists()), None)
    if lab_path is None:
        looked = "\n  ".join(str(img_path.parent / n) for n in lab_names)
        raise FileNotFoundError(
            f"found MNIST images {img_path} but no labels beside them; looked at:\n  {looked}\n{_HOW_TO}"
        )
    images = read_idx(img_path, expected_ndim=3)
    labels = read_idx(lab_path, expected_ndim=1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"MNIST {part}: {images.shape[0]} images in {img_path} but {labels.shape[0]} labels in {lab_path}"
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
        See :func:`find_data_file`.
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
    if subset not in ("test", "train", "all"):
        raise ValueError(f"subset must be 'test', 'train' or 'all', got {subset!r}")
    parts = ["train", "test"] if subset == "all" else [subset]
    loaded = [_load_mnist_part(p, data_dir) for p in parts]
    shapes = {imgs.shape[1:] for imgs, _, _ in loaded}
    if len(shapes) != 1:
        raise ValueError(f"MNIST parts have different image shapes: {sorted(shapes)}")
    shape = shapes.pop()
    X = np.concatenate([imgs.reshape(imgs.shape[0], -1) for imgs, _, _ in loaded]).astype(np.float64)
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

def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One official batch → (images uint8 (n, 32, 32, 3) HWC, labels int64)."""
    obj = safe_loads(_read_bytes(path), encoding="bytes")
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: a CIFAR-10 batch is a dict, got {type(obj).__name__}")
    norm = {(k.decode("latin-1") if isinstance(k, bytes) else k): v for k, v in obj.items()}
    if "data" not in norm or "labels" not in norm:
        raise ValueError(f"{path}: CIFAR-10 batch lacks 'data' or 'labels' (keys: {sorted(map(str, norm))})")
    data = norm["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        raise ValueError(
            f"{path}: CIFAR-10 batch 'data' must be a uint8 array of shape (n, 3072), got "
            f"{getattr(data, 'dtype', type(data).__name__)} {getattr(data, 'shape', '')}"
        )
    labels = np.asarray(norm["labels"])
    if labels.shape != (data.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(f"{path}: CIFAR-10 batch needs {data.shape[0]} integer labels, got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{path}: CIFAR-10 labels must be 0..9")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # CHW planes → HWC
    return np.ascontiguousarray(images), labels.astype(np.int64)


def _read_cifar_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "X" not in npz.files or "y" not in npz.files:
                raise ValueError(f"{path}: expected arrays 'X' and 'y', found {npz.files}")
            X, y = npz["X"], npz["y"]
    except Exception as exc:  # BadZipFile, OSError, EOFError, ...
        if isinstance(exc, ValueError) and str(path) in str(exc):
            raise
        raise ValueError(f"{path}: cannot read npz ({type(exc).__name__}: {exc})") from exc
    if X.ndim == 2 and X.shape[1] == 3072:
        X = X.reshape(-1, 32, 32, 3)
    if X.ndim != 4 or X.shape[1:] != (32, 32, 3):
        raise ValueError(f"{path}: 'X' must have shape (n, 32, 32, 3), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{path}: 'y' must have shape ({X.shape[0]},), got {y.shape}")
    return X, y.astype(np.int64)


def load_cifar10(data_dir=None, *, subset: str = "test") -> Dataset:
    """CIFAR-10 from ``cifar10/cifar10_test.npz`` or the official python batches.

    Sources, in order: ``cifar10/cifar10_test.npz`` (read with ``allow_pickle=False``; test
    set only), then ``cifar-10-batches-py/test_batch`` / ``data_batch_1`` … ``data_batch_5``
    (also under ``cifar10/``), the official pickles, read with a restricted unpickler
    (see the module notes).

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        See :func:`find_data_file`.
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
    if subset not in ("test", "train", "all"):
        raise ValueError(f"subset must be 'test', 'train' or 'all', got {subset!r}")
    dirs = ("cifar-10-batches-py", "cifar10/cifar-10-batches-py", "cifar10", "")
    parts = ["train", "test"] if subset == "all" else [subset]
    imgs, labs, sources = [], [], []
    for part in parts:
        if part == "test":
            cands = ["cifar10/cifar10_test.npz", "cifar10_test.npz"]
            cands += [str(Path(d) / "test_batch") if d else "test_batch" for d in dirs]
            path = find_data_file(cands, data_dir)
            X, y = _read_cifar_npz(path) if path.suffix == ".npz" else _read_cifar_batch(path)
            imgs.append(X)
            labs.append(y)
            sources.append(str(path))
        else:
            first = find_data_file([str(Path(d) / "data_batch_1") if d else "data_batch_1" for d in dirs], data_dir)
            for i in range(1, 6):
                path = first.parent / f"data_batch_{i}"
                if not path.exists():
                    raise FileNotFoundError(f"CIFAR-10 training batch missing: {path}\n{_HOW_TO}")
                X, y = _read_cifar_batch(path)
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
    return Dataset(X, y, "cifar10" if subset == "test" else f"cifar10-{subset}", descr, (32, 32, 3))


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
        See :func:`find_data_file`.

    Returns
    -------
    Dataset
        ``X`` of shape (1080, 856), ``y`` shifted to 0..8.
    """
    cands = [f"{d}CNAE-9.data{ext}" for d in ("cnae9/", "") for ext in (".gz", "")]
    path = find_data_file(cands, data_dir)
    text = _read_bytes(path).decode("ascii", errors="strict")
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
# Gagolewski's clustering benchmark suite
# --------------------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


def _find_benchmark_root(data_dir) -> Path:
    root = find_data_file(["clustering-data-v1"], data_dir) if not _looks_like_suite(data_dir) else Path(
        os.fspath(data_dir)
    ).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory\n{_HOW_TO}")
    return root


def _looks_like_suite(data_dir) -> bool:
    """True when ``data_dir`` itself is the suite's folder (no ``clustering-data-v1/`` inside,
    but an ``INDEX.tsv``, a ``VERSION`` or ``<battery>/<name>.labels0[.gz]`` files)."""
    if data_dir is None:
        return False
    p = Path(os.fspath(data_dir)).expanduser()
    if not p.is_dir() or (p / "clustering-data-v1").exists():
        return False
    if (p / "INDEX.tsv").is_file() or (p / "VERSION").is_file():
        return True
    return any(True for _ in p.glob("*/*.labels0*"))


def list_clustering_benchmarks(data_dir=None) -> list[tuple[str, str]]:
    """The (battery, name) pairs of the clustering benchmark suite found on disk.

    Reads ``clustering-data-v1/INDEX.tsv`` when present, else scans
    ``clustering-data-v1/<battery>/<name>.data.gz`` (or ``.data``) that have a ``.labels0`` file.

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        The data directory (holding ``clustering-data-v1/``) or the suite folder itself.

    Returns
    -------
    list of (str, str)
        Sorted pairs, e.g. ``("wut", "x2")``.
    """
    root = _find_benchmark_root(data_dir)
    index = root / "INDEX.tsv"
    pairs = set()
    if index.is_file():
        lines = index.read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0] and parts[1]:
                pairs.add((parts[0], parts[1]))
    else:
        for battery in sorted(p for p in root.iterdir() if p.is_dir()):
            for f in battery.iterdir():
                for ext in (".data.gz", ".data"):
                    if f.name.endswith(ext):
                        name = f.name[: -len(ext)]
                        if any((battery / f"{name}.labels0{e}").exists() for e in (".gz", "")):
                            pairs.add((battery.name, name))
    return sorted(pairs)


def _suite_file(root: Path, battery: str, stem: str) -> Path | None:
    for ext in (".gz", ""):
        p = root / battery / f"{stem}{ext}"
        if p.is_file():
            return p
    return None


def load_clustering_benchmark(
    battery: str, name: str, data_dir=None, *, labels: int = 0, drop_noise: bool = True
) -> Dataset:
    """One data set of Gagolewski's clustering benchmark suite (``clustering-data-v1``).

    Parameters
    ----------
    battery : str
        E.g. ``"wut"``, ``"fcps"``, ``"sipu"``, ``"graves"``, ``"uci"``, ``"other"``.
    name : str
        Data set name within the battery, e.g. ``"x2"``.
    data_dir : str or path-like or None, default=None
        The data directory (holding ``clustering-data-v1/``) or the suite folder itself.
    labels : int, default=0
        Which reference partition to use (file ``<name>.labels<labels>.gz``); several data
        sets have alternatives.
    drop_noise : bool, default=True
        The files mark noise points with label 0. True: drop those rows (``X`` and ``y``
        hold only the clustered points, ``noise`` is None). False: keep every row, give noise
        points ``y = -1`` and report them in the boolean mask ``Dataset.noise``.

    Returns
    -------
    Dataset
        Named ``"<battery>/<name>"``; ``y`` maps the labels 1..k of the file to 0..k-1 (in
        increasing order); the description is the suite's ``<name>.txt``.
    """
    for what, value in (("battery", battery), ("name", name)):
        if not isinstance(value, str) or not _SAFE_NAME.match(value):
            raise ValueError(f"invalid benchmark {what} {value!r}")
    if int(labels) != labels or labels < 0:
        raise ValueError(f"labels must be a non-negative int, got {labels!r}")
    root = _find_benchmark_root(data_dir)
    data_path = _suite_file(root, battery, f"{name}.data")
    if data_path is None:
        try:
            known = list_clustering_benchmarks(root)
        except (OSError, FileNotFoundError):
            known = []
        hint = ", ".join(f"{b}/{n}" for b, n in known if b == battery) or ", ".join(sorted({b for b, _ in known}))
        raise FileNotFoundError(
            f"clustering benchmark {battery}/{name} not found: looked at "
            f"{root / battery / (name + '.data.gz')} and {root / battery / (name + '.data')}. "
            f"Available: {hint or '(none)'}\n{_HOW_TO}"
        )
    label_path = _suite_file(root, battery, f"{name}.labels{int(labels)}")
    if label_path is None:
        have = sorted(p.name for p in (root / battery).glob(f"{name}.labels*"))
        raise FileNotFoundError(
            f"benchmark {battery}/{name} has no reference partition labels{int(labels)}; available: {have}"
        )
    X = np.loadtxt(data_path, ndmin=2, dtype=np.float64)
    raw = np.loadtxt(label_path, dtype=np.int64, ndmin=1)
    if raw.shape[0] != X.shape[0]:
        raise ValueError(f"{label_path}: {raw.shape[0]} labels for {X.shape[0]} points in {data_path}")
    if raw.size and raw.min() < 0:
        raise ValueError(f"{label_path}: negative labels")
    noise = raw == 0
    classes = np.unique(raw[~noise])
    mapped = np.full(raw.shape, -1, dtype=np.int64)
    mapped[~noise] = np.searchsorted(classes, raw[~noise])
    txt = root / battery / f"{name}.txt"
    descr = txt.read_text(encoding="utf-8", errors="replace").strip() if txt.is_file() else ""
    n_noise = int(noise.sum())
    descr = (
        f"Clustering benchmark suite v1 (M. Gagolewski, SoftwareX 20:101270, 2022), {battery}/{name}, "
        f"reference partition labels{int(labels)} ({classes.size} clusters, {n_noise} noise points"
        f"{' dropped' if drop_noise and n_noise else ''}).\n\n{descr}"
    )
    full = f"{battery}/{name}"
    if drop_noise:
        keep = ~noise
        return Dataset(X[keep], mapped[keep], full, descr)
    return Dataset(X, mapped, full, descr, noise=noise)


# --------------------------------------------------------------------------------------
# User-supplied objects
# --------------------------------------------------------------------------------------


def _to_numpy(obj) -> np.ndarray:
    """numpy array from a numpy array, list, or tensor-like (``.detach()``/``.cpu()``/``.numpy()``)."""
    if isinstance(obj, np.ndarray):
        return obj
    for attr in ("detach", "cpu"):
        fn = getattr(obj, attr, None)
        if callable(fn):
            obj = fn()
    fn = getattr(obj, "numpy", None)
    if callable(fn):
        return np.asarray(fn())
    return np.asarray(obj)


def from_torchvision(ds, *, name: str | None = None) -> Dataset:
    """A :class:`Dataset` from any object with ``.data`` and ``.targets`` (or ``.labels``).

    Works with torchvision data sets (``MNIST``, ``CIFAR10``, ``FashionMNIST``, ``SVHN`` …)
    without importing torchvision or torch: numpy arrays, lists and tensors are converted by
    duck typing (``.detach().cpu().numpy()`` when present, else ``np.asarray``).

    Parameters
    ----------
    ds : object
        Has ``data`` of shape (n, ...) and ``targets`` (or ``labels``) of length n.
    name : str or None, default=None
        Defaults to the lower-cased class name of ``ds``.

    Returns
    -------
    Dataset
        Rows flattened from ``data``; ``image_shape = data.shape[1:]`` when ``data`` has more
        than two dimensions; labels as given (torchvision's are already 0..c-1). No scaling.

    Examples
    --------
    >>> class Fake:
    ...     data = np.zeros((4, 2, 2), dtype=np.uint8)
    ...     targets = [0, 1, 1, 0]
    >>> ds = from_torchvision(Fake())
    >>> ds.X.shape, ds.image_shape, ds.name
    ((4, 4), (2, 2), 'fake')
    """
    if not hasattr(ds, "data"):
        raise TypeError(f"{type(ds).__name__} has no attribute 'data'")
    targets = getattr(ds, "targets", None)
    if targets is None:
        targets = getattr(ds, "labels", None)
    if targets is None:
        raise TypeError(f"{type(ds).__name__} has neither 'targets' nor 'labels'")
    data = _to_numpy(ds.data)
    y = _to_numpy(targets).reshape(-1)
    if data.ndim < 2:
        raise ValueError(f"data must have at least 2 dimensions (n, ...), got shape {data.shape}")
    image_shape = tuple(data.shape[1:]) if data.ndim > 2 else None
    X = data.reshape(data.shape[0], -1)
    nm = name if name is not None else type(ds).__name__.lower()
    descr = f"converted from a {type(ds).__module__}.{type(ds).__name__} object (.data, .targets); raw values"
    return Dataset(X, y, nm, descr, image_shape)


# --------------------------------------------------------------------------------------
# Dispatcher
# --------------------------------------------------------------------------------------

_BUILTIN = {
    "digits": lambda data_dir=None, **kw: _no_kw(load_digits, kw),
    "iris": lambda data_dir=None, **kw: _no_kw(lambda: _load_sklearn("iris"), kw),
    "wine": lambda data_dir=None, **kw: _no_kw(lambda: _load_sklearn("wine"), kw),
    "breast_cancer": lambda data_dir=None, **kw: _no_kw(lambda: _load_sklearn("breast_cancer"), kw),
    "mnist": lambda data_dir=None, **kw: load_mnist(data_dir, **kw),
    "cifar10": lambda data_dir=None, **kw: load_cifar10(data_dir, **kw),
    "cnae9": lambda data_dir=None, **kw: load_cnae9(data_dir, **kw),
}

#: Names :func:`load_dataset` accepts besides ``"<battery>/<name>"``.
DATASET_NAMES = tuple(_BUILTIN)


def _no_kw(fn, kw):
    if kw:
        raise TypeError(f"unexpected keyword arguments {sorted(kw)}")
    return fn()


def load_dataset(name: str, data_dir=None, **kwargs) -> Dataset:
    """Load a data set by name.

    Parameters
    ----------
    name : str
        ``"digits"`` (embedded, the default data set), ``"iris"``, ``"wine"``,
        ``"breast_cancer"`` (embedded), ``"mnist"``, ``"cifar10"``, ``"cnae9"``, or
        ``"<battery>/<name>"`` for the clustering benchmark suite (e.g. ``"wut/x2"``).
    data_dir : str or path-like or None, default=None
        See :func:`find_data_file`.
    **kwargs
        Passed to the loader (e.g. ``subset="train"`` for MNIST, ``labels=1`` or
        ``drop_noise=False`` for the benchmark suite).

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown name; the message lists the available names.

    Examples
    --------
    >>> load_dataset("digits").X.shape
    (1797, 64)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "").replace("_", "")
    aliases = {"digits": "digits", "mnist": "mnist", "cifar10": "cifar10", "cifar": "cifar10",
               "cnae9": "cnae9", "cnae": "cnae9", "iris": "iris", "wine": "wine",
               "breastcancer": "breast_cancer"}
    if key in aliases:
        return _BUILTIN[aliases[key]](data_dir, **kwargs)
    if "/" in name:
        battery, _, dsname = name.strip().partition("/")
        return load_clustering_benchmark(battery, dsname, data_dir, **kwargs)
    try:
        bench = [f"{b}/{n}" for b, n in list_clustering_benchmarks(data_dir)]
        extra = f"; clustering benchmark suite: {', '.join(bench)}"
    except FileNotFoundError:
        extra = "; or '<battery>/<name>' from the clustering benchmark suite (data folder not found)"
    raise ValueError(f"unknown data set {name!r}; available: {', '.join(DATASET_NAMES)}{extra}")
