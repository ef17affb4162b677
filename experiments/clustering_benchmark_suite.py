"""Each battery of the clustering benchmark suite as a distribution (issue 4, item 2).

Gagolewski's ``clustering-data-v1`` (read from ``--data-dir``/clustering-data-v1): for every
battery (fcps, graves, other, sipu, uci, wut), every data set of the size selection below
(noise points of the reference partition dropped) becomes an instance with k = the number of
clusters of its first reference partition (``labels0``), drawn ``--draws`` times with
independent seeding randomness z (seeded by battery, name and draw, so adding or removing
data sets does not change the others' z).  Each (data set, z) gets its exact Hamming-loss
curve over α ∈ [0, ∞] (β = 2, Euclidean Lloyd's) and the direct runs α ∈ {0, 1, 2, ∞} with
the same z.

* **Which α wins per battery**: the exact ERM of the battery's mean curve (every data set
  weighted equally: the mean over data sets of the per-data-set mean over draws).
* **Leave-one-data-set-out**: for each data set D of a battery, the ERM α of the other data
  sets' mean curve is evaluated on D (all of D's draws, same z as the baselines), against
  k-means++ (α = 2) on D.  Reported: the battery mean over held-out data sets, the relative
  gain over k-means++, and how many data sets get better / worse / equal.

Size selection (skipped data sets are listed in the output): every data set with at most
``--min-n`` (2500) points, and larger ones up to ``--max-n`` (10,000) points if n·k is at most
``--max-nk`` (30,000).  The trees have ≈ 0.3–0.5·n·k leaves, each a local search over all n
points; in ≤ 16 dimensions these share their work (``dalgo.SharedLocalSearch``),
so the bound is on the tree and its sorts rather than the searches.  The 100,000-point sets
(birch1, birch2, worms_2) and the sipu sets with k ≥ 15 stay out of reach on 2 cores.

Outputs: ``docs/results/suite_batteries.json`` and ``docs/results/suite_batteries.png``.

Usage::

    python experiments/clustering_benchmark_suite.py                  # defaults, 3 draws
    python experiments/clustering_benchmark_suite.py --max-n 1000 --max-nk 0 --draws 2
    python experiments/clustering_benchmark_suite.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import common as C
import numpy as np
from selection import DEFAULT_VARIANT, VARIANTS

from dalgo.datasets import list_clustering_benchmarks, load_clustering_benchmark
from dalgo.instances import Instance
from dalgo.jsonio import write_json
from dalgo.piecewise import PiecewiseConstant
from dalgo.plotting import step_xy
from dalgo.seeding import draw_z
from dalgo.stats import mean_se
from dalgo.tuning import BASELINE_ALPHAS, representative_alpha
from dalgo.tuning.model_selection import cross_validate

BATTERIES = ("fcps", "graves", "other", "sipu", "uci", "wut")
KEYS = tuple(BASELINE_ALPHAS)  # "0", "1", "2", "inf"
GRID = np.concatenate([np.round(np.arange(0.0, 20.0 + 1e-9, 0.05), 10), [np.inf]])


def z_seed(battery, name, draw):
    h = hashlib.sha256(f"{battery}/{name}/{draw}".encode()).digest()
    return int.from_bytes(h[:8], "little")


def build(args, log):
    items, skipped = {}, []
    for battery, name in list_clustering_benchmarks(args.data_dir):
        if battery not in args.batteries:
            continue
        if f"{battery}/{name}" in args.exclude:
            skipped.append((battery, name, "excluded (--exclude)"))
            continue
        try:
            ds = load_clustering_benchmark(battery, name, args.data_dir, labels=0,
                                           drop_noise=True)
        except (FileNotFoundError, ValueError) as exc:
            skipped.append((battery, name, f"not loadable: {exc}"))
            continue
        k = int(ds.n_classes)
        if ds.n_samples > args.max_n:
            skipped.append((battery, name, f"n = {ds.n_samples} > {args.max_n}"))
            continue
        if args.max_nk is not None and ds.n_samples > args.min_n and ds.n_samples * k > args.max_nk:
            skipped.append((battery, name, f"n·k = {ds.n_samples * k} > {args.max_nk}"))
            continue
        X, y = ds.X, ds.y
        if args.smoke:  # tiny: the first 40 points of each class
            keep = np.concatenate([np.flatnonzero(y == c)[:12] for c in np.unique(y)])
            X, y = X[np.sort(keep)], y[np.sort(keep)]
        insts = []
        for r in range(args.draws):
            z = draw_z(k, z_seed(battery, name, r))
            insts.append(Instance(X, y, k, z, f"{battery}/{name}#{r}"))
        items.setdefault(battery, []).append({"name": name, "n": int(X.shape[0]),
                                              "d": int(X.shape[1]), "k": k,
                                              "instances": insts})
    for battery in [b for b, its in items.items() if len(its) < 2]:  # nothing to leave out
        skipped.append((battery, items.pop(battery)[0]["name"],
                        "the only data set of its battery in this selection"))
    return items, skipped


def interval_hi(hi):
    return "∞" if np.isinf(hi) else f"{hi:.3g}"


def _variant_summary(lodo, v):
    """Mean held-out loss, paired gain over k-means++ and keep count of one variant."""
    kpp = np.array([x["kmeanspp_loss"] for x in lodo])
    loss = np.array([x["variants"][v]["heldout_loss"] for x in lodo])
    ratio = np.array([abs(x["variants"][v]["cv_loss"] - x["variants"][v]["heldout_loss"])
                      / x["variants"][v]["cv_se"] if x["variants"][v]["cv_se"] > 0 else np.inf
                      for x in lodo])
    return {"mean_loss": mean_se(loss), "gain_over_kmeanspp": mean_se(kpp - loss),
            "kept_kmeanspp": int(sum(x["variants"][v]["rule"] == "alpha=2" for x in lodo)),
            "guard_kept": int(sum(x["variants"][v]["guarded"] for x in lodo)),
            "n_better": int(np.sum(kpp - loss > 1e-12)),
            "n_worse": int(np.sum(kpp - loss < -1e-12)),
            "cv_gap_in_cv_se_median": float(np.median(ratio)),
            "cv_gap_within_2se": float(np.mean(ratio <= 2.0))}


def selection(args):
    if args.max_nk is None:
        return f"n ≤ {args.max_n}"
    return f"n ≤ {args.min_n}, or n ≤ {args.max_n} with n·k ≤ {args.max_nk}"


def in_se(gain, se):
    """A paired gain in units of its s.e.; with s.e. 0 the losses were equal on every
    held-out set (e.g. k-means++ kept everywhere), which a ratio would print as nan."""
    return f"{gain / se:+.2f}" if se > 0 else "equal on every set"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p)
    p.add_argument("--batteries", nargs="+", default=list(BATTERIES))
    p.add_argument("--max-n", type=int, default=10000)
    p.add_argument("--max-nk", type=int, default=30000,
                   help="also skip data sets with more than --min-n points and n·k above this "
                        "(the tree has ~0.4·n·k leaves)")
    p.add_argument("--min-n", type=int, default=2500,
                   help="data sets with at most this many points are never skipped by --max-nk")
    p.add_argument("--draws", type=int, default=3)
    p.add_argument("--exclude", nargs="+", default=[], metavar="BATTERY/NAME",
                   help="leave these data sets out (e.g. sipu/s4), whatever their size")
    args = p.parse_args(argv)
    if args.smoke:
        args.batteries = [b for b in args.batteries if b in ("other", "wut")][:1] or ["other"]
        args.draws = 2
        args.max_n = min(args.max_n, 200)
    log = C.logger("suite")
    t0 = time.time()
    items, skipped = build(args, log)
    for b, nm, why in skipped:
        log(f"skipped {b}/{nm}: {why}")
    # cheapest first so that partial caches cover whole batteries early
    all_insts = [inst for bat in items.values() for it in bat for inst in it["instances"]]
    order = sorted(range(len(all_insts)),
                   key=lambda i: all_insts[i].n_samples * all_insts[i].n_clusters)
    log(f"{len(all_insts)} instances from {sum(len(v) for v in items.values())} data sets")
    res = C.evaluate_pool([all_insts[i] for i in order], cache_dir=args.cache,
                          n_jobs=args.n_jobs, log=log)
    by_name = {all_insts[i].name: r for i, r in zip(order, res)}
    summary, curves_mem = {}, {}
    for battery, its in items.items():
        per_ds = []
        for it in its:
            rs = [by_name[inst.name] for inst in it["instances"]]
            curve = PiecewiseConstant.mean([r.curve(2.0) for r in rs])
            base = {key: [r.baseline(key, 2.0) for r in rs] for key in KEYS}
            per_ds.append({"curve": curve, "base": base, "rs": rs, **{
                k: it[k] for k in ("name", "n", "d", "k")}})
        battery_curve = PiecewiseConstant.mean([d["curve"] for d in per_ds])
        curves_mem[battery] = battery_curve
        arg = battery_curve.argmin()
        lo, hi = arg.intervals[0]
        a_star = representative_alpha(lo, hi)
        lodo = []
        for j, d in enumerate(per_ds):
            others = [e["curve"] for i, e in enumerate(per_ds) if i != j]
            if not others:
                continue
            oarg = PiecewiseConstant.mean(others).argmin()
            a = representative_alpha(*oarg.intervals[0])
            held = float(np.mean([r.curve(2.0)(a) for r in d["rs"]]))
            kpp = float(np.mean(d["base"]["2"]))
            # dalgo's selections on the other data sets: each data set (its z draws) one
            # group, so it stays in one fold and is one unit of the estimate; every variant
            # of experiments/selection.py from one cross-validation
            train = [r for i, e in enumerate(per_ds) if i != j for r in e["rs"]]
            groups = [e["name"] for i, e in enumerate(per_ds) if i != j for _ in e["rs"]]
            report = (cross_validate(train, C.tune_config(), groups=groups, nested=True)
                      if len(set(groups)) >= 2 else None)  # one data set: the exact ERM
            variants = {}
            for v, spec in VARIANTS.items():
                if report is None:
                    va, rule, guarded, cvl, cvs = a, "exact", False, float("nan"), float("nan")
                else:
                    sel = report.select(*spec)  # n_se, guard_se, simplest
                    cand = report.candidates[sel.index]
                    va = cand.fit_alpha(PiecewiseConstant.mean([r.curve(2.0) for r in train]))
                    rule, guarded, cvl, cvs = cand.rule, sel.guarded, sel.cv_loss, sel.cv_se
                variants[v] = {"alpha": va, "rule": rule, "guarded": guarded, "cv_loss": cvl,
                               "cv_se": cvs, "heldout_loss": float(np.mean([r.curve(2.0)(va)
                                                                         for r in d["rs"]]))}
            cv = variants[DEFAULT_VARIANT]
            lodo.append({"dataset": d["name"], "n": d["n"], "k": d["k"],
                         "alpha": a, "lodo_loss": held, "kmeanspp_loss": kpp,
                         "cv_alpha": cv["alpha"], "cv_rule": cv["rule"],
                         "cv_loss_estimate": cv["cv_loss"], "cv_heldout_loss": cv["heldout_loss"],
                         "variants": variants,
                         "best_alpha_loss_in_hindsight": d["curve"].min(),
                         **{f"alpha_{k}_loss": float(np.mean(d["base"][k])) for k in KEYS}})
        lodo_loss = np.array([x["lodo_loss"] for x in lodo])
        kpp_loss = np.array([x["kmeanspp_loss"] for x in lodo])
        diff = kpp_loss - lodo_loss
        cv_loss = np.array([x["cv_heldout_loss"] for x in lodo])
        cv_diff = kpp_loss - cv_loss
        summary[battery] = {
            "datasets": [{k: d[k] for k in ("name", "n", "d", "k")} for d in per_ds],
            "draws": args.draws,
            "erm_alpha_interval": [lo, hi],
            "erm_alpha_used": a_star,
            "erm_battery_loss": arg.value,
            "battery_loss_at": {k: float(battery_curve(BASELINE_ALPHAS[k])) for k in KEYS},
            "battery_curve_on_grid": {"alpha": GRID,
                                      "mean_loss": battery_curve(GRID).tolist()},
            "battery_curve_pieces": int(battery_curve.n_pieces),
            "lodo": lodo,
            "lodo_mean_loss": mean_se(lodo_loss) if len(lodo) else None,
            "kmeanspp_mean_loss": mean_se(kpp_loss) if len(lodo) else None,
            "lodo_gain_over_kmeanspp": mean_se(diff) if len(lodo) else None,
            "lodo_relative_gain": (float(diff.mean() / kpp_loss.mean())
                                   if len(lodo) and kpp_loss.mean() > 0 else None),
            "cv_mean_loss": mean_se(cv_loss) if len(lodo) else None,
            "cv_gain_over_kmeanspp": mean_se(cv_diff) if len(lodo) else None,
            "cv_kept_kmeanspp": int(sum(x["cv_rule"] == "alpha=2" for x in lodo)),
            "cv_n_better": int(np.sum(cv_diff > 1e-12)),
            "cv_n_worse": int(np.sum(cv_diff < -1e-12)),
            "variants": {v: _variant_summary(lodo, v) for v in VARIANTS} if lodo else {},
            "n_better": int(np.sum(diff > 1e-12)), "n_worse": int(np.sum(diff < -1e-12)),
            "n_equal": int(np.sum(np.abs(diff) <= 1e-12)),
            "mean_leaves": float(np.mean([r.n_leaves for d in per_ds for r in d["rs"]])),
        }
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "suite_batteries.json", {  # ∞ written "inf" (dalgo.jsonio)
        "max_n": args.max_n, "max_nk": args.max_nk, "min_n": args.min_n, "exclude": args.exclude,
        "draws": args.draws, "beta": 2.0, "center": "euclidean",
        "alpha_range": list(C.ALPHA_RANGE), "skipped": [list(s) for s in skipped],
        "batteries": summary, "wall_seconds": time.time() - t0})

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 6.0))
    inf_x = C.ALPHA_MAX * 1.1
    for i, (battery, s) in enumerate(summary.items()):
        c = curves_mem[battery]
        x, y = step_xy(c, inf_x, upto=C.ALPHA_MAX)
        ax1.plot(x, y, color=f"C{i}", lw=1.1,
                 label=f"{battery} ({len(s['datasets'])} sets), ERM α ∈ "
                       f"[{s['erm_alpha_interval'][0]:.3g}, "
                       f"{interval_hi(s['erm_alpha_interval'][1])})")
        ax1.plot([inf_x], [c.values[-1]], "_", ms=14, color=f"C{i}")
        if s["erm_alpha_used"] <= C.ALPHA_MAX:
            ax1.plot([s["erm_alpha_used"]], [s["erm_battery_loss"]], "*", ms=10, color=f"C{i}")
    ticks = [0, 2, 5, 10, 15, 20]
    ax1.set_xticks(ticks + [inf_x])
    ax1.set_xticklabels([str(t) for t in ticks] + ["∞"])
    ax1.set_xlabel("α (seeding exponent; pieces in (20, ∞) not drawn)")
    ax1.set_ylabel("mean Hamming loss over the battery's data sets")
    ax1.set_title(f"battery mean loss vs α (β = 2; {args.draws} z draws per data set; "
                  f"{selection(args)}); ★ = ERM", fontsize=10)
    ax1.set_xlim(-0.5, inf_x + 1.0)
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.14), ncol=2)
    names = list(summary)
    w = 0.15
    xs = np.arange(len(names))
    series = [("α=0", lambda s: [x["alpha_0_loss"] for x in s["lodo"]]),
              ("α=1", lambda s: [x["alpha_1_loss"] for x in s["lodo"]]),
              ("α=2 (k-means++)", lambda s: [x["alpha_2_loss"] for x in s["lodo"]]),
              ("α=∞", lambda s: [x["alpha_inf_loss"] for x in s["lodo"]]),
              ("learned α, leave-one-data-set-out", lambda s: [x["lodo_loss"] for x in s["lodo"]])]
    for j, (lab, f) in enumerate(series):
        ms = [mean_se(f(summary[b])) for b in names]
        ax2.bar(xs + (j - 2) * w, [m[0] for m in ms], w, yerr=[m[1] for m in ms], capsize=2,
                label=lab, color="k" if j == 4 else f"C{j}", alpha=0.85)
    ax2.set_xticks(xs)
    ax2.set_xticklabels([f"{b}\n({len(summary[b]['lodo'])} sets)" for b in names])
    ax2.set_ylabel("held-out Hamming loss, mean ± s.e. over data sets")
    ax2.set_title("held-out data sets: fixed α vs α learned on the other data sets",
                  fontsize=10)
    ax2.grid(alpha=0.3, axis="y")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "suite_batteries.png", dpi=130)
    plt.close(fig)

    print(f"\n### Benchmark suite ({selection(args)}, {args.draws} z draws per data set, β = 2)\n")
    print("| battery | data sets | ERM α (whole battery) | battery loss at ERM | at α=0 | α=1 | "
          "α=2 | α=∞ | LODO loss ± s.e. | k-means++ ± s.e. | gain (k-means++ − LODO) ± s.e. | "
          "better / worse / equal |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for b, s in summary.items():
        lo, hi = s["erm_alpha_interval"]
        hi_s = interval_hi(hi)
        bl = s["battery_loss_at"]
        if s["lodo"]:
            lm, km, g = s["lodo_mean_loss"], s["kmeanspp_mean_loss"], s["lodo_gain_over_kmeanspp"]
            lodo_s = (f"{lm[0]:.4f} ± {lm[1]:.4f} | {km[0]:.4f} ± {km[1]:.4f} | "
                      f"{g[0]:+.4f} ± {g[1]:.4f} ({100 * s['lodo_relative_gain']:+.1f} %)")
        else:
            lodo_s = "– | – | –"
        print(f"| {b} | {len(s['datasets'])} | [{lo:.3g}, {hi_s}) | {s['erm_battery_loss']:.4f} | "
              f"{bl['0']:.4f} | {bl['1']:.4f} | {bl['2']:.4f} | {bl['inf']:.4f} | {lodo_s} | "
              f"{s['n_better']} / {s['n_worse']} / {s['n_equal']} |")
    print("\nLeave one data set out, dalgo's default selection (cv; each data set one group) "
          "against k-means++ and the exact ERM:\n")
    print("| battery | held-out sets | k-means++ | exact ERM (LODO) | cv (default) | "
          "cv gain over k-means++ ± s.e. (in s.e.) | k-means++ kept | cv better / worse |")
    print("|---|---|---|---|---|---|---|---|")
    for b, s in summary.items():
        if not s["lodo"]:
            continue
        km, lm, cm, g = (s["kmeanspp_mean_loss"], s["lodo_mean_loss"], s["cv_mean_loss"],
                         s["cv_gain_over_kmeanspp"])
        print(f"| {b} | {len(s['lodo'])} | {km[0]:.4f} ± {km[1]:.4f} | {lm[0]:.4f} ± {lm[1]:.4f} "
              f"| {cm[0]:.4f} ± {cm[1]:.4f} | {g[0]:+.4f} ± {g[1]:.4f} ({in_se(*g)}) | "
              f"{s['cv_kept_kmeanspp']} / {len(s['lodo'])} | {s['cv_n_better']} / "
              f"{s['cv_n_worse']} |")
    print("\nEvery selection variant (experiments/selection.py; default "
          f"{DEFAULT_VARIANT}): gain over k-means++ ± s.e. (in s.e.), k-means++ kept:\n")
    print("| battery | " + " | ".join(VARIANTS) + " |")
    print("|---|" + "---|" * len(VARIANTS))
    for b, s in summary.items():
        if not s["lodo"]:
            continue
        cells = []
        for v in VARIANTS:
            x = s["variants"][v]
            g, gs = x["gain_over_kmeanspp"]
            cells.append(f"{g:+.4f} ± {gs:.4f} ({in_se(g, gs)}), "
                         f"{x['kept_kmeanspp']}/{len(s['lodo'])}")
        print(f"| {b} | " + " | ".join(cells) + " |")
    print("\nskipped: " + ("; ".join(f"{b}/{n} ({why})" for b, n, why in skipped) or "none"))
    print(f"\ntotal wall time {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
