"""Does the nested check keep k-means++ because of how the folds fell? (issue 11)

The default selection assigns training instance ``i`` to fold ``i mod 5`` and decides with
one nested cross-validation. Where the family helps (the Gaussian grid, CNAE-9) it keeps
k-means++ on a share of the training sets that a generic tuner does not waste. If part of
that came from the one partition into folds, averaging over several partitions would help:
here every candidate's out-of-fold loss and the procedure's nested loss are averaged per
instance over ``--repeats`` partitions (the identity one and ``--repeats − 1`` seeded
permutations of the instances), and the same one-s.e. rule and guard decide on the averages
(:meth:`~dalgo.tuning.model_selection.CVReport.one_se`,
:func:`~dalgo.tuning.model_selection.guard_check`).

The training sets are those of ``experiments/selection.py`` (same pools, split and
generator), so the one-partition column reproduces its default (``guard_1``) column; the
held-out sample is the same for both columns.

Output: ``selection_fold_repeats.json`` in ``--out-dir`` and a table on stdout per data set
and m: the mean held-out loss of one partition and of the average, the paired difference
(positive: averaging is better) and how often each kept k-means++.

Usage::

    python experiments/selection_fold_repeats.py --datasets gaussian_grid cnae9 digits mnist
    python experiments/selection_fold_repeats.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

import argparse
from pathlib import Path

import common as C
import numpy as np

from dalgo.piecewise import PiecewiseConstant
from dalgo.stats import mean_se
from dalgo.tuning.model_selection import CVReport, cross_validate, guard_check

#: The training-set sizes of ``selection.py`` (drawn in this order from one generator).
M_GRID = (10, 25, 50, 100, 200)


def averaged_selection(train, config, repeats, *, first=None):
    """Index of the candidate the guarded one-s.e. rule picks from out-of-fold and nested
    losses averaged over ``repeats`` partitions of ``train`` into folds, and the candidates.

    Partition 0 is the default one (instance ``i`` in fold ``i mod K``); partition ``r``
    permutes the instances with ``numpy.random.default_rng(r)`` first. ``first`` is
    partition 0's report if the caller already has it (``cross_validate(train, config)``),
    so that it is not computed twice."""
    m = len(train)
    losses = nested = None
    for r in range(repeats):
        order = np.arange(m) if r == 0 else np.random.default_rng(r).permutation(m)
        report = (first if r == 0 and first is not None else
                  cross_validate([train[i] for i in order], config, nested=True))
        if losses is None:
            losses, nested, cands = (np.zeros_like(report.losses), np.zeros(m),
                                     report.candidates)
        losses[:, order] += report.losses / repeats
        nested[order] += report.nested_losses() / repeats
    best = int(np.argmin(losses.mean(axis=1)))
    sel = CVReport(cands, losses, 0, best, "", report.n_folds).one_se()
    if sel != 0 and not guard_check(losses[0], nested)[0]:
        sel = 0
    return sel, cands


def study(name, args, log):
    config = C.tune_config()
    results = C.pool_results(name, args.pool, config, args.data_dir, smoke=args.smoke,
                             cache_dir=args.cache, n_jobs=args.n_jobs, log=log)
    test_idx, cand_idx = C.heldout_split(len(results), args.n_test, args.heldout)
    test_curves = [results[i].curve(2.0) for i in test_idx]
    rng = np.random.default_rng(C.SEEDS[name])  # selection.py's generator and draw order
    rows = []
    for m in M_GRID:
        if m > len(cand_idx):
            break
        picks = [cand_idx[rng.choice(len(cand_idx), size=m, replace=False)]
                 for _ in range(args.reps)]
        if m not in args.m:
            continue
        one, avg, kept_one, kept_avg = [], [], 0, 0
        for pick in picks:
            train = [results[i] for i in pick]
            mean = PiecewiseConstant.mean([r.curve(2.0) for r in train])
            report = cross_validate(train, config, nested=True)
            s_avg, cands = averaged_selection(train, config, args.repeats, first=report)
            for sel, out in ((report.selected, one), (s_avg, avg)):
                alpha = cands[sel].fit_alpha(mean)
                out.append(float(np.mean([c(alpha) for c in test_curves])))
            kept_one += report.selected == 0
            kept_avg += s_avg == 0
        one, avg = np.array(one), np.array(avg)
        rows.append({"m": m, "reps": args.reps, "repeats": args.repeats,
                     "one_partition": mean_se(one), "averaged": mean_se(avg),
                     "gain_of_averaging": mean_se(one - avg),
                     "kept_one": int(kept_one), "kept_averaged": int(kept_avg),
                     "kmeanspp": float(np.mean([c(2.0) for c in test_curves]))})
        log(f"m={m}: one partition {one.mean():.4f} (kept {kept_one}), {args.repeats} "
            f"partitions {avg.mean():.4f} (kept {kept_avg})")
    return {"pool": args.pool, "n_test": args.n_test, "heldout": args.heldout, "rows": rows}


def print_table(doc):
    print("| data set | held out | m | k-means++ | one partition (kept) | averaged (kept) | "
          "one − averaged (paired; + = averaging better) |")
    print("|---|---|---|---|---|---|---|")
    for name, d in doc.items():
        for r in d["rows"]:
            print(f"| {name} | {d['heldout']} | {r['m']} | {r['kmeanspp']:.4f} | "
                  f"{r['one_partition'][0]:.4f} ({r['kept_one']}) | {r['averaged'][0]:.4f} "
                  f"({r['kept_averaged']}), {r['repeats']} partitions | "
                  f"{r['gain_of_averaging'][0]:+.4f} ± {r['gain_of_averaging'][1]:.4f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(parser)
    parser.add_argument("--datasets", nargs="+", default=["gaussian_grid", "cnae9", "digits",
                                                           "mnist"])
    parser.add_argument("--pool", type=int, default=1100)
    parser.add_argument("--n-test", type=int, default=500)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--m", type=int, nargs="+", default=[10, 25, 50, 100],
                        choices=M_GRID)
    parser.add_argument("--repeats", type=int, default=5,
                        help="partitions into folds to average over (1: the default one)")
    parser.add_argument("--heldout", choices=("last", "first"), default="last")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}.")
    if args.smoke:
        args.pool, args.n_test, args.reps, args.m = 40, 15, 2, [10]
    out = Path(args.out_dir) / f"selection_fold_repeats{C.HELDOUT_SUFFIX[args.heldout]}.json"
    print_table(C.study_each(args.datasets, study, args, out))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
