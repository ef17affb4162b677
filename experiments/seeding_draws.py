"""How many seeding draws z per instance? Variance against cost (issue 11, item 2).

``tune(..., n_draws=d)`` averages each instance's exact loss curve over d draws of the
seeding randomness z (:func:`dalgo.tuning.seeding_draws`). Whether that is worth its price
depends on how the noise of the mean training curve splits. For a training set of m
instances with d draws each, at every α

    Var(mean training loss) = (σ_b² + σ_w² / d) / m,

with σ_w² the variance over z within an instance and σ_b² the variance of the instances'
z-averaged losses. Extra draws only shrink σ_w²; extra instances shrink both. With a
per-instance cost c(d), a fixed budget buys m = budget / c(d) instances, so the variance per
unit of budget is proportional to (σ_b² + σ_w² / d) · c(d); the best d minimises it.

Per data set, ``--n-instances`` instances of the protocol stream (the training candidates of
the other experiments, so their first draw is cached) are evaluated with ``--draws`` seeding
draws each — draw j of an instance is exactly the z that ``n_draws > j`` would use — and the
two variance components are estimated on a grid of α (0, 0.25, …, 20 and ∞; unbiased:
σ_b² = Var(instance means) − σ_w² / d). The cost c(d) is the CPU time of
:func:`dalgo.tuning.evaluate_instance` with ``TuneConfig(n_draws=d)`` on ``--timing``
instances: CPU time (process time, so the ratio depends little on the machine's load) for
the budget, and beside it the wall time of the same one-process run, its default threads.

Outputs ``docs/results/seeding_draws.json``; prints a Markdown table.

Usage::

    python experiments/seeding_draws.py                               # digits, gaussian_grid
    python experiments/seeding_draws.py --datasets mnist --n-instances 30
    python experiments/seeding_draws.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import read_json, write_json
from dalgo.tuning import evaluate_instance, seeding_draws

GRID = np.concatenate([np.arange(0.0, 20.0 + 1e-9, 0.25), [np.inf]])
COSTED_DRAWS = (1, 2, 4)


def variance_components(losses):
    """σ_w² and σ_b² per grid point from ``losses`` of shape (instances, draws, grid)."""
    d = losses.shape[1]
    within = losses.var(axis=1, ddof=1).mean(axis=0)
    between = losses.mean(axis=1).var(axis=0, ddof=1) - within / d
    return within, np.maximum(between, 0.0)


def cost(instances, n_draws):
    """Mean CPU and wall seconds of one instance's evaluation with ``n_draws`` draws (no
    cache; one process, its default threads — as ``tune(n_jobs=1)`` runs it)."""
    config = C.tune_config()
    config = type(config).from_dict({**config.to_dict(), "n_draws": n_draws})
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for inst in instances:
        evaluate_instance(inst, config, baselines=False)
    n = len(instances)
    return (time.process_time() - cpu0) / n, (time.perf_counter() - wall0) / n


def study(name, args, log):
    insts = C.pool(name, 2 * args.n_instances, args.data_dir, smoke=args.smoke)[0::2]
    per_draw = [inst.with_z(z) if j else inst
                for inst in insts for j, z in enumerate(seeding_draws(inst, args.draws))]
    results = C.evaluate_pool(per_draw, cache_dir=args.cache, n_jobs=args.n_jobs, log=log)
    losses = np.array([r.curve(2.0)(GRID) for r in results]).reshape(
        len(insts), args.draws, GRID.size)
    within, between = variance_components(losses)
    at2 = int(np.flatnonzero(GRID == 2.0)[0])
    cost(insts[:1], 1)  # compile and warm up before timing
    costs = {d: cost(insts[:args.timing], d) for d in COSTED_DRAWS}
    rows = []
    for d in COSTED_DRAWS:
        # variance of the mean training curve per unit of CPU budget, relative to d = 1
        per_budget = (between + within / d) * costs[d][0]
        ref = (between + within) * costs[1][0]
        rows.append({"n_draws": d, "cpu_seconds_per_instance": costs[d][0],
                     "wall_seconds_per_instance": costs[d][1],
                     "relative_variance_per_budget_mean_over_grid":
                         float(np.mean(per_budget / np.where(ref > 0, ref, np.nan))),
                     "relative_variance_per_budget_at_alpha_2":
                         float(per_budget[at2] / ref[at2]) if ref[at2] > 0 else float("nan")})
        log(f"n_draws = {d}: {costs[d][0]:.2f} CPU s ({costs[d][1]:.2f} s wall) per instance, "
            f"variance per budget "
            f"{rows[-1]['relative_variance_per_budget_mean_over_grid']:.2f} × that of 1 draw")
    return {"dataset": name, "n_instances": len(insts), "draws": args.draws,
            "within_variance_mean": float(within.mean()),
            "between_variance_mean": float(between.mean()),
            "within_share_mean": float(np.mean(within / np.where(within + between > 0,
                                                                   within + between, np.nan))),
            "within_variance_at_alpha_2": float(within[at2]),
            "between_variance_at_alpha_2": float(between[at2]),
            "timing_instances": min(args.timing, len(insts)), "rows": rows}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    C.common_args(p)
    p.add_argument("--datasets", nargs="+", default=["digits", "gaussian_grid"],
                   choices=C.DATASETS)
    p.add_argument("--n-instances", type=int, default=40)
    p.add_argument("--draws", type=int, default=4, help="seeding draws per instance (≥ 2)")
    p.add_argument("--timing", type=int, default=5, help="instances timed per n_draws")
    args = p.parse_args(argv)
    if args.draws < 2:
        p.error("--draws must be at least 2 to separate the variance components")
    if args.smoke:
        args.n_instances, args.draws, args.timing = 4, 2, 1
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "seeding_draws.json"
    docs = read_json(path) if path.exists() else {}
    for name in args.datasets:
        docs[name] = study(name, args, C.logger(f"draws/{name}"))
        write_json(path, docs)
    print("| data set | σ_w² (within, over z) | σ_b² (between instances) | within share | "
          "CPU s / instance, d = 1 / 2 / 4 | wall s / instance, d = 1 / 2 / 4 | "
          "variance per budget, d = 2 / 4 (× d = 1) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.datasets:
        doc = docs[name]
        r = doc["rows"]
        print(f"| {name} | {doc['within_variance_mean']:.5f} | "
              f"{doc['between_variance_mean']:.5f} | {doc['within_share_mean']:.2f} | "
              + " / ".join(f"{x['cpu_seconds_per_instance']:.2f}" for x in r) + " | "
              + " / ".join(f"{x['wall_seconds_per_instance']:.2f}" for x in r) + " | "
              + " / ".join(f"{x['relative_variance_per_budget_mean_over_grid']:.2f}"
                           for x in r[1:]) + " |")


if __name__ == "__main__":
    main()
