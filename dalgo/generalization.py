"""Generalization guarantees for learning α (and β) from sampled instances.

Every bound here is explicit: each constant is stated in the docstring, and the
data-dependent form is computable from the exact loss curves themselves.

The uniform bounds also cover every rule that :func:`dalgo.tune` may select. If, for every
α, ``|train_m(α) − E loss(α)| <= eps``, then for every probability weighting ``w`` of α —
in particular every window average ``(1/|W|) ∫_W · dα`` (on the α or the log(1 + α) scale)
— ``|∫ w train_m − ∫ w E loss| <= ∫ w |train_m − E loss| <= eps``: a smoothed risk is an
average of the same piecewise-constant functions, so the same ``eps`` bounds its deviation.
The smoothed ERMs, the exact ERM and the classical members are all points or windows of the
same α range, so :func:`selection_uniform_bound` — the bound per β, union-bounded over the β
grid — holds simultaneously for all candidates of the selection.
"""

import numpy as np

from ._validation import check_positive_int, check_probability
from .piecewise import PiecewiseConstant

__all__ = [
    "massart_bound",
    "rademacher_uniform_bound",
    "apriori_uniform_bound",
    "finite_grid_bound",
    "expected_leaves_bound",
    "distance_ratio",
    "uniform_deviation",
    "merged_pieces",
    "samples_needed",
    "selection_uniform_bound",
]


def _check_m(m):
    return check_positive_int(m, "the number of instances m")


def _check_delta(delta):
    return check_probability(delta, "delta")


def massart_bound(n_pieces, m, H=1.0):
    """Massart's bound on the empirical Rademacher complexity: ``H sqrt(2 ln N / m)``.

    If the m training curves, merged, have ``N`` pieces, the vector of the m
    losses takes at most ``N`` values as α ranges, each of Euclidean norm at most
    ``H sqrt(m)``; Massart's finite-class lemma gives the bound.
    """
    m = _check_m(m)
    if n_pieces < 1:
        raise ValueError(f"n_pieces must be >= 1; got {n_pieces}.")
    return float(H * np.sqrt(2.0 * np.log(n_pieces) / m))


def rademacher_uniform_bound(n_pieces, m, *, H=1.0, delta=0.05):
    """Data-dependent uniform bound on ``|train_m(α) - E loss(α)|`` over the α range.

    With probability at least ``1 - delta`` over the m sampled instances, for
    every α in the range,

    ``|train_m(α) - E loss(α)| <= 2 H sqrt(2 ln N / m) + 3 H sqrt(ln(4 / delta) / (2 m))``

    where losses lie in ``[0, H]`` and ``N`` is the number of pieces of the
    merged training curve (:func:`merged_pieces`). The constants: 2 from
    symmetrisation, Massart's lemma for the empirical Rademacher complexity,
    and 3 ``sqrt(ln(4/delta) / 2m)`` from McDiarmid's inequality applied twice
    (to the uniform deviation and to the empirical complexity), both sides.

    Examples
    --------
    >>> round(rademacher_uniform_bound(1000, 200), 4)
    0.8397
    """
    m = _check_m(m)
    delta = _check_delta(delta)
    return float(2.0 * massart_bound(n_pieces, m, H)
                 + 3.0 * H * np.sqrt(np.log(4.0 / delta) / (2 * m)))


def selection_uniform_bound(n_pieces_by_beta, m, *, H=1.0, delta=0.05):
    """The uniform bound for a selection over α (exact) and a finite β grid.

    :func:`rademacher_uniform_bound` for each β at confidence ``delta / |grid|`` (union
    bound over the β grid); the largest of them holds, with probability at least
    ``1 - delta``, for every α, every β of the grid and every window average of the loss
    (see the module documentation), hence for whatever the selection picked.

    Parameters
    ----------
    n_pieces_by_beta : sequence of int
        Pieces of the merged training curve of each β.
    m : int
        Training instances.

    Examples
    --------
    >>> round(selection_uniform_bound([1000, 800], 200), 4)
    0.8636
    """
    counts = list(n_pieces_by_beta)
    if not counts:
        raise ValueError("n_pieces_by_beta is empty.")
    share = _check_delta(delta) / len(counts)
    return max(rademacher_uniform_bound(n, m, H=H, delta=share) for n in counts)


def expected_leaves_bound(n_samples, n_clusters, alpha_lo, alpha_hi, R):
    """SPEC §2's bound on the expected number of leaves of one execution tree:

    ``1 + (k - 1) n (alpha_hi - alpha_lo) ln R``

    with ``R`` the ratio of the largest to the smallest positive pairwise
    distance. Derivation: a node's expected number of crossings is
    ``sum_j (F_j(a) - F_j(b))`` with ``|dF_j / dα| <= F_j ln R``, summed over
    the n prefix fractions and the k - 1 random steps.

    Examples
    --------
    >>> expected_leaves_bound(500, 5, 0.0, 20.0, np.e)
    40001.0
    """
    if np.isinf(alpha_hi):
        return np.inf
    if R < 1:
        raise ValueError(f"R must be >= 1; got {R}.")
    return float(1.0 + (n_clusters - 1) * n_samples * (alpha_hi - alpha_lo) * np.log(R))


def distance_ratio(X):
    """Largest over smallest positive pairwise distance of the rows of ``X``."""
    from scipy.spatial.distance import pdist

    d = pdist(np.asarray(X, dtype=np.float64))
    d = d[d > 0]
    if d.size == 0:
        raise ValueError("X has no two distinct points.")
    return float(d.max() / d.min())


def apriori_uniform_bound(m, n_samples, n_clusters, alpha_lo, alpha_hi, R, *, H=1.0,
                          delta=0.05):
    """A-priori form of :func:`rademacher_uniform_bound` (no curves needed).

    The merged curve of m instances has at most ``sum_i N_i`` pieces. By
    Markov's inequality, with probability ``>= 1 - delta/2``,
    ``sum_i N_i <= (2 / delta) m B`` where ``B`` is
    :func:`expected_leaves_bound` (with ``R`` an upper bound on the distance
    ratio of every instance). Using that ``N`` with confidence ``delta/2`` in the
    data-dependent bound gives, with probability ``>= 1 - delta``,

    ``2 H sqrt(2 ln(2 m B / delta) / m) + 3 H sqrt(ln(8 / delta) / (2 m))``.
    """
    m = _check_m(m)
    delta = _check_delta(delta)
    B = expected_leaves_bound(n_samples, n_clusters, alpha_lo, alpha_hi, R)
    if np.isinf(B):
        raise ValueError("the a-priori bound needs a finite alpha range.")
    N = 2.0 * m * B / delta
    return rademacher_uniform_bound(N, m, H=H, delta=delta / 2.0)


def finite_grid_bound(grid_size, m, *, H=1.0, delta=0.05):
    """Hoeffding + union bound for a finite grid G of configurations.

    With probability ``>= 1 - delta``, every configuration's training average
    over m instances is within ``H sqrt(ln(2 |G| / delta) / (2 m))`` of its
    expected loss.

    Examples
    --------
    >>> round(finite_grid_bound(10, 100), 4)
    0.1731
    """
    m = _check_m(m)
    delta = _check_delta(delta)
    if grid_size < 1:
        raise ValueError(f"grid_size must be >= 1; got {grid_size}.")
    return float(H * np.sqrt(np.log(2.0 * grid_size / delta) / (2 * m)))


def samples_needed(epsilon, n_pieces_per_instance, *, H=1.0, delta=0.05, m_max=10**9):
    """Smallest m for which the data-dependent bound is at most ``epsilon``.

    ``N`` is taken as ``m * n_pieces_per_instance`` (merged curves have at most
    the sum of the instances' pieces). Found by doubling and bisection.
    """
    def bound(m):
        return rademacher_uniform_bound(max(1.0, m * n_pieces_per_instance), m, H=H,
                                        delta=delta)

    hi = 1
    while bound(hi) > epsilon:
        hi *= 2
        if hi > m_max:
            raise ValueError(f"more than {m_max} instances would be needed.")
    lo = hi // 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if bound(mid) > epsilon:
            lo = mid
        else:
            hi = mid
    return hi


def merged_pieces(curves):
    """Number of pieces of the merged (common-refinement) curve of ``curves``."""
    return int(PiecewiseConstant.common_breakpoints(list(curves)).shape[0] - 1)


def uniform_deviation(curve_a, curve_b):
    """Exact ``sup_α |a(α) - b(α)|`` of two piecewise-constant curves."""
    return float((curve_a - curve_b).abs().max())
