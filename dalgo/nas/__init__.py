"""dalgo.nas: neural architecture search as data-driven algorithm configuration.

A NAS *task* (search space + tabulated dataset/objective) is an instance; a NAS *algorithm*
(random search, regularized evolution, local search, BANANAS) has hyperparameters; they are
tuned over a distribution of tasks and checked on held-out tasks. PyTorch is imported only
when BANANAS' predictor is trained.
"""

from .benchmarks import QueryResult, TabularTask, list_tasks, load_task
from .search import ALGORITHMS, Trajectory, search
from .spaces import NB201, NBGraph, SubSpace, TNB101Micro
from .tuning import TuningResult, finite_grid_bound, tune_over_tasks

__all__ = [
    "ALGORITHMS",
    "NB201",
    "NBGraph",
    "QueryResult",
    "SubSpace",
    "TNB101Micro",
    "TabularTask",
    "Trajectory",
    "TuningResult",
    "finite_grid_bound",
    "list_tasks",
    "load_task",
    "search",
    "tune_over_tasks",
]

# ---- names added by other modules of dalgo.nas (issue 6) go below this line ----
from .networks import nb201_network
from .zero_cost import LABEL_FREE_PROXIES, zero_cost
from .zero_cost import PROXIES as ZERO_COST_PROXIES
from .predictors import (
    GPPredictor, LGBMPredictor, MLPPredictor, RidgePredictor, evaluate_predictor,
    kendall_tau, make_predictor, precision_at_k, spearman_rho,
)
from .suite_zero import SUITE_ZERO_TASKS, ZCTask, load_suite_zero, load_suite_zero_task
from .bias import arch_properties, arch_property, choose_C, debias, debias_study, proxy_bias
from .zc_tuning import loto_debias_C, loto_proxy_ensemble, loto_select

__all__ += [
    "nb201_network", "zero_cost", "ZERO_COST_PROXIES", "LABEL_FREE_PROXIES",
    "GPPredictor", "LGBMPredictor", "MLPPredictor", "RidgePredictor", "evaluate_predictor",
    "kendall_tau", "make_predictor", "precision_at_k", "spearman_rho",
    "SUITE_ZERO_TASKS", "ZCTask", "load_suite_zero", "load_suite_zero_task",
    "arch_properties", "arch_property", "choose_C", "debias", "debias_study", "proxy_bias",
    "loto_debias_C", "loto_proxy_ensemble", "loto_select",
]
