"""Per-instance evaluation: exact loss curves and baseline runs, cached and in parallel.

:func:`evaluate_instances` is the expensive step of every tuning run — ``dalgo tune``,
:func:`dalgo.tune`, :class:`dalgo.DataDrivenKMeans` and the experiments all call it. It
returns one :class:`InstanceResult` per instance holding real
:class:`~dalgo.PiecewiseConstant` curves; JSON appears only at the cache boundary
(:class:`InstanceCache`).
"""

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from .. import __version__
from ..jsonio import decode_float, encode_float, write_json
from ..piecewise import PiecewiseConstant
from .config import TuneConfig, beta_key
from .lloyd import seeding_draws

__all__ = ["InstanceCache", "InstanceResult", "evaluate_instance", "evaluate_instances",
           "seeding_draws"]


@dataclass(frozen=True)
class InstanceResult:
    """What one instance contributes to a tuning run.

    Attributes
    ----------
    curves : dict
        β → exact loss curve in α (:class:`~dalgo.PiecewiseConstant`); the mean over the
        seeding draws when there are several.
    baselines : dict
        Label of a classical member (Lloyd's: α ``"0"``, ``"1"``, ``"2"``, ``"inf"``;
        linkage: ``"complete"``, ``"single"``, ``"average"``) → β → loss of the direct run
        (Lloyd's: with the same z, mean over draws); empty when not asked for.
    n_leaves : int
        Leaves of the execution tree(s), summed over draws (linkage: k-cut pieces).
    tree_seconds, search_seconds : float
        Time spent building trees and in leaf local searches.
    name : str
        The instance's name (for reports).
    n_clusters : int
        The instance's k.
    """

    curves: dict
    baselines: dict = field(default_factory=dict)
    n_leaves: int = 0
    tree_seconds: float = 0.0
    search_seconds: float = 0.0
    name: str = ""
    n_clusters: int = 0

    def curve(self, beta):
        """The loss curve for ``beta``."""
        return self.curves[float(beta)]

    def baseline(self, label, beta):
        """The loss of baseline ``label`` (e.g. ``"2"`` or ``"single"``) at ``beta``."""
        return self.baselines[str(label)][float(beta)]

    def to_dict(self):
        """JSON-ready form (β keys as :func:`beta_key`, ∞ as ``"inf"``)."""
        return {"curves": {beta_key(b): c.to_dict() for b, c in self.curves.items()},
                "baselines": {label: {beta_key(b): encode_float(v) for b, v in per.items()}
                              for label, per in self.baselines.items()},
                "n_leaves": int(self.n_leaves), "tree_seconds": float(self.tree_seconds),
                "search_seconds": float(self.search_seconds), "name": self.name,
                "n_clusters": int(self.n_clusters)}

    @classmethod
    def from_dict(cls, d):
        """The result of :meth:`to_dict`'s output."""
        return cls(
            curves={decode_float(b): PiecewiseConstant.from_dict(c)
                    for b, c in d["curves"].items()},
            baselines={label: {decode_float(b): decode_float(v) for b, v in per.items()}
                       for label, per in d["baselines"].items()},
            n_leaves=int(d["n_leaves"]), tree_seconds=float(d["tree_seconds"]),
            search_seconds=float(d["search_seconds"]), name=d.get("name", ""),
            n_clusters=int(d.get("n_clusters", 0)))


def evaluate_instance(instance, config, *, baselines=True):
    """Exact loss curves of one instance for every β of ``config``, plus the baselines.

    The work is the family's (``config.family``, :mod:`dalgo.tuning.families`).

    Parameters
    ----------
    instance : Instance
    config : TuneConfig
    baselines : bool, default=True
        Also run the family's classical members directly (Lloyd's: α ∈ {0, 1, 2, ∞} with
        the same z; linkage: single, complete, average) — what test instances need.

    Returns
    -------
    InstanceResult

    Examples
    --------
    >>> from dalgo.instances import GaussianGrid
    >>> from dalgo.tuning import TuneConfig, evaluate_instance
    >>> inst = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10).sample(
    ...     1, random_state=0)[0]
    >>> res = evaluate_instance(inst, TuneConfig(alpha_range=(0, 10)))
    >>> sorted(res.curves), sorted(res.baselines)
    ([2.0], ['0', '1', '2', 'inf'])
    """
    curves, base, n_leaves, t_tree, t_search = config.family_spec.evaluate(
        instance, config, baselines)
    return InstanceResult(curves=curves, baselines=base, n_leaves=n_leaves,
                          tree_seconds=t_tree, search_seconds=t_search, name=instance.name,
                          n_clusters=instance.n_clusters)


class InstanceCache:
    """One JSON file per finished instance, named by :meth:`TuneConfig.cache_key`, with a
    checksum of its payload; ``directory=None`` caches nothing.

    A corrupt or foreign file is recomputed with a :class:`RuntimeWarning` naming it.
    """

    def __init__(self, directory, config):
        self.directory = Path(directory) if directory is not None else None
        self.config = config
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)

    def key(self, instance, role):
        return self.config.cache_key(instance.content_hash(), role)

    def path(self, key):
        return self.directory / f"{key}.json"

    def load(self, key):
        """The cached :class:`InstanceResult` for ``key``, or None."""
        if self.directory is None:
            return None
        p = self.path(key)
        if not p.exists():
            return None
        try:
            doc = json.loads(p.read_text())
            if _checksum(doc["result"]) != doc["checksum"]:
                raise ValueError("checksum mismatch")
            return InstanceResult.from_dict(doc["result"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            warnings.warn(f"corrupt cache file {p} ({exc}); recomputing it.", RuntimeWarning,
                          stacklevel=3)
            return None

    def store(self, key, result):
        if self.directory is None:
            return
        payload = result.to_dict()
        write_json(self.path(key), {"checksum": _checksum(payload), "result": payload,
                                    "dalgo": __version__}, indent=None, sort_keys=True)


def _checksum(payload):
    text = json.dumps(payload, sort_keys=True, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def evaluate_instances(instances, config, *, baselines=True, cache_dir=None, n_jobs=1,
                       progress=True):
    """:func:`evaluate_instance` on every instance, in parallel, reading and filling a cache.

    Parameters
    ----------
    instances : sequence of Instance
    config : TuneConfig
    baselines : bool or sequence of bool, default=True
        Whether to run the baselines (one flag for all, or one per instance).
    cache_dir : str or Path, default=None
        Where finished instances are stored as they arrive (an interrupted run loses
        nothing; a rerun reuses them).
    n_jobs : int, default=1
        joblib processes; inside ``joblib.parallel_backend("dask")`` the instances run on a
        Dask cluster.
    progress : bool, default=True
        A tqdm progress bar.

    Returns
    -------
    list of InstanceResult
        In the order of ``instances``.
    """
    if not isinstance(config, TuneConfig):
        raise TypeError(f"config must be a TuneConfig; got {type(config).__name__}.")
    instances = list(instances)
    flags = ([bool(baselines)] * len(instances) if np.ndim(baselines) == 0
             else [bool(b) for b in baselines])
    if len(flags) != len(instances):
        raise ValueError(f"baselines has {len(flags)} flags for {len(instances)} instances.")
    cache = InstanceCache(cache_dir, config)
    keys = [cache.key(inst, "test" if flag else "train")
            for inst, flag in zip(instances, flags)]
    results = [cache.load(key) for key in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(instances), initial=len(instances) - len(todo), desc="instances",
                   unit="inst")
    if not todo:  # all cached (joblib would warn about cancelling zero tasks)
        return results
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(evaluate_instance)(instances[i], config, baselines=flags[i]) for i in todo)
    for i, out in zip(todo, outputs):
        results[i] = out
        cache.store(keys[i], out)  # as it arrives: an interruption loses nothing
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return results
