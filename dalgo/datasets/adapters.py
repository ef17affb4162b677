"""Adapters from objects users already have (torchvision data sets, tensors) to a Dataset.

Nothing here imports torch or torchvision: tensors are converted by duck typing.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset

__all__ = ["from_torchvision", "to_numpy"]


def to_numpy(obj) -> np.ndarray:
    """A numpy array from a numpy array, a list, or a tensor-like object.

    Tensor-likes are converted through ``.detach()``, ``.cpu()`` and ``.numpy()`` when they
    have them (torch tensors do), else with ``np.asarray``.

    Examples
    --------
    >>> to_numpy([[1, 2], [3, 4]]).shape
    (2, 2)
    """
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
    data = to_numpy(ds.data)
    y = to_numpy(targets).reshape(-1)
    if data.ndim < 2:
        raise ValueError(
            f"data must have at least 2 dimensions (n, ...), got shape {data.shape}")
    image_shape = tuple(data.shape[1:]) if data.ndim > 2 else None
    X = data.reshape(data.shape[0], -1)
    nm = name if name is not None else type(ds).__name__.lower()
    descr = (f"converted from a {type(ds).__module__}.{type(ds).__name__} object "
             "(.data, .targets); raw values")
    return Dataset(X, y, nm, descr, image_shape)
