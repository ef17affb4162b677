"""The predictor study over the 19 NAS-Bench-Suite-Zero tasks.

For every task of ``nas/naslib_zc``, the gradient-boosted-tree predictor (LightGBM, small
trees, one thread) is trained on ``train_size`` random architectures with the feature
sets ``encoding``, ``zc`` (the precomputed proxies) and ``both``, and tested on all the
remaining architectures (Kendall tau), for train sizes {10, 20, 50, 100, 200, 400} and
20 seeds.  The three feature sets share the training split of each (seed, size), so the
comparison is paired.

Outputs
-------
* ``docs/results/nas_predictors.json``:
  ``{task: {"encoding"|"zc"|"both": {"<train_size>": {"kendall_tau": mean, "se": se}}}}``
* ``docs/results/nas_pred_kendall.png`` (tau vs train size per task) and
  ``docs/results/nas_pred_improvement.png`` (tau(zc) - tau(encoding), tau(both) - tau(encoding)).
* Markdown tables on stdout: improvement over encoding, and the leave-one-task-out choice
  of the feature set (:func:`dalgo.nas.zc_tuning.loto_select`).
* With ``--compare-predictors``: LightGBM vs GP vs MLP ensemble vs ridge on a few tasks
  (stdout table and ``--compare-out`` JSON).

Usage::

    python experiments/nas_predictors.py
    python experiments/nas_predictors.py --smoke --out-dir /tmp/pred
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from dalgo.nas.predictors import evaluate_predictor, make_predictor  # noqa: E402
from dalgo.nas.suite_zero import SUITE_ZERO_TASKS, load_suite_zero_task  # noqa: E402
from dalgo.nas.zc_tuning import loto_proxy_ensemble, loto_select  # noqa: E402
from dalgo.stats import mean_se  # noqa: E402

FEATURES = ("encoding", "zc", "both")
TRAIN_SIZES = (10, 20, 50, 100, 200, 400)


def run_study(tasks, train_sizes, seeds, *, predictor="lgbm", features=FEATURES,
              data_dir=None, log=print):
    """Per task, feature set and train size: the list of per-seed Kendall taus."""
    raw = {}
    for name in tasks:
        task = load_suite_zero_task(name, data_dir=data_dir)
        t0 = time.perf_counter()
        raw[name] = {}
        for fs in features:
            X = task.features(fs)
            raw[name][fs] = {}
            for n in train_sizes:
                taus = []
                for s in seeds:
                    model = make_predictor(predictor, random_state=s)
                    # the split of (seed, size): same rows as np.random.default_rng((s, n))
                    split = np.random.SeedSequence((s, n))
                    r = evaluate_predictor(model, X, task.y, n, random_state=split)
                    taus.append(r["kendall_tau"])
                raw[name][fs][str(n)] = taus
        log(f"{name}: {time.perf_counter() - t0:.1f} s")
    return raw


def summarise(raw):
    out = {}
    for task, by_fs in raw.items():
        out[task] = {}
        for fs, by_n in by_fs.items():
            out[task][fs] = {}
            for n, taus in by_n.items():
                tau, se = mean_se(taus)
                out[task][fs][n] = {"kendall_tau": tau, "se": 0.0 if np.isnan(se) else se}
    return out


def improvement_table(summary, train_sizes):
    lines = ["| task | " + " | ".join(f"n={n}: enc / zc−enc / both−enc" for n in train_sizes)
             + " |",
             "|---|" + "---|" * len(train_sizes)]
    for task, d in summary.items():
        cells = []
        for n in train_sizes:
            e = d["encoding"][str(n)]["kendall_tau"]
            z = d["zc"][str(n)]["kendall_tau"] - e
            b = d["both"][str(n)]["kendall_tau"] - e
            cells.append(f"{e:.2f} / {z:+.2f} / {b:+.2f}")
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    means = []
    for n in train_sizes:
        e = np.mean([d["encoding"][str(n)]["kendall_tau"] for d in summary.values()])
        z = np.mean([d["zc"][str(n)]["kendall_tau"] for d in summary.values()]) - e
        b = np.mean([d["both"][str(n)]["kendall_tau"] for d in summary.values()]) - e
        means.append(f"**{e:.2f} / {z:+.2f} / {b:+.2f}**")
    lines.append("| **mean** | " + " | ".join(means) + " |")
    return "\n".join(lines)


def loto_table(summary, train_sizes):
    lines = ["| train size | chosen on all tasks | LOTO held-out τ | default (encoding) τ "
             "| oracle τ | per-fold choices |",
             "|---|---|---|---|---|---|"]
    for n in train_sizes:
        table = {t: {fs: d[fs][str(n)]["kendall_tau"] for fs in FEATURES}
                 for t, d in summary.items()}
        r = loto_select(table, default="encoding")
        counts = {}
        for f in r["folds"].values():
            counts[f["chosen"]] = counts.get(f["chosen"], 0) + 1
        lines.append(f"| {n} | {r['best_overall']} | {r['mean_held_out']:.3f} | "
                     f"{r['mean_default']:.3f} | {r['mean_oracle']:.3f} | {counts} |")
    return "\n".join(lines)


def plot(summary, train_sizes, out_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(summary)
    ncol = 5
    nrow = int(np.ceil(len(tasks) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 2.6 * nrow), squeeze=False)
    for ax, task in zip(axes.flat, tasks):
        for fs, c in zip(FEATURES, ("C0", "C1", "C2")):
            m = [summary[task][fs][str(n)]["kendall_tau"] for n in train_sizes]
            se = [summary[task][fs][str(n)]["se"] for n in train_sizes]
            ax.errorbar(train_sizes, m, yerr=se, label=fs, color=c, marker="o", ms=3)
        ax.set_xscale("log")
        ax.set_title(task, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(tasks):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.supxlabel("training architectures")
    fig.supylabel("Kendall τ (test: all others)")
    fig.tight_layout()
    fig.savefig(out_dir / "nas_pred_kendall.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(12, 6), sharey=True)
    for ax, fs in zip(axes, ("zc", "both")):
        M = np.array([[summary[t][fs][str(n)]["kendall_tau"]
                       - summary[t]["encoding"][str(n)]["kendall_tau"]
                       for n in train_sizes] for t in tasks])
        im = ax.imshow(M, cmap="RdBu", vmin=-0.6, vmax=0.6, aspect="auto")
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                ax.text(j, i, f"{M[i, j]:+.2f}", ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(train_sizes)), [str(n) for n in train_sizes])
        ax.set_yticks(range(len(tasks)), tasks, fontsize=8)
        ax.set_title(f"τ({fs}) − τ(encoding), LightGBM")
        ax.set_xlabel("training architectures")
    fig.colorbar(im, ax=axes, shrink=0.6)
    fig.savefig(out_dir / "nas_pred_improvement.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def compare_predictors(tasks, train_sizes, seeds, data_dir=None, log=print):
    """All four predictors x three feature sets on a few tasks (mean Kendall tau)."""
    res = {}
    for name in tasks:
        task = load_suite_zero_task(name, data_dir=data_dir)
        res[name] = {}
        for pred in ("lgbm", "gp", "mlp", "ridge"):
            t0 = time.perf_counter()
            for fs in FEATURES:
                X = task.features(fs)
                for n in train_sizes:
                    taus = [evaluate_predictor(make_predictor(pred, random_state=s), X, task.y, n,
                                               random_state=np.random.SeedSequence((s, n)))[
                                                   "kendall_tau"] for s in seeds]
                    res[name][f"{pred}|{fs}|{n}"] = float(np.mean(taus))
            log(f"  compare {name} {pred}: {time.perf_counter() - t0:.1f} s")
    return res


def ensemble_section(tasks, data_dir=None):
    """LOTO proxy-ensemble weights over the tasks, on the proxies every task has."""
    loaded = {t: load_suite_zero_task(t, data_dir=data_dir) for t in tasks}
    common = [p for p in loaded[tasks[0]].proxies if all(p in t.proxies for t in loaded.values())]
    r = loto_proxy_ensemble(loaded, common)
    lines = [f"Proxies on every task: {', '.join(common)}; weights on "
             f"{{-1, -0.5, 0, 0.5, 1}} (class size {r['class_size']}), chosen by coordinate "
             "ascent on the mean Spearman ρ of the training tasks.", "",
             "| held-out task | ensemble τ | best single proxy (on training tasks) | its τ | "
             "equal weights τ | non-zero weights |", "|---|---|---|---|---|---|"]
    for t, f in r["folds"].items():
        w = {k: v for k, v in f["weights"].items() if v != 0}
        lines.append(f"| {t} | {f['ensemble_tau']:+.3f} | {f['best_single']} | "
                     f"{f['single_tau']:+.3f} | {f['equal_weights_tau']:+.3f} | {w} |")
    lines.append(f"| **mean** | **{r['mean_ensemble_tau']:+.3f}** | | "
                 f"**{r['mean_single_tau']:+.3f}** | **{r['mean_equal_tau']:+.3f}** | |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--train-sizes", type=int, nargs="+", default=list(TRAIN_SIZES))
    ap.add_argument("--tasks", nargs="+", default=list(SUITE_ZERO_TASKS))
    ap.add_argument("--smoke", action="store_true", help="2 tasks, 2 seeds, 2 sizes")
    ap.add_argument("--out-dir", default=str(ROOT / "docs" / "results"))
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--compare-predictors", action="store_true")
    ap.add_argument("--compare-tasks", nargs="+",
                    default=["NB101-CF10", "NB201-CF10", "NB301-CF10", "TNB101_MICRO-SCENE",
                             "TNB101_MACRO-ROOM"])
    ap.add_argument("--compare-seeds", type=int, default=5)
    ap.add_argument("--compare-sizes", type=int, nargs="+", default=[20, 100, 400])
    ap.add_argument("--compare-out", default=None)
    ap.add_argument("--ensemble-only", action="store_true",
                    help="only the leave-one-task-out proxy-ensemble table (no predictor fits)")
    args = ap.parse_args(argv)
    if args.ensemble_only:
        print("### Leave-one-task-out proxy ensemble (held-out Kendall τ)\n")
        print(ensemble_section(args.tasks if not args.smoke else
                               ["NB201-CF10", "NB201-CF100", "TNB101_MICRO-SCENE"],
                               data_dir=args.data_dir))
        return 0

    tasks, sizes, seeds = args.tasks, args.train_sizes, list(range(args.seeds))
    if args.smoke:
        tasks, sizes, seeds = ["NB201-CF10", "TNB101_MICRO-SCENE"], [10, 20], [0, 1]
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    raw = run_study(tasks, sizes, seeds, data_dir=args.data_dir)
    summary = summarise(raw)
    (out_dir / "nas_predictors.json").write_text(json.dumps(summary, indent=1))
    elapsed = time.perf_counter() - t0
    print(f"\nstudy: {len(tasks)} tasks x {len(FEATURES)} feature sets x {len(sizes)} sizes x "
          f"{len(seeds)} seeds = {len(tasks) * len(FEATURES) * len(sizes) * len(seeds)} fits "
          f"in {elapsed:.1f} s")
    print("\n### Kendall τ of LightGBM: encoding / improvement of zc / improvement of both\n")
    print(improvement_table(summary, sizes))
    if len(tasks) > 1:
        print(f"\n### Leave-one-task-out choice of the feature set (mean over {len(tasks)} "
              "held-out tasks)\n")
        print(loto_table(summary, sizes))
    plot(summary, sizes, out_dir)

    if args.compare_predictors or args.smoke:
        ctasks = args.compare_tasks if not args.smoke else ["NB201-CF10"]
        csizes = args.compare_sizes if not args.smoke else [20]
        cseeds = list(range(args.compare_seeds)) if not args.smoke else [0]
        res = compare_predictors(ctasks, csizes, cseeds, data_dir=args.data_dir)
        print("\n### Predictors compared (mean Kendall τ)\n")
        print("| task | n | " + " | ".join(f"{p} {fs}" for p in ("lgbm", "gp", "mlp", "ridge")
                                             for fs in FEATURES) + " |")
        print("|---|---|" + "---|" * 12)
        for t in ctasks:
            for n in csizes:
                print(f"| {t} | {n} | " + " | ".join(
                    f"{res[t][f'{p}|{fs}|{n}']:.2f}" for p in ("lgbm", "gp", "mlp", "ridge")
                    for fs in FEATURES) + " |")
        if args.compare_out:
            Path(args.compare_out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
