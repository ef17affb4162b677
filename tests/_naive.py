"""Slow, obviously-correct references for the core algorithms (plain numpy / scipy).

Nothing here shares code with ``dalgo``: every function re-derives its answer from the
definition in docs/conventions.md, with loops and brute force where that is clearest.
"""

import itertools
import math

import numpy as np
from scipy.optimize import minimize

# ---------------------------------------------------------------------------
# seeding
# ---------------------------------------------------------------------------


def euclid(X, c):
    """Euclidean (not squared) distances from every row of ``X`` to ``c``."""
    return np.sqrt(((np.asarray(X, float) - np.asarray(c, float)) ** 2).sum(axis=1))


def dalpha_seeding(X, k, alpha, z):
    """The seeding rule of docs/conventions.md literally: sorted-by-distance cumulative rule,
    weight 0 at distance 0.

    The weights are ``(D / max D) ** alpha`` (the same ratios as ``D ** alpha``, but
    without overflow); ``alpha = inf`` indexes ``z`` into the arg-max set.
    """
    X = np.asarray(X, float)
    n = X.shape[0]
    seeds = [int(math.floor(z[0] * n))]
    D = euclid(X, X[seeds[0]])
    for t in range(1, k):
        order = np.argsort(D, kind="stable")  # increasing D, ties by index
        Ds = D[order]
        if np.isinf(alpha):
            top = Ds.max()
            ties = [j for j in range(n) if Ds[j] == top and Ds[j] > 0]
            pos = ties[int(math.floor(z[t] * len(ties)))]
        else:
            w = np.zeros(n)
            positive = Ds > 0
            w[positive] = (Ds[positive] / Ds.max()) ** alpha
            F = np.cumsum(w) / w.sum()
            pos = int(np.flatnonzero(F > z[t])[0])
        c = int(order[pos])
        seeds.append(c)
        D = np.minimum(D, euclid(X, X[c]))
    return np.array(seeds)


def kmeanspp_sequence_probabilities(X, k):
    """Exact probability of every ordered seed sequence under vanilla k-means++.

    First seed uniform; then ``P(c) = D(c)^2 / sum D^2`` with D the Euclidean
    distance to the nearest chosen seed. Returns ``{tuple(seeds): probability}``.
    """
    X = np.asarray(X, float)
    n = X.shape[0]
    out = {}

    def rec(prefix, prob):
        if len(prefix) == k:
            out[tuple(prefix)] = prob
            return
        D = np.min([euclid(X, X[s]) for s in prefix], axis=0)
        w = D**2
        for c in range(n):
            if w[c] > 0:
                rec(prefix + [c], prob * w[c] / w.sum())

    for s in range(n):
        rec([s], 1.0 / n)
    return out


def dalpha_sequence_probabilities(X, k, alpha):
    """Exact probability of every ordered seed sequence under D^alpha sampling.

    ``alpha = 0``: uniform over the points at positive distance.
    """
    X = np.asarray(X, float)
    n = X.shape[0]
    out = {}

    def rec(prefix, prob):
        if len(prefix) == k:
            out[tuple(prefix)] = prob
            return
        D = np.min([euclid(X, X[s]) for s in prefix], axis=0)
        w = np.where(D > 0, D ** alpha if alpha > 0 else 1.0, 0.0)
        for c in range(n):
            if w[c] > 0:
                rec(prefix + [c], prob * w[c] / w.sum())

    for s in range(n):
        rec([s], 1.0 / n)
    return out


def farthest_first(X, k, first):
    """Classic farthest-first traversal (Gonzalez): ties to the lowest index."""
    X = np.asarray(X, float)
    seeds = [first]
    D = euclid(X, X[first])
    for _ in range(1, k):
        c = int(np.argmax(D))  # first index of the maximum
        seeds.append(c)
        D = np.minimum(D, euclid(X, X[c]))
    return np.array(seeds)


# ---------------------------------------------------------------------------
# local search
# ---------------------------------------------------------------------------


def assign(X, centers):
    """Nearest centre by explicit differences; ties to the lowest centre index."""
    sq = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(sq, axis=1), sq.min(axis=1)


def fill_empty(labels, dist, k):
    """The documented empty-cluster rule, written out.

    For each empty cluster in increasing index, the point farthest from its
    current centre (ties: lowest index) among clusters with >= 2 members moves in.
    """
    labels = labels.copy()
    dist = dist.copy()
    moves = []
    for c in range(k):
        counts = np.bincount(labels, minlength=k)
        if counts[c] > 0:
            continue
        eligible = [i for i in range(len(labels)) if counts[labels[i]] > 1]
        if not eligible:
            break
        p = max(eligible, key=lambda i: (dist[i], -i))
        moves.append((p, labels[p], c))
        labels[p] = c
        dist[p] = 0.0
    return labels, dist, moves


def lloyd(X, centers, max_iter=300):
    """Plain Lloyd's k-means with the documented empty-cluster rule.

    Returns ``(labels, centers, n_iter)``.
    """
    X = np.asarray(X, float)
    centers = np.array(centers, float)
    k = centers.shape[0]
    prev = None
    for it in range(1, max_iter + 1):
        labels, dist = assign(X, centers)
        labels, dist, moves = fill_empty(labels, dist, k)
        if prev is not None and np.array_equal(labels, prev):
            return labels, centers, it
        for c in range(k):
            centers[c] = X[labels == c].mean(axis=0)
        prev = labels
    labels, _ = assign(X, centers)
    return labels, centers, max_iter


def beta_objective(Xc, c, beta, w=None):
    r = euclid(Xc, c)
    w = np.ones(len(Xc)) if w is None else w
    if np.isinf(beta):
        return float(r.max())
    return float((w * r**beta).sum())


def geometric_median(Xc):
    """Geometric median by a generic optimiser (Nelder-Mead, then BFGS polish)."""
    return beta_center(Xc, 1.0)


def beta_center(Xc, beta):
    """``argmin_c sum ||x - c||^beta`` by scipy's generic optimisers.

    Nelder-Mead from the mean (robust to the kink at data points for beta=1),
    then BFGS from its result; the better of the candidates (including every
    data point, which matters for beta=1) is returned.
    """
    Xc = np.asarray(Xc, float)
    f = lambda c: beta_objective(Xc, c, beta)  # noqa: E731
    cands = [Xc.mean(axis=0)]
    r = minimize(f, Xc.mean(axis=0), method="Nelder-Mead",
                 options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000,
                          "maxfev": 40000})
    cands.append(r.x)
    r2 = minimize(f, r.x, method="BFGS", options={"gtol": 1e-12})
    cands.append(r2.x)
    cands.extend(Xc)
    return min(cands, key=f)


def medoid(Xc, beta, w=None):
    """Brute force: the member with the least β-cost (first on ties), and its cost."""
    costs = [beta_objective(Xc, Xc[a], beta, w) for a in range(len(Xc))]
    a = int(np.argmin(costs))
    return a, costs[a]


def _circle_two(p, q):
    c = (p + q) / 2.0
    return c, float(np.linalg.norm(p - c))


def _circle_three(p, q, r):
    ax, ay = p
    bx, by = q
    cx, cy = r
    d = 2.0 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    if abs(d) < 1e-14:
        return None
    ux = ((ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay)
          + (cx**2 + cy**2) * (ay - by)) / d
    uy = ((ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx)
          + (cx**2 + cy**2) * (bx - ax)) / d
    c = np.array([ux, uy])
    return c, float(np.linalg.norm(p - c))


def min_enclosing_circle(P):
    """Exhaustive search over circles through 2 or 3 points (small 2-D sets).

    Returns ``(center, radius)`` of the smallest circle containing every point.
    """
    P = np.asarray(P, float)
    if len(P) == 1:
        return P[0].copy(), 0.0
    best = None
    cands = [_circle_two(P[i], P[j]) for i, j in itertools.combinations(range(len(P)), 2)]
    for i, j, m in itertools.combinations(range(len(P)), 3):
        c = _circle_three(P[i], P[j], P[m])
        if c is not None:
            cands.append(c)
    for c, rad in cands:
        if np.all(euclid(P, c) <= rad * (1 + 1e-12) + 1e-12):
            if best is None or rad < best[1]:
                best = (c, rad)
    return best


# ---------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------


def hamming_loss(y_true, y_pred):
    """Brute force over every injective map of clusters to classes (small k)."""
    y_true = list(y_true)
    y_pred = list(y_pred)
    classes = sorted(set(y_true), key=repr)
    clusters = sorted(set(y_pred), key=repr)
    n = len(y_true)
    best = 0
    # pad the smaller side with dummies so every matching is a permutation
    size = max(len(classes), len(clusters))
    classes_p = classes + [object()] * (size - len(classes))
    for perm in itertools.permutations(classes_p, len(clusters)):
        mapping = dict(zip(clusters, perm))
        agree = sum(1 for a, b in zip(y_true, y_pred) if mapping[b] == a)
        best = max(best, agree)
    return (n - best) / n


# ---------------------------------------------------------------------------
# α-linkage (dalgo.linkage)
# ---------------------------------------------------------------------------


def _cluster_distance(D, A, B, alpha, family):
    d = np.array([D[a, b] for a in A for b in B], dtype=float)
    if family == "minmax":
        return alpha * d.min() + (1 - alpha) * d.max()
    if np.isinf(alpha):
        return d.max() if alpha > 0 else d.min()
    if alpha <= 0 and np.any(d == 0):
        return 0.0
    if alpha == 0:
        return float(np.exp(np.mean(np.log(d))))
    return float(np.mean(d ** alpha) ** (1 / alpha))


def alpha_linkage(X, k, alpha, family="minmax"):
    """Agglomerative α-linkage from the definition: every step recomputes every cluster
    distance from the point sets; ties ("minmax") to the pair that is lowest just right of
    α (just left of it at α = 1), then to the lexicographically smallest pair of (smallest
    point index) ids. Labels numbered by smallest point index."""
    X = np.asarray(X, float)
    n = X.shape[0]
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    clusters = [[i] for i in range(n)]
    while len(clusters) > k:
        best = None
        for i, j in itertools.combinations(range(len(clusters)), 2):
            tie = 0.0
            if family == "minmax":  # equal distances: the pair that wins just right of α
                d = [D[a, b] for a in clusters[i] for b in clusters[j]]
                tie = (min(d) - max(d)) * (1.0 if alpha < 1 else -1.0)
            key = (_cluster_distance(D, clusters[i], clusters[j], alpha, family), tie,
                   min(clusters[i][0], clusters[j][0]), max(clusters[i][0], clusters[j][0]))
            if best is None or key < best[0]:
                best = (key, i, j)
        _, i, j = best
        clusters[i] = sorted(clusters[i] + clusters[j])
        del clusters[j]
    labels = np.empty(n, dtype=int)
    for c, members in enumerate(sorted(clusters, key=lambda m: m[0])):
        labels[members] = c
    return labels


def minmax_candidate_breakpoints(X):
    """Every α in (0, 1) where the minmax distances of two pairs of disjoint clusters
    cross — a superset of the breakpoints of any execution tree on ``X`` (tiny n only)."""
    X = np.asarray(X, float)
    n = X.shape[0]
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    lines = set()
    for assign in itertools.product(range(3), repeat=n):  # 0: A, 1: B, 2: neither
        A = [i for i in range(n) if assign[i] == 0]
        B = [i for i in range(n) if assign[i] == 1]
        if A and B and A[0] < B[0]:
            d = [D[a, b] for a in A for b in B]
            lines.add((min(d), max(d)))
    lines = sorted(lines)
    out = set()
    for (mn1, mx1), (mn2, mx2) in itertools.combinations(lines, 2):
        s1, s2 = mn1 - mx1, mn2 - mx2
        if s1 != s2:
            x = (mx2 - mx1) / (s1 - s2)
            if 0 < x < 1:
                out.add(x)
    return np.array(sorted(out))
