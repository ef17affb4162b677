"""Benchmark: the execution tree's leaf searches, shared versus independent.

For one instance per (data set, centre, β) the execution tree's leaves are
enumerated (α ∈ [0, ∞]); then

* shared: one :class:`dalgo.local_search.SharedLocalSearch` runs every leaf
  (what ``loss_curve`` / ``tune`` do);
* independent: ``local_search`` from each leaf's seeds, one run at a time (what
  the tree did before), timed on a random subset of leaves and extrapolated
  to all of them.

Every timed independent run is compared with the shared result (labels,
centres, iterations, cost: bit for bit); a mismatch aborts the benchmark.
Reported: leaves, CPU seconds of both, the ratio shared / independent, and how
many runs ended on a remembered partition.

Run from the repository root::

    python benchmarks/bench_shared_search.py                 # ~5 min
    python benchmarks/bench_shared_search.py --quick         # Gaussian grid + digits only

Instances come from ``experiments/common.py`` (the protocol of docs/conventions.md; MNIST,
CIFAR-10 and CNAE-9 from ``--data-dir``).  Times are CPU seconds of this
process (``time.process_time``; everything timed is single-threaded).
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "experiments"))

import common as C  # noqa: E402

from dalgo import SharedLocalSearch, alpha_pieces, local_search  # noqa: E402

# β = 2 is absent: its runs do not share (plan_local_search's ``shareable`` is False;
# remembering partitions cost more than it saved, docs/results/bench_checkouts.md)
CASES = [  # (data set, centre, β, independent runs timed)
    ("gaussian_grid", "euclidean", 1.0, 100),
    ("gaussian_grid", "euclidean", 3.0, 100),
    ("gaussian_grid", "medoid", 1.0, 100),
    ("digits", "euclidean", 1.0, 15),
    ("digits", "medoid", 1.0, 20),
    ("digits", "medoid", 3.0, 20),
    ("cnae9", "medoid", 1.0, 10),
    ("mnist", "euclidean", 1.0, 4),
    ("mnist", "medoid", 2.0, 10),
    ("cifar10", "medoid", 3.0, 5),
]
QUICK = {"gaussian_grid", "digits"}


def same(a, b):
    return (np.array_equal(a.labels, b.labels)
            and (a.centers is None or np.array_equal(a.centers, b.centers))
            and a.n_iter == b.n_iter and a.cost == b.cost and a.converged == b.converged)


def warm_up(X, k, center, beta):
    """Compile (or load) both paths' kernels outside the timed regions, on the instance's
    own arrays (a toy array of another layout would leave its types to compile later)."""
    seeds = np.arange(k)
    SharedLocalSearch(X, beta=beta, center=center).run(seeds)
    local_search(X, seeds, beta=beta, center=center)


def run_case(name, center, beta, n_direct, data_dir, seed=0):
    inst = C.pool(name, 1, data_dir)[0]
    X = inst.X
    warm_up(X, inst.n_clusters, center, beta)
    pieces = alpha_pieces(X, inst.n_clusters, inst.z, alpha_range=(0.0, np.inf))
    shared = SharedLocalSearch(X, beta=beta, center=center)  # builds what its plan needs
    t0 = time.process_time()
    results = [shared.run(p.seeds) for p in pieces]
    t_shared = time.process_time() - t0
    pick = np.random.default_rng(seed).choice(len(pieces), min(n_direct, len(pieces)),
                                              replace=False)
    t0 = time.process_time()
    direct = [local_search(X, pieces[i].seeds, beta=beta, center=center) for i in pick]
    t_direct = (time.process_time() - t0) / len(pick) * len(pieces)
    for i, d in zip(pick, direct):
        if not same(results[i], d):
            raise AssertionError(f"{name} {center} β={beta}: leaf {i} differs")
    return {"dataset": name, "n": X.shape[0], "d": X.shape[1], "k": inst.n_clusters,
            "center": center, "beta": beta, "leaves": len(pieces), "shared_s": t_shared,
            "independent_s": t_direct, "timed_independent": len(pick),
            "ended_on_known_partition": shared.n_shared}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default=C.DEFAULT_DATA_DIR)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=str(REPO / "docs" / "results" / "bench_shared_search.md"))
    args = p.parse_args(argv)
    rows = []
    for name, center, beta, n_direct in CASES:
        if args.quick and name not in QUICK:
            continue
        r = run_case(name, center, beta, n_direct, args.data_dir)
        rows.append(r)
        print(f"{name:14s} {center:9s} β={beta:g}: {r['leaves']} leaves, shared "
              f"{r['shared_s']:.2f} s, independent {r['independent_s']:.1f} s "
              f"(ratio {r['shared_s'] / r['independent_s']:.3f})", flush=True)
    lines = [
        "# Shared versus independent leaf searches",
        "",
        f"`python benchmarks/bench_shared_search.py{' --quick' if args.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end. CPU "
        "seconds for all leaves of one instance (α ∈ [0, ∞]); independent runs timed on "
        "the stated number of leaves and extrapolated; every timed leaf was bit-identical "
        "to its shared result.",
        "",
        "| data set | n × d, k | centres | β | leaves | shared (s) | independent (s) | "
        "ratio | runs ending on a known partition | independent runs timed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['n']} × {r['d']}, {r['k']} | {r['center']} | {r['beta']:g} | "
            f"{r['leaves']} | {r['shared_s']:.2f} | {r['independent_s']:.1f} | "
            f"{r['shared_s'] / r['independent_s']:.3f} | {r['ended_on_known_partition']} | "
            f"{r['timed_independent']} |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
