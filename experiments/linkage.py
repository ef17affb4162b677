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

And the benchmark suite's batteries, leave one data set out (``--suite``): every data set
of the suite (noise points of the reference partition dropped) with more than
``--suite-max-n`` points is subsampled to that many (a fixed random subset, seeded by its
name; k = the classes left), one instance per data set (Lloyd's with z seeded by its name).
For each data set D of a battery, both families are tuned with the default selection on
the other data sets of the battery and judged on D: the tuned linkage against single,
complete and average linkage on D, and against the tuned Lloyd's on D, paired over the
battery's data sets.

Usage::

    python experiments/linkage.py                     # five data sets, 5 × 40 points, 40 + 40
    python experiments/linkage.py --datasets mnist --tree-n 100 200 300 500
    python experiments/linkage.py --datasets --tree-n --suite       # the suite batteries only
    python experiments/linkage.py --smoke --out-dir /tmp/x --cache /tmp/xc
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import common as C
import numpy as np

from dalgo.datasets import list_clustering_benchmarks, load_clustering_benchmark
from dalgo.instances import Instance
from dalgo.jsonio import write_json
from dalgo.linkage import execution_tree
from dalgo.protocols import protocol_distribution
from dalgo.seeding import draw_z
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


def _name_seed(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def suite_instances(args, log):
    """One instance per suite data set, subsampled to ``--suite-max-n`` points."""
    by_battery = {}
    for battery, name in list_clustering_benchmarks(args.data_dir):
        try:
            ds = load_clustering_benchmark(battery, name, args.data_dir, labels=0,
                                           drop_noise=True)
        except (FileNotFoundError, ValueError) as exc:
            log(f"skipped {battery}/{name}: {exc}")
            continue
        X, y = ds.X, ds.y
        if X.shape[0] > args.suite_max_n:
            rng = np.random.default_rng(_name_seed(f"{battery}/{name}/subset"))
            keep = np.sort(rng.choice(X.shape[0], args.suite_max_n, replace=False))
            X, y = X[keep], y[keep]
        k = int(np.unique(y).size)
        if k < 2 or np.unique(X, axis=0).shape[0] < k:
            log(f"skipped {battery}/{name}: fewer than 2 classes or distinct points")
            continue
        z = draw_z(k, _name_seed(f"{battery}/{name}/z"))
        by_battery.setdefault(battery, []).append(Instance(X, y, k, z, f"{battery}/{name}"))
    return by_battery


def suite(args, log):
    """Leave one data set out per battery: tuned linkage vs its baselines and tuned Lloyd's."""
    out = {}
    for battery, insts in suite_instances(args, log).items():
        if len(insts) < 3:
            continue
        results = {label: evaluate_instances(insts, config, baselines=True,
                                             cache_dir=args.cache, n_jobs=args.n_jobs,
                                             progress=False)
                   for label, config in (("linkage", LINKAGE), ("lloyd", LLOYD))}
        rows = []
        for j, inst in enumerate(insts):
            row = {"dataset": inst.name, "n": int(inst.n_samples), "k": int(inst.n_clusters)}
            for label, config in (("linkage", LINKAGE), ("lloyd", LLOYD)):
                train = [r for i, r in enumerate(results[label]) if i != j]
                res = summarize(train, [], config, uniform_bound=False)
                held = results[label][j]
                row[label] = {"alpha": res.alpha, "rule": res.selected_rule,
                              "loss": float(held.curve(res.beta)(res.alpha))}
            for b in ("single", "complete", "average"):
                row[b] = float(results["linkage"][j].baseline(b, 2.0))
            rows.append(row)
        tuned = [r["linkage"]["loss"] for r in rows]
        summary = {"datasets": rows, "tuned_linkage": mean_se(tuned),
                   "lloyd_minus_linkage": paired_mean_se([r["lloyd"]["loss"] for r in rows],
                                                         tuned)}
        for b in ("single", "complete", "average"):
            summary[b] = mean_se([r[b] for r in rows])
            summary[f"{b}_minus_linkage"] = paired_mean_se([r[b] for r in rows], tuned)
        summary["tuned_lloyd"] = mean_se([r["lloyd"]["loss"] for r in rows])
        out[battery] = summary
        log(f"suite {battery}: {len(rows)} sets, tuned linkage {summary['tuned_linkage'][0]:.4f}"
            f", complete {summary['complete'][0]:.4f}, tuned Lloyd's "
            f"{summary['tuned_lloyd'][0]:.4f}")
    return out


def suite_markdown(doc):
    lines = ["| battery | data sets | tuned linkage (LODO) | single | complete | average | "
             "tuned Lloyd's (LODO) | complete − linkage | average − linkage | "
             "Lloyd's − linkage |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for battery, s in doc.items():
        f = "{0:.3f} ± {1:.3f}".format
        d = "{0:+.3f} ± {1:.3f}".format
        lines.append(f"| {battery} | {len(s['datasets'])} | {f(*s['tuned_linkage'])} | "
                     f"{f(*s['single'])} | {f(*s['complete'])} | {f(*s['average'])} | "
                     f"{f(*s['tuned_lloyd'])} | {d(*s['complete_minus_linkage'])} | "
                     f"{d(*s['average_minus_linkage'])} | {d(*s['lloyd_minus_linkage'])} |")
    return "\n".join(lines)


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
    parser.add_argument("--datasets", nargs="*", default=list(C.DATASETS))
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--n-train", type=int, default=40)
    parser.add_argument("--n-test", type=int, default=40)
    parser.add_argument("--tree-n", type=int, nargs="*", default=[100, 200, 300, 500])
    parser.add_argument("--tree-reps", type=int, default=3)
    parser.add_argument("--suite", action="store_true",
                        help="also the benchmark suite's batteries, leave one data set out")
    parser.add_argument("--suite-max-n", type=int, default=300,
                        help="larger suite data sets are subsampled to this many points")
    args = parser.parse_args(argv)
    if args.smoke:
        args.per_class, args.n_train, args.n_test = 8, 4, 4
        args.tree_n, args.tree_reps = ([20, 40] if args.tree_n else []), 1
        args.suite_max_n = min(args.suite_max_n, 30)
    log = C.logger("linkage")
    t0 = time.perf_counter()
    doc = {"per_class": args.per_class, "datasets": [compare(name, args, log)
                                                     for name in args.datasets]}
    doc["tree_sizes"] = tree_sizes(args, log)
    doc["total_seconds"] = time.perf_counter() - t0
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if args.datasets or args.tree_n:
        write_json(out / "linkage.json", doc)
        table = markdown(doc)
        (out / "linkage.md").write_text(table + "\n")
        print(table)
    if args.suite:
        t1 = time.perf_counter()
        suite_doc = {"suite_max_n": args.suite_max_n, "batteries": suite(args, log)}
        suite_doc["seconds"] = time.perf_counter() - t1
        write_json(out / "linkage_suite.json", suite_doc)
        suite_table = suite_markdown(suite_doc["batteries"])
        (out / "linkage_suite.md").write_text(suite_table + "\n")
        print(suite_table)
    log(f"done in {time.perf_counter() - t0:.0f} s")
    return doc


if __name__ == "__main__":
    main()
