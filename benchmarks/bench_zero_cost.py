"""Benchmark: the 13 zero-cost proxies of one NB201 architecture, per proxy.

Runs :func:`dalgo.nas.zero_cost` (32 CIFAR-10 images, the default batch, C=16, N=5) on a few NB201
architectures with ``--threads`` torch threads (default 2, the machine's cores), repeats
each ``--repeats`` times, and compares the median time per proxy with the median
``time`` field of NAS-Bench-Suite-Zero's ``zc_nasbench201.json`` (cifar10; their hardware,
so a rough reference only).  Writes a markdown table to ``docs/results/bench_zero_cost.md``
with the load average, since the machine is shared.

Usage::

    python benchmarks/bench_zero_cost.py [--threads 2] [--repeats 3] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dalgo.nas import find_nas_file  # noqa: E402
from dalgo.nas.zero_cost import PROXIES, load_cifar10_batch, zero_cost  # noqa: E402

ARCHS = {
    "small (pool/skip)": "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|"
                         "+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
    "medium": "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|"
              "+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    "large (best CIFAR-10 cell)": "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                                  "+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "docs" / "results" / "bench_zero_cost.md"))
    args = ap.parse_args(argv)

    ref = json.loads(find_nas_file("naslib_zc/zc_nasbench201.json").read_text())["cifar10"]
    ref_t = {p: float(np.median([v[p]["time"] for v in ref.values()]))
             for p in PROXIES if p in next(iter(ref.values()))}
    data = load_cifar10_batch(32, random_state=0)
    zero_cost(ARCHS["small (pool/skip)"], data=data, n_threads=args.threads)  # warm-up
    load0 = os.getloadavg()
    times = {name: {p: [] for p in PROXIES} for name in ARCHS}
    t0 = time.perf_counter()
    for _ in range(args.repeats):
        for name, arch in ARCHS.items():
            _, t = zero_cost(arch, data=data, n_threads=args.threads, return_times=True)
            for p in PROXIES:
                times[name][p].append(t[p])
    wall = time.perf_counter() - t0
    load1 = os.getloadavg()

    lines = [
        "# Zero-cost proxies: time per proxy per architecture",
        "",
        f"`python benchmarks/bench_zero_cost.py --threads {args.threads} --repeats {args.repeats}`"
        f" — {platform.machine()}, torch threads = {args.threads}, batch of 32 CIFAR-10 images,"
        f" NB201 C=16, N=5; median of {args.repeats} repeats; total {wall:.1f} s."
        f" Load average before/after: {load0[0]:.1f} / {load1[0]:.1f} (shared 2-core machine:"
        " other jobs inflate these times).",
        "",
        "Reference: median `time` field of `zc_nasbench201.json` (cifar10, 724 archs; "
        "NAS-Bench-Suite-Zero's hardware). ✓ = our median for the arch at or below it.",
        "",
        "| proxy | " + " | ".join(ARCHS) + " | reference median |",
        "|---|" + "---|" * (len(ARCHS) + 1),
    ]
    n_ok = 0
    for p in PROXIES:
        cells = []
        for name in ARCHS:
            m = float(np.median(times[name][p]))
            ok = p in ref_t and m <= ref_t[p]
            n_ok += ok
            cells.append(f"{m:.3f} s{' ✓' if ok else ''}")
        r = f"{ref_t[p]:.3f} s" if p in ref_t else "— (zen not in file)"
        lines.append(f"| {p} | " + " | ".join(cells) + f" | {r} |")
    tot = [sum(float(np.median(times[n][p])) for p in PROXIES) for n in ARCHS]
    lines.append("| **all 13** | " + " | ".join(f"**{t:.2f} s**" for t in tot)
                 + f" | {sum(ref_t.values()):.2f} s (12 proxies) |")
    lines.append("")
    lines.append(f"{n_ok} of {len(ref_t) * len(ARCHS)} (proxy, arch) medians are at or below "
                 "the reference median.")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
