"""The (α, β) Lloyd's family as the tuning pipeline sees it: d^α seeding with the
instance's draws z, exact curves in α per β, and the classical members α ∈ {0, 1, 2, ∞}.
"""

import numpy as np

from ..execution_tree import instance_loss_curves
from ..local_search import local_search
from ..piecewise import PiecewiseConstant, ordered_mean
from ..seeding import dalpha_seeding, draw_z

__all__ = ["BASELINE_ALPHAS", "BASELINE_NAMES", "evaluate_lloyd", "seeding_draws"]

#: The fixed members of the family every tuning result is compared with, by label.
BASELINE_ALPHAS = {"0": 0.0, "1": 1.0, "2": 2.0, "inf": np.inf}
#: How the report names them.
BASELINE_NAMES = {"0": "alpha=0 (uniform)", "1": "alpha=1 (d^1)", "2": "alpha=2 (k-means++)",
                  "inf": "alpha=inf (farthest-first)"}


def seeding_draws(instance, n_draws):
    """The ``n_draws`` seeding draws z of ``instance``.

    Draw 0 is ``instance.z``; draw ``j >= 1`` comes from a seed sequence keyed by the
    instance's content hash and ``j``, so every process derives the same draws.
    """
    draws = [instance.z]
    if n_draws > 1:
        entropy = int(instance.content_hash()[:32], 16)
        for j in range(1, n_draws):
            rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(j,)))
            draws.append(draw_z(instance.n_clusters, rng))
    return draws


def _baseline_losses(instance, config, loss_fn):
    """α label → β → loss of the direct run of the family member with the instance's z."""
    out = {}
    for label, alpha in BASELINE_ALPHAS.items():
        seeds = dalpha_seeding(instance.X, instance.n_clusters, alpha, instance.z)
        out[label] = {}
        for beta in config.betas:
            res = local_search(instance.X, seeds, beta=beta, center=config.center,
                               max_iter=config.max_iter, tol=0.0)
            out[label][beta] = float(loss_fn(res.labels, instance, res))
    return out


def evaluate_lloyd(instance, config, baselines):
    """Exact loss curves of one instance for every β of ``config`` (mean over the seeding
    draws), and the baselines' losses if ``baselines``.

    Returns ``(curves, baselines, n_leaves, tree_seconds, search_seconds)`` as
    :class:`dalgo.tuning.families.Family` asks.
    """
    loss_fn = config.loss_fn
    per_draw_curves = {b: [] for b in config.betas}
    per_draw_base = []
    n_leaves, t_tree, t_search = 0, 0.0, 0.0
    for z in seeding_draws(instance, config.n_draws):
        inst = instance if z is instance.z else instance.with_z(z)
        curves, pieces, timing = instance_loss_curves(
            inst, loss_fn=loss_fn, betas=config.betas, center=config.center,
            alpha_range=config.alpha_range, max_iter=config.max_iter)
        for b in config.betas:
            per_draw_curves[b].append(curves[b])
        n_leaves += len(pieces)
        t_tree += timing["tree_seconds"]
        t_search += timing["search_seconds"]
        if baselines:
            per_draw_base.append(_baseline_losses(inst, config, loss_fn))
    curves = {b: (cs[0] if len(cs) == 1 else PiecewiseConstant.mean(cs).simplify())
              for b, cs in per_draw_curves.items()}
    base = {}
    if per_draw_base:
        # averaged as the draws' curves are, so a member's baseline equals the instance's
        # curve at its α bit for bit (np.mean had left 1e-17 and a p-value in the verdict)
        base = {label: {b: ordered_mean([d[label][b] for d in per_draw_base])
                        for b in config.betas}
                for label in BASELINE_ALPHAS}
    return curves, base, n_leaves, t_tree, t_search
