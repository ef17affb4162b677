"""dalgo: data-driven algorithm configuration.

Learn the best member of the (α, β) Lloyd's family for a distribution of
clustering instances — exactly in α — and check how well it generalises.
"""

__version__ = "0.2.0.dev0"

from . import generalization, random_state
from ._validation import InvalidParameterError
from .datasets import (
    Dataset,
    from_torchvision,
    list_clustering_benchmarks,
    load_cifar10,
    load_clustering_benchmark,
    load_cnae9,
    load_dataset,
    load_digits,
    load_mnist,
)
from .estimators import AlphaBetaKMeans, DataDrivenKMeans
from .execution_tree import Piece, alpha_pieces, loss_curve, loss_curves
from .instances import (
    ClassSubsampling,
    FixedInstances,
    GaussianGrid,
    Instance,
    InstanceDistribution,
    instances_from_benchmark_battery,
    make_instance,
)
from .linkage import AlphaLinkage
from .local_search import LocalSearchResult, SharedLocalSearch, local_search
from .losses import (
    beta_cost,
    hamming_loss,
    hamming_loss_range,
    kcenter_cost,
    kmeans_cost,
    kmedian_cost,
    normalized_cost,
)
from .piecewise import PiecewiseConstant
from .seeding import dalpha_seeding, draw_z, greedy_kmeans_plusplus
from .tuning import TuneResult, tune

__all__ = [
    "AlphaBetaKMeans",
    "AlphaLinkage",
    "ClassSubsampling",
    "DataDrivenKMeans",
    "Dataset",
    "FixedInstances",
    "GaussianGrid",
    "Instance",
    "InstanceDistribution",
    "InvalidParameterError",
    "LocalSearchResult",
    "Piece",
    "PiecewiseConstant",
    "SharedLocalSearch",
    "TuneResult",
    "alpha_pieces",
    "beta_cost",
    "dalpha_seeding",
    "draw_z",
    "from_torchvision",
    "generalization",
    "random_state",
    "greedy_kmeans_plusplus",
    "hamming_loss",
    "hamming_loss_range",
    "instances_from_benchmark_battery",
    "kcenter_cost",
    "kmeans_cost",
    "kmedian_cost",
    "list_clustering_benchmarks",
    "load_cifar10",
    "load_clustering_benchmark",
    "load_cnae9",
    "load_dataset",
    "load_digits",
    "load_mnist",
    "local_search",
    "loss_curve",
    "loss_curves",
    "make_instance",
    "normalized_cost",
    "tune",
    "__version__",
]
