"""The outcome of a tuning run, its report, and its JSON form (which round-trips)."""

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from ..jsonio import decode_float, dumps, encode_float, read_json
from ..piecewise import PiecewiseConstant
from .config import beta_key
from .families import get_family

__all__ = ["TuneResult", "baseline_label"]


def baseline_label(alpha, family="lloyd"):
    """The label of a baseline of ``family``: the label itself (Lloyd's ``"0"``, ``"1"``,
    ``"2"``, ``"inf"``; linkage ``"complete"``, ``"single"``, ``"average"``) or the α of a
    member on the family's axis (``2``, ``2.0``, ``np.inf``; linkage ``0``, ``1``).

    Examples
    --------
    >>> baseline_label(2), baseline_label("inf"), baseline_label(float("inf"))
    ('2', 'inf', 'inf')
    >>> baseline_label(1, family="linkage-minmax")
    'single'
    """
    fam = get_family(family)
    if isinstance(alpha, str) and alpha in fam.baseline_names:
        return alpha
    try:
        value = decode_float(alpha)
    except (TypeError, ValueError):
        value = None
    for label, a in fam.members.items():
        if value == a:
            return label
    raise KeyError(f"{alpha!r} is not a baseline of family={family!r}; choose from "
                   f"{sorted(fam.baseline_names)} (or the α of {sorted(fam.members)}).")


_CURVE_FIELDS = ("train_curves", "test_curves", "test_se_curves")


def _curve_betas(arrays, name):
    """The β keys of curve field ``name`` in the arrays of a curves file, in file order."""
    keys = (k.split("/")[1] for k in arrays if k.startswith(f"{name}/"))
    return dict.fromkeys(keys)


def _curves_to_json(curves):
    return {beta_key(b): c.to_dict() for b, c in curves.items()}


def _curves_from_json(d):
    return {decode_float(b): PiecewiseConstant.from_dict(c) for b, c in d.items()}


def _baselines_to_json(baselines):
    return {label: {k: encode_float(v) for k, v in stats.items()}
            for label, stats in baselines.items()}


def _baselines_from_json(d):
    return {label: {k: decode_float(v) for k, v in stats.items()} for label, stats in d.items()}


def _floats_to_json(row):
    return {k: (encode_float(v) if isinstance(v, (float, np.floating)) else v)
            for k, v in row.items()}


def _floats_from_json(row):
    return {k: (v if k == "rule" else decode_float(v)) for k, v in row.items()}


def _same(a, b):
    """Equality of result fields: NaN equals NaN, containers element by element."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k])
                                                                    for k in a)
    if isinstance(a, (list, tuple)):
        return (isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return a == b


@dataclass(eq=False)
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
        ``{label: {"test_loss": mean, "test_se": se}}`` for the chosen β and the same test
        instances, one per classical member of the family (Lloyd's: ``"0"``, ``"1"``,
        ``"2"``, ``"inf"`` with the same z; linkage: ``"complete"``, ``"single"``,
        ``"average"``).
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
    selection : str
        The selection rule asked for: ``"cv"`` (default of :func:`dalgo.tune`) or
        ``"exact"``.
    selected_rule : str
        The candidate that won: ``"alpha=2"`` (a classical member), ``"exact"`` (the
        exact ERM) or ``"smooth(h=…)"`` (the ERM of the window-smoothed risk).
    selection_reason : str
        Why, in one sentence.
    cv_loss, cv_se : float
        Cross-validated estimate (K folds of training instances) of the loss of the
        selected rule, and its standard error — the honest estimate of what the tuned
        configuration will do on new instances, unlike ``train_loss``. With the default
        selection: the nested cross-validated estimate of the whole selection when it
        replaced k-means++, k-means++'s own cross-validated loss when it was kept (the
        reason then says whether the nested check kept it); never the minimum of several
        candidates' noisy estimates.
    plateau : (float, float)
        The α interval around the smoothed minimum of the selected β's training curve on
        which the smoothed risk is within ``cv_se`` of its minimum.
    candidates : list of dict
        Every candidate's cross-validated loss, s.e. and paired difference from the best.
    uniform_bound : dict
        For losses in [0, 1] (Hamming): ``epsilon`` such that with probability
        ``1 - delta`` the training loss is within ``epsilon`` of the expected loss for
        every α, every β of the grid and every window average, from the exact empirical
        Rademacher complexity (:func:`dalgo.generalization.rademacher_complexity_bound`,
        union bound over the β grid); ``upper_epsilon`` the one-sided form (expected loss
        at most training loss + ``upper_epsilon``, the side that certifies the selected
        configuration); ``massart_epsilon`` is the piece-counting bound
        (:func:`dalgo.generalization.selection_uniform_bound`) for comparison. Empty for
        other losses.
    comparisons : dict
        Per baseline label: the paired difference ``baseline − tuned`` of the test losses
        (``mean_diff``, ``se``, ``p_value`` of a paired t-test); positive = tuned is better.

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
    selection: str = "exact"
    selected_rule: str = "exact"
    selection_reason: str = ""
    cv_loss: float = float("nan")
    cv_se: float = float("nan")
    plateau: tuple = (float("nan"), float("nan"))
    candidates: list = field(default_factory=list)
    comparisons: dict = field(default_factory=dict)
    uniform_bound: dict = field(default_factory=dict)

    def __eq__(self, other):
        """Equal when every field but ``timings`` (wall-clock seconds) is equal; NaN
        equals NaN. Two runs with the same inputs and seeds compare equal."""
        if not isinstance(other, TuneResult):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name))
                   for f in fields(self) if f.name != "timings")

    __hash__ = None

    @property
    def n_train(self):
        return len(self.n_leaves["train"])

    @property
    def n_test(self):
        return len(self.n_leaves["test"])

    @property
    def family(self):
        """The algorithm family's name (``"lloyd"`` unless the config says otherwise)."""
        return self.config.get("family", "lloyd")

    def improvement_over(self, baseline=None):
        """Relative test-loss improvement over a baseline: ``(b - t) / b``.

        ``baseline`` is a label (``"2"``, ``"average"``) or the α itself (``2``,
        ``np.inf``); default: the family's default member (k-means++ for Lloyd's). Needs
        test instances (the baselines are measured on them).
        """
        fam = get_family(self.family)
        label = fam.default_label if baseline is None else baseline_label(baseline, fam.name)
        if label not in self.baselines:
            raise ValueError("no baseline losses: this result has no test instances "
                             "(pass test instances to tune).")
        b = self.baselines[label]["test_loss"]
        return float("nan") if b == 0 else float((b - self.test_loss) / b)

    def make_estimator(self, **params):
        """An unfitted estimator running the tuned configuration.

        Lloyd's family: :meth:`dalgo.AlphaBetaKMeans.from_tune_result` — α, β, the kind of
        centres and ``max_iter`` of the run, ``tol=0`` (the tuned runs stop only when the
        assignment settles) and ``n_clusters`` = the tuned instances' common k. Linkage:
        :class:`dalgo.AlphaLinkage` with the tuned α. ``params`` override any of them
        (``random_state=0``, ``n_clusters=4``).

        Examples
        --------
        >>> from dalgo import tune
        >>> from dalgo.instances import GaussianGrid
        >>> grid = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10)
        >>> res = tune(grid.sample(4, random_state=0), center="medoid", progress=False)
        >>> est = res.make_estimator(random_state=0)
        >>> est.n_clusters, est.center, est.alpha == res.alpha
        (3, 'medoid', True)
        """
        if self.family == "lloyd":
            from ..estimators import AlphaBetaKMeans

            return AlphaBetaKMeans.from_tune_result(self, **params)
        from ..linkage import AlphaLinkage

        ks = sorted(set(self.n_clusters.get("train", [])) | set(self.n_clusters.get("test", [])))
        defaults = {"n_clusters": ks[0] if len(ks) == 1 else None, "alpha": self.alpha,
                    "family": get_family(self.family).name.split("-", 1)[1]}
        defaults.update(params)
        if defaults["n_clusters"] is None:
            raise ValueError(f"the tuned instances had k in {ks}; pass n_clusters=.")
        return AlphaLinkage(**defaults)

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
            "selection": self.selection,
            "selected_rule": self.selected_rule,
            "selection_reason": self.selection_reason,
            "cv_loss": encode_float(self.cv_loss),
            "cv_se": encode_float(self.cv_se),
            "plateau": [encode_float(a) for a in self.plateau],
            "candidates": [_floats_to_json(c) for c in self.candidates],
            "comparisons": {k: _floats_to_json(v) for k, v in self.comparisons.items()},
            "uniform_bound": _floats_to_json(self.uniform_bound),
        }

    @classmethod
    def from_dict(cls, d):
        """The result of :meth:`to_dict`'s output (equal field by field)."""
        if "curves_file" in d:
            raise ValueError(f"this summary keeps its curves in {d['curves_file']['name']}: "
                             "read it with TuneResult.from_json(path), the JSON file's path.")
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
            selection=d["selection"],
            selected_rule=d["selected_rule"],
            selection_reason=d["selection_reason"],
            cv_loss=decode_float(d["cv_loss"]),
            cv_se=decode_float(d["cv_se"]),
            plateau=tuple(decode_float(a) for a in d["plateau"]),
            candidates=[_floats_from_json(c) for c in d["candidates"]],
            comparisons={k: _floats_from_json(v) for k, v in d["comparisons"].items()},
            uniform_bound={k: (int(v) if k in ("n_pieces", "n_betas") else decode_float(v))
                           for k, v in d["uniform_bound"].items()},
        )

    def to_json(self, path=None, *, indent=1):
        """The result as strict JSON text; with ``path``, also written there (atomically).

        Without ``path`` the text holds everything, curves included. With ``path`` (e.g.
        ``tune_result.json``) the mean curves — tens of thousands of exact breakpoints — go
        to ``tune_result.curves.npz`` beside it (exact float64, compressed, see
        :func:`dalgo.jsonio.write_arrays`) and the JSON keeps every other field plus the
        curves file's name, SHA-256 and piece counts: a summary of a few kB.
        :meth:`from_json` reads the pair back field for field. Returns the JSON text.
        """
        from ..jsonio import write_arrays, write_json

        d = self.to_dict()
        if path is None:
            return dumps(d, indent=indent)
        path = Path(path)
        curves_path = path.with_name(f"{path.stem}.curves.npz")
        arrays = {}
        for name in _CURVE_FIELDS:
            for b, c in getattr(self, name).items():
                key = f"{name}/{beta_key(b)}"
                shared = (name == "test_se_curves" and b in self.test_curves and np.array_equal(
                    c.breakpoints, self.test_curves[b].breakpoints))
                if not shared:  # the s.e. curve usually has the test curve's breakpoints
                    arrays[f"{key}/breakpoints"] = c.breakpoints
                arrays[f"{key}/values"] = c.values
            d[name] = {beta_key(b): {"n_pieces": c.n_pieces}
                       for b, c in getattr(self, name).items()}
        d["curves_file"] = {"name": curves_path.name,
                            "sha256": write_arrays(curves_path, arrays)}
        write_json(path, d, indent=indent)
        return dumps(d, indent=indent)

    @classmethod
    def from_json(cls, path_or_text):
        """Read a result written by :meth:`to_json`: a path (its ``.curves.npz`` beside
        it), or the JSON text."""
        import json

        from ..jsonio import read_arrays

        if isinstance(path_or_text, Path) or (
                isinstance(path_or_text, str) and not path_or_text.lstrip().startswith("{")):
            path = Path(path_or_text)
            d = read_json(path)
            if "curves_file" in d:
                ref = d.pop("curves_file")
                arrays = read_arrays(path.with_name(ref["name"]), ref["sha256"])
                for name in _CURVE_FIELDS:
                    d[name] = {}
                    for b in _curve_betas(arrays, name):
                        bps = arrays.get(f"{name}/{b}/breakpoints")
                        if bps is None:
                            bps = arrays[f"test_curves/{b}/breakpoints"]
                        d[name][b] = {"breakpoints": bps.tolist(),
                                      "values": arrays[f"{name}/{b}/values"].tolist()}
            return cls.from_dict(d)
        return cls.from_dict(json.loads(path_or_text))

    # -- report -----------------------------------------------------------------------
    def _draws_text(self):
        n_draws = int(self.config.get("n_draws", 1))
        return f" × {n_draws} seeding draws" if n_draws > 1 else ""

    def table(self):
        """A plain-text report: the selection and why, held-out losses with paired
        comparisons, the cross-validated estimate, and one sentence of verdict."""
        fam = get_family(self.family)
        at_beta = f", beta={self.beta:g}" if fam.uses_beta else ""
        tuned = f"tuned: alpha={self.alpha:.4g}{at_beta} [{self.selected_rule}]"
        rows = [("configuration", "test loss", "s.e.", "baseline - tuned", "p")]
        rows.append((tuned, f"{self.test_loss:.4f}", f"{self.test_se:.4f}", "", ""))
        for key, name in fam.baseline_names.items():
            if key in self.baselines:
                b = self.baselines[key]
                c = self.comparisons.get(key)
                diff = "" if c is None else f"{c['mean_diff']:+.4f} ± {c['se']:.4f}"
                p = "" if c is None else f"{c['p_value']:.3g}"
                rows.append((f"{name}{at_beta}", f"{b['test_loss']:.4f}",
                             f"{b['test_se']:.4f}", diff, p))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines = [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  "
                 f"{r[3]:>{widths[3]}}  {r[4]:>{widths[4]}}".rstrip() for r in rows]
        lines.insert(1, "-" * max(len(line) for line in lines))
        lines.append("")
        lines.append(f"selection: {self.selection_reason}")
        lo, hi = self.plateau
        if not np.isnan(self.cv_loss):
            lines.append(f"cross-validated estimate of the tuned configuration: "
                         f"{self.cv_loss:.4f} ± {self.cv_se:.4f} ({self.n_train} training "
                         f"instances{self._draws_text()})")
        if not np.isnan(lo):
            lines.append(f"near-optimal alpha (smoothed risk within 1 s.e.): [{lo:.3g}, {hi:.3g}]")
        fitted = not self.selected_rule.startswith("alpha=")
        lines.append(f"training loss at the selected alpha: {self.train_loss:.4f} " + (
            "(optimistic: the same instances chose it)" if fitted else
            "(a fixed member of the family, not fitted to these instances)"))
        if self.uniform_bound:
            b = self.uniform_bound
            every = "alpha, beta and window average" if fam.uses_beta else (
                "alpha and window average")
            lines.append(f"uniform bound (probability {1 - b['delta']:g}): training and "
                         f"expected loss differ by at most {b['epsilon']:.3f} for every {every}"
                         + (" (vacuous: > 1)" if b["epsilon"] > 1 else "")
                         + f"; piece counting (Massart) gives {b['massart_epsilon']:.3f}")
            if "upper_epsilon" in b:
                lines.append(f"certified (probability {1 - b['delta']:g}): expected loss at the "
                             f"selected alpha <= {self.train_loss:.4f} + "
                             f"{b['upper_epsilon']:.3f} = "
                             f"{self.train_loss + b['upper_epsilon']:.3f}")
        lines.append(f"leaves per instance: mean {np.mean(self.n_leaves['train']):.0f}; "
                     f"total time {self.timings.get('total_seconds', float('nan')):.1f} s")
        verdict = self.verdict()
        if verdict:
            lines.append("")
            lines.append(verdict)
        return "\n".join(lines)

    def verdict(self, baseline=None, level=0.05):
        """One sentence: is the tuned configuration significantly better than ``baseline``
        (default: the family's default member, k-means++ for Lloyd's) on the held-out
        instances (paired t-test at ``level``)?"""
        fam = get_family(self.family)
        label = fam.default_label if baseline is None else baseline_label(baseline, fam.name)
        c = self.comparisons.get(label)
        if c is None or self.n_test == 0:
            return ""
        full = fam.baseline_names[label]
        name = (full.split(" ", 1)[1].strip("()") if fam.name == "lloyd"
                else full.split(" (")[0])
        stats = (f"difference {c['mean_diff']:+.4f} ± {c['se']:.4f}, p = {c['p_value']:.3g}, "
                 f"{self.n_test} held-out instances")
        if c["mean_diff"] == 0 and c["se"] == 0:
            return f"The tuned configuration is {name} itself on the held-out instances."
        if c["p_value"] < level and c["mean_diff"] > 0:
            return f"The tuned configuration is significantly better than {name} ({stats})."
        if c["p_value"] < level and c["mean_diff"] < 0:
            return f"The tuned configuration is significantly worse than {name} ({stats})."
        return f"The tuned configuration is not significantly different from {name} ({stats})."

    def __str__(self):
        return self.table()

    def plot(self, ax=None, *, betas=None, inf_at=None):
        """Mean training and test loss against α, with the test standard-error
        band, the ERM interval shaded and the baselines marked."""
        from ..plotting import plot_tune_result

        return plot_tune_result(self, ax=ax, betas=betas, inf_at=inf_at)
