"""Readers of the file formats the loaders accept (gzip is detected by content everywhere).

* IDX (LeCun's MNIST format, as torchvision stores it): :func:`read_idx`;
* CIFAR-10 official python batches, read with dalgo's restricted unpickler
  (:mod:`dalgo.datasets.safe_pickle`, never plain ``pickle.load``): :func:`read_cifar10_batch`;
* CIFAR-10 as an ``.npz`` holding ``X`` and ``y``, read with ``allow_pickle=False``:
  :func:`read_cifar10_npz`.

Each reader raises :class:`ValueError` naming the file when its content is not what the
format promises.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .paths import read_bytes
from .safe_pickle import safe_loads

__all__ = ["read_cifar10_batch", "read_cifar10_npz", "read_idx"]

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
    data = read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: not an IDX file (only {len(data)} bytes)")
    zero, code, ndim = data[0:2], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero != b"\x00\x00" or code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path}: bad IDX magic number 0x{magic:08x} (file corrupt or not IDX)")
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


def read_cifar10_batch(path) -> tuple[np.ndarray, np.ndarray]:
    """One official CIFAR-10 python batch (a pickle), read with the restricted unpickler.

    Parameters
    ----------
    path : str or path-like
        E.g. ``cifar-10-batches-py/test_batch`` (gzip is detected).

    Returns
    -------
    images : ndarray of uint8 of shape (n, 32, 32, 3)
        Height × width × channel (RGB) order; the file stores channel planes.
    labels : ndarray of int64 of shape (n,)
        Classes 0..9.

    Raises
    ------
    ValueError
        If the batch is not a dict with a uint8 ``data`` of shape (n, 3072) and n labels
        0..9.
    pickle.UnpicklingError
        For a forbidden global or a malformed pickle.
    """
    path = Path(path)
    obj = safe_loads(read_bytes(path), encoding="bytes")
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: a CIFAR-10 batch is a dict, got {type(obj).__name__}")
    norm = {(k.decode("latin-1") if isinstance(k, bytes) else k): v for k, v in obj.items()}
    if "data" not in norm or "labels" not in norm:
        raise ValueError(
            f"{path}: CIFAR-10 batch lacks 'data' or 'labels' (keys: {sorted(map(str, norm))})")
    data = norm["data"]
    if (not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2
            or data.shape[1] != 3072):
        raise ValueError(
            f"{path}: CIFAR-10 batch 'data' must be a uint8 array of shape (n, 3072), got "
            f"{getattr(data, 'dtype', type(data).__name__)} {getattr(data, 'shape', '')}"
        )
    labels = np.asarray(norm["labels"])
    if labels.shape != (data.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"{path}: CIFAR-10 batch needs {data.shape[0]} integer labels, "
            f"got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{path}: CIFAR-10 labels must be 0..9")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # CHW planes → HWC
    return np.ascontiguousarray(images), labels.astype(np.int64)


def read_cifar10_npz(path) -> tuple[np.ndarray, np.ndarray]:
    """CIFAR-10 images and labels from an ``.npz`` holding ``X`` and ``y`` (no pickles).

    Parameters
    ----------
    path : str or path-like
        ``X`` of shape (n, 32, 32, 3) or (n, 3072) (HWC order), ``y`` of shape (n,).

    Returns
    -------
    images : ndarray of shape (n, 32, 32, 3)
        As stored (uint8 in the shared data folder).
    labels : ndarray of int64 of shape (n,)

    Raises
    ------
    ValueError
        If the file cannot be read or the arrays have the wrong names or shapes.
    """
    path = Path(path)
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
