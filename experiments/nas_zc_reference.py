"""dalgo's zero-cost proxies against the reference implementations, on dalgo's NB201 networks.

The reference is the code that produced the NAS-Bench-Suite-Zero tables: NASLib's
``find_measures`` (``naslib/predictors/utils/pruners``, github.com/automl/NASLib, carrying the
zero-cost-NAS measure functions) and, for flops and params, tensorwatch's ``ModelStats``
(``tensorwatch/model_graph/torchstat``, github.com/microsoft/tensorwatch).  Nothing of that
code is in this repository: the script imports it from a folder you prepare *outside* the
repository (``--reference-dir``)::

    R=/tmp/naslib_ref; mkdir -p $R/refpkg $R/twpkg
    touch $R/refpkg/__init__.py $R/refpkg/models.py $R/twpkg/__init__.py
    git -C NASLIB archive HEAD naslib/predictors/utils/pruners | tar -x -C $R
    mv $R/naslib/predictors/utils/pruners $R/refpkg/pruners
    git -C TENSORWATCH archive HEAD tensorwatch/model_graph | tar -x -C $R
    mv $R/tensorwatch/model_graph/torchstat $R/twpkg/torchstat
    mv $R/tensorwatch/model_graph/torchstat_utils.py $R/twpkg/

(``NASLIB`` and ``TENSORWATCH`` are clones of the two repositories; ``refpkg.models`` stands
in for the NASLib models package that ``p_utils`` star-imports and never uses.)

For each architecture, dalgo's network is built once (``nb201_network``, seed s) and the
reference gets a deep copy of it and the same float batch (``--batch`` CIFAR-10 test images,
normalised with the CIFAR-10 statistics); zen's Gaussian draws come from the global torch
RNG seeded with s + 1, the private generator dalgo's zen uses.  The reference's query layer
maps a NaN or infinite score to -1e8 (NASLib's ``ZeroCost.query``); so does the reference
column here.  flops and params are also compared with the stored benchmark table
(NAS-Bench-Suite-Zero ``zc_nasbench201.json``, cifar10, every architecture).

Run::

    DALGO_DATA=/work/shared/data python experiments/nas_zc_reference.py \
        --reference-dir /tmp/naslib_ref --n-archs 20 --out docs/results/nas_zc_reference.json
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
import types
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dalgo.nas import NB201  # noqa: E402
from dalgo.nas.networks import nb201_network  # noqa: E402
from dalgo.nas.suite_zero import load_suite_zero_task  # noqa: E402
from dalgo.nas.zero_cost import (  # noqa: E402
    PROXIES,
    WORST_SCORE,
    load_cifar10_batch,
    torch_threads,
    zero_cost,
)

MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)
# the dead cell and the all-`none` cell are always among the architectures
FIXED = ("|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|",
         "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
         "+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")


def _import_reference(ref_dir):
    sys.path.insert(0, str(ref_dir))
    from twpkg.torchstat_utils import ModelStats

    tw = types.ModuleType("tensorwatch")
    tw.ModelStats = ModelStats
    sys.modules["tensorwatch"] = tw
    from refpkg.pruners import predictive

    return predictive


def _naslib_shaped(net):
    """dalgo's network with NASLib's head: BN, ReLU, AdaptiveAvgPool2d(1), Flatten, Linear
    (the same modules; dalgo pools with a mean, which tensorwatch would not see)."""
    import torch
    from torch import nn

    class Wrapped(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.stem, self.cells, self.lastact = inner.stem, inner.cells, inner.lastact
            self.pool, self.flat, self.classifier = nn.AdaptiveAvgPool2d(1), nn.Flatten(), \
                inner.classifier

        def forward(self, x):
            return self.classifier(self.flat(self.pool(self.lastact(self.cells(self.stem(x))))))

    w = Wrapped(copy.deepcopy(net))
    assert sum(p.numel() for p in w.parameters()) == sum(p.numel() for p in net.parameters())
    with torch.no_grad():
        x = torch.zeros(2, 3, 32, 32)
        assert torch.equal(copy.deepcopy(w).eval()(x), copy.deepcopy(net).eval()(x))
    return w


def _reference(predictive, net, x, y, name, seed):
    import torch
    import torch.nn.functional as F

    ref_net = copy.deepcopy(net)
    ref_net.forward_before_global_avg_pool = ref_net.features
    # NASLib's nwot hooks every module whose type name contains "ReLU" unless it is one of
    # NASLib's own ("naslib" in the name): its composite ReLUConvBN is skipped, only the
    # nn.ReLU inside is hooked.  dalgo's composite gets a NASLib-like module name likewise.
    for m in ref_net.modules():
        cls = type(m)
        if "ReLU" in cls.__name__ and cls.__module__.startswith("dalgo"):
            m.__class__ = type(cls.__name__, (cls,), {"__module__": "naslib_shaped"})
    if name in ("flops", "params"):
        ref_net = _naslib_shaped(net)
    torch.manual_seed(seed + 1)  # zen's Gaussian draws, as dalgo's private generator
    v = predictive.find_measures(ref_net, [(x, y)], ("random", 1, 10), torch.device("cpu"),
                                 F.cross_entropy, measure_names=[name])
    v = float(v)
    return v if math.isfinite(v) else WORST_SCORE  # NASLib's ZeroCost.query


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference-dir", required=True, help="folder with refpkg/ and twpkg/")
    ap.add_argument("--n-archs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    predictive = _import_reference(args.reference_dir)
    import torch

    rng = np.random.default_rng(args.seed)
    space = NB201()
    archs = list(FIXED) + [space.to_string(space.sample(rng))
                           for _ in range(args.n_archs - len(FIXED))]
    t0 = time.perf_counter()
    ours = {p: [] for p in PROXIES}
    ref = {p: [] for p in PROXIES}
    with torch_threads(args.threads):
        X, yb = load_cifar10_batch(args.batch, random_state=args.seed)
        xf = ((X.astype(np.float32) / 255.0 - MEAN) / STD).transpose(0, 3, 1, 2).copy()
        x, y = torch.from_numpy(xf), torch.from_numpy(yb.astype(np.int64))
        for k, arch in enumerate(archs):
            net = nb201_network(arch, random_state=args.seed)
            s = zero_cost(net, data=(xf, yb), random_state=args.seed,
                          n_threads=args.threads)
            for p in PROXIES:
                ours[p].append(s[p])
                ref[p].append(_reference(predictive, net, x.clone(), y.clone(), p, args.seed))
            print(f"{k + 1}/{len(archs)} {time.perf_counter() - t0:.0f}s", flush=True)
    rows = {}
    for p in PROXIES:
        a, b = np.array(ours[p]), np.array(ref[p])
        rho = spearmanr(a, b).statistic if np.ptp(a) > 0 or np.ptp(b) > 0 else 1.0
        rel = np.abs(a - b) / np.maximum(np.abs(b), 1e-300)
        rows[p] = dict(spearman=float(rho), max_rel_diff=float(rel.max()),
                       equal=int(np.sum(a == b)))
    # flops and params against the stored benchmark table, every architecture
    task = load_suite_zero_task("NB201-CF10")
    fl, pa = [], []
    for a in task.archs:
        s = zero_cost(a, ["flops", "params"], data=(xf[:1], yb[:1]), n_threads=args.threads)
        fl.append(s["flops"])
        pa.append(s["params"])
    table = {"n_archs": task.n_archs}
    for name, ours_col in (("flops", fl), ("params", pa)):
        stored = task.proxy(name)
        table[name] = dict(max_abs_diff=float(np.max(np.abs(np.array(ours_col) - stored))),
                           spearman=float(spearmanr(ours_col, stored).statistic))
    n = len(archs)
    print(f"{'proxy':10s} {'Spearman':>9s} {'max rel diff':>13s} {'equal':>6s}")
    for p, r in rows.items():
        print(f"{p:10s} {r['spearman']:9.6f} {r['max_rel_diff']:13.2e} {r['equal']:>3d}/{n}")
    print("vs the stored table:", table)
    if args.out:
        out = dict(n_archs=len(archs), batch=args.batch, seed=args.seed, archs=archs,
                   proxies=rows, stored_table=table, ours=ours, reference=ref,
                   seconds=time.perf_counter() - t0)
        Path(args.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
