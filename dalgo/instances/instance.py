"""The :class:`Instance` value type: points, k, labels and the seeding randomness z."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .._validation import InvalidParameterError, check_positive_int, n_clusters_from_labels
from ..datasets.dataset import frozen_int_vector
from ..random_state import check_random_state
from ..seeding import draw_z

__all__ = ["Instance", "default_n_clusters", "make_instance", "read_only"]

_HASH_TAG = b"dalgo.Instance/v1"


def read_only(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only (in place) and return it.

    Examples
    --------
    >>> read_only(np.zeros(2)).flags.writeable
    False
    """
    arr.flags.writeable = False
    return arr


def default_n_clusters(y, n_clusters, what="instance") -> int:
    """``n_clusters`` if given, else the number of distinct labels of ``y`` >= 0.

    dalgo's one rule for the default k (:func:`dalgo._validation.n_clusters_from_labels`):
    negative labels mark noise, which is not a cluster.

    Examples
    --------
    >>> default_n_clusters([0, 1, 1, -1], None)
    2
    """
    if n_clusters is not None:
        return n_clusters
    if y is None:
        raise InvalidParameterError(
            f"{what}: n_clusters is required when there are no labels y")
    return n_clusters_from_labels(y)


@dataclass(frozen=True, eq=False)
class Instance:
    """One clustering instance with its seeding randomness.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite points; stored as a read-only, C-contiguous float64 array (copied unless it
        already is one).
    y : array-like of shape (n_samples,) or None
        Integer ground-truth labels (int64), or None.
    n_clusters : int
        k, with ``1 <= k <= n_samples``.
    z : array-like of shape (n_clusters,)
        The seeding randomness, values in [0, 1).
    name : str, default="instance"
        A label for reports; not part of :meth:`content_hash`.

    Notes
    -----
    Equality (``==``) compares ``X``, ``y``, ``n_clusters``, ``z`` exactly and the name.
    Instances are hashable through their content hash.

    Examples
    --------
    >>> inst = Instance([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]], [0, 0, 1], 2, [0.25, 0.5])
    >>> inst.n_samples, inst.n_features
    (3, 2)
    >>> len(inst.content_hash())
    64
    """

    X: np.ndarray
    y: np.ndarray | None
    n_clusters: int
    z: np.ndarray
    name: str = "instance"
    _hash: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        X = self.X
        if not (isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.c_contiguous
                and not X.flags.writeable):
            try:
                X = np.array(X, dtype=np.float64, order="C", copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"X must be a numeric 2-D array ({exc})") from exc
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        n = X.shape[0]
        if n == 0 or X.shape[1] == 0:
            raise ValueError(
                f"X must have at least one sample and one feature, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError(
                f"X contains {int(np.sum(~np.isfinite(X)))} non-finite values (NaN or inf)")
        object.__setattr__(self, "X", read_only(X))

        k = check_positive_int(self.n_clusters, "n_clusters")
        if k > n:
            raise InvalidParameterError(f"n_clusters must be in [1, n_samples={n}], got {k}")
        object.__setattr__(self, "n_clusters", k)

        if self.y is not None:
            object.__setattr__(self, "y", frozen_int_vector(self.y, n))

        z = self.z
        if not (isinstance(z, np.ndarray) and z.dtype == np.float64 and not z.flags.writeable):
            z = np.array(z, dtype=np.float64, copy=True)
        if z.shape != (k,):
            raise ValueError(f"z must have shape (n_clusters,) = ({k},), got {z.shape}")
        if not np.all((z >= 0.0) & (z < 1.0)):
            raise ValueError(
                f"z values must lie in [0, 1), got min {z.min()!r}, max {z.max()!r}")
        object.__setattr__(self, "z", read_only(np.ascontiguousarray(z)))
        if not isinstance(self.name, str):
            raise InvalidParameterError(f"name must be a str, got {self.name!r}")

    @property
    def n_samples(self) -> int:
        """Number of points."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Dimension of the points."""
        return int(self.X.shape[1])

    def content_hash(self) -> str:
        """Hex SHA-256 of (X with its shape, y, n_clusters, z); stable across processes.

        Used as a cache key. The name is not included. ``-0.0`` and ``0.0`` hash alike;
        arrays are hashed as little-endian bytes, so the key does not depend on the platform.

        Returns
        -------
        str
            64 hex digits.
        """
        if self._hash is None:
            h = hashlib.sha256(_HASH_TAG)
            h.update(np.asarray(self.X.shape, dtype="<i8").tobytes())
            h.update((self.X + 0.0).astype("<f8", copy=False).tobytes())
            if self.y is None:
                h.update(b"y:none")
            else:
                h.update(b"y:")
                h.update(self.y.astype("<i8", copy=False).tobytes())
            h.update(np.asarray([self.n_clusters], dtype="<i8").tobytes())
            h.update((self.z + 0.0).astype("<f8", copy=False).tobytes())
            object.__setattr__(self, "_hash", h.hexdigest())
        return self._hash

    def __eq__(self, other):
        if not isinstance(other, Instance):
            return NotImplemented
        if (self.y is None) != (other.y is None):
            return False
        return (
            self.name == other.name
            and self.n_clusters == other.n_clusters
            and np.array_equal(self.X, other.X)
            and np.array_equal(self.z, other.z)
            and (self.y is None or np.array_equal(self.y, other.y))
        )

    def __hash__(self):
        return hash((self.content_hash(), self.name))

    def __reduce__(self):
        # re-run validation on unpickling so the arrays come back read-only
        return (Instance, (self.X, self.y, self.n_clusters, self.z, self.name))

    def with_z(self, z) -> Instance:
        """The same instance with another z (shares the data arrays)."""
        return Instance(self.X, self.y, self.n_clusters, z, self.name)

    def __repr__(self):
        return (
            f"Instance(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_clusters={self.n_clusters})"
        )


def make_instance(X, y=None, n_clusters=None, *, random_state=None,
                  name: str = "instance") -> Instance:
    """Build an :class:`Instance` with a freshly drawn z.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or None, default=None
    n_clusters : int or None, default=None
        Defaults to the number of distinct labels of ``y`` (negative labels, i.e. noise,
        excluded); required when ``y`` is None.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Source of ``z``: :func:`dalgo.draw_z` with the generator
        :func:`dalgo.random_state.check_random_state` makes of it (a Generator is used, and
        advanced, as is).
    name : str, default="instance"

    Returns
    -------
    Instance

    Examples
    --------
    >>> inst = make_instance([[0.0], [1.0], [9.0]], [0, 0, 1], random_state=0)
    >>> inst.n_clusters, inst.z.shape
    (2, (2,))
    """
    k = check_positive_int(default_n_clusters(y, n_clusters, name), "n_clusters")
    return Instance(X, y, k, draw_z(k, check_random_state(random_state)), name)
