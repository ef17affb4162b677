"""Where dalgo.nas finds its offline tables (nothing here downloads anything).

The NAS files live under ``nas/`` in dalgo's one data folder, found by
:func:`dalgo.datasets.paths.find_data_file` (the ``data_dir`` argument, else the environment
variable ``DALGO_DATA``; no other fallback). The NAS-Bench-Graph tables ship with the PyPI
package ``nas-bench-graph`` and are found through it (:func:`nas_bench_graph_dir`). Pickled
tables are read with dalgo's one restricted unpickler,
:func:`dalgo.datasets.safe_pickle.safe_load`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dalgo.datasets.paths import find_data_file, get_data_dir

__all__ = ["find_nas_file", "nas_bench_graph_dir"]


def find_nas_file(relpath, data_dir=None):
    """Path of the NAS data file ``nas/<relpath>`` in dalgo's data folder.

    Parameters
    ----------
    relpath : str or path-like
        Path below ``nas/``, e.g. ``"naslib_zc/zc_nasbench201.json"``.
    data_dir : str or path-like, default=None
        The data folder, i.e. the folder that holds ``nas/``; a folder named ``nas`` that
        holds the files directly is accepted too. None: the environment variable
        ``DALGO_DATA`` (see :func:`dalgo.datasets.paths.find_data_file`).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        Naming every path looked at and how to point dalgo at the data.

    Examples
    --------
    >>> from dalgo.nas.data import find_nas_file
    >>> find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv").name
    'arch_score_acc.csv'
    """
    rel = Path(relpath)
    candidates = [Path("nas") / rel]
    root = get_data_dir(data_dir)
    if root is not None and root.name == "nas":
        candidates.append(rel)
    return find_data_file(candidates, data_dir, what=f"NAS data file 'nas/{rel.as_posix()}'")


def nas_bench_graph_dir():
    """Folder of the ``nas-bench-graph`` package's tables, found without importing it.

    Returns
    -------
    pathlib.Path
        The package's ``light/`` folder of ``<dataset>.bench`` pickles.

    Raises
    ------
    FileNotFoundError
        If the package is not installed.
    """
    spec = importlib.util.find_spec("nas_bench_graph")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The NAS-Bench-Graph tables come with the PyPI package nas-bench-graph "
            "(pip install 'nas-bench-graph==1.4.0', or dalgo's 'nas' extra); it is not "
            "installed."
        )
    for loc in spec.submodule_search_locations:
        light = Path(loc) / "light"
        if light.is_dir():
            return light
    raise FileNotFoundError(
        f"nas_bench_graph is installed at {list(spec.submodule_search_locations)} but has "
        "no 'light/' folder of .bench tables."
    )
