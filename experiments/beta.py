"""Loss versus β at the ERM α, and the joint (α, β) heat map (issue 4, item 5).

The seeds do not depend on β, so each instance's execution tree is built once and the local
search is rerun per β (``dalgo.tune``'s β grid).  Per β the exact loss curve in α is kept,
which gives

* the ERM α for each β and its held-out test loss (± s.e.), against k-means++ (α = 2) with the
  same β, z and test instances;
* the test loss versus β at the overall ERM (α, β) — the α fixed, β varied;
* a heat map of the mean test loss on an α grid (0 … 20 in steps of 0.1, plus ∞) × the β grid,
  each cell the exact mean of the test curves at that α.

Local searches: medoid centres with β ∈ {1, 2, 3} on every data set (the variant the theory
analyses; a second or two per instance thanks to the leaf searches sharing their work,
:class:`dalgo.SharedLocalSearch`), and Euclidean centres with β ∈ {1, 1.5, 2, 3}
on the Gaussian grid and β ∈ {1, 2, 3} on digits, MNIST, CIFAR-10 and CNAE-9 (Euclidean
β ≠ 2 solves an iterative Weiszfeld/IRLS problem for every distinct cluster; in high
dimension on the members' Gram matrix, the "beta_gram" path of
:func:`dalgo.local_search.plan_local_search` — about 4 s per MNIST curve and per β, where the
solver on coordinates took over a minute; issue 12).

Outputs: ``docs/results/beta_<name>_<center>.png`` (two panels: loss vs β, heat map) and
``docs/results/beta_<name>_<center>.json``.

Usage::

    python experiments/beta.py                       # all five data sets, medoids, 200 + 200
    python experiments/beta.py --datasets gaussian_grid --center euclidean --betas 1 1.5 2 3
    python experiments/beta.py --datasets digits --center euclidean --betas 1 2 3
    python experiments/beta.py --datasets mnist cifar10 cnae9 --center euclidean --betas 1 2 3
    python experiments/beta.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import write_json
from dalgo.stats import mean_se
from dalgo.tuning import beta_key, representative_alpha, summarize


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=list(C.DATASETS), choices=C.DATASETS)
    p.add_argument("--center", default="medoid", choices=("euclidean", "medoid"))
    p.add_argument("--betas", type=float, nargs="+", default=[1.0, 2.0, 3.0])
    p.add_argument("--n-train", type=int, default=200)
    p.add_argument("--n-test", type=int, default=200)
    args = p.parse_args(argv)
    if args.smoke:
        args.n_train, args.n_test = 3, 3
    t0 = time.time()
    for name in args.datasets:
        run_one(name, args)
    print(f"\ntotal wall time {time.time() - t0:.0f} s")


def run_one(name, args):
    log = C.logger(f"beta/{name}/{args.center}")
    t0 = time.time()
    betas = sorted(float(b) for b in args.betas)
    n = 2 * max(args.n_train, args.n_test)
    insts = C.pool(name, n, args.data_dir, smoke=args.smoke)
    train, test = insts[0::2][: args.n_train], insts[1::2][: args.n_test]
    log(f"{len(train)} + {len(test)} instances, n = {train[0].n_samples}, betas {betas}")
    config = C.tune_config(betas=betas, center=args.center)
    results = C.evaluate_pool(train + test, config, cache_dir=args.cache, n_jobs=args.n_jobs,
                              log=log)
    tr_res, te_res = results[: len(train)], results[len(train):]
    res = summarize(tr_res, te_res, config, selection="exact")
    per_beta = {}
    for b in betas:
        arg = res.train_curves[b].argmin()
        lo, hi = arg.intervals[0]
        a = representative_alpha(lo, hi)
        tl, tse = mean_se([r.curve(b)(a) for r in te_res])
        kpp = res.baselines_by_beta[b]["2"]
        per_beta[beta_key(b)] = {"erm_interval": [lo, hi],
                             "train_loss": arg.value, "test_loss": tl, "test_se": tse,
                             "kmeanspp_test_loss": kpp["test_loss"],
                             "kmeanspp_test_se": kpp["test_se"],
                             "baselines": res.baselines_by_beta[b]}
    # fixed α = overall ERM α, β varied
    at_erm = {}
    for b in betas:
        at_erm[beta_key(b)] = mean_se([r.curve(b)(res.alpha) for r in te_res])
    # heat map: mean test loss on an α grid × β
    agrid = np.round(np.arange(0.0, C.ALPHA_MAX + 1e-9, 0.1), 10)
    agrid = np.concatenate([agrid, [np.inf]])
    heat = np.array([res.test_curves[b](agrid) for b in betas])
    out = Path(args.out_dir)
    tag = f"{name}_{args.center}"
    doc = {"dataset": name, "center": args.center, "betas": betas,
           "n_train": len(train), "n_test": len(test), "k": int(train[0].n_clusters),
           "n_samples": int(train[0].n_samples),
           "overall_erm": {"alpha_interval": list(res.alpha_interval), "alpha": res.alpha,
                           "beta": res.beta, "train_loss": res.train_loss,
                           "test_loss": res.test_loss, "test_se": res.test_se},
           "per_beta": per_beta,
           "test_loss_at_erm_alpha": {k: {"test_loss": v[0], "test_se": v[1]}
                                      for k, v in at_erm.items()},
           "heatmap": {"alpha": agrid, "beta": betas,
                       "mean_test_loss": heat.tolist()},
           "mean_leaves": float(np.mean(res.n_leaves["train"] + res.n_leaves["test"])),
           "compute_seconds": {"tree": res.timings["tree_seconds"],
                               "local_search": res.timings["search_seconds"]},
           "wall_seconds_this_run": time.time() - t0}
    write_json(out / f"beta_{tag}.json", doc)  # ∞ written "inf" (dalgo.jsonio)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12.5, 4.6),
                                   gridspec_kw={"width_ratios": [1, 1.35]})
    bb = np.array(betas)
    y = np.array([at_erm[beta_key(b)][0] for b in betas])
    s = np.array([at_erm[beta_key(b)][1] for b in betas])
    a_lab = "∞" if np.isinf(res.alpha) else f"{res.alpha:.3g}"
    ax1.errorbar(bb, y, yerr=s, fmt="o-", capsize=3,
                 label=f"test, α fixed at overall ERM α = {a_lab}")
    y2 = np.array([per_beta[beta_key(b)]["test_loss"] for b in betas])
    s2 = np.array([per_beta[beta_key(b)]["test_se"] for b in betas])
    ax1.errorbar(bb + 0.02, y2, yerr=s2, fmt="s-", capsize=3, label="test, ERM α learned per β")
    y3 = np.array([per_beta[beta_key(b)]["kmeanspp_test_loss"] for b in betas])
    s3 = np.array([per_beta[beta_key(b)]["kmeanspp_test_se"] for b in betas])
    ax1.errorbar(bb - 0.02, y3, yerr=s3, fmt="^--", capsize=3, color="k",
                 label="test, k-means++ seeding (α = 2)")
    ax1.plot(bb, [per_beta[beta_key(b)]["train_loss"] for b in betas], "x:", color="C2",
             label="train, ERM α per β")
    ax1.set_xlabel("β (local-search exponent: 1 = k-median, 2 = k-means)")
    ax1.set_ylabel("Hamming loss (fraction misclustered)")
    ax1.set_title(f"{name}, {args.center} centres: loss vs β "
                  f"({len(train)} train / {len(test)} test inst.)", fontsize=10)
    ax1.set_xticks(betas)
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    # heat map; the last column is α = ∞
    xe = np.concatenate([agrid[:-1] - 0.05, [C.ALPHA_MAX + 0.05, C.ALPHA_MAX + 0.05 + 2.0]])
    be = np.concatenate([[betas[0] - 0.25], (bb[1:] + bb[:-1]) / 2, [betas[-1] + 0.25]])
    im = ax2.pcolormesh(xe, be, heat, cmap="viridis", shading="flat")
    cb = fig.colorbar(im, ax=ax2)
    cb.set_label("mean test Hamming loss")
    if not np.isinf(res.alpha):
        ax2.plot([res.alpha], [res.beta], "r*", ms=14, label="overall ERM (α, β)")
    else:
        ax2.plot([C.ALPHA_MAX + 1.05], [res.beta], "r*", ms=14, label="overall ERM (α=∞, β)")
    ax2.set_yticks(betas)
    ticks = [0, 2, 5, 10, 15, 20]
    ax2.set_xticks(ticks + [C.ALPHA_MAX + 1.05])
    ax2.set_xticklabels([str(t) for t in ticks] + ["∞"])
    ax2.set_xlabel("α (seeding exponent; last column α = ∞)")
    ax2.set_ylabel("β")
    ax2.set_title("mean test loss over (α, β), exact in α (sampled every 0.1)", fontsize=10)
    ax2.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(out / f"beta_{tag}.png", dpi=130)
    plt.close(fig)

    print(f"\n### β grid: {name}, {args.center} centres ({len(train)} train / "
          f"{len(test)} test instances, n = {train[0].n_samples}, k = {train[0].n_clusters})\n")
    print("| β | ERM α interval | train loss | test loss ± s.e. (ERM α per β) | "
          "test loss at overall ERM α | k-means++ (α=2) test loss ± s.e. |")
    print("|---|---|---|---|---|---|")
    for b in betas:
        q = per_beta[beta_key(b)]
        lo, hi = q["erm_interval"]
        hi_s = "∞" if np.isinf(hi) else f"{hi:.4g}"
        print(f"| {b:g} | [{lo:.4g}, {hi_s}) | {q['train_loss']:.4f} | {q['test_loss']:.4f} ± "
              f"{q['test_se']:.4f} | {at_erm[beta_key(b)][0]:.4f} ± {at_erm[beta_key(b)][1]:.4f} | "
              f"{q['kmeanspp_test_loss']:.4f} ± {q['kmeanspp_test_se']:.4f} |")
    print(f"\noverall ERM: α ∈ {res.alpha_interval}, β = {res.beta:g}; test "
          f"{res.test_loss:.4f} ± {res.test_se:.4f}. wall {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
