"""dalgo: data-driven algorithm configuration.

Learn the best member of the (α, β) Lloyd's family for a distribution of
clustering instances, exactly in α, and check how well it generalises.
"""

from .seeding import dalpha_seeding, draw_z, greedy_kmeans_plusplus
from .local_search import LocalSearchResult, local_search
from .estimators import AlphaBetaKMeans
from .losses import (
    beta_cost,
    hamming_loss,
    kcenter_cost,
    kmeans_cost,
    kmedian_cost,
    normalized_cost,
)

__version__ = "0.1.0"

__all__ = [
    "AlphaBetaKMeans",
    "LocalSearchResult",
    "beta_cost",
    "dalpha_seeding",
    "draw_z",
    "greedy_kmeans_plusplus",
    "hamming_loss",
    "kcenter_cost",
    "kmeans_cost",
    "kmedian_cost",
    "local_search",
    "normalized_cost",
    "__version__",
]
