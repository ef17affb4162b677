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

import numbers

import numpy as np

from ._validation import InvalidParameterError, check_positive_int, check_probability
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
    "rademacher_sup",
    "empirical_rademacher",
    "rademacher_complexity_bound",
    "rademacher_draws",
    "rademacher_bound_from_draws",
    "empirical_bernstein_term",
    "self_bounding_rademacher_upper",
    "CONCENTRATIONS",
    "SIDES",
    "SIGN_AVERAGE_DELTA_SHARE",
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
    """The bound on the expected number of leaves of one execution tree
    (docs/conventions.md, "The execution tree"):

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


def _jump_events(curves):
    """The curves as (first values, jumps sorted by position with their owner, group ends)."""
    curves = list(curves)
    if not curves:
        raise ValueError("need at least one curve.")
    for c in curves[1:]:
        if c.domain != curves[0].domain:
            raise ValueError(f"curves must share a domain; got {curves[0].domain} and "
                             f"{c.domain}.")
    start = np.array([c.values[0] for c in curves], dtype=np.float64)
    positions = np.concatenate([c.breakpoints[1:-1] for c in curves])
    jumps = np.concatenate([np.diff(c.values) for c in curves]).astype(np.float64)
    owner = np.concatenate([np.full(c.n_pieces - 1, i, dtype=np.intp)
                            for i, c in enumerate(curves)])
    order = np.argsort(positions, kind="stable")
    positions = positions[order]
    group_end = np.ones(positions.size, dtype=np.bool_)
    group_end[:-1] = positions[1:] != positions[:-1]
    return start, np.ascontiguousarray(owner[order]), np.ascontiguousarray(jumps[order]), \
        group_end


def rademacher_sup(curves, signs, *, absolute=True, centered=False):
    """Exact ``sup_α |Σ_i signs_i f_i(α)| / m`` over the common domain of the curves.

    The signed sum is piecewise constant on the common refinement of the m curves; it is
    evaluated on every piece (no grid) by one pass over the sorted jumps of the curves.

    Parameters
    ----------
    curves : sequence of PiecewiseConstant
        The m per-instance loss curves (one domain).
    signs : array-like of shape (m,) or (n_draws, m)
        Sign vectors (usually ±1).
    absolute : bool, default=True
        False: the sup of the signed sum itself, ``sup_α Σ_i signs_i f_i(α) / m``.
    centered : bool, default=False
        Replace each ``f_i`` by ``f_i − f_i(lo)`` (its value on the first piece). For
        ``absolute=False`` this leaves the expectation over uniform signs unchanged
        (``E Σ σ_i f_i(lo) = 0``) and makes every draw lie in ``[0, H]``.

    Returns
    -------
    float or ndarray of shape (n_draws,)

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> f = [PiecewiseConstant([0, 1, 2], [1.0, 0.0]), PiecewiseConstant([0, 2], [0.5])]
    >>> rademacher_sup(f, [1, -1])
    0.25
    """
    from ._kernels.rademacher import signed_sum_sups

    start, owner, jump, group_end = _jump_events(curves)
    if centered:
        start = np.zeros_like(start)
    m = start.size
    signs = np.asarray(signs, dtype=np.float64)
    single = signs.ndim == 1
    signs = np.ascontiguousarray(np.atleast_2d(signs))
    if signs.ndim != 2 or signs.shape[1] != m or not np.all(np.isfinite(signs)):
        raise ValueError(f"signs must be finite, of shape ({m},) or (n_draws, {m}); got "
                         f"shape {np.shape(signs)}.")
    out = np.empty(signs.shape[0])
    signed_sum_sups(start, signs, owner, jump, group_end, bool(absolute), out)
    out /= m
    return float(out[0]) if single else out


def rademacher_draws(curves, n_draws=1000, random_state=None):
    """``n_draws`` exact sups ``sup_α Σ_i σ_i (f_i(α) − f_i(lo)) / m`` for independent
    uniform sign vectors σ — the Monte Carlo sample behind :func:`empirical_rademacher` and
    :func:`rademacher_complexity_bound`. Each draw lies in ``[0, H]``.

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> f = [PiecewiseConstant([0, 1, 2], [1.0, 0.0]), PiecewiseConstant([0, 2], [0.5])]
    >>> rademacher_draws(f, 4, random_state=0).shape
    (4,)
    """

    curves = list(curves)
    return rademacher_sup(curves, _sign_draws(len(curves), n_draws, random_state),
                          absolute=False, centered=True)


def _sign_draws(m, n_draws, random_state):
    """``n_draws`` independent uniform ±1 vectors of length m."""
    from .random_state import check_random_state

    n_draws = check_positive_int(n_draws, "n_draws")
    rng = check_random_state(random_state)
    return rng.integers(0, 2, size=(n_draws, m)).astype(np.float64) * 2.0 - 1.0


def empirical_rademacher(curves, n_draws=1000, random_state=None, *, absolute=False):
    """Monte Carlo estimate of the exact empirical Rademacher complexity of the α family.

    ``R̂_m = E_σ sup_α Σ_i σ_i f_i(α) / m`` over independent uniform signs σ: exact in α
    (:func:`rademacher_sup`), Monte Carlo in σ. Each draw is computed on the centred
    curves ``f_i − f_i(lo)``, which leaves the expectation unchanged and puts every draw in
    ``[0, H]`` (a constant offset of the losses, e.g. CIFAR-10's ≈ 0.66, would otherwise add
    ≈ offset/√m of pure sign noise to each draw). ``absolute=True`` gives the
    ``E_σ sup_α |Σ_i σ_i f_i(α)| / m`` variant (uncentred), which is larger.

    Returns
    -------
    mean, se : float
        The average over ``n_draws`` sign vectors and its standard error.
    """
    from .stats import mean_se

    curves = list(curves)
    if not absolute:
        return mean_se(rademacher_draws(curves, n_draws, random_state))
    return mean_se(rademacher_sup(curves, _sign_draws(len(curves), n_draws, random_state),
                                  absolute=True))


#: How ``delta`` is shared among the events of :func:`rademacher_complexity_bound`
#: (``concentration="adaptive"`` or ``"self-bounding"``): the sign average gets this
#: fraction, the rest is split equally among the complexity step and one deviation step
#: per side.
SIGN_AVERAGE_DELTA_SHARE = 0.05

CONCENTRATIONS = ("adaptive", "self-bounding", "mcdiarmid")
SIDES = ("two-sided", "upper")


def empirical_bernstein_term(draws, delta, H=1.0):
    """One-sided confidence half-width of a mean of i.i.d. draws in ``[0, H]`` whose
    spread is estimated from the draws themselves.

    Maurer & Pontil, "Empirical Bernstein bounds and sample variance penalization" (COLT
    2009), Theorem 4: with probability at least ``1 − delta``,
    ``E Z <= mean + sqrt(2 V ln(2/delta) / n) + 7 H ln(2/delta) / (3 (n − 1))``, with
    ``V`` the unbiased sample variance. Much smaller than Hoeffding's
    ``H sqrt(ln(1/delta) / (2n))`` when the draws vary little.

    Examples
    --------
    >>> round(empirical_bernstein_term(np.full(1000, 0.3), 0.05), 5)
    0.00862
    """
    draws = np.asarray(draws, dtype=np.float64)
    n = draws.size
    if n < 2:
        raise ValueError(f"the empirical Bernstein bound needs at least 2 draws; got {n}.")
    delta = _check_delta(delta)
    variance = float(np.var(draws, ddof=1)) / H**2
    log_term = np.log(2.0 / delta)
    return float(H * (np.sqrt(2.0 * variance * log_term / n) + 7.0 * log_term / (3.0 * (n - 1))))


def self_bounding_rademacher_upper(r_hat, m, delta, H=1.0):
    """Upper confidence bound on the expected Rademacher complexity ``R_m = E R̂_m`` from
    the empirical one, for losses in ``[0, H]``.

    ``Z = m R̂_m / (H / 2)`` is a self-bounding function of the m instances. Write
    ``Z_i`` for the same average without instance i. (a) ``Z − Z_i >= 0``: averaging
    ``σ_i f(z_i)`` over ``σ_i`` inside the sup gives ``Z_i`` (Jensen). (b) ``Z − Z_i <= 1``:
    the sup of a sum is at most the sum of the sups, and ``E_{σ_i} sup_α σ_i f_α(z_i) =
    (sup_α f_α(z_i) − inf_α f_α(z_i)) / 2 <= H / 2`` — half the range, not the range.
    (c) ``Σ_i (Z − Z_i) <= Z``: with ``α*(σ)`` a maximiser of the full sum, ``Z_i >=
    E_σ Σ_{j≠i} σ_j f_{α*}(z_j)``, and summing ``Z − Z_i <= E_σ σ_i f_{α*}(z_i)`` over i gives
    Z. This is the self-bounding property of conditional Rademacher averages of a class
    with values in ``[−1, 1]`` (Boucheron, Lugosi & Massart, "A sharp concentration
    inequality with applications", Random Structures & Algorithms 16, 2000), applied to
    ``(f − H/2) / (H/2)``, which has the same Rademacher average up to the factor. Its lower
    tail is ``P(Z <= E Z − t) <= exp(−t² / (2 E Z))`` (Boucheron, Lugosi & Massart,
    *Concentration Inequalities*, 2013, Thm. 6.12); with ``x = ln(1/delta)``, with
    probability ``1 − delta``, ``R_m − R̂_m <= sqrt(H R_m x / m)``; solved for ``R_m``:

    ``R_m <= (sqrt(a) + sqrt(a + R̂_m))²``, ``a = H x / (4m)``.

    For small complexities this is far below McDiarmid's ``R̂_m + (H/2) sqrt(x / (2m))``
    (by (a) and (b), one instance moves ``R̂_m`` by at most ``H / (2m)``).

    Examples
    --------
    >>> round(self_bounding_rademacher_upper(0.03, 200, 0.02), 4)
    0.0659
    """
    m = _check_m(m)
    a = H * np.log(1.0 / _check_delta(delta)) / (4.0 * m)
    return float((np.sqrt(a) + np.sqrt(a + max(float(r_hat), 0.0))) ** 2)


def rademacher_complexity_bound(curves, *, delta=0.05, H=1.0, n_draws=1000,
                                random_state=None, concentration="adaptive",
                                sides="two-sided"):
    """Uniform bound on ``|train_m(α) − E loss(α)|`` from the exact empirical Rademacher
    complexity, with every term stated.

    With probability at least ``1 − delta`` over the m instances and the sign draws, for
    every α of the range (and every window average, see the module documentation),
    ``|train_m(α) − E loss(α)| <= bound`` (``sides="upper"``: only
    ``E loss(α) <= train_m(α) + bound``, the side that certifies a chosen configuration's
    future loss, at a slightly smaller bound). The chain, for the family F of loss curves
    and, two-sided, for ``H − F`` (whose empirical Rademacher complexity equals F's for
    every sample, σ being symmetric — one complexity event serves both sides):

    1. the sign average. ``R̃`` is the mean of ``n_draws`` exact sups of the centred
       signed sum (:func:`rademacher_draws`), each in ``[0, H]``, so ``R̂_m <= R̃ +
       t_mc``: ``"adaptive"`` and ``"self-bounding"`` use the empirical Bernstein bound
       (:func:`empirical_bernstein_term`, confidence ``SIGN_AVERAGE_DELTA_SHARE · delta``),
       ``"mcdiarmid"`` Hoeffding's ``H sqrt(ln(2/delta) / (2 n_draws))`` at ``delta/2``;
    2. from the sample to the distribution, a bound on ``R_m = E R̂_m``.
       ``"self-bounding"``: :func:`self_bounding_rademacher_upper` of ``R̃ + t_mc`` (the
       lower tail of the self-bounding function ``m R̂_m / (H/2)`` — much smaller when
       ``R̂_m`` is small and m is not); ``"adaptive"`` (default): the smaller of that and
       McDiarmid's ``R̂_m + (H/2) sqrt(ln(1/δ₂) / (2m))`` (one instance moves ``R̂_m`` by at
       most ``H / (2m)``, see :func:`self_bounding_rademacher_upper`), both at the full
       confidence δ₂ of the step. That needs no union bound: the failure event of both is
       ``{R_m − R̂_m >= t}`` for the same deterministic ``t = min(t_sb, t_mcd)`` (they bound
       the deviation of the same variable at its unknown mean), so its probability is at
       most the smaller of the two tail bounds, i.e. δ₂. ``"mcdiarmid"``: the textbook
       ``R̂_m + H sqrt(ln(8/delta) / (2m))`` (bounded differences H/m);
    3. symmetrisation, ``E sup_α (E loss − train_m) <= 2 R_m``, and McDiarmid for the sup
       deviation (one instance moves it by at most H/m),
       ``+ H sqrt(ln(1/delta_dev) / (2m))`` per side (Mohri, Rostamizadeh & Talwalkar,
       *Foundations of Machine Learning*, Thm. 3.3).

    The allocation of ``delta`` is fixed before seeing the data: ``"adaptive"`` and
    ``"self-bounding"`` share ``(1 − SIGN_AVERAGE_DELTA_SHARE) · delta`` equally among step
    2 and one step-3 event per side (on the five protocol data sets, the best split chosen
    after the fact would lower the bound by at most 0.8 % at m = 200, 1.5 % at m = 100 and
    2.9 % at any m in 5–500 — not worth a union bound over splits); ``"mcdiarmid"`` is the
    textbook form ``2 (R̃ + t_mc) + 3 H sqrt(ln(8/delta) / (2m))`` (four events at
    ``delta/8``), kept for comparison.

    The bound is homogeneous in H: scaling the losses and H by the same factor scales every
    term by it, and for fixed losses the confidence terms of steps 2 and 3 are proportional
    to H (step 1's range term too), so a smaller certified range of the loss gives a
    proportionally smaller confidence term: for the Hamming loss with at most k clusters
    and c classes per instance, ``H = 1 − 1/max(k, c)``
    (:func:`dalgo.losses.hamming_loss_range`) — valid only if every instance of the
    distribution, not just the sampled ones, has at most c classes.

    Parameters
    ----------
    curves : sequence of PiecewiseConstant
        The m per-instance loss curves (one domain), values in ``[0, H]``.
    delta : float, default=0.05
    H : float, default=1.0
        The range of the losses.
    n_draws : int, default=1000
        Sign vectors (at least 2, except for ``"mcdiarmid"``).
    random_state : None, int, SeedSequence or Generator
        Seeds the sign draws.
    concentration : {"adaptive", "self-bounding", "mcdiarmid"}, default="adaptive"
    sides : {"two-sided", "upper"}, default="two-sided"

    Returns
    -------
    dict
        ``bound`` = ``complexity_term`` (2 R̃) + ``mc_term`` (2 t_mc) +
        ``confidence_term``; the confidence term split into ``rademacher_step`` (2 × what
        step 2 adds) and ``deviation_step`` (step 3); ``rademacher`` (R̃),
        ``rademacher_se``, ``rademacher_upper`` (the bound on R_m), ``m``, ``n_draws``,
        ``delta``, ``H``, ``concentration``, ``sides``.

    Examples
    --------
    >>> from dalgo import PiecewiseConstant
    >>> rng = np.random.default_rng(0)
    >>> curves = [PiecewiseConstant([0, u, 1], [1.0, 0.0]) for u in rng.random(200)]
    >>> sharp = rademacher_complexity_bound(curves, n_draws=200, random_state=0)
    >>> textbook = rademacher_complexity_bound(curves, n_draws=200, random_state=0,
    ...                                        concentration="mcdiarmid")
    >>> bool(sharp["bound"] < textbook["bound"]
    ...      < rademacher_uniform_bound(merged_pieces(curves), 200))
    True
    """
    curves = list(curves)
    _check_m(len(curves))
    _check_range(curves, H)
    return rademacher_bound_from_draws(rademacher_draws(curves, n_draws, random_state),
                                       len(curves), delta=delta, H=H,
                                       concentration=concentration, sides=sides)


def _check_range(curves, H):
    """Refuse curves with a value outside ``[0, H]``: the bound would not hold for them."""
    H = _check_H(H)
    lo = min(float(np.min(c.values)) for c in curves)
    hi = max(float(np.max(c.values)) for c in curves)
    if lo < -1e-12 or hi > H + 1e-12:
        raise ValueError(f"the loss curves take values in [{lo}, {hi}], outside [0, H={H}]; "
                         "H must bound every loss (for the Hamming loss, see "
                         "dalgo.losses.hamming_loss_range).")


def _check_H(H):
    if isinstance(H, bool) or not isinstance(H, numbers.Real) or not (np.isfinite(H) and H > 0):
        raise ValueError(f"H (the range of the losses) must be finite and > 0; got {H}.")
    return float(H)


def rademacher_bound_from_draws(draws, m, *, delta=0.05, H=1.0, concentration="adaptive",
                                sides="two-sided"):
    """:func:`rademacher_complexity_bound` from given sign draws (:func:`rademacher_draws`),
    so that several variants can be computed from the same draws.

    Examples
    --------
    >>> round(rademacher_bound_from_draws(np.full(1000, 0.02), 200)["bound"], 3)
    0.252
    """
    m = _check_m(m)
    delta = _check_delta(delta)
    H = _check_H(H)
    if concentration not in CONCENTRATIONS:
        raise InvalidParameterError(f"concentration must be one of {CONCENTRATIONS}; got "
                                    f"{concentration!r}.")
    if sides not in SIDES:
        raise InvalidParameterError(f"sides must be one of {SIDES}; got {sides!r}.")
    draws = np.asarray(draws, dtype=np.float64).ravel()
    if draws.size == 0 or not np.all((draws >= -1e-12) & (draws <= H + 1e-12)):
        raise ValueError(f"draws must be non-empty and lie in [0, H={H}].")
    n_sides = 2 if sides == "two-sided" else 1
    r = float(draws.mean())
    r_se = float(draws.std(ddof=1) / np.sqrt(draws.size)) if draws.size > 1 else float("nan")
    if concentration == "mcdiarmid":
        mc = H * np.sqrt(np.log(2.0 / delta) / (2.0 * draws.size))
        step = H * np.sqrt(np.log(8.0 / delta) / (2.0 * m))
        r_upper = r + mc + step
        deviation = step
    else:
        mc_delta = SIGN_AVERAGE_DELTA_SHARE * delta
        event_delta = (delta - mc_delta) / (1 + n_sides)
        mc = empirical_bernstein_term(draws, mc_delta, H)
        r_hat_upper = min(r + mc, H / 2.0)  # R̂_m <= H/2 (half the range, see step 2)
        r_upper = self_bounding_rademacher_upper(r_hat_upper, m, event_delta, H)
        if concentration == "adaptive":  # the same event, the smaller deviation: no union
            r_upper = min(r_upper, r_hat_upper
                          + H / 2.0 * np.sqrt(np.log(1.0 / event_delta) / (2.0 * m)))
        deviation = H * np.sqrt(np.log(1.0 / event_delta) / (2.0 * m))
    rademacher_step = 2.0 * (r_upper - r - mc)
    return {"bound": float(2.0 * r_upper + deviation), "rademacher": r,
            "rademacher_se": r_se, "rademacher_upper": float(r_upper),
            "complexity_term": float(2.0 * r), "mc_term": float(2.0 * mc),
            "confidence_term": float(rademacher_step + deviation),
            "rademacher_step": float(rademacher_step), "deviation_step": float(deviation),
            "m": m, "n_draws": int(draws.size), "delta": delta, "H": float(H),
            "concentration": concentration, "sides": sides}


def merged_pieces(curves):
    """Number of pieces of the merged (common-refinement) curve of ``curves``."""
    return int(PiecewiseConstant.common_breakpoints(list(curves)).shape[0] - 1)


def uniform_deviation(curve_a, curve_b):
    """Exact ``sup_α |a(α) - b(α)|`` of two piecewise-constant curves."""
    return float((curve_a - curve_b).abs().max())
