"""The :class:`Dataset` value type: a point matrix with optional labels, frozen on creation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Dataset", "frozen_float_matrix", "frozen_int_vector"]


def frozen_float_matrix(X, what="X"):
    """``X`` as a read-only, C-contiguous 2-D float64 array.

    Copied unless it already is one.

    Examples
    --------
    >>> frozen_float_matrix([[1, 2]]).flags.writeable
    False
    """
    if (isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.c_contiguous
            and not X.flags.writeable):
        arr = X
    else:
        arr = np.array(X, dtype=np.float64, order="C", copy=True)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    arr.flags.writeable = False
    return arr


def frozen_int_vector(y, n, what="y"):
    """``y`` as a read-only int64 vector of length ``n`` (integer values required).

    Not copied when it already is one.

    Examples
    --------
    >>> frozen_int_vector([0.0, 2.0], 2)
    array([0, 2])
    """
    raw = np.asarray(y)
    if raw.ndim != 1 or raw.shape[0] != n:
        raise ValueError(
            f"{what} must have shape ({n},) to match X with {n} rows, got {raw.shape}")
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
        :func:`~dalgo.datasets.load_clustering_benchmark` with ``drop_noise=False``.
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
        X = frozen_float_matrix(self.X)
        object.__setattr__(self, "X", X)
        if self.y is not None:
            object.__setattr__(self, "y", frozen_int_vector(self.y, X.shape[0]))
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
                    f"image_shape {shape} has {int(np.prod(shape))} pixels but X has "
                    f"{X.shape[1]} columns"
                )
            object.__setattr__(self, "image_shape", shape)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")

    def __reduce__(self):
        # re-run validation on unpickling so the arrays come back read-only
        return (Dataset,
                (self.X, self.y, self.name, self.description, self.image_shape, self.noise))

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
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_classes={self.n_classes})"
        )
