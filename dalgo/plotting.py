"""Figures: loss against α for tuning results and curves."""

import numpy as np

__all__ = ["FINITE_ALPHA_SHOWN", "finite_right_edge", "plot_curves", "plot_tune_result",
           "step_xy"]

_BASELINE_STYLE = {"0": ("uniform (α=0)", "v"), "1": ("d¹ (α=1)", "^"),
                   "2": ("k-means++ (α=2)", "o"), "inf": ("farthest-first (α=∞)", "s")}


def finite_right_edge(curves, default=20.0):
    """Where to draw α = ∞: a little right of the largest finite breakpoint."""
    hi = 0.0
    for c in curves:
        b = c.breakpoints
        finite = b[np.isfinite(b)]
        hi = max(hi, float(finite.max()) if finite.size else 0.0)
    return hi * 1.08 if hi > 0 else default


def step_xy(curve, inf_at, *, upto=None):
    """x, y arrays of a step plot of a :class:`~dalgo.PiecewiseConstant`.

    dalgo's one rule for drawing α = ∞ at a finite abscissa: an infinite breakpoint is
    drawn at ``inf_at``. With ``upto``, only the part of the curve left of ``upto`` is
    drawn (the last piece is cut there).

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> x, y = step_xy(PiecewiseConstant([0, 1, np.inf], [0.5, 0.2]), inf_at=3.0)
    >>> x.tolist(), y.tolist()
    ([0.0, 1.0, 1.0, 3.0], [0.5, 0.5, 0.2, 0.2])
    """
    b = np.array(curve.breakpoints, dtype=float)
    v = np.array(curve.values, dtype=float)
    if upto is not None:
        keep = b[:-1] < upto
        b = np.concatenate([b[:-1][keep], [min(upto, b[-1])]])
        v = v[keep]
    b[np.isinf(b)] = inf_at
    return np.repeat(b, 2)[1:-1], np.repeat(v, 2)


#: How far the α axis of :func:`plot_tune_result` goes before ∞ (unless more is needed).
FINITE_ALPHA_SHOWN = 20.0


def _smoothing_width(result):
    from .tuning.model_selection import DEFAULT_BANDWIDTHS

    rule = getattr(result, "selected_rule", "")
    if rule.startswith("smooth(h="):
        return float(rule[len("smooth(h="):-1])
    return DEFAULT_BANDWIDTHS[len(DEFAULT_BANDWIDTHS) // 2]


class _LogAlphaAxis:
    """x = log(1 + α) on [lo, cap], with α = ∞ drawn a little right of ``cap``."""

    def __init__(self, curves, *, show_upto=()):
        finite = [c.breakpoints[np.isfinite(c.breakpoints)] for c in curves]
        self.lo = float(min(f.min() for f in finite))
        top = max(float(f.max()) for f in finite)
        self.unbounded = any(np.isinf(c.breakpoints[-1]) for c in curves)
        if self.unbounded:
            # past α = 20 (the protocol's finite range, docs/conventions.md) the curves
            # only drift towards their value at ∞, drawn at the right edge; the axis goes
            # further only to show what was chosen
            wanted = [a for a in show_upto if np.isfinite(a)]
            top = min(top, max([FINITE_ALPHA_SHOWN] + [1.25 * a for a in wanted]))
        self.cap = float(np.log1p(top))
        self.x_inf = self.cap + 0.08 * (self.cap - np.log1p(self.lo))

    def x(self, alpha):
        a = np.asarray(alpha, dtype=float)
        return np.where(np.isinf(a), self.x_inf, np.log1p(np.minimum(a, np.expm1(self.cap))))

    def decorate(self, ax):
        ticks = [a for a in (0, 0.5, 1, 2, 3, 5, 10, 20, 50, 100, 1000)
                 if np.log1p(self.lo) <= np.log1p(a) <= self.cap]
        pos = [float(np.log1p(a)) for a in ticks]
        labels = [f"{a:g}" for a in ticks]
        if self.unbounded:
            pos.append(self.x_inf)
            labels.append("∞")
            ax.axvline(self.cap + 0.04 * (self.cap - np.log1p(self.lo)), color="0.8", lw=0.8,
                       ls=":")
        ax.set_xticks(pos)
        ax.set_xticklabels(labels)
        left = float(np.log1p(self.lo))
        right = (self.x_inf if self.unbounded else self.cap) + 0.02
        # a margin on the left too: the baseline at the range's start (α = 0) sits on the
        # edge, and without it half of its marker and error bar is cut off
        ax.set_xlim(left - 0.015 * (right - left), right)
        ax.set_xlabel("α (seeding exponent, log(1 + α) axis; ∞ = farthest-first)")


def _smoothed_xy(curve, axis, half_width, n_points=400):
    """The window average (half-width in log(1 + α)) of ``curve`` on a grid of the axis."""
    from .tuning.model_selection import log1p_curve

    uc = log1p_curve(curve)
    u = np.linspace(np.log1p(axis.lo), axis.cap, n_points)
    return u, uc.window_mean(u, half_width, upper=axis.cap)


def _beta_part(family, beta):
    return f", β={beta:g}" if family == "lloyd" else ""


def plot_tune_result(result, ax=None, *, betas=None, inf_at=None):
    """The figure of a :class:`dalgo.TuneResult`: loss against α, readable.

    For each β: the window-smoothed mean training and test curves (the smoothing the
    selection uses, half-width ``h`` in log(1 + α)), the test curve with a ±1 s.e. band
    (the window average of the pointwise s.e., an upper bound on the s.e. of the smoothed
    curve), and the exact mean curves faint behind them. The near-optimal plateau is
    shaded, the selected α marked, and the baselines α ∈ {0, 1, 2, ∞} drawn with their
    test error bars. The α axis is log(1 + α), with ∞ at the right edge. ``inf_at`` is
    accepted for compatibility and ignored. Returns the axes.

    With several β, only the selected β gets the full treatment; every other β is one thin
    smoothed test line (its training line if there are no test instances), so three β's
    make four lines, not twelve.
    """
    import matplotlib.pyplot as plt

    del inf_at  # the log(1 + α) axis places ∞ itself
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 4.8))
    betas = list(result.train_curves) if betas is None else [float(b) for b in betas]
    curves = [result.train_curves[b] for b in betas]
    plateau_lo, plateau_hi = getattr(result, "plateau", (np.nan, np.nan))
    axis = _LogAlphaAxis(curves, show_upto=(result.alpha, plateau_hi))
    h = _smoothing_width(result)
    family = result.config.get("family", "lloyd")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, b in enumerate(betas):
        color = colors[(2 * i) % len(colors)]
        train_color = colors[(2 * i + 1) % len(colors)]
        train = result.train_curves[b]
        if b != result.beta and len(betas) > 1:  # the others: one thin smoothed line each
            other = result.test_curves.get(b, train)
            u, yo = _smoothed_xy(other, axis, h)
            role = "test" if b in result.test_curves else "train"
            ax.plot(u, yo, color=color, lw=1.0, alpha=0.8,
                    label=f"{role}, smoothed, β={b:g}")
            continue
        x, y = step_xy(train, axis.x_inf)
        keep = x <= np.expm1(axis.cap)
        ax.plot(axis.x(x[keep]), y[keep], color=train_color, lw=0.3, alpha=0.12)
        u, ys = _smoothed_xy(train, axis, h)
        ax.plot(u, ys, color=train_color, lw=1.4, ls="--",
                label=f"train, smoothed (h={h:g}){_beta_part(family, b)}, "
                      f"{result.n_train} inst.")
        if b in result.test_curves:
            test, se = result.test_curves[b], result.test_se_curves[b]
            x, y = step_xy(test, axis.x_inf)
            keep = x <= np.expm1(axis.cap)
            ax.plot(axis.x(x[keep]), y[keep], color=color, lw=0.3, alpha=0.12)
            u, yt = _smoothed_xy(test, axis, h)
            _, st = _smoothed_xy(se, axis, h)
            ax.plot(u, yt, color=color, lw=1.8,
                    label=f"test, smoothed ± s.e.{_beta_part(family, b)}, "
                          f"{result.n_test} inst.")
            ax.fill_between(u, yt - st, yt + st, color=color, alpha=0.18, lw=0)
            if axis.unbounded:
                v, e = test.values[-1], se.values[-1]
                ax.errorbar([axis.x_inf], [v], yerr=[e], fmt="none", color=color, capsize=3)
    if np.isfinite(plateau_lo):
        ax.axvspan(float(axis.x(plateau_lo)), float(axis.x(plateau_hi)), color="0.6",
                   alpha=0.18, lw=0,
                   label=f"near-optimal plateau α ∈ [{plateau_lo:.3g}, {plateau_hi:.3g}]")
    at_beta = f", β={result.beta:g}" if family == "lloyd" else ""
    ax.axvline(float(axis.x(result.alpha)), color="k", lw=1.2,
               label=f"selected: α={result.alpha:.3g}{at_beta} "
                     f"[{getattr(result, 'selected_rule', 'exact')}]")
    if family == "lloyd":
        for key, (name, marker) in _BASELINE_STYLE.items():
            if key in result.baselines:
                v = result.baselines[key]
                xb = axis.x_inf if key == "inf" else float(axis.x(float(key)))
                ax.errorbar([xb], [v["test_loss"]], yerr=[v["test_se"]], fmt=marker,
                            color="k", ms=5, capsize=3, label=f"{name}, test ± s.e.")
    else:  # members on the α axis as points, the others as horizontal lines
        from .tuning.families import get_family

        fam = get_family(family)
        markers = iter("v^os")
        for key, name in fam.baseline_names.items():
            if key not in result.baselines:
                continue
            v = result.baselines[key]
            if key in fam.members:
                ax.errorbar([float(axis.x(fam.members[key]))], [v["test_loss"]],
                            yerr=[v["test_se"]], fmt=next(markers), color="k", ms=5,
                            capsize=3, label=f"{name}, test ± s.e.")
            else:
                ax.axhline(v["test_loss"], color="k", lw=0.9, ls=":",
                           label=f"{name}, test {v['test_loss']:.3f} ± {v['test_se']:.3f}")
    axis.decorate(ax)
    if family != "lloyd":
        ax.set_xlabel("α (log(1 + α) axis)")
    loss = result.config.get("loss", "loss")
    ax.set_ylabel(f"mean {loss} loss" + (" (fraction misclustered)" if loss == "hamming" else ""))
    cv = getattr(result, "cv_loss", np.nan)
    estimate = "" if np.isnan(cv) else f"; cv estimate {cv:.3f} ± {result.cv_se:.3f}"
    if family == "lloyd":
        title = "d^α seeding + β-Lloyd's"
    else:
        from .tuning.families import get_family

        title = get_family(family).title
    ax.set_title(f"{title}: loss against α{estimate}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(alpha=0.3)
    return ax


def plot_curves(curves, ax=None, *, labels=None, inf_at=None, **kwargs):
    """Step plots of several :class:`dalgo.PiecewiseConstant` curves."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.gca()
    if inf_at is None:
        inf_at = finite_right_edge(curves)
    for i, c in enumerate(curves):
        c.plot(ax=ax, inf_at=inf_at, label=None if labels is None else labels[i], **kwargs)
    ax.set_xlabel("α")
    return ax
