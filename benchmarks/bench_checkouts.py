"""Benchmark: exact loss curves, timed in two or more checkouts of dalgo, interleaved.

An internal change (the assignment step's distance bounds of issue 12, say) has no
competitor in the same process: its competitor is the code before it. This script runs
the same curves with each given checkout in a fresh interpreter (``PYTHONPATH`` = the
checkout; numba's cache warmed by one untimed call first), ``--reps`` times in turn, and
reports per checkout the median wall seconds of the trees, the leaf searches and the whole
calls (summed over the instances), each side's default threads, and a hash of the curves:
the hashes must agree, since such a change must not alter a single breakpoint or value.

``--n-instances N`` times N curves in one interpreter: one digits curve takes a few
hundredths of a second, too short to resolve a 5 % change, twenty of them do.

The instance is a data set of the clustering benchmark suite (``--dataset battery/name``,
noise points dropped, k = its number of clusters in ``labels0``) with the seeding draws
``z`` of seeds ``--seed`` … ``--seed + N − 1``, or ``--dataset gaussian_grid`` / ``digits`` /
… (protocol instances ``--seed`` … ``--seed + N − 1`` of the pool, ``experiments/common.py``);
β = 2, Euclidean centres, Hamming loss, α in ``--alpha``.

Run from the repository root, e.g. the commit before a change against the working tree::

    git worktree add /tmp/before HEAD~1
    python benchmarks/bench_checkouts.py /tmp/before . --dataset sipu/s1 --alpha 1.5 2.5
    python benchmarks/bench_checkouts.py /tmp/before . --dataset digits --alpha 0 inf \\
        --n-instances 20 --reps 3
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: What each checkout's interpreter runs: build the instance, warm up, time one curve.
CHILD = r"""
import hashlib, json, sys, time
import numpy as np
import dalgo
from dalgo.execution_tree import instance_loss_curves
from dalgo.instances import Instance
from dalgo.losses import get_loss
from dalgo.seeding import draw_z
args = json.loads(sys.argv[1])
seeds = range(args["seed"], args["seed"] + args["n_instances"])
if "/" in args["dataset"]:
    from dalgo.datasets import load_clustering_benchmark
    battery, name = args["dataset"].split("/")
    ds = load_clustering_benchmark(battery, name, args["data_dir"], labels=0, drop_noise=True)
    k = int(ds.n_classes)
    insts = [Instance(ds.X, ds.y, k, draw_z(k, s), args["dataset"]) for s in seeds]
else:
    sys.path.insert(0, args["experiments"])
    import common as C
    insts = C.pool_instances(args["dataset"], seeds, args["data_dir"])
loss = get_loss("hamming")
def curve(inst, alpha):
    t0 = time.perf_counter()
    curves, pieces, timing = instance_loss_curves(
        inst, loss_fn=loss, betas=[2.0], center="euclidean", alpha_range=alpha, max_iter=300)
    return curves[2.0], len(pieces), timing, time.perf_counter() - t0
lo = float(args["alpha"][0])
curve(insts[0], (lo, lo + 1e-3))  # compile or load every kernel before the clock starts
total = {"leaves": 0, "pieces": 0, "tree": 0.0, "search": 0.0, "wall": 0.0}
digest = hashlib.sha256()
for inst in insts:
    c, leaves, timing, wall = curve(inst, tuple(float(a) for a in args["alpha"]))
    digest.update(c.breakpoints.tobytes() + c.values.tobytes())
    for key, value in (("leaves", leaves), ("pieces", c.n_pieces), ("wall", wall),
                       ("tree", timing["tree_seconds"]), ("search", timing["search_seconds"])):
        total[key] += value
print(json.dumps({"dalgo": dalgo.__file__, **total, "hash": digest.hexdigest()[:16]}))
"""


def run_child(checkout, payload):
    env = dict(os.environ, PYTHONPATH=str(Path(checkout).resolve()))
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(payload)], env=env,
                          capture_output=True, text=True, check=False, cwd=str(checkout))
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the curve failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    expected = str(Path(checkout).resolve() / "dalgo")
    if not out["dalgo"].startswith(expected):
        raise SystemExit(f"{checkout}: imported dalgo from {out['dalgo']}, not from {expected}")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("checkouts", nargs="+", help="folders holding a dalgo checkout")
    p.add_argument("--dataset", default="sipu/s1")
    p.add_argument("--alpha", type=float, nargs=2, default=(1.5, 2.5))
    p.add_argument("--seed", type=int, default=12345,
                   help="seed of z (suite data sets) or index in the protocol pool")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--n-instances", type=int, default=1,
                   help="curves per run (seeds or pool indices --seed, --seed + 1, …)")
    p.add_argument("--data-dir", default=os.environ.get("DALGO_DATA")
                   or str(REPO.parent / "shared" / "data"))
    args = p.parse_args(argv)
    for c in args.checkouts:
        if not (Path(c) / "dalgo" / "__init__.py").is_file():
            p.error(f"{c} holds no dalgo checkout (no dalgo/__init__.py)")
    if args.n_instances < 1:
        p.error(f"--n-instances must be >= 1; got {args.n_instances}")
    payload = {"dataset": args.dataset, "alpha": list(args.alpha), "seed": args.seed,
               "n_instances": args.n_instances,
               "data_dir": args.data_dir, "experiments": str(REPO / "experiments")}
    runs = {c: [] for c in args.checkouts}
    load = [os.getloadavg()[0]]
    for _ in range(args.reps):
        for c in args.checkouts:
            runs[c].append(run_child(c, payload))
            load.append(os.getloadavg()[0])
    which = (f"z seed {args.seed}" if args.n_instances == 1 else
             f"{args.n_instances} instances from seed {args.seed}")
    print(f"{args.dataset}, α ∈ [{args.alpha[0]}, {args.alpha[1]}], {which}; "
          f"{args.reps} interleaved runs per checkout; load (1 min) {min(load):.2f}–"
          f"{max(load):.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| checkout | leaves | pieces | tree s | search s | wall s | curve hash |")
    print("|---|---|---|---|---|---|---|")
    for c, rs in runs.items():
        med = {key: float(np.median([r[key] for r in rs])) for key in ("tree", "search", "wall")}
        hashes = sorted({r["hash"] for r in rs})
        print(f"| {c} | {rs[0]['leaves']} | {rs[0]['pieces']} | {med['tree']:.2f} | "
              f"{med['search']:.2f} | {med['wall']:.2f} | {', '.join(hashes)} |")
    if len({r["hash"] for rs in runs.values() for r in rs}) != 1:
        raise SystemExit("the checkouts' curves differ")


if __name__ == "__main__":
    main()
