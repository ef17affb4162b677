"""α-linkage as the tuning pipeline sees it: per instance, the exact loss curve of the
"minmax" k-cut in α and the classical linkages single / complete / average run directly.

Registered in :data:`dalgo.tuning.families.FAMILIES` as ``"linkage-minmax"``.
"""

import time

from .agglomerative import agglomerate, distance_matrix
from .tree import execution_tree, partition_loss, pieces_loss_curve

__all__ = ["LINKAGE_BASELINES", "LINKAGE_BASELINE_NAMES", "LINKAGE_MEMBERS", "NO_BETA",
           "evaluate_minmax"]

#: The classical linkages every result is compared with: label → (family, α).
LINKAGE_BASELINES = {"complete": ("minmax", 0.0), "single": ("minmax", 1.0),
                     "average": ("power", 1.0)}
#: How the report names them.
LINKAGE_BASELINE_NAMES = {"complete": "complete linkage (alpha=0)",
                          "single": "single linkage (alpha=1)",
                          "average": "average linkage (power mean, p=1)"}
#: The baselines that are members of the "minmax" family (candidates of the selection),
#: the default member first.
LINKAGE_MEMBERS = {"complete": 0.0, "single": 1.0}
#: β key under which the one curve of a family without β is stored.
NO_BETA = 2.0


def evaluate_minmax(instance, config, baselines):
    """The exact "minmax" loss curve of ``instance`` over ``config.alpha_range`` and, if
    ``baselines``, the losses of single, complete and average linkage.

    Returns ``(curves, baselines, n_leaves, tree_seconds, search_seconds)`` as
    :class:`dalgo.tuning.families.Family` asks: the curve is stored under the β key
    :data:`NO_BETA` (the family has no β); ``n_leaves`` counts the k-cut pieces;
    ``search_seconds`` is the time of the pieces' losses and the baselines.
    """
    D = distance_matrix(instance.X)
    k = instance.n_clusters
    tree = execution_tree(D, k, alpha_range=config.alpha_range, metric="precomputed")
    t0 = time.perf_counter()
    curve = pieces_loss_curve(tree.pieces, instance, config.loss)
    base = {}
    if baselines:
        for label, (family, alpha) in LINKAGE_BASELINES.items():
            labels = agglomerate(D, k, alpha, family=family, metric="precomputed")
            base[label] = {NO_BETA: partition_loss(labels, instance, config.loss)}
    return ({NO_BETA: curve}, base, len(tree.pieces), tree.seconds,
            time.perf_counter() - t0)
