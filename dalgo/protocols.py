"""The reference experiment protocol's instance distributions, defined once
(docs/conventions.md, "The reference protocol").

``dalgo tune --dataset NAME``, the experiments and the benchmarks all build their instances
here, so a data set means the same instances everywhere:

============== ================================================================
name           instances
============== ================================================================
mnist          pixels / 255, k = 5 classes × 100 points
cifar10        pixels / 255, k = 5 classes × 100 points
cnae9          k = 4 classes × all their points
gaussian_grid  3 × 3 grid of unit Gaussians (spacing 5), k = 4 cells × 50 points
digits         pixels / 16, k = 5 classes × 100 points (embedded, no files needed)
other names    any :func:`dalgo.load_dataset` name (e.g. ``"wut/x2"`` of the clustering
               benchmark suite): k = min(5, classes) × 100 points, no scaling
a ``Dataset``  the user's own labelled table (``dalgo tune --dataset PATH``,
               :func:`dalgo.datasets.files.load_table_dataset`): as other names
============== ================================================================
"""

from .datasets import Dataset
from .instances import ClassSubsampling, GaussianGrid

__all__ = ["PROTOCOLS", "SMOKE_PER_CLASS", "protocol_distribution"]

#: Per data set: k, points per class (None = all), and the pixel scale (x / scale_max).
PROTOCOLS = {
    "mnist": {"n_clusters": 5, "n_per_class": 100, "scale_max": 255.0},
    "cifar10": {"n_clusters": 5, "n_per_class": 100, "scale_max": 255.0},
    "cnae9": {"n_clusters": 4, "n_per_class": None, "scale_max": None},
    "gaussian_grid": {"n_clusters": 4, "n_per_class": 50, "scale_max": None},
    "digits": {"n_clusters": 5, "n_per_class": 100, "scale_max": 16.0},
}
#: Points per class (or grid cell) of the small "smoke" variant used by tests.
SMOKE_PER_CLASS = 10
_OTHER = {"n_clusters": None, "n_per_class": 100, "scale_max": None}


def protocol_distribution(name, data_dir=None, *, n_clusters=None, n_per_class=None,
                          smoke=False):
    """The instance distribution of data set ``name`` under the reference protocol.

    Parameters
    ----------
    name : str or Dataset
        A key of :data:`PROTOCOLS`, any name :func:`dalgo.load_dataset` knows, or a
        labelled :class:`~dalgo.Dataset` (e.g. the user's own table), which gets the rule of
        "other names".
    data_dir : str or path-like, default=None
        Folder of the data files (default ``$DALGO_DATA``); not needed for ``digits`` and
        ``gaussian_grid``.
    n_clusters : int, default=None
        Overrides the protocol's k.
    n_per_class : int, default=None
        Overrides the points per class (grid cell); 0 means all points of a class.
    smoke : bool, default=False
        :data:`SMOKE_PER_CLASS` points per class instead (small, fast instances).

    Returns
    -------
    InstanceDistribution

    Examples
    --------
    >>> from dalgo.protocols import protocol_distribution
    >>> inst = protocol_distribution("digits").sample(1, random_state=0)[0]
    >>> inst.n_samples, inst.n_clusters, float(inst.X.max()) <= 1.0
    (500, 5, True)
    """
    spec = _OTHER if isinstance(name, Dataset) else PROTOCOLS.get(name, _OTHER)
    k = n_clusters if n_clusters is not None else spec["n_clusters"]
    if n_per_class == 0:
        per_class = None
    elif n_per_class is not None:
        per_class = n_per_class
    elif smoke:
        per_class = SMOKE_PER_CLASS
    else:
        per_class = spec["n_per_class"]
    if name == "gaussian_grid":
        return GaussianGrid(grid_size=3, n_clusters=k, n_per_cluster=per_class or 50)
    from .datasets import load_dataset

    dataset = name if isinstance(name, Dataset) else load_dataset(name, data_dir=data_dir)
    if dataset.y is None:
        raise ValueError(f"data set {dataset.name!r} has no labels; instances are drawn by "
                         "class, so it needs them")
    if k is None:
        k = min(5, dataset.n_classes)
    scale = {} if spec["scale_max"] is None else {"scale": "unit",
                                                  "scale_max": spec["scale_max"]}
    return ClassSubsampling.from_dataset(dataset, n_clusters=k, n_per_class=per_class, **scale)
