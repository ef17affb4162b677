"""Instance distributions: seeded samplers of clustering instances, each with its z.

* :class:`ClassSubsampling` — from a labelled data set: k classes uniformly without
  replacement, then m points per class; optional scaling and PCA
  (:mod:`dalgo.instances.preprocessing`), applied once to the whole data set.
* :class:`GaussianGrid` — a g×g grid of unit-variance Gaussians in R²; each instance draws k
  cells and m points from each.
* :class:`FixedInstances` — a fixed list (e.g. a battery of the clustering benchmark suite),
  cycled through with a fresh z per draw.

Determinism
-----------
``sample(n, random_state)`` spawns one child seed per instance
(:func:`dalgo.random_state.spawn_generators`); instance ``i`` is drawn from its own generator
alone — first its data, then ``z = draw_z(k, rng)``. So instance ``i`` depends only on
(``random_state``, ``i``): ``sample(200, s)[:50]`` equals ``sample(50, s)``, and
``sample(n, s, start=i0)`` continues the same stream.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import InvalidParameterError, check_nonnegative_int, check_positive_int
from ..datasets import Dataset
from ..random_state import spawn_generators
from ..seeding import draw_z
from .instance import Instance, default_n_clusters, read_only
from .preprocessing import check_pca_solver, check_scale, pca_transform, scale_data

__all__ = ["ClassSubsampling", "FixedInstances", "GaussianGrid", "InstanceDistribution"]


class InstanceDistribution:
    """Base class: a seeded sampler of :class:`Instance` objects.

    Subclasses implement ``_draw(rng, index) -> Instance``, which must draw the data first and
    then ``z = draw_z(k, rng)`` from ``rng`` alone.
    """

    def sample(self, n_instances: int, random_state=None, *, start: int = 0) -> list[Instance]:
        """Draw instances ``start .. start + n_instances - 1`` of the stream of ``random_state``.

        Parameters
        ----------
        n_instances : int
            How many instances (``>= 0``).
        random_state : None, int, SeedSequence, Generator or RandomState, default=None
            None draws fresh OS entropy (not reproducible). A Generator is consumed by one
            integer draw (see :mod:`dalgo.random_state`).
        start : int, default=0
            Index of the first instance in the stream; ``sample(n, s, start=i)`` equals
            ``sample(i + n, s)[i:]``.

        Returns
        -------
        list of Instance
        """
        n_instances = check_nonnegative_int(n_instances, "n_instances")
        start = check_nonnegative_int(start, "start")
        gens = spawn_generators(n_instances, random_state, start=start)
        return [self._draw(rng, start + i) for i, rng in enumerate(gens)]

    def _draw(self, rng: np.random.Generator, index: int) -> Instance:  # pragma: no cover
        raise NotImplementedError


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
        Applied once to the whole data set before PCA
        (:func:`~dalgo.instances.preprocessing.scale_data`). ``"minmax"``:
        ``(X - min) / (max - min)`` with the data set's *global* min and max (pixels →
        [0, 1]); ``"unit"``: ``X / scale_max`` (``scale_max`` defaults to the observed global
        max of ``|X|``; e.g. 255 for pixels); ``"standard"``: per feature, zero mean and unit
        variance (constant features → 0).
    scale_max : float or None, default=None
        Divisor for ``scale="unit"``.
    pca : int or None, default=None
        Project to this many principal components, fitted once on the whole (scaled) data set:
        the same result as scikit-learn's ``PCA(n_components=pca, svd_solver="full")``
        (full SVD, deterministic, signs fixed as by scikit-learn's ``svd_flip``), computed
        with numpy's SVD (:func:`~dalgo.instances.preprocessing.pca_transform`).
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
        k = check_positive_int(n_clusters, "n_clusters")
        n_per_class = check_positive_int(n_per_class, "n_per_class", allow_none=True)
        check_scale(scale, scale_max)
        check_pca_solver(pca_solver)
        pca = check_positive_int(pca, "pca", allow_none=True)

        self.classes_ = np.unique(y[y >= 0])
        if k > self.classes_.size:
            raise InvalidParameterError(
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

        X = scale_data(X, scale, scale_max)
        if pca is not None:
            X = pca_transform(X, pca, pca_solver)
        self.X_ = read_only(X)
        self.y_ = read_only(y)
        # indices of each class, in data order
        self._members = [np.flatnonzero(y == c) for c in self.classes_]

    @classmethod
    def from_dataset(cls, dataset: Dataset, n_clusters: int = 5,
                     n_per_class: int | None = 100, **kwargs):
        """Build from a :class:`~dalgo.datasets.Dataset` (name defaults to the data set's)."""
        if dataset.y is None:
            raise ValueError(
                f"data set {dataset.name!r} has no labels; ClassSubsampling needs them")
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
        z = draw_z(k, rng)
        classes = ",".join(str(int(c)) for c in self.classes_[chosen])
        return Instance(read_only(self.X_[idx]), read_only(labels), k, read_only(z),
                        f"{self.name}[{classes}]#{index}")

    def __repr__(self):
        return (
            f"ClassSubsampling(name={self.name!r}, n_clusters={self.n_clusters}, "
            f"n_per_class={self.n_per_class}, replace={self.replace}, scale={self.scale!r}, "
            f"pca={self.pca!r})"
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
        self.grid_size = check_positive_int(grid_size, "grid_size")
        if (isinstance(spacing, bool) or not isinstance(spacing, numbers.Real)
                or not np.isfinite(spacing) or spacing <= 0):
            raise InvalidParameterError(
                f"spacing must be a positive finite number, got {spacing!r}")
        self.spacing = float(spacing)
        self.n_clusters = check_positive_int(n_clusters, "n_clusters")
        n_cells = self.grid_size**2
        if self.n_clusters > n_cells:
            raise InvalidParameterError(
                f"n_clusters={self.n_clusters} exceeds the number of grid cells "
                f"{self.grid_size}**2 = {n_cells}"
            )
        self.n_per_cluster = check_positive_int(n_per_cluster, "n_per_cluster")
        self.name = str(name)
        g = self.grid_size
        ii, jj = np.divmod(np.arange(g * g), g)
        self.centers_ = read_only(np.column_stack([ii, jj]).astype(np.float64) * self.spacing)

    def _draw(self, rng, index):
        k, m = self.n_clusters, self.n_per_cluster
        cells = np.sort(rng.choice(self.grid_size**2, size=k, replace=False))
        X = np.repeat(self.centers_[cells], m, axis=0) + rng.standard_normal((k * m, 2))
        y = np.repeat(np.arange(k, dtype=np.int64), m)
        z = draw_z(k, rng)
        name = f"{self.name}[{','.join(str(int(c)) for c in cells)}]#{index}"
        return Instance(read_only(X), read_only(y), k, read_only(z), name)

    def __repr__(self):
        return (
            f"GaussianGrid(grid_size={self.grid_size}, spacing={self.spacing}, "
            f"n_clusters={self.n_clusters}, n_per_cluster={self.n_per_cluster})"
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
        Each item is a :class:`~dalgo.datasets.Dataset` (k = its number of classes, noise
        label -1 excluded; noise rows, if any, are kept with ``y = -1``), an
        :class:`Instance` (its z is ignored), or a tuple ``(X, y, k)`` / ``(X, y)`` /
        ``(X, y, k, name)`` with ``y`` possibly None (then k is required) and ``k`` None
        meaning "number of distinct labels >= 0".
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
            raise InvalidParameterError(
                "FixedInstances needs at least one instance, got an empty list")
        self.n_draws = check_positive_int(n_draws, "n_draws")
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
            raise InvalidParameterError(
                f"item {i} must be a Dataset, an Instance or a tuple (X, y[, k[, name]]), "
                f"got {type(item).__name__}"
            )
        k = check_positive_int(default_n_clusters(y, k, f"item {i}"), f"item {i}: n_clusters")
        # validate once; the stored arrays are read-only and shared by every draw
        probe = Instance(X, y, k, np.zeros(k), str(nm))
        return (probe.X, probe.y, probe.n_clusters, probe.name)

    def __len__(self):
        return len(self.items_)

    def sample(self, n_instances: int | None = None, random_state=None, *,
               start: int = 0) -> list[Instance]:
        """Draw ``n_instances`` (default ``n_draws * len(items)``); see the class docstring."""
        if n_instances is None:
            n_instances = self.n_draws * len(self.items_)
        return super().sample(n_instances, random_state, start=start)

    def _draw(self, rng, index):
        X, y, k, nm = self.items_[index % len(self.items_)]
        return Instance(X, y, k, read_only(draw_z(k, rng)), f"{nm}#{index}")

    def __repr__(self):
        return (f"FixedInstances(name={self.name!r}, n_items={len(self.items_)}, "
                f"n_draws={self.n_draws})")
