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
* the cross-validated selections, all from one :func:`cross_validate` per training set
  (5-fold cross-validation over the training instances; the variants differ only in the
  arithmetic on its fold losses): ``cv_1se`` the one-s.e. rule alone (the default before the
  guard), ``cv_2se`` / ``cv_3se`` simply stricter thresholds, ``guard_0`` / ``guard_1`` /
  ``guard_2`` the one-s.e. rule guarded by nested cross-validation of the selection (k-means++
  kept unless the nested paired gain exceeds 0 / 1 / 2 paired s.e.); ``guard_1`` is dalgo's
  default (:data:`DEFAULT_VARIANT`, fixed before any held-out number was looked at);
  ``guard_1_best`` the same, except that once k-means++ is left the one-s.e. rule takes the
  lowest cv loss instead of the simplest kind within one s.e. (``simplest=False``);
* ``kmeans++``: α = 2, fixed;
* with ``--budget-draws``, ``guard_1+draws``: the default selection on the same training
  instances, each evaluated with :func:`~dalgo.tuning.config.budget_draws` (m) seeding draws
  (its z and derived ones: 6, 3, 2 draws at m = 10, 25, 50, one from m = 60 on, where the
  variant is the default itself); the held-out instances keep their one z.

Reported per (data set, m): the expected held-out loss of each rule (mean over the
repetitions ± s.e.), the paired difference with k-means++ on the held-out instances in units
of its paired s.e. (the goals' unit), and for every selection variant how often k-means++
was kept and |cv_loss − held-out loss| in units of the reported ``cv_se`` (median, and the
share of training sets within 2 ``cv_se``).

``--heldout last`` (default) holds out the last ``--n-test`` instances of the pool, ``first``
the first ones (a check on the held-out sample's own noise), ``rotate`` cuts the pool into
``--blocks`` blocks and holds out block ``r mod blocks`` for repetition ``r`` (training sets
drawn from the other blocks), so that every instance is held out equally often; its gain is
the mean over the pool's instances of each instance's mean paired difference, in units of
the paired s.e. over the pool — an additional view, not a replacement of the two splits.
For every split, ``pooled_gain`` is that same quantity: per held-out instance the mean over
the training sets of (k-means++ − rule), then mean ± paired s.e. over the instances (the
expected held-out gain of the rule; unlike the mean of per-set ratios it is not inflated by
the training sets in which a rule keeps k-means++ and the per-set paired s.e. is 0).

Usage::

    python experiments/selection.py                           # all five data sets, pools of 1,100
    python experiments/selection.py --datasets digits gaussian_grid --pool 600 --n-test 300
    python experiments/selection.py --heldout rotate   # each instance held out once per 5 reps
    python experiments/selection.py --budget-draws     # also: 60 / m draws per training instance
    python experiments/selection.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
from pathlib import Path

import common as C
import numpy as np

from dalgo.piecewise import PiecewiseConstant
from dalgo.stats import mean_se, paired_mean_se
from dalgo.tuning import evaluate_instances, representative_alpha
from dalgo.tuning.config import budget_draws
from dalgo.tuning.model_selection import DEFAULT_BANDWIDTHS, cross_validate, smoothed_argmin

M_GRID = (10, 25, 50, 100, 200)
GRID = np.concatenate([np.linspace(0.0, 20.0, 101), [np.inf]])
#: The selection variants: name -> (n_se of the one-s.e. rule, guard_se of the nested guard,
#: ``simplest``: whether the rule prefers simpler kinds of candidate to the lowest cv loss once
#: it has left the default member).
VARIANTS = {"cv_1se": (1.0, None, True), "cv_2se": (2.0, None, True),
            "cv_3se": (3.0, None, True), "guard_0": (1.0, 0.0, True),
            "guard_1": (1.0, 1.0, True), "guard_2": (1.0, 2.0, True),
            "guard_1_best": (1.0, 1.0, False)}
#: dalgo's default (``summarize``'s ``n_se=1, guard_se=1``).
DEFAULT_VARIANT = "guard_1"
#: The default selection with :func:`budget_draws` draws per training instance.
DRAWS_VARIANT = "guard_1+draws"


def _rules(train, config):
    """α chosen by each rule from the training results alone, and per selection variant
    its :class:`~dalgo.tuning.model_selection.Selected` outcome."""
    mean = PiecewiseConstant.mean([r.curve(2.0) for r in train])
    out = {"exact": representative_alpha(*mean.argmin().intervals[0])}
    grid_values = mean(GRID)
    out["grid"] = float(GRID[int(np.argmin(grid_values))])
    for h in DEFAULT_BANDWIDTHS:
        out[f"smooth(h={h:g})"] = smoothed_argmin(mean, h)[0]
    out["kmeans++"] = 2.0
    report = cross_validate(train, config, nested=True)
    outcomes = {}
    for name in VARIANTS:
        out[name], outcomes[name] = _selected(report, mean, name)
    return out, outcomes


def _selected(report, mean, variant):
    """α and :class:`~dalgo.tuning.model_selection.Selected` of selection ``variant`` from
    one cross-validation ``report``, fitted on the training sets' ``mean`` curve."""
    sel = report.select(*VARIANTS[variant])
    return report.candidates[sel.index].fit_alpha(mean), sel


def _with_budget_draws(name, pick, args):
    """α and :class:`~dalgo.tuning.model_selection.Selected` of the default selection on the
    training instances ``pick`` evaluated with ``budget_draws(len(pick)) > 1`` draws each."""
    config = C.tune_config(n_draws=budget_draws(len(pick)))
    instances = C.pool_instances(name, pick, args.data_dir, smoke=args.smoke)
    train = evaluate_instances(instances, config, baselines=False, cache_dir=args.cache,
                               n_jobs=args.n_jobs, progress=False)
    mean = PiecewiseConstant.mean([r.curve(2.0) for r in train])
    return _selected(cross_validate(train, config, nested=True), mean, DEFAULT_VARIANT)


def _split(results, args, rep):
    """(test, candidates) pool indices for repetition ``rep``."""
    return C.heldout_split(len(results), args.n_test, args.heldout, blocks=args.blocks, rep=rep)


def study(name, args, log):
    config = C.tune_config()
    results = C.pool_results(name, args.pool, config, args.data_dir, smoke=args.smoke,
                             cache_dir=args.cache, n_jobs=args.n_jobs, log=log)
    curves = [r.curve(2.0) for r in results]
    rng = np.random.default_rng(C.SEEDS[name])
    rows = []
    for m in M_GRID:
        if m > len(results) - len(_split(results, args, 0)[0]):
            continue
        variants = [*VARIANTS, DRAWS_VARIANT] if args.budget_draws else list(VARIANTS)
        held, stats = {}, {v: {"gap": [], "ratio": [], "kept": 0, "guarded": 0, "gain": [],
                               "gain_se": []} for v in variants}
        diff_sum = {v: np.zeros(len(results)) for v in variants}
        diff_n = np.zeros(len(results))
        for rep in range(args.reps):
            test_idx, cand_idx = _split(results, args, rep)
            pick = cand_idx[rng.choice(len(cand_idx), size=m, replace=False)]
            train = [results[i] for i in pick]
            alphas, outcomes = _rules(train, config)
            if args.budget_draws:  # one draw from m = 60 on: the default variant itself
                alphas[DRAWS_VARIANT], outcomes[DRAWS_VARIANT] = (
                    _with_budget_draws(name, pick, args) if budget_draws(m) > 1 else
                    (alphas[DEFAULT_VARIANT], outcomes[DEFAULT_VARIANT]))
            at = {rule: np.array([curves[i](a) for i in test_idx]) for rule, a in alphas.items()}
            for rule, v in at.items():
                held.setdefault(rule, []).append(float(v.mean()))
            diff_n[test_idx] += 1
            for v, sel in outcomes.items():
                st = stats[v]
                gap = abs(sel.cv_loss - held[v][-1])
                st["gap"].append(gap)
                st["ratio"].append(gap / sel.cv_se if sel.cv_se > 0 else np.inf)
                st["kept"] += sel.index == 0
                st["guarded"] += sel.guarded
                g, gs = paired_mean_se(at["kmeans++"], at[v])
                st["gain"].append(g)
                st["gain_se"].append(gs)
                diff_sum[v][test_idx] += at["kmeans++"] - at[v]
        base = np.array(held["kmeans++"])
        row = {"m": m, "reps": args.reps, "rules": {}, "variants": {}}
        if args.budget_draws:
            row["budget_draws"] = budget_draws(m)
        for rule, v in held.items():
            v = np.array(v)
            mean, se = mean_se(v)
            d, dse = mean_se(base - v)
            row["rules"][rule] = {"heldout_loss": mean, "se": se, "gain_vs_kmeanspp": d,
                                  "gain_se": dse}
        for v, st in stats.items():
            if args.heldout == "rotate":  # per pool instance: its mean paired difference
                seen = diff_n > 0
                g, gs = mean_se(diff_sum[v][seen] / diff_n[seen])
            else:  # the goal's unit: the paired s.e. on the held-out sample (mean over sets)
                g, gs = float(np.mean(st["gain"])), float(np.mean(st["gain_se"]))
            ratio = np.array(st["ratio"])
            seen = diff_n > 0  # the mean over training sets, paired over held-out instances
            pg, pgs = mean_se(diff_sum[v][seen] / diff_n[seen])
            row["variants"][v] = {
                "gain_in_heldout_paired_se": g / gs if gs > 0 else 0.0,
                "pooled_gain": [pg, pgs],
                "pooled_gain_in_se": pg / pgs if pgs > 0 else 0.0,
                "kmeanspp_kept": st["kept"] / args.reps,
                "guard_kept": st["guarded"] / args.reps,
                "cv_abs_gap": mean_se(st["gap"]),
                "cv_gap_in_cv_se_median": float(np.median(ratio)),
                "cv_gap_within_2se": float(np.mean(ratio <= 2.0)),
                # per training set: the default variant's held-out loss − this variant's
                "diff_vs_default": mean_se(np.array(held[DEFAULT_VARIANT]) - np.array(held[v])),
            }
        if args.budget_draws:  # per training set: one draw's held-out loss − the draws'
            row["draws_gain_over_default"] = mean_se(np.array(held[DEFAULT_VARIANT])
                                                     - np.array(held[DRAWS_VARIANT]))
        rows.append(row)
        log(f"m={m}: " + ", ".join(f"{k} {v['heldout_loss']:.4f}" for k, v in
                                    row["rules"].items()))
    return {"pool": args.pool, "n_test": args.n_test, "heldout": args.heldout,
            "blocks": args.blocks if args.heldout == "rotate" else None,
            "default_variant": DEFAULT_VARIANT, "rows": rows}


def print_table(name, doc):
    print(f"\n### {name} (held-out: {doc['heldout']})\n")
    variants = list(doc["rows"][0]["variants"]) if doc["rows"] else list(VARIANTS)
    print("| m | exact ERM | smoothed (h = 0.15) | k-means++ | " + " | ".join(variants) + " |")
    print("|---|---|---|---|" + "---|" * len(variants))
    for row in doc["rows"]:
        r = row["rules"]
        cells = [f"{r[k]['heldout_loss']:.4f} ± {r[k]['se']:.4f}"
                 for k in ("exact", "smooth(h=0.15)")] + [f"{r['kmeans++']['heldout_loss']:.4f}"]
        for v in variants:
            x = row["variants"][v]
            cells.append(f"{r[v]['heldout_loss']:.4f} ({x['gain_in_heldout_paired_se']:+.2f}; "
                         f"kept {100 * x['kmeanspp_kept']:.0f} %; |cv−ho| "
                         f"{x['cv_gap_in_cv_se_median']:.2f} se, ≤2 se "
                         f"{100 * x['cv_gap_within_2se']:.0f} %)")
        print(f"| {row['m']} | " + " | ".join(cells) + " |")


def main(argv=None):
    parser = C.common_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--datasets", nargs="+", default=list(C.DATASETS))
    parser.add_argument("--pool", type=int, default=1100)
    parser.add_argument("--n-test", type=int, default=500)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=5,
                        help="with --heldout rotate: blocks of the pool, each held out in turn")
    parser.add_argument("--heldout", choices=C.HELDOUT_SPLITS, default="last",
                        help="which part of the pool is the held-out sample")
    parser.add_argument("--budget-draws", action="store_true",
                        help=f"also the default selection with budget_draws(m) draws per "
                             f"training instance (JSON key {DRAWS_VARIANT!r}; file suffix "
                             f"'_budget_draws')")
    args = parser.parse_args(argv)
    if args.smoke:
        args.pool, args.n_test, args.reps = min(args.pool, 40), min(args.n_test, 15), 3
    suffix = C.HELDOUT_SUFFIX[args.heldout] + ("_budget_draws" if args.budget_draws else "")
    doc = C.study_each(args.datasets, study, args,
                       Path(args.out_dir) / f"selection{suffix}.json", timed=True)
    for name in args.datasets:
        print_table(name, doc[name])
    return doc


if __name__ == "__main__":
    main()
