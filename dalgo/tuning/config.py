"""What a tuning run computes for each instance: one frozen, validated configuration."""

import hashlib
import json
from dataclasses import dataclass, replace

import numpy as np

from .. import __version__
from .._validation import InvalidParameterError, check_beta, check_center, check_positive_int
from ..jsonio import decode_float, encode_float, to_jsonable
from ..losses import get_loss
from .families import get_family
from .lloyd import BASELINE_ALPHAS

__all__ = ["BASELINE_ALPHAS", "CACHE_FORMAT", "DEFAULT_N_INSTANCES", "DRAWS_FORMAT",
           "MAX_SUGGESTED_DRAWS", "TuneConfig", "beta_key", "budget_draws", "check_n_draws",
           "loss_id", "resolve_n_draws"]

#: Training (and test) instances of the main job, ``dalgo tune`` on a built-in data set: its
#: 60 one-draw training curves are also the compute the selection's hints measure
#: ``n_draws`` against (a smaller training set with 60 / m draws costs what the main job costs).
DEFAULT_N_INSTANCES = 60
#: The most seeding draws per instance a hint suggests and ``n_draws="auto"`` takes (eight
#: kept the real gains on 5 of 6 training sets of 30 on the Gaussian grid and CNAE-9;
#: docs/results.md §10).
MAX_SUGGESTED_DRAWS = 8

#: Part of every cache key together with ``dalgo.__version__``: raise it when a change can
#: change a cached result or its file layout, so that no file written by older code is read.
#: 2: shared leaf searches, the β = 2 "partition" path, β-centres started from the members'
#: mean.  3: one spelling of ∞ ("inf") in every file, per-instance results as
#: :class:`dalgo.tuning.InstanceResult`, several seeding draws per instance.  4: the β = 2
#: "lloyd" path (instances above ``GRAM_MAX_SAMPLES`` points) assigns by exact squared
#: distances (``sq_dist``) after a float32 screen, and its cost uses them.
#: 5: Euclidean β ∉ {2, ∞} in high dimension on the members' Gram matrix (the "beta_gram"
#: path; β = 2 results are unchanged).
CACHE_FORMAT = 5
#: Also in the cache key, for ``n_draws > 1`` only (one-draw files stay valid): raise it when
#: a change alters how the draws of an instance are combined. 2: baselines averaged in the
#: curves' order of summation (equal to the curve at the member's α bit for bit).
DRAWS_FORMAT = 2


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


def budget_draws(n_train):
    """Seeding draws per instance that give ``n_train`` training instances the main job's
    compute: ``ceil(DEFAULT_N_INSTANCES / n_train)``, at least 1, at most
    :data:`MAX_SUGGESTED_DRAWS`.

    Examples
    --------
    >>> [budget_draws(m) for m in (5, 10, 20, 30, 50, 60, 200)]
    [8, 6, 3, 2, 2, 1, 1]
    """
    n_train = check_positive_int(n_train, "n_train")
    return min(MAX_SUGGESTED_DRAWS, -(-DEFAULT_N_INSTANCES // n_train))


def check_n_draws(n_draws):
    """``"auto"`` or a positive int, else :class:`~dalgo.InvalidParameterError` naming it."""
    if isinstance(n_draws, str):
        if n_draws == "auto":
            return n_draws
        raise InvalidParameterError(f"n_draws must be a positive integer or 'auto'; got "
                                    f"{n_draws!r}.")
    return check_positive_int(n_draws, "n_draws")


def resolve_n_draws(n_draws, n_train, family="lloyd"):
    """Seeding draws per instance for ``n_draws`` with ``n_train`` training instances.

    ``"auto"`` is :func:`budget_draws` ``(n_train)`` for a randomised family (Lloyd's) and 1
    for a deterministic one (α-linkage); an int is returned as it is.

    Examples
    --------
    >>> resolve_n_draws("auto", 10), resolve_n_draws("auto", 100), resolve_n_draws(3, 10)
    (6, 1, 3)
    >>> resolve_n_draws("auto", 10, family="linkage-minmax")
    1
    """
    n_draws = check_n_draws(n_draws)
    if n_draws != "auto":
        return n_draws
    return budget_draws(n_train) if get_family(family).accepts_draws else 1


@dataclass(frozen=True)
class TuneConfig:
    """Everything that decides the per-instance results of a tuning run.

    Validated on construction (bad values raise :class:`dalgo.InvalidParameterError`
    naming them). Two runs with equal configurations compute the same thing for the same
    instance, which is what :meth:`cache_key` relies on.

    Parameters
    ----------
    alpha_range : (float, float), default=None
        The α range of the execution tree; for Lloyd's ``hi`` may be ``np.inf``
        (farthest-first). Default: the family's (``(0.0, inf)`` for Lloyd's, ``(0.0, 1.0)``
        for linkage).
    betas : sequence of float, default=(2.0,)
        The β grid; the tree is shared, the local search rerun per β. Lloyd's only.
    center : {"euclidean", "medoid"}, default="euclidean"
        Lloyd's only.
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
        See :func:`dalgo.losses.get_loss`.
    max_iter : int, default=300
        Local-search iterations per run.
    n_draws : int, default=1
        Seeding draws ``z`` per instance. Draw 0 is the instance's own ``z``; draw ``j``
        is derived from the instance's content hash and ``j``, so it is the same in every
        process. An instance's curve and baseline losses are the means over its draws.
        Each draw costs one exact curve. Worth it when training instances are few: most of
        an instance's loss noise is its draw's, and with 30 instances 8 draws let the
        selection keep gains that one draw hides (docs/results.md §10). Lloyd's only
        (α-linkage is deterministic).
    family : str, default="lloyd"
        The algorithm family (:data:`dalgo.tuning.families.FAMILIES`): ``"lloyd"`` — d^α
        seeding + β-Lloyd's, baselines α ∈ {0, 1, 2, ∞}; ``"linkage-minmax"`` — α-linkage
        α·min + (1 − α)·max, baselines single, complete and average linkage. The cache key
        of ``"lloyd"`` does not include the family (files of earlier versions stay valid).

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

    alpha_range: tuple = None
    betas: tuple = (2.0,)
    center: str = "euclidean"
    loss: object = "hamming"
    max_iter: int = 300
    n_draws: int = 1
    family: str = "lloyd"

    def __post_init__(self):
        set_ = object.__setattr__  # frozen: normalise the fields once, here
        fam = get_family(self.family)
        set_(self, "alpha_range", fam.check_alpha_range(
            fam.default_alpha_range if self.alpha_range is None else self.alpha_range))
        set_(self, "betas", _check_betas(self.betas))
        if not fam.uses_beta and self.betas != (2.0,):
            raise InvalidParameterError(
                f"betas applies to family='lloyd' only; family={self.family!r} has no β "
                f"(got betas={list(self.betas)}).")
        set_(self, "center", check_center(self.center))
        if not fam.accepts_draws and (self.center != "euclidean" or self.n_draws != 1):
            raise InvalidParameterError(
                f"center and n_draws apply to family='lloyd' only; family={self.family!r} "
                f"is deterministic (got center={self.center!r}, n_draws={self.n_draws!r}).")
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
    def family_spec(self):
        """The :class:`~dalgo.tuning.families.Family` of :attr:`family`."""
        return get_family(self.family)

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
        out = {"alpha_range": [encode_float(lo), encode_float(hi)],
               "betas": [encode_float(b) for b in self.betas],
               "center": self.center, "loss": loss_id(self.loss),
               "max_iter": self.max_iter, "n_draws": self.n_draws}
        if self.family != "lloyd":  # Lloyd's keys (and cache files) as before families
            out["family"] = self.family
        return out

    @classmethod
    def from_dict(cls, d):
        """The configuration of :meth:`to_dict`'s output (a named loss only)."""
        return cls(alpha_range=tuple(decode_float(a) for a in d["alpha_range"]),
                   betas=tuple(decode_float(b) for b in d["betas"]), center=d["center"],
                   loss=d["loss"], max_iter=int(d["max_iter"]),
                   n_draws=int(d.get("n_draws", 1)), family=d.get("family", "lloyd"))

    def cache_key(self, instance_hash, role="test"):
        """SHA-256 naming the cached result of one instance under this configuration.

        Includes the instance's content hash (data, labels, k, z), the role ("train" runs
        skip the baselines), :data:`CACHE_FORMAT`, with several draws :data:`DRAWS_FORMAT`,
        and ``dalgo.__version__``.
        """
        key = {"instance": instance_hash, "role": role, "config": self.to_dict(),
               "format": CACHE_FORMAT, "dalgo": __version__}
        if self.n_draws > 1:
            key["draws_format"] = DRAWS_FORMAT
        blob = json.dumps(to_jsonable(key), sort_keys=True, allow_nan=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def with_betas(self, betas):
        """The same configuration with another β grid."""
        return replace(self, betas=tuple(betas))
