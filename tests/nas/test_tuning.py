"""Configuration over tasks: leave-one-task-out selection, baselines, bound, parallel backends."""

import math

import numpy as np
import pytest

import dalgo.nas as nas
from dalgo.generalization import finite_grid_bound
from dalgo.nas.benchmarks import TabularTask
from dalgo.nas.spaces import NB201
from dalgo.nas.tuning import expand_grid

TASKS = ["nbgraph-cora", "nbgraph-citeseer", "nbgraph-pubmed", "tnb101micro-class_object"]


def test_expand_grid():
    g = expand_grid({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(g) == 6 and {"a": 2, "b": "z"} in g
    assert expand_grid([{"a": 1}]) == [{"a": 1}]
    with pytest.raises(ValueError):
        expand_grid({"a": "xy"})


def test_finite_grid_bound_formula():
    assert finite_grid_bound(12, 16, delta=0.05) == pytest.approx(math.sqrt(math.log(480) / 32))
    assert finite_grid_bound(1, 10 ** 6) < 0.01
    with pytest.raises(ValueError):
        finite_grid_bound(3, 0)


def test_nas_finite_grid_bound_is_a_deprecated_alias():
    for n, m, delta, H in [(12, 16, 0.05, 1.0), (1, 3, 0.1, 2.0), (100, 1000, 0.01, 0.5)]:
        with pytest.warns(FutureWarning, match="dalgo.generalization.finite_grid_bound"):
            old = nas.finite_grid_bound(n, m, delta, H)
        assert old == finite_grid_bound(n, m, H=H, delta=delta)
    with pytest.warns(FutureWarning), pytest.raises(ValueError):
        nas.finite_grid_bound(3, 0)


def _brute_force_loto(res):
    per_task = res.regret.mean(axis=2)
    grid = [i for i in range(len(res.configs)) if i != res.default_index]  # default appended
    out = []
    for t in range(len(res.tasks)):
        others = [j for j in range(len(res.tasks)) if j != t]
        c = min(grid, key=lambda i: (per_task[i, others].mean(), i))
        out.append((c, per_task[c, t], per_task[res.default_index, t]))
    return out


def test_leave_one_task_out_matches_brute_force():
    res = nas.tune_over_tasks(TASKS, "re", {"population_size": [5, 30], "sample_size": [2, 5]},
                              budget=40, seeds=[0, 1, 2])
    # default (30, 10) not in the grid: appended, never selected
    assert len(res.configs) == 5 and res.default_index == 4 and res.configs[4] == {}
    assert res.regret.shape == (5, 4, 3)
    assert ((res.regret >= 0) & (res.regret <= 1)).all()
    for fold, (c, held, dflt) in zip(res.folds, _brute_force_loto(res)):
        assert fold["config_index"] == c and c != 4
        assert fold["held_out_regret"] == held and fold["default_held_out_regret"] == dflt
    # regret entries equal direct runs
    t = nas.load_task(TASKS[1])
    r = nas.search(t, "re", budget=40, random_state=2, population_size=30,
                   sample_size=5).final_regret()
    assert res.regret[res.configs.index({"population_size": 30, "sample_size": 5}), 1, 2] == r
    s = res.summary
    assert s["n_held_out"] == 4 and s["wins"] + s["ties"] + s["losses"] == 4
    assert s["difference_mean"] == pytest.approx(
        s["tuned_held_out_mean"] - s["default_held_out_mean"])
    assert res.bound["n_train_tasks"] == 3 and res.bound["n_configs"] == 4
    assert res.bound["epsilon"] == pytest.approx(finite_grid_bound(4, 3, delta=0.05))


def test_tuning_picks_the_good_configuration():
    """On toy tasks where only neighbours of the optimum are informative, RE with a large
    selection pressure beats RE that is close to random search; tuning must find it."""
    space = NB201()
    archs = space.all_archs()
    tasks = []
    for k, target in enumerate([(2, 2, 3, 2, 2, 3), (3, 2, 2, 0, 3, 2), (2, 3, 2, 2, 0, 3)]):
        v = np.array([-sum(x != y for x, y in zip(a, target)) for a in archs], dtype=float)
        tasks.append(TabularTask(f"toy{k}", space, archs, v, v, np.zeros(len(archs))))
    res = nas.tune_over_tasks(tasks, "re", [{"population_size": 10, "sample_size": 10},
                                            {"population_size": 100, "sample_size": 1}],
                              budget=100, seeds=range(4),
                              default={"population_size": 100, "sample_size": 1})
    assert res.default_index == 1
    assert res.best_config == {"population_size": 10, "sample_size": 10}
    assert all(f["config_index"] == 0 for f in res.folds)
    assert res.summary["tuned_held_out_mean"] < res.summary["default_held_out_mean"]


def test_fixed_split_and_errors():
    res = nas.tune_over_tasks(TASKS[:3], "rs", [{}], budget=10, seeds=[0],
                              split={"train": TASKS[:2], "test": TASKS[2:3]})
    assert len(res.folds) == 1 and res.folds[0]["held_out"] == TASKS[2]
    with pytest.raises(ValueError):
        nas.tune_over_tasks(TASKS[:1], "rs", [{}], budget=10, seeds=[0])
    with pytest.raises(ValueError):
        nas.tune_over_tasks(TASKS, "re", {"popsize": [3]}, budget=10, seeds=[0])
    with pytest.raises(ValueError):
        nas.tune_over_tasks(TASKS, "rs", [{}], budget=10, seeds=[0], split="kfold")


def test_parallel_backends_agree():
    kw = dict(budget=30, seeds=[0, 1])
    grid = {"population_size": [10, 20]}
    serial = nas.tune_over_tasks(TASKS[:3], "re", grid, n_jobs=1, **kw)
    loky = nas.tune_over_tasks(TASKS[:3], "re", grid, n_jobs=2, backend="loky", **kw)
    assert np.array_equal(serial.regret, loky.regret)
    distributed = pytest.importorskip("dask.distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None):
        dask = nas.tune_over_tasks(TASKS[:3], "re", grid, n_jobs=2, backend="dask", **kw)
    assert np.array_equal(serial.regret, dask.regret)
