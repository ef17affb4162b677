"""dalgo's selection against a generic tuner: Optuna's TPE over α (issue 11).

Per data set, instances come from the protocol's fixed stream (``dalgo.protocols``, the
seeds of ``experiments/common.py``; the same pool as ``experiments/selection.py``, so its
cache is reused): the last ``--n-test`` instances are the held-out sample, training sets of
``--n-train`` instances are drawn from the others, ``--reps`` times. On each training set:

* dalgo, ``selection="cv"`` (default) and ``selection="exact"``: exact curves of the
  training instances (β = 2, Euclidean, α ∈ [0, ∞]), then the selection;
* Optuna's TPE sampler (seeded by the repetition), ``--trials`` trials over α ∈ [0, 20]; a
  trial's objective is the mean Hamming loss over the training instances of d^α seeding
  with the instance's z followed by scikit-learn's ``KMeans(init=seeds, n_init=1,
  algorithm="lloyd")`` — what a user would write;
* k-means++ (α = 2), for reference;
* with ``--n-draws d …``, also dalgo's default selection on the same training instances with
  ``n_draws=d`` seeding draws each (each instance's curve the mean over its z and d − 1
  derived draws; the held-out instances keep their one z): the lever dalgo has when the
  instances are few. The wall time of this column is measured afresh on the first training
  set, as for the default.

Every α is judged on the same held-out instances with the same z, through their exact
curves (dalgo's Lloyd; scikit-learn's agrees with it except on exact ties). Wall times are
measured as a user runs it (each side's default threads; dalgo's curves computed afresh,
without the cache, on the first training set).

Run from the repository root (needs ``pip install optuna``; not a dependency of dalgo)::

    python benchmarks/bench_selection_tpe.py                         # gaussian_grid, digits
    python benchmarks/bench_selection_tpe.py --datasets cnae9 mnist --reps 4
    python benchmarks/bench_selection_tpe.py --datasets digits --reps 6 --n-draws 8

The pool is generated and evaluated 100 instances at a time (a whole CIFAR-10 pool is 13.5 GB
of points); the training instances are regenerated from the stream by index. Every α, rule
and held-out mean per training set goes to ``--json`` as well.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "experiments"))

import common as C  # noqa: E402
import optuna  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

from benchmarks.threads import describe_pools  # noqa: E402
from dalgo import dalpha_seeding, hamming_loss  # noqa: E402
from dalgo.jsonio import write_json  # noqa: E402
from dalgo.piecewise import PiecewiseConstant  # noqa: E402
from dalgo.stats import mean_se, paired_mean_se  # noqa: E402
from dalgo.tuning import evaluate_instances, summarize  # noqa: E402

OUT = REPO / "docs" / "results" / "bench_selection_tpe.md"
DEFAULT = "dalgo cv"  # the default selection, one draw per instance


def tpe_alpha(train_instances, n_trials, seed):
    """Optuna TPE over α ∈ [0, 20]; each trial: seeding + scikit-learn KMeans per instance."""
    def objective(trial):
        alpha = trial.suggest_float("alpha", 0.0, 20.0)
        losses = []
        for inst in train_instances:
            seeds = dalpha_seeding(inst.X, inst.n_clusters, alpha, inst.z)
            km = KMeans(n_clusters=inst.n_clusters, init=inst.X[seeds], n_init=1,
                        algorithm="lloyd").fit(inst.X)
            losses.append(hamming_loss(inst.y, km.labels_))
        return float(np.mean(losses))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return float(study.best_params["alpha"])


def draws_key(d):
    return f"dalgo cv, n_draws={d}"


def extra_draws(args):
    """The draw counts of the extra columns (``--n-draws`` beyond the default's one)."""
    return [d for d in args.n_draws if d > 1]


def fresh_seconds(train_instances, config):
    """Wall time of dalgo as a user runs it: curves from scratch (no cache), default
    threads, then the default selection."""
    with tempfile.TemporaryDirectory() as empty:
        t0 = time.perf_counter()
        fresh = evaluate_instances(train_instances, config, baselines=False, cache_dir=empty,
                                   n_jobs=1, progress=False)
        summarize(fresh, [], config)
        return time.perf_counter() - t0


def run(name, args):
    config = C.tune_config()
    results = C.pool_results(name, args.pool, config, args.data_dir, cache_dir=args.cache,
                             n_jobs=args.n_jobs)
    test_idx, cand = C.heldout_split(len(results), args.n_test, args.heldout)
    test = [results[i] for i in test_idx]
    test_curves = [r.curve(2.0) for r in test]
    test_mean = PiecewiseConstant.mean(test_curves)

    def held(alpha):
        return np.array([c(alpha) for c in test_curves])

    draws = extra_draws(args)
    rng = np.random.default_rng(C.SEEDS[name] + 5)
    rows, times = [], {}
    for rep in range(args.reps):
        pick = rng.choice(cand, size=args.n_train, replace=False)
        train_i = C.pool_instances(name, pick, args.data_dir)
        train_r = [results[i] for i in pick]
        if rep == 0:
            times[DEFAULT] = fresh_seconds(train_i, config)
        t0 = time.perf_counter()
        a_tpe = tpe_alpha(train_i, args.trials, seed=rep)
        if rep == 0:
            times["TPE"] = time.perf_counter() - t0
        cv = summarize(train_r, [], config)
        exact = summarize(train_r, [], config, selection="exact")
        alphas = {DEFAULT: cv.alpha, "dalgo exact ERM": exact.alpha, "TPE": a_tpe,
                  "k-means++": 2.0}
        rules = {DEFAULT: cv.selected_rule}
        for d in draws:
            config_d = C.tune_config(n_draws=d)
            if rep == 0:
                times[draws_key(d)] = fresh_seconds(train_i, config_d)
            res_d = evaluate_instances(train_i, config_d, baselines=False,
                                       cache_dir=args.cache, n_jobs=args.n_jobs,
                                       progress=False)
            cv_d = summarize(res_d, [], config_d)
            alphas[draws_key(d)], rules[draws_key(d)] = cv_d.alpha, cv_d.selected_rule
        rows.append({k: held(a) for k, a in alphas.items()}
                    | {"_alphas": alphas, "_rules": rules, "_pick": pick.tolist()})
    return rows, times, float(test_mean.min())


def kept(rows, key):
    """Training sets on which the selection kept k-means++."""
    return sum(r["_rules"][key].startswith("alpha=2") for r in rows)


def plus_minus(mean, se, sign=""):
    """``mean ± se``; the mean alone when there is no s.e. (one training set)."""
    text = f"{mean:{sign}.4f}"
    return text if np.isnan(se) else f"{text} ± {se:.4f}"


def report(all_rows, args):
    draws = [draws_key(d) for d in extra_draws(args)]
    dalgo = [DEFAULT, *draws]
    cmd = (f"python benchmarks/bench_selection_tpe.py --datasets {' '.join(args.datasets)} "
           f"--reps {args.reps} --n-train {args.n_train} --trials {args.trials}"
           + (f" --n-draws {' '.join(map(str, args.n_draws))}" if draws else "")
           + (f" --heldout {args.heldout}" if args.heldout != "last" else ""))
    lines = ["# dalgo's selection vs Optuna TPE (held-out loss)\n",
             f"`{cmd}` — {platform.node()}, {os.cpu_count()} cores, load "
             f"{os.getloadavg()[0]:.2f} at the end; threads: numba {numba.get_num_threads()}, "
             f"{describe_pools()}, --n-jobs {args.n_jobs}.\n",
             f"Training sets of {args.n_train} instances, {args.reps} per data set; every α "
             f"judged on the same {args.n_test} held-out instances (the {args.heldout} "
             f"{args.n_test} of each pool of {args.pool}) and z. Mean over training "
             "sets of the held-out loss (± s.e. over training sets); 'TPE − …' is the paired "
             "difference over training sets (positive: dalgo better); 'kept': training sets "
             "on which the selection kept k-means++. Wall times: first training set, curves "
             "from scratch, each side's default threads.\n"]
    keys = [*dalgo, "dalgo exact ERM", "TPE", "k-means++"]
    head = (["data set", *keys] + [f"TPE − {k}" for k in dalgo] + [f"kept: {k}" for k in dalgo]
            + [f"wall (s): {k}" for k in (*dalgo, "TPE")])
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, (rows, times, _) in all_rows.items():
        cells = [name]
        for key in keys:
            cells.append(plus_minus(*mean_se([r[key].mean() for r in rows])))
        for key in dalgo:
            cells.append(plus_minus(*paired_mean_se([r["TPE"].mean() for r in rows],
                                                    [r[key].mean() for r in rows]), sign="+"))
        cells += [f"{kept(rows, key)} / {len(rows)}" for key in dalgo]
        cells += [f"{times[key]:.1f}" for key in (*dalgo, "TPE")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def as_json(all_rows, args):
    """Per data set and training set: the training instances' pool indices, every α, the
    selections' rules and every held-out mean; the wall times of the first set."""
    return {"args": vars(args),
            "datasets": {name: {"times": times, "best_test_mean": best,
                                "rows": [{"pick": r["_pick"], "alphas": r["_alphas"],
                                          "rules": r["_rules"],
                                          "held_out": {k: float(v.mean()) for k, v in r.items()
                                                       if not k.startswith("_")}}
                                         for r in rows]}
                         for name, (rows, times, best) in all_rows.items()}}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=["gaussian_grid", "digits"])
    p.add_argument("--pool", type=int, default=1100)
    p.add_argument("--n-test", type=int, default=500)
    p.add_argument("--n-train", type=int, default=30)
    p.add_argument("--reps", type=int, default=4)
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--heldout", choices=("last", "first"), default="last",
                   help="which end of the pool is the held-out sample (the training sets are "
                        "drawn from the rest)")
    p.add_argument("--n-draws", type=int, nargs="+", default=[1],
                   help="also run the default selection with these numbers of seeding draws "
                        "per training instance (1: the default column alone)")
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--json", default=None, help="per-set details (default: --out as .json)")
    args = p.parse_args(argv)
    if min(args.n_draws) < 1:
        p.error(f"--n-draws must be >= 1; got {args.n_draws}")
    all_rows = {}
    for name in args.datasets:
        all_rows[name] = run(name, args)
        print(report({name: all_rows[name]}, args).splitlines()[-1], flush=True)
    text = report(all_rows, args)
    Path(args.out).write_text(text)
    write_json(args.json or str(Path(args.out).with_suffix(".json")), as_json(all_rows, args))
    print(text)


if __name__ == "__main__":
    main()
