"""dalgo.nas: neural architecture search as data-driven algorithm configuration.

A NAS *task* (search space + tabulated dataset/objective) is an instance; a NAS *algorithm*
(random search, regularized evolution, local search, BANANAS) has hyperparameters; they are
tuned over a distribution of tasks and checked on held-out tasks. PyTorch is imported only
when a network is built or BANANAS' predictor is trained.

dalgo.nas stands on the core's foundations: data files are found by
:func:`dalgo.datasets.paths.find_data_file` (:func:`find_nas_file`), pickled tables are read
by :func:`dalgo.datasets.safe_pickle.safe_load`, CIFAR-10 by :func:`dalgo.load_cifar10`, and
every ``random_state`` follows :mod:`dalgo.random_state`.
"""

from .benchmarks import QueryResult, TabularTask, list_tasks, load_task
from .bias import arch_properties, arch_property, choose_C, debias, debias_study, proxy_bias
from .data import find_nas_file, nas_bench_graph_dir
from .mlp import MLPEnsemble
from .networks import nb201_network
from .predictors import (
    GPPredictor,
    LGBMPredictor,
    MLPPredictor,
    RidgePredictor,
    evaluate_predictor,
    kendall_tau,
    make_predictor,
    precision_at_k,
    spearman_rho,
)
from .search import ALGORITHMS, Trajectory, search
from .spaces import NB201, NB201_OPS, NBGraph, SubSpace, TNB101Micro
from .suite_zero import SUITE_ZERO_TASKS, ZCTask, load_suite_zero, load_suite_zero_task
from .tuning import TuningResult, finite_grid_bound, tune_over_tasks
from .zc_tuning import loto_debias_C, loto_proxy_ensemble, loto_select
from .zero_cost import LABEL_FREE_PROXIES, zero_cost
from .zero_cost import PROXIES as ZERO_COST_PROXIES

__all__ = [
    # tasks, spaces, search, tuning
    "ALGORITHMS",
    "NB201",
    "NB201_OPS",
    "NBGraph",
    "QueryResult",
    "SubSpace",
    "TNB101Micro",
    "TabularTask",
    "Trajectory",
    "TuningResult",
    "finite_grid_bound",  # deprecated: dalgo.generalization.finite_grid_bound
    "find_nas_file",
    "list_tasks",
    "load_task",
    "nas_bench_graph_dir",
    "search",
    "tune_over_tasks",
    # networks and zero-cost proxies
    "LABEL_FREE_PROXIES",
    "ZERO_COST_PROXIES",
    "nb201_network",
    "zero_cost",
    # predictors
    "GPPredictor",
    "LGBMPredictor",
    "MLPEnsemble",
    "MLPPredictor",
    "RidgePredictor",
    "evaluate_predictor",
    "kendall_tau",
    "make_predictor",
    "precision_at_k",
    "spearman_rho",
    # NAS-Bench-Suite-Zero, proxy bias, configuration over tasks
    "SUITE_ZERO_TASKS",
    "ZCTask",
    "load_suite_zero",
    "load_suite_zero_task",
    "arch_properties",
    "arch_property",
    "choose_C",
    "debias",
    "debias_study",
    "proxy_bias",
    "loto_debias_C",
    "loto_proxy_ensemble",
    "loto_select",
]
