"""A :class:`~dalgo.instances.FixedInstances` over one battery of the clustering benchmark suite."""

from __future__ import annotations

from .._validation import InvalidParameterError, check_nonnegative_int, check_positive_int
from ..datasets import list_clustering_benchmarks, load_clustering_benchmark
from .distributions import FixedInstances

__all__ = ["instances_from_benchmark_battery"]


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
    partition ``labels<labels>`` (noise excluded: dalgo's one rule for the default k).

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
    labels = check_nonnegative_int(labels, "labels")
    max_samples = check_positive_int(max_samples, "max_samples", allow_none=True)
    n_draws = check_positive_int(n_draws, "n_draws")
    available = [n for b, n in list_clustering_benchmarks(data_dir) if b == battery]
    if not available:
        raise InvalidParameterError(f"no data sets found for battery {battery!r}")
    explicit = names is not None
    chosen = list(names) if explicit else available
    missing = [n for n in chosen if n not in available]
    if missing:
        raise InvalidParameterError(
            f"unknown data sets in battery {battery!r}: {missing}; available: {available}")
    items = []
    for nm in chosen:
        try:
            ds = load_clustering_benchmark(battery, nm, data_dir, labels=labels,
                                           drop_noise=drop_noise)
        except FileNotFoundError:
            if explicit:
                raise
            continue
        if max_samples is not None and ds.n_samples > max_samples:
            continue
        items.append((ds.X, ds.y, None, ds.name))  # k: FixedInstances' default-k rule
    if not items:
        raise ValueError(
            f"battery {battery!r}: no data set left (labels={labels}, max_samples={max_samples})"
        )
    return FixedInstances(items, n_draws=n_draws, name=battery)
