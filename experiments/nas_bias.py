"""The proxy-bias study: bias of zero-cost proxies towards architecture properties, removed.

For each (proxy, task, property) -- the five of the issue and a few more -- on the
precomputed NAS-Bench-Suite-Zero scores: the original bias (Kendall tau of the proxy with
the property) and performance (Kendall tau with the validation accuracy), and both after
debiasing ``f / (b + C)`` with C chosen to minimise the bias, to equalise it with the
accuracy's own bias, or to keep (maximise) performance (:mod:`dalgo.nas.bias`).  Then the
leave-one-task-out choice of C over the three NB201 tasks
(:func:`dalgo.nas.zc_tuning.loto_debias_C`).

Architectures whose score is not finite (a failed evaluation in the file) are dropped
(counts on stdout).  NB301 has no ``none`` op, so its cell size is constant and not studied.

Outputs: ``docs/results/nas_bias.json`` shaped ``{"<proxy>|<task>|<property>":
{"original_bias", "original_perf", "minimize": {"bias", "perf", "C"}, "equalize": {...},
"performance": {...}}}``; ``docs/results/nas_bias_curves.png``; markdown tables on stdout.

Usage::

    python experiments/nas_bias.py
    python experiments/nas_bias.py --smoke --out-dir /tmp/bias
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from dalgo.nas.bias import (  # noqa: E402
    STRATEGIES,
    arch_properties,
    debias,
    debias_study,
    default_C_grid,
    proxy_bias,
)
from dalgo.nas.suite_zero import load_suite_zero_task  # noqa: E402
from dalgo.nas.zc_tuning import loto_debias_C  # noqa: E402

REQUIRED = [
    ("l2_norm", "NB201-CF10", "conv_pool"),
    ("nwot", "NB301-CF10", "conv_pool"),
    ("synflow", "NB201-CF100", "cell_size"),
    ("synflow", "NB201-IMGNT", "cell_size"),
    ("flops", "NB301-CF10", "num_skip"),
]
EXTRA = [
    ("synflow", "NB201-CF10", "cell_size"),
    ("nwot", "NB201-CF10", "cell_size"),
    ("nwot", "NB201-CF10", "conv_pool"),
    ("params", "NB201-CF10", "conv_pool"),
    ("flops", "NB201-CF10", "num_skip"),
    ("snip", "NB201-CF10", "num_skip"),
    ("grad_norm", "NB201-CF100", "cell_size"),
    ("l2_norm", "NB201-IMGNT", "conv_pool"),
    ("synflow", "NB301-CF10", "num_skip"),
    ("l2_norm", "NB101-CF10", "conv_pool"),
    ("nwot", "TNB101_MICRO-OBJECT", "cell_size"),
]
LOTO = [("synflow", "cell_size"), ("l2_norm", "conv_pool"), ("nwot", "cell_size"),
        ("flops", "num_skip")]
NB201_TASKS = ("NB201-CF10", "NB201-CF100", "NB201-IMGNT")


def _load(proxy, task_name, prop, data_dir, cache):
    if task_name not in cache:
        cache[task_name] = load_suite_zero_task(task_name, data_dir=data_dir)
    task = cache[task_name]
    f = task.proxy(proxy)
    b = arch_properties(task.space, task.archs, prop)
    ok = np.isfinite(f) & (f >= 0)
    return f[ok], b[ok], task.y[ok], int((~ok).sum())


def plot_curves(curves, out_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(curves)
    ncol = 4
    nrow = int(np.ceil(len(keys) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 2.8 * nrow), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        c = curves[key]
        ax.plot(c["C"], c["bias"], label="bias τ(f', b)")
        ax.plot(c["C"], c["perf"], label="perf τ(f', acc)")
        for s, m in zip(STRATEGIES, ("v", "s", "*")):
            ax.plot([c["chosen"][s]["C"]], [c["chosen"][s]["perf"]], m, color="k", ms=6)
        ax.set_xscale("log")
        ax.set_title(key, fontsize=8)
        ax.axhline(0, color="grey", lw=0.5)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(keys):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.supxlabel("C in f / (b + C)   (markers: minimize ▼, equalize ■, performance ★)")
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=str(ROOT / "docs" / "results"))
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--smoke", action="store_true", help="two combinations, coarse grid")
    args = ap.parse_args(argv)
    combos = REQUIRED + EXTRA
    n_grid = 121
    if args.smoke:
        combos, n_grid = REQUIRED[:2], 15
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    cache, results, curves = {}, {}, {}
    print("| proxy | task | property | n | acc. bias | orig. bias | orig. perf | "
          "minimize: bias / perf / C | equalize: bias / perf / C | performance: bias / perf / C |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for proxy, task_name, prop in combos:
        f, b, y, dropped = _load(proxy, task_name, prop, args.data_dir, cache)
        oriented = proxy_bias(f, b) < 0
        bo = b.max() - b if oriented else b  # see dalgo.nas.bias: negative bias -> max(b) - b
        Cs = default_C_grid(bo, n=n_grid)
        r = debias_study(f, b, y, Cs=Cs)
        key = f"{proxy}|{task_name}|{prop}"
        results[key] = {
            "original_bias": r["original_bias"], "original_perf": r["original_perf"],
            **{s: {"bias": r[s]["bias"], "perf": r[s]["perf"], "C": r[s]["C"]} for s in STRATEGIES},
        }
        curves[key] = {
            "C": Cs,
            "bias": [proxy_bias(debias(f, bo, C), b) for C in Cs],
            "perf": [float(stats.kendalltau(debias(f, bo, C), y)[0]) for C in Cs],
            "chosen": {s: r[s] for s in STRATEGIES},
        }
        cells = " | ".join(f"{r[s]['bias']:+.3f} / {r[s]['perf']:+.3f} / {r[s]['C']:.3g}"
                           for s in STRATEGIES)
        prop_txt = f"max−{prop}" if oriented else prop
        print(f"| {proxy} | {task_name} | {prop_txt} | {len(f)} (−{dropped}) | "
              f"{r['accuracy_bias']:+.3f} | {r['original_bias']:+.3f} | "
              f"{r['original_perf']:+.3f} | {cells} |")
    (out_dir / "nas_bias.json").write_text(json.dumps(results, indent=1))
    plot_curves(curves, out_dir / "nas_bias_curves.png")

    print("\n### Leave-one-task-out C over the NB201 tasks (held-out Kendall τ / bias)\n")
    print("| proxy | property | strategy | mean orig. perf | mean LOTO perf | mean orig. bias | "
          "mean LOTO bias | chosen c per held-out task |")
    print("|---|---|---|---|---|---|---|---|")
    loto = LOTO[:1] if args.smoke else LOTO
    for proxy, prop in loto:
        S, B, Y = {}, {}, {}
        for t in NB201_TASKS:
            S[t], B[t], Y[t], _ = _load(proxy, t, prop, args.data_dir, cache)
        for strategy in ("performance", "minimize"):
            r = loto_debias_C(S, B, Y, strategy=strategy,
                              rel_grid=np.logspace(-3, 4, 15 if args.smoke else 57))
            cs = {t: f"{v['c']:.3g}" for t, v in r["folds"].items()}
            print(f"| {proxy} | {prop} | {strategy} | {r['mean_original_perf']:+.3f} | "
                  f"{r['mean_perf']:+.3f} | {r['mean_original_bias']:+.3f} | "
                  f"{r['mean_bias']:+.3f} | {cs} |")
    print(f"\nwrote {out_dir / 'nas_bias.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
