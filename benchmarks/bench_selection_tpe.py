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
* k-means++ (α = 2), for reference.

Every α is judged on the same held-out instances with the same z, through their exact
curves (dalgo's Lloyd; scikit-learn's agrees with it except on exact ties). Wall times are
measured as a user runs it (each side's default threads; dalgo's curves computed afresh,
without the cache, on the first training set).

Run from the repository root (needs ``pip install optuna``; not a dependency of dalgo)::

    python benchmarks/bench_selection_tpe.py                         # gaussian_grid, digits
    python benchmarks/bench_selection_tpe.py --datasets cnae9 mnist --reps 4
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "experiments"))

import common as C  # noqa: E402
import optuna  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

from dalgo import dalpha_seeding, hamming_loss  # noqa: E402
from dalgo.piecewise import PiecewiseConstant  # noqa: E402
from dalgo.stats import mean_se, paired_mean_se  # noqa: E402
from dalgo.tuning import evaluate_instances, summarize  # noqa: E402

OUT = REPO / "docs" / "results" / "bench_selection_tpe.md"


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


def run(name, args):
    config = C.tune_config()
    insts = C.pool(name, args.pool, args.data_dir)
    results = C.evaluate_pool(insts, config, cache_dir=args.cache, n_jobs=args.n_jobs)
    test, cand = results[-args.n_test:], list(range(len(results) - args.n_test))
    test_curves = [r.curve(2.0) for r in test]
    test_mean = PiecewiseConstant.mean(test_curves)

    def held(alpha):
        return np.array([c(alpha) for c in test_curves])

    rng = np.random.default_rng(C.SEEDS[name] + 5)
    rows, times = [], {}
    for rep in range(args.reps):
        pick = rng.choice(cand, size=args.n_train, replace=False)
        train_i = [insts[i] for i in pick]
        train_r = [results[i] for i in pick]
        if rep == 0:  # wall time as a user runs it: curves from scratch, default threads
            with tempfile.TemporaryDirectory() as empty:
                t0 = time.perf_counter()
                fresh = evaluate_instances(train_i, config, baselines=False, cache_dir=empty,
                                           n_jobs=1, progress=False)
                summarize(fresh, [], config)
                times["dalgo curves + cv selection"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        a_tpe = tpe_alpha(train_i, args.trials, seed=rep)
        t_tpe = time.perf_counter() - t0
        if rep == 0:
            times[f"TPE, {args.trials} trials"] = t_tpe
        cv = summarize(train_r, [], config)
        exact = summarize(train_r, [], config, selection="exact")
        alphas = {"dalgo cv": cv.alpha, "dalgo exact ERM": exact.alpha, "TPE": a_tpe,
                  "k-means++": 2.0}
        rows.append({k: held(a) for k, a in alphas.items()} | {"_alphas": alphas,
                                                                "_rule": cv.selected_rule})
    return rows, times, float(test_mean.min())


def report(all_rows, args):
    lines = ["# dalgo's selection vs Optuna TPE (held-out loss)\n",
             f"`python benchmarks/bench_selection_tpe.py --datasets {' '.join(args.datasets)} "
             f"--reps {args.reps} --n-train {args.n_train} --trials {args.trials}` — "
             f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the "
             "end.\n",
             f"Training sets of {args.n_train} instances, {args.reps} per data set; every α "
             f"judged on the same {args.n_test} held-out instances and z. Mean over training "
             "sets of the held-out loss (± s.e. over training sets); 'vs TPE' is the paired "
             "difference TPE − dalgo cv (positive: dalgo better).\n",
             "| data set | dalgo cv | dalgo exact ERM | TPE | k-means++ | vs TPE | chosen "
             "rules | wall: dalgo / TPE (s, first set) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, (rows, times, _) in all_rows.items():
        cells = []
        for key in ("dalgo cv", "dalgo exact ERM", "TPE", "k-means++"):
            m, s = mean_se([r[key].mean() for r in rows])
            cells.append(f"{m:.4f} ± {s:.4f}")
        d, ds = paired_mean_se([r["TPE"].mean() for r in rows],
                               [r["dalgo cv"].mean() for r in rows])
        rules = ", ".join(sorted({r["_rule"] for r in rows}))
        t = list(times.values())
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {d:+.4f} ± {ds:.4f} | {rules} "
                     f"| {t[0]:.1f} / {t[1]:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=["gaussian_grid", "digits"])
    p.add_argument("--pool", type=int, default=1100)
    p.add_argument("--n-test", type=int, default=500)
    p.add_argument("--n-train", type=int, default=30)
    p.add_argument("--reps", type=int, default=4)
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    all_rows = {}
    for name in args.datasets:
        all_rows[name] = run(name, args)
        print(report({name: all_rows[name]}, args).splitlines()[-1], flush=True)
    text = report(all_rows, args)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
