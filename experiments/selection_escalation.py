"""More seeding draws only where the nested check was undecided: a counterfactual (issue 11).

``benchmarks/bench_selection_tpe.py --n-draws 1 8`` scored dalgo's default selection with one
and with eight seeding draws per training instance on the same training sets (their pool
indices are in its JSON, with every held-out mean). A policy that pays for the eight draws
only when they can change the answer would run one draw first and escalate to eight when the
nested check overruled the one-s.e. rule (``Selected.guarded``: a candidate beat k-means++ in
cross-validation, but the nested cross-validation of the whole selection did not confirm it).

Its held-out loss needs no new curves of the held-out instances: on a training set where the
one-draw selection was guarded it is the eight-draw column's, elsewhere the one-draw column's.
What is recomputed is the one-draw selection of every training set (its curves from scratch,
30 instances per set), to learn whether it was guarded; its choice is checked against the
rule the benchmark recorded.

Output: ``selection_escalation.json`` in ``--out-dir`` and a table on stdout, per data set:
the share of training sets escalated, the mean held-out loss of one draw, of the escalation
policy and of eight draws, TPE's, and TPE − policy paired over training sets (positive:
dalgo better).

Usage::

    python experiments/selection_escalation.py   # reads docs/results/bench_selection_tpe_draws.json
    python experiments/selection_escalation.py --smoke --bench-json B.json --out-dir /tmp/x
"""

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import read_json, write_json
from dalgo.stats import mean_se, paired_mean_se
from dalgo.tuning import evaluate_instances
from dalgo.tuning.model_selection import cross_validate

ONE, EIGHT, TPE = "dalgo cv", "dalgo cv, n_draws=8", "TPE"
BENCH_JSON = C.RESULTS / "bench_selection_tpe_draws.json"


def bench_datasets(doc):
    """Data set name → its entry, over the benchmark's runs (a later run wins)."""
    runs = doc["runs"].values() if "runs" in doc else [doc]
    out = {}
    for run in runs:
        out.update(run["datasets"])
    return out


def one_draw_selection(name, pick, data_dir, smoke):
    """The default selection (one draw) on the training instances at ``pick``."""
    config = C.tune_config()
    instances = C.pool_instances(name, pick, data_dir, smoke=smoke)
    results = evaluate_instances(instances, config, baselines=False, n_jobs=1, progress=False)
    report = cross_validate(results, config)
    return report.candidates[report.selected].rule, report.outcome.guarded


def escalation(name, entry, data_dir, smoke, log):
    rows = []
    for r, row in enumerate(entry["rows"]):
        t0 = time.perf_counter()
        chosen, guarded = one_draw_selection(name, row["pick"], data_dir, smoke)
        rule = row["rules"][ONE]
        if chosen != rule:
            raise RuntimeError(f"{name}, training set {r}: the one-draw selection is {chosen}, "
                               f"the benchmark recorded {rule}; not the same curves")
        held = row["held_out"]
        rows.append({"guarded": bool(guarded), "rule": rule, "one_draw": held[ONE],
                     "eight_draws": held[EIGHT], "tpe": held[TPE],
                     "escalated": held[EIGHT] if guarded else held[ONE]})
        log(f"{name} set {r}: guarded={guarded} ({time.perf_counter() - t0:.1f} s)")
    col = {k: np.array([row[k] for row in rows]) for k in
           ("one_draw", "escalated", "eight_draws", "tpe")}
    summary = {k: dict(zip(("mean", "se"), mean_se(v))) for k, v in col.items()}
    for k in ("one_draw", "escalated", "eight_draws"):
        d, s = paired_mean_se(col["tpe"], col[k])
        summary[f"tpe_minus_{k}"] = {"mean": d, "se": s}
    summary["n_escalated"] = int(sum(row["guarded"] for row in rows))
    return {"rows": rows, "summary": summary}


def table(out):
    lines = ["| data set | escalated | 1 draw | escalation | 8 draws | TPE | TPE − 1 draw | "
             "TPE − escalation | TPE − 8 draws |", "|" + "---|" * 9]
    for name, res in out.items():
        s, n = res["summary"], len(res["rows"])
        diff = [f"{s[k]['mean']:+.4f} ± {s[k]['se']:.4f}" for k in
                ("tpe_minus_one_draw", "tpe_minus_escalated", "tpe_minus_eight_draws")]
        lines.append(f"| {name} | {s['n_escalated']}/{n} | " + " | ".join(
            f"{s[k]['mean']:.4f}" for k in ("one_draw", "escalated", "eight_draws", "tpe"))
            + " | " + " | ".join(diff) + " |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    C.common_args(p, cache=False)
    p.add_argument("--bench-json", default=str(BENCH_JSON),
                   help="the JSON of bench_selection_tpe.py run with --n-draws 1 8")
    p.add_argument("--datasets", nargs="+", default=None, help="default: all in the JSON")
    args = p.parse_args(argv)
    log = C.logger("escalation")
    entries = bench_datasets(read_json(args.bench_json))
    names = args.datasets or list(entries)
    missing = [n for n in names if n not in entries]
    if missing:
        p.error(f"{args.bench_json} has no data set {missing}")
    for n in names:
        if EIGHT not in entries[n]["rows"][0]["held_out"]:
            p.error(f"{args.bench_json}: {n} was not run with --n-draws 1 8")
    out = {n: escalation(n, entries[n], args.data_dir, args.smoke, log) for n in names}
    path = Path(args.out_dir) / "selection_escalation.json"
    write_json(path, {"bench_json": str(args.bench_json), "datasets": out})
    print(table(out))
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
