"""Validate dalgo's zero-cost proxies on real NB201 networks.

For NB201 architectures drawn (seeded) from the NAS-Bench-Suite-Zero file
``nas/naslib_zc/zc_nasbench201.json`` (cifar10 split), compute the 13 proxies with
:func:`dalgo.nas.zero_cost` on one 32-image CIFAR-10 minibatch at initialisation, then
report per proxy:

* Spearman rho with the precomputed NAS-Bench-Suite-Zero value of the same architecture;
* Spearman rho and Kendall tau with the true CIFAR-10 test accuracy of the 15,625-cell
  table (``nas/nb201_cifar10_nwot/arch_score_acc.csv``) and with the file's
  ``val_accuracy``;
* median wall time per architecture (ours, one process) against the median ``time``
  field of the precomputed file.

The output JSON is rewritten every few architectures, so a run stopped by
``--max-minutes`` still leaves a complete summary of what was computed.

Usage::

    python experiments/nas_zc_validation.py                  # 500 archs
    python experiments/nas_zc_validation.py --smoke --out /tmp/x.json
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from dalgo.nas import find_nas_file  # noqa: E402
from dalgo.nas.spaces import NB201  # noqa: E402
from dalgo.nas.zero_cost import PROXIES, load_cifar10_batch, zero_cost  # noqa: E402


def _spearman(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return None, int(ok.sum())
    return float(stats.spearmanr(a[ok], b[ok])[0]), int(ok.sum())


def _kendall(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return None
    return float(stats.kendalltau(a[ok], b[ok])[0])


def summarise(records, meta):
    out = {"meta": meta, "n_archs": len(records), "proxies": {}}
    for p in PROXIES:
        ours = [np.nan if r["ours"][p] is None else r["ours"][p] for r in records]
        ref = [np.nan if r["naslib"].get(p) is None else r["naslib"][p] for r in records]
        rho_ref, n_ref = _spearman(ours, ref)
        rho_acc, n_acc = _spearman(ours, [r["cifar10_test_acc"] for r in records])
        rho_val, _ = _spearman(ours, [r["val_accuracy"] for r in records])
        ref_acc, _ = _spearman(ref, [r["cifar10_test_acc"] for r in records])
        t_ours = [r["time"][p] for r in records]
        t_ref = [r["naslib_time"][p] for r in records if p in r["naslib_time"]]
        out["proxies"][p] = {
            "spearman_vs_naslib": rho_ref,
            "n_vs_naslib": n_ref,
            "spearman_vs_test_acc": rho_acc,
            "kendall_vs_test_acc": _kendall(ours, [r["cifar10_test_acc"] for r in records]),
            "n_vs_test_acc": n_acc,
            "spearman_vs_val_accuracy": rho_val,
            "naslib_spearman_vs_test_acc": ref_acc,
            "median_time_s": float(np.median(t_ours)) if t_ours else None,
            "naslib_median_time_s": float(np.median(t_ref)) if t_ref else None,
            "n_nan": int(np.sum(~np.isfinite(np.asarray(ours, float)))),
        }
    tot = [sum(r["time"].values()) for r in records]
    out["median_total_time_per_arch_s"] = float(np.median(tot)) if tot else None
    # strict JSON: a non-finite score (e.g. zen = -inf for a cell that cuts the input off)
    # is written as null
    clean = lambda d: {k: (v if v is None or np.isfinite(v) else None) for k, v in d.items()}  # noqa: E731
    out["records"] = [dict(r, ours=clean(r["ours"]), naslib=clean(r["naslib"])) for r in records]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-archs", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (one process)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="stop after this wall time and summarise what was computed")
    ap.add_argument("--smoke", action="store_true", help="3 tiny archs, for tests")
    ap.add_argument("--resume", default=None,
                    help="JSON of an earlier run: keep its records, compute only the rest")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--out", default=str(ROOT / "docs" / "results" / "nas_zc_validation.json"))
    args = ap.parse_args(argv)

    n_archs, C, n_cells, bs = args.n_archs, 16, 5, args.batch_size
    if args.smoke:
        n_archs, C, n_cells, bs = 3, 4, 1, 8

    zc = json.loads(find_nas_file("naslib_zc/zc_nasbench201.json", args.data_dir).read_text())
    zc = zc["cifar10"]
    acc = {}
    with open(find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv", args.data_dir)) as fh:
        for row in csv.DictReader(fh):
            acc[row["arch_str"]] = float(row["cifar10_test_acc"])
    space = NB201()
    keys = sorted(zc)
    order = np.random.default_rng(args.seed).permutation(len(keys))[:n_archs]
    data = load_cifar10_batch(bs, random_state=args.seed, data_dir=args.data_dir)

    meta = {
        "command": "python experiments/nas_zc_validation.py " + " ".join(argv or sys.argv[1:]),
        "n_requested": n_archs, "batch_size": bs, "C": C, "n_cells": n_cells,
        "torch_threads": args.threads, "seed": args.seed,
        "machine": platform.processor() or platform.machine(),
        "note": "naslib times are the 'time' fields of zc_nasbench201.json (their hardware); "
                "ours exclude network construction (one deepcopy per proxy, untimed).",
    }
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    records = []
    if args.resume:
        prev = json.loads(Path(args.resume).read_text())
        records = list(prev["records"])
        meta["resumed_from"] = {"path": str(args.resume), "n_archs": len(records),
                                "elapsed_minutes": prev["meta"].get("elapsed_minutes")}
    done = {r["key"] for r in records}
    t_start = time.perf_counter()
    for count, i in enumerate(order, start=1):
        key = keys[i]
        if key in done:
            continue
        arch = space.to_string(tuple(int(v) for v in key.strip("()").split(",")))
        scores, times = zero_cost(arch, data=data, random_state=args.seed, C=C, n_cells=n_cells,
                                  n_threads=args.threads, return_times=True)
        entry = zc[key]
        records.append({
            "key": key, "arch": arch, "ours": scores, "time": times,
            "naslib": {p: entry[p]["score"] for p in PROXIES if p in entry},
            "naslib_time": {p: entry[p]["time"] for p in PROXIES if p in entry},
            "val_accuracy": entry["val_accuracy"], "cifar10_test_acc": acc[arch],
        })
        elapsed = (time.perf_counter() - t_start) / 60
        if count % 10 == 0 or count == len(order):
            rss = _rss_mb()
            if rss is not None:  # one process, no restarts: memory must stay flat
                meta.setdefault("rss_mb", []).append([count, round(rss, 1)])
            meta["elapsed_minutes"] = elapsed
            out_path.write_text(json.dumps(summarise(records, meta), indent=1))
            print(f"{count}/{len(order)} archs, {elapsed:.1f} min", flush=True)
        if args.max_minutes is not None and elapsed > args.max_minutes:
            meta["stopped_early"] = f"--max-minutes {args.max_minutes} reached after {count} archs"
            break
    meta["elapsed_minutes"] = (time.perf_counter() - t_start) / 60
    out_path.write_text(json.dumps(summarise(records, meta), indent=1))
    print(f"wrote {out_path} ({len(records)} archs)")
    return 0


def _rss_mb():
    """Resident set size of this process in MB (None without psutil)."""
    try:
        import psutil
    except ImportError:
        return None
    return psutil.Process().memory_info().rss / 1e6


if __name__ == "__main__":
    raise SystemExit(main())
