"""The outcome of a tuning run, its report, and its JSON form (which round-trips)."""

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from ..jsonio import decode_float, dumps, encode_float, read_json
from ..piecewise import PiecewiseConstant
from .config import BASELINE_ALPHAS, beta_key

__all__ = ["TuneResult", "baseline_label"]

_BASELINE_NAMES = {"0": "alpha=0 (uniform)", "1": "alpha=1 (d^1)", "2": "alpha=2 (k-means++)",
                   "inf": "alpha=inf (farthest-first)"}


def baseline_label(alpha):
    """The label of a baseline α: ``"0"``, ``"1"``, ``"2"`` or ``"inf"``; accepts the label
    itself or the number (``2``, ``2.0``, ``np.inf``).

    Examples
    --------
    >>> baseline_label(2), baseline_label("inf"), baseline_label(float("inf"))
    ('2', 'inf', 'inf')
    """
    if isinstance(alpha, str) and alpha in BASELINE_ALPHAS:
        return alpha
    try:
        value = decode_float(alpha)
    except (TypeError, ValueError):
        value = None
    for label, a in BASELINE_ALPHAS.items():
        if value == a:
            return label
    raise KeyError(f"{alpha!r} is not a baseline α; choose from "
                   f"{sorted(BASELINE_ALPHAS)} (or the numbers 0, 1, 2, inf).")


def _curves_to_json(curves):
    return {beta_key(b): c.to_dict() for b, c in curves.items()}


def _curves_from_json(d):
    return {decode_float(b): PiecewiseConstant.from_dict(c) for b, c in d.items()}


def _baselines_to_json(baselines):
    return {label: {k: encode_float(v) for k, v in stats.items()}
            for label, stats in baselines.items()}


def _baselines_from_json(d):
    return {label: {k: decode_float(v) for k, v in stats.items()} for label, stats in d.items()}


@dataclass
class TuneResult:
    """Outcome of :func:`dalgo.tune`.

    Attributes
    ----------
    alpha_interval : (float, float)
        The ERM interval of α (the first, lowest one if several tie).
    alpha : float
        The α used on test instances: the interval's midpoint, or ``inf`` when the
        interval reaches infinity (:func:`dalgo.tuning.representative_alpha`).
    beta : float
        The β with the lowest training loss (the first on ties).
    train_loss : float
        Minimum of the exact mean training curve.
    test_loss, test_se : float
        Mean and standard error over the test instances at ``(alpha, beta)``;
        NaN without test instances.
    baselines : dict
        ``{"0"|"1"|"2"|"inf": {"test_loss": mean, "test_se": se}}`` for the chosen
        β, the same test instances and the same z.
    argmin_intervals : list of (float, float)
        All minimising intervals of the training curve for ``beta``.
    train_curves, test_curves : dict
        β → mean :class:`~dalgo.PiecewiseConstant` over the instances.
    test_se_curves : dict
        β → standard error of the test curve, piece by piece.
    train_loss_by_beta : dict
        β → minimum of that β's training curve.
    baselines_by_beta : dict
        β → baselines as above.
    n_leaves : dict
        ``{"train": [...], "test": [...]}`` leaves per instance.
    timings : dict
        Seconds spent building trees, in local search, and in total.
    config : dict
        The run's configuration (:meth:`dalgo.tuning.TuneConfig.to_dict`) and what the
        caller added (data set, seed, ...).
    n_clusters : dict
        ``{"train": [...], "test": [...]}`` k per instance.

    :meth:`to_dict` / :meth:`from_dict` (and :meth:`to_json` / :meth:`from_json`)
    round-trip every field; ∞ is written ``"inf"`` (:mod:`dalgo.jsonio`).
    """

    alpha_interval: tuple
    alpha: float
    beta: float
    train_loss: float
    test_loss: float
    test_se: float
    baselines: dict
    argmin_intervals: list
    train_curves: dict
    test_curves: dict
    test_se_curves: dict
    train_loss_by_beta: dict
    baselines_by_beta: dict
    n_leaves: dict
    timings: dict
    config: dict = field(default_factory=dict)
    n_clusters: dict = field(default_factory=lambda: {"train": [], "test": []})

    @property
    def n_train(self):
        return len(self.n_leaves["train"])

    @property
    def n_test(self):
        return len(self.n_leaves["test"])

    def improvement_over(self, baseline="2"):
        """Relative test-loss improvement over a baseline α: ``(b - t) / b``.

        ``baseline`` is a label (``"2"``) or the α itself (``2``, ``np.inf``).
        """
        b = self.baselines[baseline_label(baseline)]["test_loss"]
        return float("nan") if b == 0 else float((b - self.test_loss) / b)

    # -- JSON -------------------------------------------------------------------------
    def to_dict(self):
        """Every field as JSON-ready values (plus ``n_train`` and ``n_test`` for readers)."""
        return {
            "alpha_interval": [encode_float(a) for a in self.alpha_interval],
            "alpha": encode_float(self.alpha),
            "beta": encode_float(self.beta),
            "train_loss": encode_float(self.train_loss),
            "test_loss": encode_float(self.test_loss),
            "test_se": encode_float(self.test_se),
            "baselines": _baselines_to_json(self.baselines),
            "argmin_intervals": [[encode_float(a), encode_float(b)]
                                 for a, b in self.argmin_intervals],
            "train_curves": _curves_to_json(self.train_curves),
            "test_curves": _curves_to_json(self.test_curves),
            "test_se_curves": _curves_to_json(self.test_se_curves),
            "train_loss_by_beta": {beta_key(b): encode_float(v)
                                   for b, v in self.train_loss_by_beta.items()},
            "baselines_by_beta": {beta_key(b): _baselines_to_json(v)
                                  for b, v in self.baselines_by_beta.items()},
            "n_train": self.n_train,
            "n_test": self.n_test,
            "n_leaves": {k: [int(x) for x in v] for k, v in self.n_leaves.items()},
            "timings": {k: encode_float(v) for k, v in self.timings.items()},
            "config": self.config,
            "n_clusters": {k: [int(x) for x in v] for k, v in self.n_clusters.items()},
        }

    @classmethod
    def from_dict(cls, d):
        """The result of :meth:`to_dict`'s output (equal field by field)."""
        missing = [f.name for f in fields(cls) if f.name not in d]
        if missing:
            raise ValueError(f"not a dalgo tuning result: missing {missing}.")
        return cls(
            alpha_interval=tuple(decode_float(a) for a in d["alpha_interval"]),
            alpha=decode_float(d["alpha"]),
            beta=decode_float(d["beta"]),
            train_loss=decode_float(d["train_loss"]),
            test_loss=decode_float(d["test_loss"]),
            test_se=decode_float(d["test_se"]),
            baselines=_baselines_from_json(d["baselines"]),
            argmin_intervals=[(decode_float(a), decode_float(b))
                              for a, b in d["argmin_intervals"]],
            train_curves=_curves_from_json(d["train_curves"]),
            test_curves=_curves_from_json(d["test_curves"]),
            test_se_curves=_curves_from_json(d["test_se_curves"]),
            train_loss_by_beta={decode_float(b): decode_float(v)
                                for b, v in d["train_loss_by_beta"].items()},
            baselines_by_beta={decode_float(b): _baselines_from_json(v)
                               for b, v in d["baselines_by_beta"].items()},
            n_leaves={k: [int(x) for x in v] for k, v in d["n_leaves"].items()},
            timings={k: decode_float(v) for k, v in d["timings"].items()},
            config=dict(d["config"]),
            n_clusters={k: [int(x) for x in v] for k, v in d["n_clusters"].items()},
        )

    def to_json(self, path=None, *, indent=1):
        """The result as strict JSON text; also written (atomically) to ``path`` if given."""
        from ..jsonio import write_json

        if path is not None:
            write_json(path, self.to_dict(), indent=indent)
        return dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, path_or_text):
        """Read a result written by :meth:`to_json` (a path, or the JSON text)."""
        import json

        if isinstance(path_or_text, Path) or (
                isinstance(path_or_text, str) and not path_or_text.lstrip().startswith("{")):
            return cls.from_dict(read_json(path_or_text))
        return cls.from_dict(json.loads(path_or_text))

    # -- report -----------------------------------------------------------------------
    def table(self):
        """A plain-text summary table."""
        rows = [("configuration", "test loss", "s.e.")]
        lo, hi = self.alpha_interval
        rows.append((f"ERM alpha in [{lo:.4g}, {hi:.4g}), beta={self.beta:g}",
                     f"{self.test_loss:.4f}", f"{self.test_se:.4f}"))
        for key, name in _BASELINE_NAMES.items():
            if key in self.baselines:
                b = self.baselines[key]
                rows.append((f"{name}, beta={self.beta:g}", f"{b['test_loss']:.4f}",
                             f"{b['test_se']:.4f}"))
        width = max(len(r[0]) for r in rows)
        lines = [f"{r[0]:<{width}}  {r[1]:>9}  {r[2]:>7}" for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.append("")
        lines.append(f"train loss at ERM: {self.train_loss:.4f} over {self.n_train} instances; "
                     f"test over {self.n_test} instances")
        lines.append(f"leaves per instance: mean {np.mean(self.n_leaves['train']):.0f}; "
                     f"total time {self.timings.get('total_seconds', float('nan')):.1f} s")
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def plot(self, ax=None, *, betas=None, inf_at=None):
        """Mean training and test loss against α, with the test standard-error
        band, the ERM interval shaded and the baselines marked."""
        from ..plotting import plot_tune_result

        return plot_tune_result(self, ax=ax, betas=betas, inf_at=inf_at)
