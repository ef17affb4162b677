"""Data set loaders: embedded, on-disk, and user-supplied (nothing is ever downloaded).

Every loader returns a :class:`Dataset`: a 2-D float64 matrix ``X`` (one row per sample,
images flattened) and integer labels ``y`` (``0 .. c-1``), plus a name and a description.
Preprocessing (scaling, PCA) is *not* done here; it belongs to the instance distributions in
:mod:`dalgo.instances`.

One concept per module:

* :mod:`~dalgo.datasets.dataset` — the :class:`Dataset` value type;
* :mod:`~dalgo.datasets.paths` — where the data are (``data_dir`` or ``$DALGO_DATA``);
* :mod:`~dalgo.datasets.formats` — file formats: IDX, CIFAR-10 batches and npz (gzip is
  detected by content);
* :mod:`~dalgo.datasets.safe_pickle` — the restricted unpickler;
* :mod:`~dalgo.datasets.loaders` — digits, MNIST, CIFAR-10, CNAE-9 and :func:`load_dataset`;
* :mod:`~dalgo.datasets.benchmark_suite` — Gagolewski's clustering benchmark suite;
* :mod:`~dalgo.datasets.adapters` — :func:`from_torchvision`;
* :mod:`~dalgo.datasets.files` — the user's own files (``.npz``, ``.npy``, ``.csv``,
  ``.tsv``, ``.parquet``): :func:`read_table`, :func:`read_instances` (one file = one
  instance), :func:`load_table_dataset` (one labelled table), errors naming file and place.

Where the files are
-------------------
Loaders that read files take ``data_dir``; when it is ``None`` the environment variable
``DALGO_DATA`` names the folder. A missing file raises :class:`FileNotFoundError` listing
every path that was looked at and how to point dalgo at the data.

Security
--------
CIFAR-10 python batches are pickles. They are read with dalgo's restricted unpickler
(:func:`safe_loads`); a forbidden global, e.g. ``os.system``, raises
:class:`pickle.UnpicklingError`. ``.npz`` files are read with ``allow_pickle=False``.
"""

from .adapters import from_torchvision
from .benchmark_suite import list_clustering_benchmarks, load_clustering_benchmark
from .dataset import Dataset
from .files import (
    INSTANCE_SUFFIXES,
    InstanceFile,
    InstanceFileError,
    check_instance_file,
    expand_paths,
    load_table_dataset,
    read_instances,
    read_table,
)
from .formats import read_cifar10_batch, read_cifar10_npz, read_idx
from .loaders import (
    DATASET_NAMES,
    load_cifar10,
    load_cnae9,
    load_dataset,
    load_digits,
    load_mnist,
)
from .paths import DATA_ENV_VAR, HOW_TO, find_data_file, get_data_dir, read_bytes
from .safe_pickle import ALLOWED_GLOBALS, safe_load, safe_loads

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
    # added with the split into modules
    "DATASET_NAMES",
    "HOW_TO",
    "read_bytes",
    "read_cifar10_batch",
    "read_cifar10_npz",
    "ALLOWED_GLOBALS",
    "safe_load",
    "safe_loads",
    # the user's own files
    "INSTANCE_SUFFIXES",
    "InstanceFile",
    "InstanceFileError",
    "check_instance_file",
    "expand_paths",
    "load_table_dataset",
    "read_instances",
    "read_table",
]
