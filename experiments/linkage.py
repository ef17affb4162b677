"""α-linkage against the classical linkages and against tuned Lloyd's (issue 15).

Per protocol data set (:func:`dalgo.protocols.protocol_distribution`, ``--per-class`` points
per class), ``--n-train`` + ``--n-test`` instances of its fixed stream are evaluated once per
family through the tuning pipeline (:func:`dalgo.tuning.evaluate_instances`, cached):

* ``linkage-minmax``: the exact Hamming-loss curve of α·min + (1 − α)·max linkage on
  α ∈ [0, 1], with single, complete and average linkage run directly;
* ``lloyd``: the exact curve of d^α seeding + Lloyd's (β = 2) on α ∈ [0, ∞], with
  α ∈ {0, 1, 2, ∞} run directly (same z).

Each family is tuned on the training instances with dalgo's default selection
(:func:`dalgo.tuning.summarize`: 5-fold cross-validation, one-s.e. rule) and assessed on the
held-out instances: tuned linkage against single / complete / average, and the tuned
linkage against the tuned Lloyd's — paired differences over the same test instances
(:func:`dalgo.stats.paired_mean_se`; positive = the tuned linkage is better).

Then the size and time of the exact linkage tree against n on MNIST
(:func:`dalgo.linkage.execution_tree`, k = 5, n = 5 × per class).

Usage::

    python experiments/linkage.py                     # five data sets, 5 × 40 points, 40 + 40
    python experiments/linkage.py --datasets mnist --tree-n 100 200 300 500
    python experiments/linkage.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.jsonio import write_json
from dalgo.linkage import execution_tree
from dalgo.protocols import protocol_distribution
from dalgo.stats import mean_se, paired_mean_se
from dalgo.tuning import TuneConfig, evaluate_instances, summarize

LINKAGE = TuneConfig(family="linkage-minmax")
LLOYD = TuneConfig(alpha_range=(0.0, np.inf), betas=(2.0,))


def compare(name, args, log):
    """Tuned linkage vs its baselines and vs tuned Lloyd's on one data set."""
    dist = protocol_distribution(name, args.data_dir, n_per_class=args.per_class)
    n_train, n_test = args.n_train, args.n_test
    instances = dist.sample(n_train + n_test, random_state=C.SEEDS[name])
    out = {"dataset": name, "n_samples": int(instances[0].n_samples),
           "n_clusters": int(instances[0].n_clusters), "n_train": n_train, "n_test": n_test}
    tuned = {}
    for label, config in (("linkage", LINKAGE), ("lloyd", LLOYD)):
        t0 = time.perf_counter()
        results = evaluate_instances(instances, config, baselines=[False] * n_train
                                     + [True] * n_test, cache_dir=args.cache,
                                     n_jobs=args.n_jobs, progress=False)
        res = summarize(results[:n_train], results[n_train:], config)
        tuned[label] = [r.curve(res.beta)(res.alpha) for r in results[n_train:]]
        out[label] = {
            "alpha": res.alpha, "rule": res.selected_rule, "test_loss": res.test_loss,
            "test_se": res.test_se, "cv_loss": res.cv_loss, "cv_se": res.cv_se,
            "baselines": res.baselines, "comparisons": res.comparisons,
            "pieces_per_instance": float(np.mean(res.n_leaves["train"])),
            "seconds": time.perf_counter() - t0}
        log(f"{name} {label}: alpha={res.alpha:.4g} [{res.selected_rule}] test "
            f"{res.test_loss:.4f} ± {res.test_se:.4f} ({out[label]['seconds']:.0f} s)")
    d, se = paired_mean_se(tuned["lloyd"], tuned["linkage"])
    out["lloyd_minus_linkage"] = {"mean_diff": d, "se": se}
    return out


def tree_sizes(args, log):
    """Pieces, nodes, width and seconds of the exact MNIST tree against n."""
    rows = []
    warm = protocol_distribution("mnist", args.data_dir, n_per_class=2).sample(1, random_state=0)
    execution_tree(warm[0].X, warm[0].n_clusters)  # compile the kernels before timing
    for n in args.tree_n:
        dist = protocol_distribution("mnist", args.data_dir, n_per_class=n // 5)
        stats = []
        for inst in dist.sample(args.tree_reps, random_state=C.SEEDS["mnist"] + n):
            tree = execution_tree(inst.X, inst.n_clusters)
            stats.append((len(tree.pieces), tree.n_nodes, tree.max_width, tree.seconds))
        s = np.array(stats, dtype=float)
        row = {"n": int(n), "reps": len(stats)}
        for j, key in enumerate(("pieces", "nodes", "width", "seconds")):
            row[key], row[key + "_se"] = mean_se(s[:, j])
        row["seconds_max"] = float(s[:, 3].max())
        rows.append(row)
        log(f"mnist tree n={n}: {row['pieces']:.0f} pieces, {row['nodes']:.0f} nodes, "
            f"width {row['width']:.0f}, {row['seconds']:.2f} s (max {row['seconds_max']:.2f})")
    return rows


def markdown(doc):
    """The tables of docs/results.md."""
    lines = ["| data set | n, k | tuned linkage α [rule] | tuned linkage | single | complete | "
             "average | tuned Lloyd's α | tuned Lloyd's | Lloyd's − linkage |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in doc["datasets"]:
        lk, ll = r["linkage"], r["lloyd"]

        def cell(label, lk=lk):
            b, c = lk["baselines"][label], lk["comparisons"][label]
            return (f"{b['test_loss']:.3f} ± {b['test_se']:.3f} "
                    f"({c['mean_diff']:+.3f} ± {c['se']:.3f})")

        d = r["lloyd_minus_linkage"]
        lines.append(
            f"| {r['dataset']} | {r['n_samples']}, {r['n_clusters']} | {lk['alpha']:.3g} "
            f"[{lk['rule']}] | {lk['test_loss']:.3f} ± {lk['test_se']:.3f} | {cell('single')} "
            f"| {cell('complete')} | {cell('average')} | {ll['alpha']:.3g} [{ll['rule']}] | "
            f"{ll['test_loss']:.3f} ± {ll['test_se']:.3f} | {d['mean_diff']:+.3f} ± "
            f"{d['se']:.3f} |")
    lines += ["", "| n | instances | pieces | tree nodes | max width | seconds (mean) | "
              "seconds (max) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for t in doc["tree_sizes"]:
        lines.append(f"| {t['n']} | {t['reps']} | {t['pieces']:.0f} ± {t['pieces_se']:.0f} | "
                     f"{t['nodes']:.0f} | {t['width']:.0f} | {t['seconds']:.2f} | "
                     f"{t['seconds_max']:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = C.common_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--datasets", nargs="+", default=list(C.DATASETS))
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--n-train", type=int, default=40)
    parser.add_argument("--n-test", type=int, default=40)
    parser.add_argument("--tree-n", type=int, nargs="*", default=[100, 200, 300, 500])
    parser.add_argument("--tree-reps", type=int, default=3)
    args = parser.parse_args(argv)
    if args.smoke:
        args.per_class, args.n_train, args.n_test = 8, 4, 4
        args.tree_n, args.tree_reps = [20, 40], 1
    log = C.logger("linkage")
    t0 = time.perf_counter()
    doc = {"per_class": args.per_class, "datasets": [compare(name, args, log)
                                                     for name in args.datasets]}
    doc["tree_sizes"] = tree_sizes(args, log)
    doc["total_seconds"] = time.perf_counter() - t0
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "linkage.json", doc)
    table = markdown(doc)
    (out / "linkage.md").write_text(table + "\n")
    print(table)
    log(f"done in {doc['total_seconds']:.0f} s; wrote {out / 'linkage.json'}")
    return doc


if __name__ == "__main__":
    main()
