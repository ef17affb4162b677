"""What a tuning run computes for each instance: one frozen, validated configuration."""

import hashlib
import json
from dataclasses import dataclass, replace

import numpy as np

from .. import __version__
from .._validation import InvalidParameterError, check_beta, check_center, check_positive_int
from ..execution_tree import DEFAULT_ALPHA_RANGE, check_alpha_range
from ..jsonio import decode_float, encode_float, to_jsonable
from ..losses import get_loss

__all__ = ["BASELINE_ALPHAS", "CACHE_FORMAT", "TuneConfig", "beta_key", "loss_id"]

#: The fixed members of the family every tuning result is compared with, by label.
BASELINE_ALPHAS = {"0": 0.0, "1": 1.0, "2": 2.0, "inf": np.inf}

#: Part of every cache key together with ``dalgo.__version__``: raise it when a change can
#: change a cached result or its file layout, so that no file written by older code is read.
#: 2: shared leaf searches, the β = 2 "partition" path, β-centres started from the members'
#: mean.  3: one spelling of ∞ ("inf") in every file, per-instance results as
#: :class:`dalgo.tuning.InstanceResult`, several seeding draws per instance.
CACHE_FORMAT = 3


def beta_key(beta):
    """The string that names β in files and dicts: ``repr(float(beta))`` (``"inf"`` for ∞).

    Examples
    --------
    >>> beta_key(2), beta_key(float("inf"))
    ('2.0', 'inf')
    """
    return repr(float(beta))


def loss_id(loss):
    """A stable name for a loss: the name itself, or a callable's module and qualified name."""
    if isinstance(loss, str):
        return loss
    module = getattr(loss, "__module__", "?")
    return f"{module}.{getattr(loss, '__qualname__', repr(loss))}"


def _check_betas(betas):
    values = list(betas) if np.iterable(betas) else [betas]
    if not values:
        raise InvalidParameterError("betas must contain at least one value.")
    values = tuple(check_beta(b) for b in values)
    if len(set(values)) != len(values):
        raise InvalidParameterError(f"betas contains duplicates: {list(values)}.")
    return values


@dataclass(frozen=True)
class TuneConfig:
    """Everything that decides the per-instance results of a tuning run.

    Validated on construction (bad values raise :class:`dalgo.InvalidParameterError`
    naming them). Two runs with equal configurations compute the same thing for the same
    instance, which is what :meth:`cache_key` relies on.

    Parameters
    ----------
    alpha_range : (float, float), default=(0.0, inf)
        The α range of the execution tree; ``hi`` may be ``np.inf`` (farthest-first).
    betas : sequence of float, default=(2.0,)
        The β grid; the tree is shared, the local search rerun per β.
    center : {"euclidean", "medoid"}, default="euclidean"
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
        See :func:`dalgo.losses.get_loss`.
    max_iter : int, default=300
        Local-search iterations per run.
    n_draws : int, default=1
        Seeding draws ``z`` per instance. Draw 0 is the instance's own ``z``; draw ``j``
        is derived from the instance's content hash and ``j``, so it is the same in every
        process. An instance's curve and baseline losses are the means over its draws.

    Examples
    --------
    >>> from dalgo.tuning import TuneConfig
    >>> cfg = TuneConfig(alpha_range=(0, float("inf")), betas=(1, 2))
    >>> cfg.betas, cfg.to_dict()["alpha_range"]
    ((1.0, 2.0), [0.0, 'inf'])
    >>> TuneConfig(betas=(0.5,))
    Traceback (most recent call last):
    ...
    dalgo._validation.InvalidParameterError: beta must be >= 1 (np.inf allowed); got 0.5.
    """

    alpha_range: tuple = DEFAULT_ALPHA_RANGE
    betas: tuple = (2.0,)
    center: str = "euclidean"
    loss: object = "hamming"
    max_iter: int = 300
    n_draws: int = 1

    def __post_init__(self):
        set_ = object.__setattr__  # frozen: normalise the fields once, here
        set_(self, "alpha_range", check_alpha_range(self.alpha_range))
        set_(self, "betas", _check_betas(self.betas))
        set_(self, "center", check_center(self.center))
        if not (callable(self.loss) or isinstance(self.loss, str)):
            raise InvalidParameterError(
                f"loss must be a loss name or a callable; got {self.loss!r}.")
        try:
            get_loss(self.loss)
        except ValueError as exc:
            raise InvalidParameterError(str(exc)) from None
        set_(self, "max_iter", check_positive_int(self.max_iter, "max_iter"))
        set_(self, "n_draws", check_positive_int(self.n_draws, "n_draws"))

    @property
    def loss_fn(self):
        """The loss as a function ``(labels, instance, result) -> float``."""
        return get_loss(self.loss)

    @property
    def needs_labels(self):
        """Whether the loss compares with ground-truth labels."""
        return self.loss == "hamming"

    def to_dict(self):
        """A JSON-ready description (a callable loss is named by :func:`loss_id`)."""
        lo, hi = self.alpha_range
        return {"alpha_range": [encode_float(lo), encode_float(hi)],
                "betas": [encode_float(b) for b in self.betas],
                "center": self.center, "loss": loss_id(self.loss),
                "max_iter": self.max_iter, "n_draws": self.n_draws}

    @classmethod
    def from_dict(cls, d):
        """The configuration of :meth:`to_dict`'s output (a named loss only)."""
        return cls(alpha_range=tuple(decode_float(a) for a in d["alpha_range"]),
                   betas=tuple(decode_float(b) for b in d["betas"]), center=d["center"],
                   loss=d["loss"], max_iter=int(d["max_iter"]),
                   n_draws=int(d.get("n_draws", 1)))

    def cache_key(self, instance_hash, role="test"):
        """SHA-256 naming the cached result of one instance under this configuration.

        Includes the instance's content hash (data, labels, k, z), the role ("train" runs
        skip the baselines), :data:`CACHE_FORMAT` and ``dalgo.__version__``.
        """
        blob = json.dumps(to_jsonable({"instance": instance_hash, "role": role,
                                       "config": self.to_dict(), "format": CACHE_FORMAT,
                                       "dalgo": __version__}),
                          sort_keys=True, allow_nan=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def with_betas(self, betas):
        """The same configuration with another β grid."""
        return replace(self, betas=tuple(betas))
