"""Execution-tree size versus n, k and α_hi, against the expected-size bound (issue 4, item 4).

Only the trees are built (:func:`dalgo.alpha_pieces`, no local search).  One tree over
α ∈ [0, 20] per instance gives the leaf count for every α_hi ≤ 20 (the leaves tile the range
in order, so the tree over [0, a] has exactly the leaves whose interval starts below a).

Sweeps (``--reps`` instances each, z drawn with each instance):

* Gaussian grid 3×3 (d = 2): n = 4 cells × {10, 25, 50, 100, 200} points; k ∈ {2, 4, 5, 8}
  at n = 200 (200/k points per cell, cells of a 3×3 grid);
* MNIST (pixels / 255, d = 784): k = 5 classes × {20, 50, 100, 200} points; k ∈ {2, 4, 5, 10}
  at n = 500.

The bound is docs/conventions.md's ``1 + (k − 1)·n·(α_hi − α_lo)·ln R`` (each instance's own R, the
ratio of its largest to smallest positive pairwise distance;
:func:`dalgo.generalization.expected_leaves_bound`).

Outputs: ``docs/results/tree_size.png`` (3 panels) and ``docs/results/tree_size.json``.

Usage::

    python experiments/tree_size.py
    python experiments/tree_size.py --smoke --out-dir /tmp/x
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo import alpha_pieces
from dalgo.generalization import distance_ratio, expected_leaves_bound
from dalgo.jsonio import write_json
from dalgo.protocols import protocol_distribution
from dalgo.stats import mean_se

ALPHA_HIS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def count(inst):
    t = time.perf_counter()
    pieces = alpha_pieces(inst.X, inst.n_clusters, inst.z, alpha_range=(0.0, C.ALPHA_MAX))
    secs = time.perf_counter() - t
    lows = np.array([p.lo for p in pieces])
    R = distance_ratio(inst.X)
    n, k = inst.n_samples, inst.n_clusters
    return {"n": n, "k": k, "R": R, "seconds": secs,
            "leaves": {repr(a): int(np.sum(lows < a)) for a in ALPHA_HIS},
            "bound": {repr(a): expected_leaves_bound(n, k, 0.0, a, R) for a in ALPHA_HIS}}


def sweep(dists, reps, seed, log, what):
    rows = []
    for label, dist in dists:
        recs = [count(inst) for inst in dist.sample(reps, random_state=seed)]
        row = {"setting": label, "n": recs[0]["n"], "k": recs[0]["k"], "records": recs}
        for key in ("leaves", "bound"):
            row[key] = {repr(a): mean_se([r[key][repr(a)] for r in recs]) for a in ALPHA_HIS}
        row["seconds_mean"] = float(np.mean([r["seconds"] for r in recs]))
        rows.append(row)
        log(f"{what} {label}: n = {row['n']}, k = {row['k']}, leaves(α≤20) = "
            f"{row['leaves'][repr(20.0)][0]:.0f}, bound {row['bound'][repr(20.0)][0]:.3g}, "
            f"{row['seconds_mean']:.2f} s/tree")
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p, cache=False)
    p.add_argument("--reps", type=int, default=4)
    args = p.parse_args(argv)
    log = C.logger("tree_size")
    t0 = time.time()
    if args.smoke:
        args.reps = 2
        gg_n, gg_k, gg_total = (5, 10), (2, 4), 20
        mn_n, mn_k, mn_total = (5, 10), (2, 4), 20
    else:
        gg_n, gg_k, gg_total = (10, 25, 50, 100, 200), (2, 4, 5, 8), 200
        mn_n, mn_k, mn_total = (20, 50, 100, 200), (2, 4, 5, 10), 500

    def dist(name, k, m):  # the protocol's distribution with k classes (cells) of m points
        return protocol_distribution(name, args.data_dir, n_clusters=k, n_per_class=m)

    sweeps = {
        "gaussian_grid_vs_n": sweep([(f"m={m}", dist("gaussian_grid", 4, m)) for m in gg_n],
                                    args.reps, 11, log, "GG"),
        "gaussian_grid_vs_k": sweep([(f"k={k}", dist("gaussian_grid", k, gg_total // k))
                                     for k in gg_k], args.reps, 12, log, "GG"),
        "mnist_vs_n": sweep([(f"m={m}", dist("mnist", 5, m)) for m in mn_n],
                            args.reps, 13, log, "MNIST"),
        "mnist_vs_k": sweep([(f"k={k}", dist("mnist", k, mn_total // k)) for k in mn_k],
                            args.reps, 14, log, "MNIST"),
    }
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "tree_size.json", {"alpha_his": list(ALPHA_HIS), "reps": args.reps,
                                        "sweeps": sweeps, "wall_seconds": time.time() - t0})

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    a20 = repr(20.0)
    styles = {"gaussian_grid": ("C0", "Gaussian grid (d=2)"), "mnist": ("C1", "MNIST (d=784)")}
    for ax, var in zip(axes[:2], ("n", "k")):
        for ds_name, (color, lab) in styles.items():
            rows = sweeps[f"{ds_name}_vs_{var}"]
            x = np.array([r[var] for r in rows], dtype=float)
            y = np.array([r["leaves"][a20] for r in rows])
            b = np.array([r["bound"][a20][0] for r in rows])
            ax.errorbar(x, y[:, 0], yerr=y[:, 1], fmt="o-", color=color, capsize=3,
                        label=f"{lab}: leaves, α ∈ [0, 20]")
            ax.plot(x, b, "--", color=color, alpha=0.8, label=f"{lab}: bound 1+(k−1)n·20·ln R")
            nk = np.array([r["n"] * r["k"] for r in rows], dtype=float)
            ax.plot(x, 0.5 * nk, ":", color=color, alpha=0.6, label=f"{lab}: 0.5·n·k")
        ax.set_yscale("log")
        ax.set_xlabel("n, points per instance" if var == "n" else
                      "k, clusters (n fixed: 200 grid / 500 MNIST)")
        ax.set_ylabel("number of leaves (log scale)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
        ax.set_title(f"tree size vs {var} (mean ± s.e. over {args.reps} instances)",
                     fontsize=10)
    ax = axes[2]
    for ds_name, (color, lab) in styles.items():
        row = [r for r in sweeps[f"{ds_name}_vs_n"]][-2]
        x = np.array(ALPHA_HIS)
        y = np.array([row["leaves"][repr(a)] for a in ALPHA_HIS])
        b = np.array([row["bound"][repr(a)][0] for a in ALPHA_HIS])
        ax.errorbar(x, y[:, 0], yerr=y[:, 1], fmt="o-", color=color, capsize=3,
                    label=f"{lab} (n={row['n']}, k={row['k']}): leaves")
        ax.plot(x, b, "--", color=color, label=f"{lab}: bound")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("α_hi (tree over [0, α_hi], log scale)")
    ax.set_ylabel("number of leaves (log scale)")
    ax.set_title("tree size vs α_hi", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "tree_size.png", dpi=130)
    plt.close(fig)

    print("\n### Tree size (leaves for α ∈ [0, 20], mean ± s.e.; bound with each instance's R)\n")
    print("| sweep | n | k | leaves | leaves / (n·k) | bound (mean) | leaves / bound | "
          "s per tree |")
    print("|---|---|---|---|---|---|---|---|")
    for key, rows in sweeps.items():
        for r in rows:
            lv, b = r["leaves"][a20], r["bound"][a20][0]
            print(f"| {key} | {r['n']} | {r['k']} | {lv[0]:.0f} ± {lv[1]:.0f} | "
                  f"{lv[0] / (r['n'] * r['k']):.2f} | {b:.3g} | {lv[0] / b:.2g} | "
                  f"{r['seconds_mean']:.2f} |")
    print(f"\ntotal wall time {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
