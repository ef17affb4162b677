"""Instance distributions: samplers of clustering instances, each with its randomness z.

An :class:`Instance` is a point matrix ``X`` with the number of clusters ``k``, optional
ground-truth labels ``y``, and the seeding randomness ``z`` (k independent Uniform[0, 1)
draws, SPEC §1.1) that, fixed, makes the whole run of the (α, β) algorithm a deterministic
function of (α, β).

Distributions
-------------
* :class:`ClassSubsampling` — from a labelled data set: k classes uniformly without
  replacement, then m points per class; optional scaling and PCA, applied once to the whole
  data set.
* :class:`GaussianGrid` — a g×g grid of unit-variance Gaussians in R²; each instance draws k
  cells and m points from each.
* :class:`FixedInstances` — a fixed list (e.g. a battery of the clustering benchmark suite),
  cycled through with a fresh z per draw; :func:`instances_from_benchmark_battery` builds one.

Determinism
-----------
``sample(n, random_state)`` turns ``random_state`` into a :class:`numpy.random.SeedSequence`
and spawns one child per instance; instance ``i`` is drawn from
``np.random.default_rng(child_i)`` alone — first its data, then ``z = rng.random(k)``. So
instance ``i`` depends only on (``random_state``, ``i``): ``sample(200, s)[:50]`` equals
``sample(50, s)``, and ``sample(n, s, start=i0)`` continues the same stream.
"""

from __future__ import annotations

import hashlib
import numbers
from dataclasses import dataclass, field

import numpy as np

from .datasets import Dataset, list_clustering_benchmarks, load_clustering_benchmark
from .datasets.dataset import frozen_int_vector as _frozen_int_vector

__all__ = [
    "Instance",
    "make_instance",
    "InstanceDistribution",
    "ClassSubsampling",
    "GaussianGrid",
    "FixedInstances",
    "instances_from_benchmark_battery",
    "spawn_generators",
]

_HASH_TAG = b"dalgo.Instance/v1"


# --------------------------------------------------------------------------------------
# Instance
# --------------------------------------------------------------------------------------


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


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
        if not (isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.c_contiguous and not X.flags.writeable):
            try:
                X = np.array(X, dtype=np.float64, order="C", copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"X must be a numeric 2-D array ({exc})") from exc
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        n = X.shape[0]
        if n == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one sample and one feature, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError(f"X contains {int(np.sum(~np.isfinite(X)))} non-finite values (NaN or inf)")
        object.__setattr__(self, "X", _readonly(X))

        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise ValueError(f"n_clusters must be an int, got {k!r}")
        k = int(k)
        if not 1 <= k <= n:
            raise ValueError(f"n_clusters must be in [1, n_samples={n}], got {k}")
        object.__setattr__(self, "n_clusters", k)

        if self.y is not None:
            object.__setattr__(self, "y", _frozen_int_vector(self.y, n))

        z = self.z
        if not (isinstance(z, np.ndarray) and z.dtype == np.float64 and not z.flags.writeable):
            z = np.array(z, dtype=np.float64, copy=True)
        if z.shape != (k,):
            raise ValueError(f"z must have shape (n_clusters,) = ({k},), got {z.shape}")
        if not np.all((z >= 0.0) & (z < 1.0)):
            raise ValueError(f"z values must lie in [0, 1), got min {z.min()!r}, max {z.max()!r}")
        object.__setattr__(self, "z", _readonly(np.ascontiguousarray(z)))
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a str, got {self.name!r}")

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
        return (
            self.name == other.name
            and self.n_clusters == other.n_clusters
            and np.array_equal(self.X, other.X)
            and np.array_equal(self.z, other.z)
            and ((self.y is None and other.y is None) or (self.y is not None and other.y is not None and np.array_equal(self.y, other.y)))
        )

    def __hash__(self):
        return hash((self.content_hash(), self.name))

    def __reduce__(self):
        # re-run validation on unpickling so the arrays come back read-only
        return (Instance, (self.X, self.y, self.n_clusters, self.z, self.name))

    def with_z(self, z) -> "Instance":
        """The same instance with another z (shares the data arrays)."""
        return Instance(self.X, self.y, self.n_clusters, z, self.name)

    def __repr__(self):
        return (
            f"Instance(name={self.name!r}, n_samples={self.n_samples}, n_features={self.n_features}, "
            f"n_clusters={self.n_clusters})"
        )


def make_instance(X, y=None, n_clusters=None, *, random_state=None, name: str = "instance") -> Instance:
    """Build an :class:`Instance` with a freshly drawn z.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or None, default=None
    n_clusters : int or None, default=None
        Defaults to the number of distinct labels of ``y`` (negative labels, i.e. noise,
        excluded); required when ``y`` is None.
    random_state : int, numpy.random.Generator, SeedSequence or None, default=None
        Source of ``z = rng.random(n_clusters)``.
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
    k = _default_k(y, n_clusters, name)
    rng = np.random.default_rng(_seed_sequence(random_state))
    return Instance(X, y, k, rng.random(k), name)


def _default_k(y, n_clusters, name) -> int:
    if n_clusters is not None:
        return n_clusters
    if y is None:
        raise ValueError(f"{name}: n_clusters is required when there are no labels y")
    yy = np.asarray(y)
    return int(np.unique(yy[yy >= 0]).size)


# --------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------


def _seed_sequence(random_state) -> np.random.SeedSequence:
    if isinstance(random_state, np.random.SeedSequence):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(int(random_state.integers(0, 2**63 - 1)))
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}")
        return np.random.SeedSequence(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int, a numpy.random.Generator or a "
        f"numpy.random.SeedSequence, got {type(random_state).__name__}"
    )


def spawn_generators(n: int, random_state=None, *, start: int = 0) -> list[np.random.Generator]:
    """Generators ``start .. start+n-1`` spawned from ``random_state`` (one per unit of work).

    Generator ``i`` depends only on (``random_state``, ``i``), so prefixes and continuations
    agree. A :class:`numpy.random.Generator` is turned into a seed by drawing one integer.

    Examples
    --------
    >>> a = spawn_generators(3, 7)
    >>> b = spawn_generators(1, 7, start=2)
    >>> a[2].random() == b[0].random()
    True
    """
    n, start = _check_count(n, "n_instances"), _check_count(start, "start", minimum=0)
    ss = _seed_sequence(random_state)
    children = ss.spawn(start + n)[start:]
    return [np.random.default_rng(c) for c in children]


def _check_count(value, what, minimum=0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {value}")
    return int(value)


# --------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------


class InstanceDistribution:
    """Base class: a seeded sampler of :class:`Instance` objects.

    Subclasses implement ``_draw(rng, index) -> Instance``, which must draw the data first and
    then ``z = rng.random(k)`` from ``rng`` alone.
    """

    def sample(self, n_instances: int, random_state=None, *, start: int = 0) -> list[Instance]:
        """Draw instances ``start .. start + n_instances - 1`` of the stream seeded by ``random_state``.

        Parameters
        ----------
        n_instances : int
            How many instances (``>= 0``).
        random_state : int, numpy.random.Generator, SeedSequence or None, default=None
            None draws fresh OS entropy (not reproducible). A Generator is consumed by one
            integer draw.
        start : int, default=0
            Index of the first instance in the stream; ``sample(n, s, start=i)`` equals
            ``sample(i + n, s)[i:]``.

        Returns
        -------
        list of Instance
        """
        gens = spawn_generators(n_instances, random_state, start=start)
        return [self._draw(rng, start + i) for i, rng in enumerate(gens)]

    def _draw(self, rng: np.random.Generator, index: int) -> Instance:  # pragma: no cover
        raise NotImplementedError


_SCALES = (None, "minmax", "unit", "standard")


def _pca(X: np.ndarray, n_components: int, solver: str = "full") -> np.ndarray:
    """Project ``X`` on its first principal components, as scikit-learn's
    ``PCA(n_components, svd_solver=solver).fit_transform``: components from the full SVD of
    the centred data (``"full"``) or from the eigenvectors of its covariance matrix
    (``"covariance_eigh"``, much faster when n_samples ≫ n_features, slightly less accurate);
    signs fixed so that the largest-magnitude entry of each component is positive
    (sklearn's ``svd_flip(u_based_decision=False)``). numpy's LAPACK routines are called
    directly: deterministic, and on a busy machine much faster than sklearn's scipy call."""
    Xc = X - X.mean(axis=0)
    if solver == "full":
        _, _, vt = np.linalg.svd(Xc, full_matrices=False)
        vt = vt[:n_components]
    else:
        evals, evecs = np.linalg.eigh(Xc.T @ Xc)
        vt = evecs[:, ::-1][:, :n_components].T.copy()
    signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    vt *= signs[:, None]
    return np.ascontiguousarray(Xc @ vt.T, dtype=np.float64)


class ClassSubsampling(InstanceDistribution):
    """Instances drawn from a labelled data set: k classes × m points per class.

    Each draw chooses ``n_clusters`` of the classes uniformly without replacement, then
    ``n_per_class`` points from each chosen class; the instance's rows are those points in
    the data set's order, its labels the chosen classes renumbered ``0 .. k-1`` in increasing
    order of the original class, and its name records the original classes and the draw index.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Integer class labels (any integers; negative ones are treated as unlabelled noise and
        never drawn).
    n_clusters : int, default=5
        k, the number of classes per instance.
    n_per_class : int or None, default=100
        m. None: every point of each chosen class (the CNAE-9 protocol). When
        ``replace=False`` and a class has fewer than m points, all of its points are taken
        (that instance is then smaller than k·m). With ``replace=True`` exactly m points are
        drawn with replacement (duplicates possible).
    replace : bool, default=False
        Draw points within a class with replacement.
    scale : {None, "minmax", "unit", "standard"}, default=None
        Applied once to the whole data set before PCA. ``"minmax"``: ``(X - min) / (max - min)``
        with the data set's *global* min and max (pixels → [0, 1]); ``"unit"``: ``X / scale_max``
        (``scale_max`` defaults to the observed global max of ``|X|``; e.g. 255 for pixels);
        ``"standard"``: per feature, zero mean and unit variance (constant features → 0).
    scale_max : float or None, default=None
        Divisor for ``scale="unit"``.
    pca : int or None, default=None
        Project to this many principal components, fitted once on the whole (scaled) data set:
        the same result as scikit-learn's ``PCA(n_components=pca, svd_solver="full")``
        (full SVD, deterministic, signs fixed as by scikit-learn's ``svd_flip``), computed
        with numpy's SVD.
    pca_solver : {"full", "covariance_eigh"}, default="full"
        ``"covariance_eigh"``: eigenvectors of the d×d covariance matrix, as scikit-learn's
        solver of that name; several times faster for n_samples ≫ n_features (e.g. 50
        components of all of MNIST), equal up to rounding.
    name : str, default="subsample"
        Prefix of the instance names.

    Examples
    --------
    >>> from dalgo.datasets import load_digits
    >>> dist = ClassSubsampling.from_dataset(load_digits(), n_clusters=3, n_per_class=10,
    ...                                      scale="minmax")
    >>> inst = dist.sample(2, random_state=0)[0]
    >>> inst.X.shape, inst.n_clusters, sorted(set(inst.y.tolist())), float(inst.X.max()) <= 1.0
    ((30, 64), 3, [0, 1, 2], True)
    """

    def __init__(
        self,
        X,
        y,
        n_clusters: int = 5,
        n_per_class: int | None = 100,
        *,
        replace: bool = False,
        scale: str | None = None,
        scale_max: float | None = None,
        pca: int | None = None,
        pca_solver: str = "full",
        name: str = "subsample",
    ):
        X = np.array(X, dtype=np.float64, order="C", copy=True)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains non-finite values (NaN or inf)")
        if y is None:
            raise ValueError("ClassSubsampling needs labels y")
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        if y.dtype.kind not in "iub" and not (y.dtype.kind == "f" and np.all(y == np.round(y))):
            raise ValueError(f"y must hold integer labels, got dtype {y.dtype}")
        y = y.astype(np.int64)
        k = _check_count(n_clusters, "n_clusters", minimum=1)
        if n_per_class is not None:
            n_per_class = _check_count(n_per_class, "n_per_class", minimum=1)
        if scale not in _SCALES:
            raise ValueError(f"scale must be one of {_SCALES}, got {scale!r}")
        if pca_solver not in ("full", "covariance_eigh"):
            raise ValueError(f"pca_solver must be 'full' or 'covariance_eigh', got {pca_solver!r}")
        if scale_max is not None and (not np.isfinite(scale_max) or scale_max <= 0):
            raise ValueError(f"scale_max must be a positive finite number, got {scale_max!r}")

        self.classes_ = np.unique(y[y >= 0])
        if k > self.classes_.size:
            raise ValueError(
                f"n_clusters={k} exceeds the number of classes in y ({self.classes_.size})"
            )
        self.n_clusters = k
        self.n_per_class = n_per_class
        self.replace = bool(replace)
        self.scale = scale
        self.scale_max = scale_max
        self.pca = pca
        self.pca_solver = pca_solver
        self.name = str(name)

        X = self._scale(X)
        if pca is not None:
            p = _check_count(pca, "pca", minimum=1)
            if p > min(X.shape):
                raise ValueError(f"pca={p} exceeds min(n_samples, n_features) = {min(X.shape)}")
            X = _pca(X, p, pca_solver)
        self.X_ = _readonly(X)
        self.y_ = _readonly(y)
        # indices of each class, in data order
        self._members = [np.flatnonzero(y == c) for c in self.classes_]

    def _scale(self, X):
        if self.scale is None:
            return X
        if self.scale == "minmax":
            lo, hi = X.min(), X.max()
            return (X - lo) / (hi - lo) if hi > lo else X - lo
        if self.scale == "unit":
            m = self.scale_max if self.scale_max is not None else float(np.abs(X).max())
            return X / m if m > 0 else X
        mu, sd = X.mean(axis=0), X.std(axis=0)
        sd[sd == 0] = 1.0
        return (X - mu) / sd

    @classmethod
    def from_dataset(cls, dataset: Dataset, n_clusters: int = 5, n_per_class: int | None = 100, **kwargs):
        """Build from a :class:`~dalgo.datasets.Dataset` (name defaults to the data set's)."""
        if dataset.y is None:
            raise ValueError(f"data set {dataset.name!r} has no labels; ClassSubsampling needs them")
        kwargs.setdefault("name", dataset.name)
        return cls(dataset.X, dataset.y, n_clusters, n_per_class, **kwargs)

    def _draw(self, rng, index):
        k = self.n_clusters
        chosen = np.sort(rng.choice(self.classes_.size, size=k, replace=False))
        parts = []
        for c in chosen:
            members = self._members[c]
            m = self.n_per_class
            if m is None:
                parts.append(members)
            elif self.replace:
                parts.append(members[rng.integers(0, members.size, size=m)])
            elif members.size <= m:
                parts.append(members)
            else:
                parts.append(members[rng.choice(members.size, size=m, replace=False)])
        labels = np.concatenate([np.full(p.size, j, dtype=np.int64) for j, p in enumerate(parts)])
        idx = np.concatenate(parts)
        order = np.argsort(idx, kind="stable")
        idx, labels = idx[order], labels[order]
        z = rng.random(k)
        classes = ",".join(str(int(c)) for c in self.classes_[chosen])
        return Instance(_readonly(self.X_[idx]), _readonly(labels), k, _readonly(z), f"{self.name}[{classes}]#{index}")

    def __repr__(self):
        return (
            f"ClassSubsampling(name={self.name!r}, n_clusters={self.n_clusters}, n_per_class={self.n_per_class}, "
            f"replace={self.replace}, scale={self.scale!r}, pca={self.pca!r})"
        )


class GaussianGrid(InstanceDistribution):
    """A g×g grid of unit-variance Gaussians in R²; each instance uses k of the cells.

    Cell ``c = i·g + j`` is centred at ``(i·spacing, j·spacing)``. Each draw chooses
    ``n_clusters`` cells uniformly without replacement, then ``n_per_cluster`` points
    ``centre + N(0, I₂)`` from each. Labels identify the cells, renumbered ``0 .. k-1`` in
    increasing cell order; the name records the cells.

    Parameters
    ----------
    grid_size : int, default=3
        g.
    spacing : float, default=4.0
        Distance between neighbouring centres, in standard deviations. At 4.0 two neighbouring
        Gaussians overlap little (the Bayes error between two of them is Φ(−2) ≈ 2.3 %), so
        a good seeding recovers the cells while a poor one that puts two seeds in one cell
        costs a whole cluster: neither trivial nor hopeless.
    n_clusters : int, default=4
        k, at most g².
    n_per_cluster : int, default=50
        m.
    name : str, default="gaussian_grid"

    Examples
    --------
    >>> inst = GaussianGrid().sample(1, random_state=0)[0]
    >>> inst.X.shape, inst.n_clusters, sorted(set(inst.y.tolist()))
    ((200, 2), 4, [0, 1, 2, 3])
    """

    def __init__(self, grid_size: int = 3, spacing: float = 4.0, n_clusters: int = 4,
                 n_per_cluster: int = 50, *, name: str = "gaussian_grid"):
        self.grid_size = _check_count(grid_size, "grid_size", minimum=1)
        if not isinstance(spacing, numbers.Real) or not np.isfinite(spacing) or spacing <= 0:
            raise ValueError(f"spacing must be a positive finite number, got {spacing!r}")
        self.spacing = float(spacing)
        self.n_clusters = _check_count(n_clusters, "n_clusters", minimum=1)
        if self.n_clusters > self.grid_size**2:
            raise ValueError(
                f"n_clusters={self.n_clusters} exceeds the number of grid cells {self.grid_size}**2 = {self.grid_size**2}"
            )
        self.n_per_cluster = _check_count(n_per_cluster, "n_per_cluster", minimum=1)
        self.name = str(name)
        g = self.grid_size
        ii, jj = np.divmod(np.arange(g * g), g)
        self.centers_ = _readonly(np.column_stack([ii, jj]).astype(np.float64) * self.spacing)

    def _draw(self, rng, index):
        k, m = self.n_clusters, self.n_per_cluster
        cells = np.sort(rng.choice(self.grid_size**2, size=k, replace=False))
        X = np.repeat(self.centers_[cells], m, axis=0) + rng.standard_normal((k * m, 2))
        y = np.repeat(np.arange(k, dtype=np.int64), m)
        z = rng.random(k)
        name = f"{self.name}[{','.join(str(int(c)) for c in cells)}]#{index}"
        return Instance(_readonly(X), _readonly(y), k, _readonly(z), name)

    def __repr__(self):
        return (
            f"GaussianGrid(grid_size={self.grid_size}, spacing={self.spacing}, n_clusters={self.n_clusters}, "
            f"n_per_cluster={self.n_per_cluster})"
        )


class FixedInstances(InstanceDistribution):
    """A fixed list of instances, cycled through with a fresh z per draw.

    Draw ``i`` of ``sample`` is item ``i % len(items)`` (deterministic cycling, not a random
    choice), with ``z`` drawn from draw ``i``'s own generator. So ``sample(len(items))`` uses
    every item exactly once, and ``sample(n_draws * len(items))`` each item ``n_draws`` times,
    every time with a different z.

    Parameters
    ----------
    items : sequence
        Each item is a :class:`~dalgo.datasets.Dataset` (k = its number of classes,
        noise label -1 excluded; noise rows, if any, are kept with ``y = -1``), an :class:`Instance` (its z is ignored), or a tuple
        ``(X, y, k)`` / ``(X, y)`` / ``(X, y, k, name)`` with ``y`` possibly None (then k is
        required) and ``k`` None meaning "number of distinct labels".
    n_draws : int, default=1
        Default for ``sample(None)``: ``n_draws * len(items)`` draws, i.e. every item
        ``n_draws`` times.
    name : str, default="fixed"

    Examples
    --------
    >>> X = np.arange(8.0).reshape(4, 2)
    >>> dist = FixedInstances([(X, [0, 0, 1, 1], 2), (X[:3], None, 2)], n_draws=2)
    >>> [inst.name for inst in dist.sample(None, random_state=0)]
    ['fixed:0#0', 'fixed:1#1', 'fixed:0#2', 'fixed:1#3']
    """

    def __init__(self, items, n_draws: int = 1, *, name: str = "fixed"):
        if isinstance(items, (Dataset, Instance)):
            items = [items]
        items = list(items)
        if not items:
            raise ValueError("FixedInstances needs at least one instance, got an empty list")
        self.n_draws = _check_count(n_draws, "n_draws", minimum=1)
        self.name = str(name)
        self.items_ = [self._convert(item, i) for i, item in enumerate(items)]

    def _convert(self, item, i):
        if isinstance(item, Instance):
            return (item.X, item.y, item.n_clusters, item.name)
        if isinstance(item, Dataset):
            X, y, k, nm = item.X, item.y, None, item.name
        elif isinstance(item, tuple) and 2 <= len(item) <= 4:
            X, y = item[0], item[1]
            k = item[2] if len(item) >= 3 else None
            nm = item[3] if len(item) == 4 else f"{self.name}:{i}"
        else:
            raise ValueError(
                f"item {i} must be a Dataset, an Instance or a tuple (X, y[, k[, name]]), got {type(item).__name__}"
            )
        k = _default_k(y, k, f"item {i}")
        # validate once; the stored arrays are read-only and shared by every draw
        probe = Instance(X, y, k, np.zeros(k), str(nm))
        return (probe.X, probe.y, probe.n_clusters, probe.name)

    def __len__(self):
        return len(self.items_)

    def sample(self, n_instances: int | None = None, random_state=None, *, start: int = 0) -> list[Instance]:
        """Draw ``n_instances`` (default ``n_draws * len(items)``); see the class docstring."""
        if n_instances is None:
            n_instances = self.n_draws * len(self.items_)
        return super().sample(n_instances, random_state, start=start)

    def _draw(self, rng, index):
        X, y, k, nm = self.items_[index % len(self.items_)]
        return Instance(X, y, k, _readonly(rng.random(k)), f"{nm}#{index}")

    def __repr__(self):
        return f"FixedInstances(name={self.name!r}, n_items={len(self.items_)}, n_draws={self.n_draws})"


def instances_from_benchmark_battery(
    battery: str,
    data_dir=None,
    *,
    names=None,
    labels: int = 0,
    drop_noise: bool = True,
    max_samples: int | None = None,
    n_draws: int = 1,
) -> FixedInstances:
    """A :class:`FixedInstances` over one battery of the clustering benchmark suite.

    Each data set becomes an item whose k is the number of clusters of its reference
    partition ``labels<labels>`` (noise excluded).

    Parameters
    ----------
    battery : str
        E.g. ``"wut"``, ``"fcps"``, ``"graves"``.
    data_dir : str or path-like or None, default=None
        See :func:`dalgo.datasets.find_data_file`.
    names : sequence of str or None, default=None
        Restrict to these data sets (default: all of the battery, in sorted order).
    labels : int, default=0
        Which reference partition. Data sets lacking it are skipped when ``names`` is None.
    drop_noise : bool, default=True
        Drop noise points (label 0 in the files); if False they are kept as unlabelled
        points (``y = -1``) that the instance still has to cluster.
    max_samples : int or None, default=None
        Skip data sets with more points (exact α trees grow with n·k).
    n_draws : int, default=1
        See :class:`FixedInstances`.

    Returns
    -------
    FixedInstances
    """
    available = [n for b, n in list_clustering_benchmarks(data_dir) if b == battery]
    if not available:
        raise ValueError(f"no data sets found for battery {battery!r}")
    explicit = names is not None
    chosen = list(names) if explicit else available
    missing = [n for n in chosen if n not in available]
    if missing:
        raise ValueError(f"unknown data sets in battery {battery!r}: {missing}; available: {available}")
    items = []
    for nm in chosen:
        try:
            ds = load_clustering_benchmark(battery, nm, data_dir, labels=labels, drop_noise=drop_noise)
        except FileNotFoundError:
            if explicit:
                raise
            continue
        if max_samples is not None and ds.n_samples > max_samples:
            continue
        k = ds.n_classes
        items.append((ds.X, ds.y, k, ds.name))
    if not items:
        raise ValueError(
            f"battery {battery!r}: no data set left (labels={labels}, max_samples={max_samples})"
        )
    return FixedInstances(items, n_draws=n_draws, name=battery)
