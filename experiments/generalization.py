"""Empirical generalization of the learned α against the bounds (issue 4, item 3).

Per data set, a pool of instances from its fixed stream is evaluated once (exact curves,
β = 2, Euclidean; the same cache as ``clustering_loss_vs_alpha.py``).  The odd draws form
the large test sample T (its mean curve stands in for E loss(α)); the even draws are the
training candidates.  For each m in {5, 10, 20, 50, 100, 200, 500} (those not larger than
the number of candidates) and each of ``--reps`` repetitions, m candidates are drawn
without replacement and

* the exact uniform deviation  sup_{α ∈ [0, ∞]} |train_m(α) − test_T(α)|  is computed on the
  common refinement of the piecewise-constant curves;
* the excess test loss of the ERM α:  test_T(α̂_m) − min_α test_T(α), with α̂_m the midpoint
  of the lowest minimising interval of train_m (or ∞);
* the data-dependent bound of :func:`dalgo.generalization.rademacher_uniform_bound`
  (H = 1 for the Hamming loss, δ = 0.05, N = pieces of the merged training curves);
* the bound from the exact empirical Rademacher complexity
  (:func:`dalgo.generalization.rademacher_bound_from_draws`, 4,000 sign vectors, the Monte
  Carlo error included) at the certified range of the Hamming loss,
  H = 1 − 1/max(k, c) (:func:`dalgo.losses.hamming_loss_range`; every instance of the
  protocol stream has exactly c = k classes, so the range holds for the whole distribution,
  not just the sample) — the adaptive chain (default), the one-sided form and the textbook
  McDiarmid chain — and the adaptive chain at H = 1 (what a user gets without stating the
  number of classes), all from the same sign draws;
* the a-priori bound :func:`dalgo.generalization.apriori_uniform_bound` for α ∈ [0, 20]
  (R = the largest distance ratio over the pool; n, k of the protocol).

Caveats, stated on the results page: the test sample is finite, so the measured deviation
includes its own sampling error (≈ the test s.e.); when m approaches the number of
candidates the repetitions overlap (at m = number of candidates they coincide).

Outputs: ``docs/results/generalization_<name>.png`` and ``docs/results/generalization.json``
(merged with existing entries, so data sets can be run separately).

Usage::

    python experiments/generalization.py                       # pools of 400 (200 + 200)
    python experiments/generalization.py --datasets gaussian_grid --pool 1400
    python experiments/generalization.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.generalization import (
    apriori_uniform_bound,
    distance_ratio,
    merged_pieces,
    rademacher_bound_from_draws,
    rademacher_draws,
    rademacher_uniform_bound,
)
from dalgo.jsonio import read_json, write_json
from dalgo.losses import hamming_loss_range
from dalgo.piecewise import PiecewiseConstant
from dalgo.protocols import protocol_distribution
from dalgo.stats import mean_se
from dalgo.tuning import representative_alpha

M_GRID = (5, 10, 20, 50, 100, 200, 500)
DELTA = 0.05
SIGN_DRAWS = 4000  # sign vectors of the exact empirical Rademacher complexity
BOUND_TERMS = ("complexity_term", "mc_term", "rademacher_step", "deviation_step")
COARSE = np.concatenate([np.arange(0.0, 20.0 + 1e-9, 0.25), [np.inf]])  # grid-ERM comparison


def study(name, args, log):
    # the certified range: the distribution draws exactly n_clusters classes (grid cells) per
    # instance, by construction; the pool is checked against it
    dist = protocol_distribution(name, args.data_dir, smoke=args.smoke)  # as C.pool's
    n_classes = dist.n_clusters
    # the pool in chunks, keeping only the curves: 1,100 CIFAR-10 instances are 13.5 GB of
    # points (a whole-pool run was killed for memory at load)
    results, R = [], 0.0
    for start, insts in C.pool_chunks(name, args.pool, args.data_dir, smoke=args.smoke):
        results.extend(C.evaluate_pool(insts, cache_dir=args.cache, n_jobs=args.n_jobs))
        # R for the a-priori bound: the largest distance ratio over the pool
        R = max(R, max(distance_ratio(inst.X) for inst in insts))
        if start == 0:
            n, k = insts[0].n_samples, insts[0].n_clusters
        if any(np.unique(inst.y).size > n_classes or inst.n_clusters > k for inst in insts):
            raise RuntimeError(f"{name}: an instance has more than {n_classes} classes or {k} "
                               "clusters; the certified range would not hold")
        log(f"  {len(results)}/{args.pool} instances")
        del insts
    curves = [r.curve(2.0) for r in results]
    cand = curves[0::2]
    test = curves[1::2]
    test_mean = PiecewiseConstant.mean(test)
    best_test = test_mean.min()
    H = hamming_loss_range(k, n_classes)
    rng = np.random.default_rng(C.SEEDS[name] + 77)
    sign_rng = np.random.default_rng(C.SEEDS[name] + 78)  # apart: subsets stay as before
    rows = []
    for m in M_GRID:
        if m > len(cand):
            continue
        dev, exc, rad, npieces, gexc, exact_rad, rhat = [], [], [], [], [], [], []
        textbook, upper, unit, terms = [], [], [], []
        for _ in range(args.reps):
            idx = rng.choice(len(cand), size=m, replace=False)
            sub = [cand[i] for i in idx]
            tr = PiecewiseConstant.mean(sub)
            dev.append(float((tr - test_mean).abs().max()))
            arg = tr.argmin()
            a = representative_alpha(*arg.intervals[0])
            exc.append(float(test_mean(a) - best_test))
            ga = float(COARSE[int(np.argmin(tr(COARSE)))])
            gexc.append(float(test_mean(ga) - best_test))
            N = merged_pieces(sub)
            npieces.append(N)
            rad.append(rademacher_uniform_bound(N, m, H=1.0, delta=DELTA))
            draws = rademacher_draws(sub, SIGN_DRAWS, random_state=sign_rng)
            certified = rademacher_bound_from_draws(draws, m, delta=DELTA, H=H)
            exact_rad.append(certified["bound"])
            terms.append([certified[t] for t in BOUND_TERMS])
            textbook.append(rademacher_bound_from_draws(
                draws, m, delta=DELTA, H=H, concentration="mcdiarmid")["bound"])
            upper.append(rademacher_bound_from_draws(draws, m, delta=DELTA, H=H,
                                                     sides="upper")["bound"])
            unit.append(rademacher_bound_from_draws(draws, m, delta=DELTA, H=1.0)["bound"])
            rhat.append(certified["rademacher"])
        row = {"m": m, "reps": args.reps,
               "distinct_subsets": "all equal" if m == len(cand) else "resampled",
               "uniform_deviation": mean_se(dev), "excess_test_loss": mean_se(exc),
               "excess_test_loss_grid_erm": mean_se(gexc),
               "uniform_deviation_all": dev, "excess_test_loss_all": exc,
               "rademacher_bound": float(np.mean(rad)),
               "exact_rademacher_bound": float(np.mean(exact_rad)),
               "exact_rademacher_bound_mcdiarmid": float(np.mean(textbook)),
               "exact_rademacher_bound_upper": float(np.mean(upper)),
               "exact_rademacher_bound_H1": float(np.mean(unit)),
               "exact_rademacher_bound_terms": dict(zip(BOUND_TERMS,
                                                        np.mean(terms, axis=0).tolist())),
               "bound_over_deviation": float(np.mean(exact_rad) / np.mean(dev)),
               "empirical_rademacher": float(np.mean(rhat)),
               "merged_pieces_mean": float(np.mean(npieces)),
               "apriori_bound_alpha_0_20": apriori_uniform_bound(m, n, k, 0.0, C.ALPHA_MAX, R,
                                                                 H=1.0, delta=DELTA)}
        rows.append(row)
        log(f"m = {m}: sup-dev {row['uniform_deviation'][0]:.4f}, excess "
            f"{row['excess_test_loss'][0]:.4f}, Massart bound {row['rademacher_bound']:.3f}, "
            f"exact-Rademacher bound (H = {H:g}) {row['exact_rademacher_bound']:.3f} "
            f"({row['bound_over_deviation']:.1f}×; H = 1: {row['exact_rademacher_bound_H1']:.3f}), "
            f"a-priori {row['apriori_bound_alpha_0_20']:.3f}")
    test_se = float(np.max(mean_se(PiecewiseConstant.stack(test)[1], axis=0)[1]))
    return {"dataset": name, "n_samples": n, "k": k, "pool": len(results),
            "n_candidates": len(cand), "n_test": len(test), "R": R, "delta": DELTA, "H": H,
            "H_massart_apriori": 1.0, "n_classes": n_classes,
            "test_min_loss": best_test, "test_max_se": test_se, "rows": rows}


def plot(doc, out_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = doc["rows"]
    m = np.array([r["m"] for r in rows], dtype=float)
    dev = np.array([r["uniform_deviation"] for r in rows], dtype=float)
    exc = np.array([r["excess_test_loss"] for r in rows], dtype=float)
    fig, ax = plt.subplots(figsize=(10.5, 5))
    ax.plot(m, dev[:, 0], "o-", color="C0", label="sup_α |train_m(α) − test(α)| (mean ± s.e.)")
    ax.fill_between(m, dev[:, 0] - dev[:, 1], dev[:, 0] + dev[:, 1], color="C0", alpha=0.25)
    ax.plot(m, np.maximum(exc[:, 0], 1e-4), "s-", color="C1",
            label="excess test loss of ERM α (mean ± s.e.)")
    ax.fill_between(m, np.maximum(exc[:, 0] - exc[:, 1], 1e-4),
                    np.maximum(exc[:, 0] + exc[:, 1], 1e-4), color="C1", alpha=0.25)
    gx = np.array([r["excess_test_loss_grid_erm"] for r in rows], dtype=float)
    ax.plot(m, np.maximum(gx[:, 0], 1e-4), "d-", color="C2", lw=0.9,
            label="excess test loss of grid ERM (α ∈ {0, 0.25, …, 20, ∞})")
    ax.plot(m, [r["rademacher_bound"] for r in rows], "^--", color="C3",
            label=f"data-dependent bound (Massart, δ = {doc['delta']})")
    if "exact_rademacher_bound_H1" in rows[0]:
        ax.plot(m, [r["exact_rademacher_bound"] for r in rows], "P-", color="C5",
                label=f"exact Rademacher bound, certified H = {doc['H']:g} (δ = {doc['delta']})")
        ax.plot(m, [r["exact_rademacher_bound_H1"] for r in rows], "P--", color="C5", lw=0.8,
                label="the same chain at H = 1 (classes not stated)")
        ax.plot(m, [r["exact_rademacher_bound_mcdiarmid"] for r in rows], "x:", color="C5",
                lw=0.8, label=f"the same R̂, textbook McDiarmid steps (H = {doc['H']:g})")
    ax.plot(m, [r["apriori_bound_alpha_0_20"] for r in rows], "v:", color="C4",
            label="a-priori bound (α ∈ [0, 20], Markov on leaf count)")
    c = dev[0, 0] * np.sqrt(m[0])
    ax.plot(m, c / np.sqrt(m), "k-", lw=0.8, alpha=0.7, label="c / √m (through first point)")
    ax.axhline(doc["test_max_se"], color="0.5", lw=0.8, ls="-.",
               label=f"max s.e. of the test curve ({doc['n_test']} inst.)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m, number of training instances (log scale)")
    ax.set_ylabel("Hamming loss difference (fraction of points, log scale)")
    ax.set_title(f"{doc['dataset']}: generalization of exact ERM over α ∈ [0, ∞], β = 2\n"
                 f"({doc['rows'][0]['reps']} repetitions per m; candidates "
                 f"{doc['n_candidates']}, test sample {doc['n_test']})", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out_path, dpi=130)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=list(C.DATASETS), choices=C.DATASETS)
    p.add_argument("--pool", type=int, default=400,
                   help="instances per data set (even draws: training candidates, odd: test)")
    p.add_argument("--reps", type=int, default=20)
    args = p.parse_args(argv)
    if args.smoke:
        args.pool, args.reps = min(args.pool, 24), min(args.reps, 3)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "generalization.json"
    all_docs = read_json(path) if path.exists() else {}  # other data sets' entries, as written
    t0 = time.time()
    for name in args.datasets:
        t1 = time.time()
        doc = study(name, args, C.logger(f"generalization/{name}"))
        doc["wall_seconds_this_run"] = time.time() - t1
        plot(doc, out / f"generalization_{name}.png")
        all_docs[name] = doc
        write_json(path, all_docs)
        print(f"\n### {name}: pool {doc['pool']} (candidates {doc['n_candidates']}, test "
              f"{doc['n_test']}), R = {doc['R']:.3g}\n")
        print(f"H = {doc['H']:g} (k = {doc['k']}, c = {doc['n_classes']}); Massart and "
              "a-priori at H = 1\n")
        print("| m | sup-deviation ± s.e. | excess test loss ± s.e. | grid-ERM excess ± s.e. | "
              "merged pieces | Massart bound | R̂_m | exact-Rademacher bound (adaptive / "
              "one-sided / McDiarmid) | bound / deviation | adaptive at H = 1 | "
              "a-priori bound |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in doc["rows"]:
            d, e = r["uniform_deviation"], r["excess_test_loss"]
            g = r["excess_test_loss_grid_erm"]
            print(f"| {r['m']} | {d[0]:.4f} ± {d[1]:.4f} | {e[0]:.4f} ± {e[1]:.4f} | "
                  f"{g[0]:.4f} ± {g[1]:.4f} | "
                  f"{r['merged_pieces_mean']:.0f} | {r['rademacher_bound']:.3f} | "
                  f"{r['empirical_rademacher']:.4f} | {r['exact_rademacher_bound']:.3f} / "
                  f"{r['exact_rademacher_bound_upper']:.3f} / "
                  f"{r['exact_rademacher_bound_mcdiarmid']:.3f} | "
                  f"{r['bound_over_deviation']:.1f}× | {r['exact_rademacher_bound_H1']:.3f} | "
                  f"{r['apriori_bound_alpha_0_20']:.3f} |")
        print("\nterms of the adaptive bound (2R̂ / 2 t_mc / step 2 / step 3):")
        for r in doc["rows"]:
            t = r["exact_rademacher_bound_terms"]
            print(f"  m = {r['m']}: " + " / ".join(f"{t[k]:.4f}" for k in BOUND_TERMS))
    print(f"\ntotal wall time {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
