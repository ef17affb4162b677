"""Gagolewski's clustering benchmark suite (``clustering-data-v1``) on disk.

The suite (M. Gagolewski, SoftwareX 20:101270, 2022) is a folder of batteries
(``wut``, ``fcps``, ``sipu``, ``graves``, ``uci``, ``other``), each holding
``<name>.data.gz`` (points), ``<name>.labels0.gz`` … (reference partitions, 0 = noise) and
``<name>.txt`` (description). It is found as ``clustering-data-v1/`` under the data
directory, or ``data_dir`` may be the suite folder itself.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from .._validation import InvalidParameterError, check_nonnegative_int
from .dataset import Dataset
from .paths import HOW_TO, find_data_file

__all__ = ["list_clustering_benchmarks", "load_clustering_benchmark",
           "split_benchmark_name"]

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


def _find_benchmark_root(data_dir) -> Path:
    if _looks_like_suite(data_dir):
        root = Path(os.fspath(data_dir)).expanduser()
    else:
        root = find_data_file(["clustering-data-v1"], data_dir,
                              what="clustering benchmark suite")
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory\n{HOW_TO}")
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
    ``clustering-data-v1/<battery>/<name>.data.gz`` (or ``.data``) that have a ``.labels0``
    file.

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        The data directory (holding ``clustering-data-v1/``) or the suite folder itself;
        None: ``$DALGO_DATA``.

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


def split_benchmark_name(battery, name=None) -> tuple[str, str]:
    """``(battery, name)`` from ``("wut", "x2")`` or from ``("wut/x2", None)``.

    Both parts are checked to be plain file-name components (no ``/``, no ``..``).

    Examples
    --------
    >>> split_benchmark_name("wut/x2")
    ('wut', 'x2')
    >>> split_benchmark_name("wut", "x2")
    ('wut', 'x2')
    """
    if name is None:
        if not isinstance(battery, str) or "/" not in battery:
            raise InvalidParameterError(
                f"give the benchmark as 'battery/name' or as battery and name; got {battery!r}")
        battery, _, name = battery.strip().partition("/")
    elif isinstance(battery, str) and "/" in battery:
        raise InvalidParameterError(
            f"battery {battery!r} already names the data set; do not give name={name!r} too "
            "(pass data_dir by keyword)")
    for what, value in (("battery", battery), ("name", name)):
        if not isinstance(value, str) or not _SAFE_NAME.match(value):
            raise InvalidParameterError(f"invalid benchmark {what} {value!r}")
    return battery, name


def _suite_file(root: Path, battery: str, stem: str) -> Path | None:
    for ext in (".gz", ""):
        p = root / battery / f"{stem}{ext}"
        if p.is_file():
            return p
    return None


def load_clustering_benchmark(
    battery: str, name: str | None = None, data_dir=None, *, labels: int = 0,
    drop_noise: bool = True,
) -> Dataset:
    """One data set of Gagolewski's clustering benchmark suite (``clustering-data-v1``).

    Parameters
    ----------
    battery : str
        E.g. ``"wut"``, ``"fcps"``, ``"sipu"``, ``"graves"``, ``"uci"``, ``"other"``; or
        ``"<battery>/<name>"`` (e.g. ``"wut/x2"``, as :func:`~dalgo.datasets.load_dataset`
        and the ``dalgo`` command accept) with ``name`` left out.
    name : str or None, default=None
        Data set name within the battery, e.g. ``"x2"``; None when ``battery`` holds both.
    data_dir : str or path-like or None, default=None
        The data directory (holding ``clustering-data-v1/``) or the suite folder itself;
        None: ``$DALGO_DATA``.
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

    Raises
    ------
    FileNotFoundError
        If the data set or its partition ``labels<labels>`` is missing (the message lists
        what is available).
    InvalidParameterError
        For a battery or name that is not a plain file name, or a negative ``labels``.
    """
    battery, name = split_benchmark_name(battery, name)
    labels = check_nonnegative_int(labels, "labels")
    root = _find_benchmark_root(data_dir)
    data_path = _suite_file(root, battery, f"{name}.data")
    if data_path is None:
        try:
            known = list_clustering_benchmarks(root)
        except (OSError, FileNotFoundError):
            known = []
        hint = (", ".join(f"{b}/{n}" for b, n in known if b == battery)
                or ", ".join(sorted({b for b, _ in known})))
        raise FileNotFoundError(
            f"clustering benchmark {battery}/{name} not found: looked at "
            f"{root / battery / (name + '.data.gz')} and {root / battery / (name + '.data')}. "
            f"Available: {hint or '(none)'}\n{HOW_TO}"
        )
    label_path = _suite_file(root, battery, f"{name}.labels{labels}")
    if label_path is None:
        have = sorted(p.name for p in (root / battery).glob(f"{name}.labels*"))
        raise FileNotFoundError(
            f"benchmark {battery}/{name} has no reference partition labels{labels}; "
            f"available: {have}"
        )
    X = np.loadtxt(data_path, ndmin=2, dtype=np.float64)
    raw = np.loadtxt(label_path, dtype=np.int64, ndmin=1)
    if raw.shape[0] != X.shape[0]:
        raise ValueError(
            f"{label_path}: {raw.shape[0]} labels for {X.shape[0]} points in {data_path}")
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
        f"Clustering benchmark suite v1 (M. Gagolewski, SoftwareX 20:101270, 2022), "
        f"{battery}/{name}, reference partition labels{labels} ({classes.size} clusters, "
        f"{n_noise} noise points{' dropped' if drop_noise and n_noise else ''}).\n\n{descr}"
    )
    full = f"{battery}/{name}"
    if drop_noise:
        keep = ~noise
        return Dataset(X[keep], mapped[keep], full, descr)
    return Dataset(X, mapped, full, descr, noise=noise)
