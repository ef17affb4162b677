"""Validation of the default selection against the exact ERM and the baselines (issue 11).

Per data set, a pool of instances from its fixed stream is evaluated once (exact curves,
β = 2, Euclidean centres, α ∈ [0, ∞], baselines; the cache of the other experiments). The
last ``--n-test`` instances are the held-out sample (``--heldout first``: the first ones, a
check on the held-out sample's own noise); training sets of m instances are drawn
without replacement from the others, ``--reps`` times for each m. For every training set,
each rule picks an α on the training curves only and is scored by its mean loss on the
held-out sample (same instances, same z for every rule):

* ``exact``: the exact ERM (midpoint of the lowest minimising interval; the paper);
* ``grid``: the ERM over a 101-point grid α ∈ {0, 0.2, …, 20} plus ∞;
* ``smooth(h)``: the ERM of the window-smoothed risk, half-width h in log(1 + α);
* ``cv``: dalgo's default selection (5-fold cross-validation over the training instances,
  one-s.e. rule, k-means++ kept unless beaten);
* ``kmeans++``: α = 2, fixed.

Reported per (data set, m): the expected held-out loss of each rule (mean over the
repetitions ± s.e.), the paired difference with k-means++, and for ``cv`` the mean of
|cv_loss − held-out loss| and how often k-means++ was kept.

Usage::

    python experiments/selection.py                           # all five data sets, pools of 1,100
    python experiments/selection.py --datasets digits gaussian_grid --pool 600 --n-test 300
    python experiments/selection.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import read_json, write_json
from dalgo.piecewise import PiecewiseConstant
from dalgo.stats import mean_se, paired_mean_se
from dalgo.tuning import representative_alpha, summarize
from dalgo.tuning.model_selection import DEFAULT_BANDWIDTHS, smoothed_argmin

M_GRID = (10, 25, 50, 100, 200)
GRID = np.concatenate([np.linspace(0.0, 20.0, 101), [np.inf]])


def _rules(train, config):
    """α chosen by each rule from the training results alone."""
    mean = PiecewiseConstant.mean([r.curve(2.0) for r in train])
    out = {"exact": representative_alpha(*mean.argmin().intervals[0])}
    grid_values = mean(GRID)
    out["grid"] = float(GRID[int(np.argmin(grid_values))])
    for h in DEFAULT_BANDWIDTHS:
        out[f"smooth(h={h:g})"] = smoothed_argmin(mean, h)[0]
    out["kmeans++"] = 2.0
    cv = summarize(train, [], config)
    out["cv"] = cv.alpha
    return out, cv


def study(name, args, log):
    config = C.tune_config()
    insts = C.pool(name, args.pool, args.data_dir, smoke=args.smoke)
    results = C.evaluate_pool(insts, config, cache_dir=args.cache, n_jobs=args.n_jobs, log=log)
    if args.heldout == "last":
        test, candidates = results[-args.n_test:], results[:-args.n_test]
    else:  # the other split of the same pool: a check on the held-out sample's own noise
        test, candidates = results[:args.n_test], results[args.n_test:]
    test_curves = [r.curve(2.0) for r in test]
    rng = np.random.default_rng(C.SEEDS[name])
    rows = []
    for m in [m for m in M_GRID if m <= len(candidates)]:
        held = {}
        cv_gap, kept, paired = [], 0, []
        for _ in range(args.reps):
            pick = rng.choice(len(candidates), size=m, replace=False)
            train = [candidates[i] for i in pick]
            alphas, cv = _rules(train, config)
            for rule, a in alphas.items():
                held.setdefault(rule, []).append(float(np.mean([c(a) for c in test_curves])))
            cv_gap.append(abs(cv.cv_loss - held["cv"][-1]))
            paired.append(paired_mean_se([c(2.0) for c in test_curves],
                                         [c(alphas["cv"]) for c in test_curves]))
            kept += cv.selected_rule == "alpha=2"
        base = np.array(held["kmeans++"])
        row = {"m": m, "reps": args.reps, "rules": {}}
        for rule, v in held.items():
            v = np.array(v)
            mean, se = mean_se(v)
            d, dse = mean_se(base - v)
            row["rules"][rule] = {"heldout_loss": mean, "se": se, "gain_vs_kmeanspp": d,
                                  "gain_se": dse}
        row["cv_abs_gap"] = mean_se(cv_gap)
        # the goal's unit: the paired s.e. of (k-means++ − cv) on the held-out sample
        gain, gain_se = (float(np.mean(col)) for col in zip(*paired))
        row["cv_gain_in_heldout_paired_se"] = gain / gain_se if gain_se > 0 else 0.0
        row["kmeanspp_kept"] = kept / args.reps
        rows.append(row)
        log(f"m={m}: " + ", ".join(f"{k} {v['heldout_loss']:.4f}" for k, v in
                                    row["rules"].items()))
    return {"pool": args.pool, "n_test": args.n_test, "heldout": args.heldout, "rows": rows}


def print_table(name, doc):
    rules = list(doc["rows"][0]["rules"]) if doc["rows"] else []
    print(f"\n### {name} (held-out sample of {doc['n_test']} instances)\n")
    print("| m | " + " | ".join(rules) + " | cv: |cv − held-out| | k-means++ kept | cv gain "
          "over k-means++ (held-out paired s.e.) |")
    print("|---|" + "---|" * (len(rules) + 3))
    for row in doc["rows"]:
        cells = [f"{row['rules'][r]['heldout_loss']:.4f} ± {row['rules'][r]['se']:.4f}"
                 for r in rules]
        gap, gap_se = row["cv_abs_gap"]
        print(f"| {row['m']} | " + " | ".join(cells)
              + f" | {gap:.4f} ± {gap_se:.4f} | {100 * row['kmeanspp_kept']:.0f} % | "
              f"{row['cv_gain_in_heldout_paired_se']:+.2f} |")


def main(argv=None):
    parser = C.common_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--datasets", nargs="+", default=list(C.DATASETS))
    parser.add_argument("--pool", type=int, default=1100)
    parser.add_argument("--n-test", type=int, default=500)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--heldout", choices=("last", "first"), default="last",
                        help="which end of the pool is the held-out sample")
    args = parser.parse_args(argv)
    if args.smoke:
        args.pool, args.n_test, args.reps = min(args.pool, 40), min(args.n_test, 15), 3
    suffix = "" if args.heldout == "last" else "_heldout_first"
    out = Path(args.out_dir) / f"selection{suffix}.json"
    doc = read_json(out) if out.exists() else {}
    for name in args.datasets:
        log = C.logger(name)
        t0 = time.time()
        doc[name] = study(name, args, log)
        doc[name]["seconds"] = time.time() - t0
        write_json(out, doc)
        print_table(name, doc[name])
    return doc


if __name__ == "__main__":
    main()
