"""Same random_state, 1 vs 2 threads (numba, OpenMP, BLAS): identical bytes.

Each configuration runs in a fresh interpreter, because numba and BLAS read their
thread counts at start-up.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import hashlib, sys
import numpy as np
import numba
from dalgo import AlphaBetaKMeans, dalpha_seeding, local_search, draw_z

def blobs(seed, n, d, k):
    rng = np.random.default_rng(seed)
    c = rng.normal(scale=3.0, size=(k, d))
    return c[rng.integers(k, size=n)] + rng.normal(size=(n, d))

out = {"threads": numba.get_num_threads()}
def h(*arrays):
    m = hashlib.sha256()
    for a in arrays:
        m.update(np.ascontiguousarray(a).tobytes())
    return m.hexdigest()[:16]

small = blobs(0, 600, 5, 6)
# above the Gram and distance-matrix limits (4096), and n * d * k above
# PARALLEL_MIN_WORK: parallel kernels
big = blobs(1, 6000, 400, 8)
# high dimension, n <= 8 d: Euclidean beta != 2 on the Gram matrix ("beta_gram")
wide = blobs(2, 300, 64, 6)
configs = {
    "gram_beta2": (small, dict(beta=2.0)),
    "lloyd_beta2_auto_big": (big, dict(beta=2.0)),
    "beta1": (small, dict(beta=1.0, alpha=1.0)),
    "beta3": (small, dict(beta=3.0, alpha=0.0)),
    "beta_inf": (small, dict(beta=np.inf, alpha=np.inf)),
    "medoid_matrix": (small, dict(center="medoid", beta=1.0)),
    "medoid_coords_big": (big[:4200], dict(center="medoid", beta=2.0, max_iter=2)),
    "beta1_big": (big, dict(beta=1.0, max_iter=3)),
    "beta1_gram": (wide, dict(beta=1.0)),
    "beta3_gram": (wide, dict(beta=3.0, alpha=1.0)),
}
for name, (X, params) in configs.items():
    k = 8 if X is big else 6
    km = AlphaBetaKMeans(n_clusters=k, tol=0.0, n_init=2, random_state=3, **params).fit(X)
    out[name] = h(km.labels_, km.cluster_centers_, km.seeds_, np.array([km.inertia_]))
# the public functions directly, incl. algorithm="lloyd" below the Gram limit
seeds = dalpha_seeding(big, 8, 2.0, draw_z(8, 4))
r = local_search(big, seeds, algorithm="lloyd", max_iter=30)
out["seeding_big"] = h(seeds)
out["lloyd_public"] = h(r.labels, r.centers, np.array([r.cost]))
r = local_search(small, seeds[:6] % 600, algorithm="lloyd")
out["lloyd_small"] = h(r.labels, r.centers)
r = local_search(small, seeds[:6] % 600, algorithm="gram")
out["gram_public"] = h(r.labels, r.centers)
# the execution tree (batches of nodes in parallel) and the Gram-path leaves
# (parallel over leaves, d > PARTITION_MAX_FEATURES)
from dalgo import alpha_pieces, loss_curve
Xt = blobs(5, 150, 20, 4)
yt = np.arange(150) % 4
zt = draw_z(4, 6)
pieces = alpha_pieces(Xt, 4, zt)
out["tree_pieces"] = h(np.array([p.lo for p in pieces] + [p.hi for p in pieces]),
                       np.array([p.seeds for p in pieces]))
curve = loss_curve(Xt, 4, zt, y=yt, alpha_range=(0.0, 20.0))
out["tree_gram_curve"] = h(curve.breakpoints, curve.values)
# the partition-path leaves (parallel over leaves, d <= PARTITION_MAX_FEATURES)
Xp = blobs(7, 400, 2, 5)
curve = loss_curve(Xp, 5, draw_z(5, 8), y=np.arange(400) % 5, alpha_range=(0.0, 20.0))
out["tree_partition_curve"] = h(curve.breakpoints, curve.values)
for k, v in sorted(out.items()):
    print(k, v)
"""


def _run(threads):
    env = dict(os.environ)
    for var in ["NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "MKL_NUM_THREADS"]:
        env[var] = str(threads)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=600, cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(line.split() for line in proc.stdout.strip().splitlines())


def test_one_vs_two_threads_identical_bytes():
    one = _run(1)
    two = _run(2)
    assert one.pop("threads") == "1"
    assert two.pop("threads") == "2"
    assert len(one) == 17  # every configuration of the script ran
    diffs = {k: (one[k], two[k]) for k in one if one[k] != two[k]}
    assert not diffs, diffs


def test_same_seed_same_bytes_in_process():
    from dalgo import AlphaBetaKMeans

    X = np.random.default_rng(0).normal(size=(300, 4))
    digests = set()
    for _ in range(2):
        km = AlphaBetaKMeans(n_clusters=5, beta=1.5, random_state=11).fit(X)
        digests.add(hashlib.sha256(km.labels_.tobytes() + km.cluster_centers_.tobytes())
                    .hexdigest())
    assert len(digests) == 1
