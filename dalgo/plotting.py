"""Figures: loss against α for tuning results and curves."""

import numpy as np

__all__ = ["compress_tail", "finite_right_edge", "plot_curves", "plot_tune_result", "step_xy"]

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


def compress_tail(ax, knee=20.0, width=None):
    """Show α ≤ ``knee`` linearly and squeeze ``(knee, ∞]`` into ``width`` more units.

    ``x' = α`` below the knee and ``knee + width (1 - knee / α)`` above, so that
    α = ∞ sits at ``knee + width``. Ticks past the knee are labelled in α.
    Returns the data coordinate at which ∞ is drawn (1e300).
    """
    width = 0.25 * knee if width is None else width

    def forward(a):
        a = np.asarray(a, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = knee + width * (1.0 - knee / np.where(a > knee, a, knee))
        return np.where(a <= knee, a, tail)

    def inverse(x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.clip((x - knee) / width, 0.0, 1.0)
            tail = knee / (1.0 - frac)
        return np.where(x <= knee, x, tail)

    ax.set_xscale("function", functions=(forward, inverse))
    ticks = [t for t in np.linspace(0, knee, 5)] + [2 * knee, 5 * knee]
    far = 1e300  # plotted where ∞ is: forward(1e300) = knee + width to display precision
    ax.set_xticks(ticks + [far])
    ax.set_xticklabels([f"{t:g}" for t in ticks] + ["∞"])
    ax.set_xlim(0, far)
    return far


def plot_tune_result(result, ax=None, *, betas=None, inf_at=None):
    """Mean train/test loss curves of a :class:`dalgo.TuneResult` against α.

    The test curve carries a ±1 standard-error band; the ERM interval is shaded;
    the baselines α ∈ {0, 1, 2, ∞} are marked with error bars at their α (∞ at
    the right edge). Returns the axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5))
    betas = list(result.train_curves) if betas is None else [float(b) for b in betas]
    all_curves = [result.train_curves[b] for b in betas] + [
        result.test_curves[b] for b in betas if b in result.test_curves]
    unbounded = np.isinf(result.train_curves[betas[0]].breakpoints[-1])
    if inf_at is None:
        # α = ∞ is drawn at the far end of a compressed tail (see compress_tail)
        inf_at = 1e300 if unbounded else finite_right_edge(all_curves)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, b in enumerate(betas):
        color = colors[(2 * i) % len(colors)]
        train_color = colors[(2 * i + 1) % len(colors)]
        x, y = step_xy(result.train_curves[b], inf_at)
        ax.plot(x, y, color=train_color, lw=0.6, alpha=0.8,
                label=f"train mean, β={b:g} ({result.n_train} inst.)")
        if b in result.test_curves:
            xt, yt = step_xy(result.test_curves[b], inf_at)
            _, st = step_xy(result.test_se_curves[b], inf_at)
            ax.plot(xt, yt, color=color, lw=0.8, label=f"test mean ± s.e., β={b:g} "
                    f"({result.n_test} inst.)")
            ax.fill_between(xt, yt - st, yt + st, color=color, alpha=0.2, lw=0)
    lo, hi = result.alpha_interval
    ax.axvspan(lo, inf_at if np.isinf(hi) else hi, color="0.5", alpha=0.25,
               label=f"ERM α ∈ [{lo:.3g}, {hi:.3g})")
    for key, (name, marker) in _BASELINE_STYLE.items():
        if key in result.baselines:
            v = result.baselines[key]
            xb = inf_at if key == "inf" else float(key)
            ax.errorbar([xb], [v["test_loss"]], yerr=[v["test_se"]], fmt=marker, color="k",
                        ms=5, capsize=3, label=f"{name}, test")
    if unbounded:
        knee = float(result.config.get("plot_knee", 20.0))
        compress_tail(ax, knee=knee)
        ax.set_xlabel(f"α (seeding exponent; linear up to {knee:g}, compressed beyond, ∞ = "
                      "farthest-first)")
    else:
        ax.set_xlabel("α (seeding exponent)")
    loss = result.config.get("loss", "loss")
    ax.set_ylabel(f"mean {loss} loss" + (" (fraction misclustered)" if loss == "hamming" else ""))
    ax.set_title(f"Loss of d^α seeding + β-Lloyd's, exact in α (β* = {result.beta:g})")
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
