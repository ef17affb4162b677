"""Exact loss versus α per data set, the ERM (α, β), and the baselines (issue 4, item 1).

For each data set (MNIST, CIFAR-10, CNAE-9, Gaussian grid, digits) the instances of its fixed
stream (``common.SEEDS``) are split alternately: even draws train, odd draws test.  Each
instance's Hamming loss is computed exactly as a piecewise-constant function of α over
[0, ∞] (one execution tree per instance, then one local search per leaf and per member of the
local-search grid), together with the direct runs α ∈ {0, 1, 2 (k-means++), ∞
(farthest-first)} with the same z.

The local-search grid: Lloyd's with Euclidean centres and β = 2 (k-means), and medoid
centres with β ∈ {1, 2, 3} (``--medoid-betas``; the variant the learning theory analyses).
Euclidean centres with β ≠ 2 (``--euclidean-betas``) run by default with β ∈ {1, 1.5, 2, 3} on
the Gaussian grid and β ∈ {1, 2, 3} elsewhere: their centres need an iterative solver per
distinct cluster, solved on the members' Gram matrix (a few seconds per MNIST instance and
β; about 7,700 s of wall time for MNIST's 200 + 200 at load 3–4, 5,250 s for CIFAR-10's with
two jobs at load 5–6).

* ERM: per (centre, β), the exact minimiser of the mean training curve over α ∈ [0, ∞] (the
  lowest minimising interval; the test loss is measured at its midpoint, or at ∞ if the
  interval is unbounded); the family's ERM is the (α, centre, β) of least training loss.
* Baselines: α ∈ {0, 1, 2, ∞} followed by Lloyd's (Euclidean, β = 2) — uniform seeding,
  d¹ seeding, k-means++ and farthest-first — on the same test instances and z.
* Outputs per data set: ``docs/results/loss_vs_alpha_<name>.png`` (β = 2: mean train curve,
  mean test curve ± 1 s.e., ERM interval, baselines ± s.e.),
  ``docs/results/loss_vs_alpha_family_<name>.png`` (test curve of every (centre, β)),
  ``docs/results/clustering_<name>.json`` in the issue's exact shape (the family's ERM, and
  under ``selection`` dalgo's default cross-validated selection with Euclidean centres;
  ``erm.center`` names the centre type; an unbounded ERM interval has ``alpha_hi = "inf"``,
  dalgo's one spelling of ∞ in JSON, :mod:`dalgo.jsonio`), and
  ``docs/results/loss_vs_alpha_<name>.json`` with the details (every configuration, curves,
  paired differences, leaf counts, timings).  A markdown table per data set is printed.

Usage::

    python experiments/clustering_loss_vs_alpha.py                      # protocol: 200 + 200
    python experiments/clustering_loss_vs_alpha.py --datasets mnist --n-train 100 --n-test 100
    python experiments/clustering_loss_vs_alpha.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import write_json
from dalgo.losses import hamming_loss_range
from dalgo.plotting import step_xy
from dalgo.stats import mean_se, paired_mean_se
from dalgo.tuning import BASELINE_ALPHAS, representative_alpha, summarize

NAMES = {"mnist": "MNIST", "cifar10": "CIFAR-10", "cnae9": "CNAE-9",
         "gaussian_grid": "Gaussian grid 3×3", "digits": "digits (sklearn)"}
GRID = np.concatenate([np.round(np.arange(0.0, 20.0 + 1e-9, 0.05), 10), [np.inf]])
COARSE = np.concatenate([np.arange(0.0, 20.0 + 1e-9, 0.25), [np.inf]])
#: Euclidean β ≠ 2 needs an iterative centre solver per distinct cluster; on the
#: members' Gram matrix it costs seconds per instance and β even at d = 3072.
EUCLIDEAN_BETAS = {"gaussian_grid": (1.0, 1.5, 2.0, 3.0), "digits": (1.0, 2.0, 3.0),
                   "mnist": (1.0, 2.0, 3.0), "cnae9": (1.0, 2.0, 3.0), "cifar10": (1.0, 2.0, 3.0)}
BASE_LABELS = {"0": "α=0 (uniform)", "1": "α=1 (d¹)", "2": "α=2 (k-means++)",
               "inf": "α=∞ (farthest-first)"}


def split(name, n_train, n_test, data_dir, smoke):
    n = 2 * max(n_train, n_test)
    insts = C.pool(name, n, data_dir, smoke=smoke)
    return insts[0::2][:n_train], insts[1::2][:n_test]


def plot(name, res, paired, out_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    beta = res.beta
    tr = res.train_curves[beta]
    te = res.test_curves[beta]
    se = res.test_se_curves[beta]
    amax = C.ALPHA_MAX
    inf_x = amax * 1.1
    fig, ax = plt.subplots(figsize=(8, 4.8))
    x, y = step_xy(tr, inf_x, upto=amax)
    ax.plot(x, y, "-", color="C0", lw=0.4, alpha=0.35,
            label=f"train mean, exact ({res.n_train} instances)")
    x, y = step_xy(te, inf_x, upto=amax)
    ax.plot(x, y, color="C1", lw=0.4, alpha=0.35,
            label=f"test mean, exact ({res.n_test} instances)")
    g = np.linspace(0.0, amax, 401)
    h = 0.25
    ax.plot(g, tr.window_mean(g, h, upper=amax), "--", color="C0", lw=1.8,
            label="train mean, averaged over α ± 0.25")
    ym, sm = te.window_mean(g, h, upper=amax), se.window_mean(g, h, upper=amax)
    ax.plot(g, ym, color="C1", lw=2.0, label="test mean ± 1 s.e., averaged over α ± 0.25")
    ax.fill_between(g, ym - sm, ym + sm, color="C1", alpha=0.25, lw=0)
    # value at α = ∞ (the last piece) drawn at the right edge
    ax.errorbar([inf_x], [te.values[-1]], yerr=[se.values[-1]], fmt="_", color="C1", ms=14)
    ax.plot([inf_x], [tr.values[-1]], "_", color="C0", ms=14)
    lo, hi = res.alpha_interval
    erm_lab = f"ERM α ∈ [{lo:.4g}, {hi:.4g}): test {res.test_loss:.3f} ± {res.test_se:.3f}"
    if np.isfinite(hi) and hi - lo < 0.15:  # too narrow to see as a band
        ax.axvline(min(res.alpha, amax), color="0.3", lw=1.5, ls="-.", label=erm_lab)
    else:
        ax.axvspan(min(lo, amax), min(hi, amax) if np.isfinite(hi) else inf_x + 0.3,
                   color="0.4", alpha=0.25, label=erm_lab)
    markers = {"0": "v", "1": "^", "2": "o", "inf": "s"}
    for key, lab in BASE_LABELS.items():
        b = res.baselines[key]
        xb = inf_x if key == "inf" else float(key)
        ax.errorbar([xb], [b["test_loss"]], yerr=[b["test_se"]], fmt=markers[key], color="k",
                    ms=6, capsize=3, mfc="white" if key != "2" else "k",
                    label=f"{lab}: {b['test_loss']:.3f} ± {b['test_se']:.3f}")
    alpha_axis(ax, inf_x)
    ax.set_xlabel("α  (seeding exponent of d^α sampling; pieces in (20, ∞) not drawn)")
    ax.set_ylabel("Hamming loss (fraction of points misclustered)")
    ax.set_title(f"{NAMES[name]}: exact loss vs α, β = {beta:g} (Lloyd's, Euclidean), "
                 f"k = {paired['k']}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="best")
    fig.tight_layout()
    fig.savefig(out_path, dpi=130)
    plt.close(fig)


def family_results(name, train, test, args, log):
    """Per centre: its configuration and the exact per-instance train and test results for
    every β of the family."""
    out = {}
    for center, betas in (("euclidean", euclidean_betas(name, args)),
                          ("medoid", sorted(float(b) for b in args.medoid_betas))):
        if not betas:
            continue
        log(f"{center} centres, β ∈ {betas}")
        config = C.tune_config(betas=betas, center=center)
        results = C.evaluate_pool(train + test, config, cache_dir=args.cache,
                                  n_jobs=args.n_jobs, log=log)
        out[center] = (config, results[: len(train)], results[len(train):])
    return out


def euclidean_betas(name, args):
    if args.euclidean_betas is not None:
        betas = args.euclidean_betas
    else:
        betas = EUCLIDEAN_BETAS.get(name, (2.0,))
    betas = sorted(float(b) for b in betas)
    if 2.0 not in betas:
        raise SystemExit("the Euclidean β grid must contain 2 (k-means++ is the reference)")
    return betas


def configurations(family, kpp_losses):
    """Per (centre, β): the exact ERM α of the training curve and its held-out result."""
    rows = []
    for center, (config, tr_res, te_res) in family.items():
        res = summarize(tr_res, te_res, config, selection="exact")
        for b in config.betas:
            arg = res.train_curves[b].argmin()
            lo, hi = arg.intervals[0]
            alpha = representative_alpha(lo, hi)
            losses = np.array([r.curve(b)(alpha) for r in te_res])
            test_loss, test_se = mean_se(losses)
            rows.append({"center": center, "beta": b, "alpha_lo": lo, "alpha_hi": hi,
                         "alpha": alpha, "train_loss": float(arg.value),
                         "test_losses": losses, "test_loss": test_loss,
                         "test_se": test_se, "gain_vs_kmeanspp": paired_mean_se(kpp_losses, losses),
                         "test_curve": res.test_curves[b], "test_se_curve": res.test_se_curves[b],
                         "train_curve": res.train_curves[b],
                         "baselines": res.baselines_by_beta[b]})
    return rows


def alpha_axis(ax, inf_x):
    """Ticks 0 … 20 and ∞ (drawn at ``inf_x``) on the α axis."""
    ticks = [0, 2, 5, 10, 15, 20]
    ax.set_xticks(ticks + [inf_x])
    ax.set_xticklabels([str(t) for t in ticks] + ["∞"])
    ax.set_xlim(-0.3, inf_x + 0.6)


def run_one(name, args, log):
    t0 = time.time()
    train, test = split(name, args.n_train, args.n_test, args.data_dir, args.smoke)
    log(f"{len(train)} train + {len(test)} test instances, n = {train[0].n_samples}, "
        f"d = {train[0].n_features}, k = {train[0].n_clusters}")
    family = family_results(name, train, test, args, log)
    config, tr_res, te_res = family["euclidean"]
    # the classical algorithms: Lloyd's (Euclidean β = 2) after d^α seeding, α = 0, 1, 2, ∞
    res = summarize(tr_res, te_res, config.with_betas((2.0,)), selection="exact")
    beta = res.beta
    kpp = np.array([r.baseline("2", 2.0) for r in te_res])
    configs = configurations(family, kpp)
    # ERM over the whole family: exact in α, over the grid of (centre, β)
    best = min(configs, key=lambda r: r["train_loss"])
    # paired comparison on the same test instances and z
    test_curves = [r.curve(beta) for r in te_res]
    erm_losses = np.array([c(res.alpha) for c in test_curves])
    paired = {"k": int(train[0].n_clusters)}
    for key in BASELINE_ALPHAS:
        base = np.array([r.baseline(key, beta) for r in te_res])
        d = erm_losses - base
        mean_diff, se_diff = paired_mean_se(erm_losses, base)  # s.e. NaN (null) for one
        paired[key] = {"mean_diff": mean_diff, "se_diff": se_diff,
                       "frac_erm_better": float(np.mean(d < 0)),
                       "frac_erm_worse": float(np.mean(d > 0))}
    # for comparison: ERM restricted to a coarse finite grid of α (less prone to selecting a
    # narrow spike of the exact training curve; Hoeffding + union bound applies)
    tr_grid = res.train_curves[beta](COARSE)
    g_alpha = float(COARSE[int(np.argmin(tr_grid))])
    g_losses = np.array([c(g_alpha) for c in test_curves])
    g_loss, g_se = mean_se(g_losses)
    grid_erm = {"alpha": g_alpha, "grid": "0, 0.25, ..., 20 and inf",
                "train_loss": float(tr_grid.min()), "test_loss": g_loss, "test_se": g_se,
                "diff_vs_kmeanspp": paired_mean_se(kpp, g_losses)}
    kpp_mean = res.baselines["2"]["test_loss"]
    rel = (kpp_mean - best["test_loss"]) / kpp_mean if kpp_mean > 0 else float("nan")
    rel_b2 = (kpp_mean - res.test_loss) / kpp_mean if kpp_mean > 0 else float("nan")
    lo, hi = res.alpha_interval
    doc = {
        "dataset": name,
        "n_train": int(res.n_train),
        "n_test": int(res.n_test),
        "k": int(train[0].n_clusters),
        "erm": {"alpha_lo": float(best["alpha_lo"]), "alpha_hi": float(best["alpha_hi"]),
                "beta": float(best["beta"]), "train_loss": float(best["train_loss"]),
                "test_loss": float(best["test_loss"]), "test_se": float(best["test_se"]),
                "center": best["center"]},
        "baselines": {key: {"test_loss": float(v["test_loss"]), "test_se": float(v["test_se"])}
                      for key, v in res.baselines.items()},
    }
    # dalgo's default selection, as `dalgo tune --betas <this grid>` runs it (Euclidean
    # centres, cross-validated over the training instances), beside the exact ERM
    # the protocol draws k classes per instance and cuts it into k clusters, so the Hamming
    # loss is certified to lie in [0, 1 - 1/k] (the range of the reported uniform bound)
    k = int(train[0].n_clusters)
    chosen = summarize(tr_res, te_res, config, loss_range=hamming_loss_range(k, k))
    chosen_losses = np.array([r.curve(chosen.beta)(chosen.alpha) for r in te_res])
    doc["selection"] = {
        "rule": chosen.selected_rule, "reason": chosen.selection_reason,
        "alpha": chosen.alpha, "beta": chosen.beta, "center": "euclidean",
        "cv_loss": chosen.cv_loss, "cv_se": chosen.cv_se,
        "test_loss": chosen.test_loss, "test_se": chosen.test_se,
        "gain_vs_kmeanspp": paired_mean_se(kpp, chosen_losses),
        "uniform_bound": chosen.uniform_bound}
    out = Path(args.out_dir)
    write_json(out / f"clustering_{name}.json", doc)  # ∞ written "inf" (dalgo.jsonio)
    # best α on the *test* curve (for "how different is the best α between data sets")
    te_curve = res.test_curves[beta]
    te_arg = te_curve.argmin()
    details = {
        "dataset": name,
        "n_samples": int(train[0].n_samples), "n_features": int(train[0].n_features),
        "k": int(train[0].n_clusters), "beta": float(beta), "center": "euclidean",
        "alpha_range": list(config.alpha_range),
        "baselines_local_search": "Lloyd's (Euclidean centres, beta = 2), as in clustering_*.json",
        "erm_interval": [lo, hi],
        "erm_alpha_used": res.alpha,
        "all_erm_intervals": res.argmin_intervals,
        "train_loss": res.train_loss, "test_loss": res.test_loss, "test_se": res.test_se,
        "relative_improvement_over_kmeanspp": rel_b2,
        "paired_vs_baselines": paired,
        "grid_erm": grid_erm,
        "family_erm": {"center": best["center"], "beta": best["beta"],
                       "alpha_interval": [best["alpha_lo"], best["alpha_hi"]],
                       "relative_improvement_over_kmeanspp": rel},
        "per_configuration": [config_json(r) for r in configs],
        "test_curve_argmin": {"intervals": te_arg.intervals, "value": te_arg.value},
        # the exact curves have up to (instances × leaves) pieces; stored sampled on a grid
        "curves_on_grid": {
            "alpha": GRID,
            "train_mean": res.train_curves[beta](GRID).tolist(),
            "test_mean": te_curve(GRID).tolist(),
            "test_se": res.test_se_curves[beta](GRID).tolist()},
        "n_pieces_exact": {"train_mean": int(res.train_curves[beta].n_pieces),
                           "test_mean": int(te_curve.n_pieces)},
        "n_leaves": {"train_mean": float(np.mean(res.n_leaves["train"])),
                     "test_mean": float(np.mean(res.n_leaves["test"])),
                     "median": float(np.median(res.n_leaves["train"] + res.n_leaves["test"]))},
        "compute_seconds": {
            center: {"tree": float(sum(r.tree_seconds for r in f[1] + f[2])),
                     "local_search": float(sum(r.search_seconds for r in f[1] + f[2]))}
            for center, f in family.items()},
        "wall_seconds_this_run": time.time() - t0,
    }
    write_json(out / f"loss_vs_alpha_{name}.json", details)
    plot(name, res, paired, out / f"loss_vs_alpha_{name}.png")
    plot_family(name, configs, res, best, out / f"loss_vs_alpha_family_{name}.png")
    print_tables(name, train[0], res, paired, grid_erm, configs, best, rel, details, te_arg,
                 te_res, kpp)
    sel = doc["selection"]
    g = sel["gain_vs_kmeanspp"]
    print(f"\ndefault selection (cv, Euclidean β ∈ {list(config.betas)}): {sel['rule']}, "
          f"α = {sel['alpha']:.4g}, β = {sel['beta']:g}; cv loss {sel['cv_loss']:.4f} ± "
          f"{sel['cv_se']:.4f}; test {sel['test_loss']:.4f} ± {sel['test_se']:.4f}; "
          f"gain over k-means++ {g[0]:+.4f} ± {g[1]:.4f}\n{sel['reason']}")
    return details


def config_json(r):
    return {"center": r["center"], "beta": r["beta"],
            "alpha_interval": [r["alpha_lo"], r["alpha_hi"]],
            "alpha_used": r["alpha"], "train_loss": r["train_loss"],
            "test_loss": r["test_loss"], "test_se": r["test_se"],
            "gain_vs_kmeanspp": {"mean": r["gain_vs_kmeanspp"][0],
                                 "se": r["gain_vs_kmeanspp"][1]},
            "baselines_same_local_search": {k: {"test_loss": v["test_loss"],
                                                "test_se": v["test_se"]}
                                            for k, v in r["baselines"].items()},
            "test_mean_on_grid": r["test_curve"](GRID).tolist()}


def config_label(r):
    return f"β = {r['beta']:g}, {'medoid' if r['center'] == 'medoid' else 'Euclidean'} centres"


def interval_str(lo, hi):
    return f"[{lo:.4g}, {'∞' if np.isinf(hi) else f'{hi:.4g}'})"


def print_tables(name, inst, res, paired, grid_erm, configs, best, rel, details, te_arg, te_res,
                 kpp):
    print(f"\n### {NAMES[name]} (n = {inst.n_samples} points, d = {inst.n_features}, "
          f"k = {inst.n_clusters}; {res.n_train} train / {res.n_test} test instances)\n")
    print("| configuration | train loss | test loss ± s.e. | gain over k-means++ (paired) ± s.e. |")
    print("|---|---|---|---|")
    for r in configs:
        star = " ★" if r is best else ""
        g = r["gain_vs_kmeanspp"]
        print(f"| ERM α ∈ {interval_str(r['alpha_lo'], r['alpha_hi'])}, "
              f"{config_label(r)}{star} | {r['train_loss']:.4f} | "
              f"{r['test_loss']:.4f} ± {r['test_se']:.4f} | {g[0]:+.4f} ± {g[1]:.4f} |")
    gd = grid_erm["diff_vs_kmeanspp"]
    print(f"| grid ERM α = {'∞' if np.isinf(grid_erm['alpha']) else grid_erm['alpha']} "
          f"(grid 0, 0.25, …, 20, ∞), β = 2, Euclidean | {grid_erm['train_loss']:.4f} | "
          f"{grid_erm['test_loss']:.4f} ± {grid_erm['test_se']:.4f} | {gd[0]:+.4f} ± {gd[1]:.4f} |")
    for key, lab in BASE_LABELS.items():
        b = res.baselines[key]
        gain = "0 (reference)"
        if key != "2":
            d = paired_mean_se(kpp, [r.baseline(key, 2.0) for r in te_res])
            gain = f"{d[0]:+.4f} ± {d[1]:.4f}"
        print(f"| {lab}, β = 2, Euclidean | {tr_at(res, key):.4f} | "
              f"{b['test_loss']:.4f} ± {b['test_se']:.4f} | {gain} |")
    print(f"\n★ = ERM over the family (lowest training loss). Its relative improvement over "
          f"k-means++ on the test instances: {100 * rel:+.1f} %. With β = 2 (Euclidean) only: "
          f"{100 * details['relative_improvement_over_kmeanspp']:+.1f} % (ERM better on "
          f"{100 * paired['2']['frac_erm_better']:.0f} % of test instances, worse on "
          f"{100 * paired['2']['frac_erm_worse']:.0f} %). Mean leaves per instance: "
          f"{details['n_leaves']['train_mean']:.0f}. Best α on the β = 2 test curve: "
          f"{te_arg.intervals[0]} (loss {te_arg.value:.4f}).")


def plot_family(name, configs, res, best, out_path):
    """Mean test loss vs α for every (centre, β), averaged over α ± 0.25, ± 1 s.e."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    amax = C.ALPHA_MAX
    inf_x = amax * 1.1
    g = np.linspace(0.0, amax, 401)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for i, r in enumerate(configs):
        col = f"C{i}"
        ls = "-" if r["center"] == "euclidean" else "--"
        y = r["test_curve"].window_mean(g, 0.25, upper=amax)
        s = r["test_se_curve"].window_mean(g, 0.25, upper=amax)
        lab = (f"{config_label(r)}: ERM α {r['alpha']:.3g} → test {r['test_loss']:.3f} ± "
               f"{r['test_se']:.3f}" + (" ★" if r is best else ""))
        ax.plot(g, y, ls, color=col, lw=1.6, label=lab)
        ax.fill_between(g, y - s, y + s, color=col, alpha=0.15, lw=0)
        ax.errorbar([inf_x], [r["test_curve"].values[-1]], yerr=[r["test_se_curve"].values[-1]],
                    fmt="_", color=col, ms=12)
        ax.plot([min(r["alpha"], inf_x)], [r["test_loss"]], "*" if r is best else "o",
                color=col, ms=11 if r is best else 6, mec="k")
    kpp = res.baselines["2"]
    ax.axhline(kpp["test_loss"], color="k", lw=0.8, ls=":",
               label=f"k-means++ (α = 2, β = 2, Euclidean): {kpp['test_loss']:.3f} ± "
                     f"{kpp['test_se']:.3f}")
    alpha_axis(ax, inf_x)
    ax.set_xlabel("α  (seeding exponent of d^α sampling)")
    ax.set_ylabel("mean test Hamming loss (fraction misclustered)")
    ax.set_title(f"{NAMES[name]}: test loss vs α per local search (averaged over α ± 0.25, "
                 f"band ± 1 s.e.; markers: each ERM α)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(out_path, dpi=130)
    plt.close(fig)


def tr_at(res, key):
    a = BASELINE_ALPHAS[key]
    return float(res.train_curves[res.beta](a))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=list(C.DATASETS), choices=C.DATASETS)
    p.add_argument("--n-train", type=int, default=200)
    p.add_argument("--n-test", type=int, default=200)
    p.add_argument("--medoid-betas", type=float, nargs="*", default=[1.0, 2.0, 3.0],
                   help="β grid with medoid centres (empty: none)")
    p.add_argument("--euclidean-betas", type=float, nargs="+", default=None,
                   help="β grid with Euclidean centres, must contain 2 (default: "
                        "1 1.5 2 3 on the Gaussian grid, 1 2 3 elsewhere)")
    args = p.parse_args(argv)
    if args.smoke:
        args.n_train, args.n_test = min(args.n_train, 3), min(args.n_test, 3)
    Path(args.out_dir).mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for name in args.datasets:
        run_one(name, args, C.logger(name))
    print(f"\ntotal wall time {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
