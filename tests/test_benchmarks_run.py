"""Every benchmark script still imports and parses its arguments (a renamed helper module
once broke one silently); the measurements themselves run outside the suite."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
NEEDS = {"bench_selection_tpe.py": "optuna", "bench_zero_cost.py": "torch",
         "bench_nas_search.py": "torch"}


@pytest.mark.parametrize("script", sorted(p.name for p in BENCH.glob("bench_*.py")))
def test_benchmark_script_starts(script):
    needed = NEEDS.get(script)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f"{script} needs {needed}")
    done = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()


def _checkout_row(*args):
    """The table row of ``bench_checkouts.py`` run on this checkout with ``args``."""
    repo = BENCH.parent
    done = subprocess.run([sys.executable, str(BENCH / "bench_checkouts.py"), str(repo),
                           "--dataset", "gaussian_grid", "--alpha", "0", "5", "--reps", "1",
                           *args], capture_output=True, text=True, timeout=600, check=False,
                          cwd=str(repo))
    assert done.returncode == 0, done.stderr[-2000:]
    row = done.stdout.strip().splitlines()[-1].split("|")
    return int(row[2]), int(row[3]), row[7].strip()  # leaves, pieces, hash


def test_bench_checkouts_many_instance_mode_sums_the_single_curves():
    both = _checkout_row("--n-instances", "2", "--seed", "3")
    first, second = _checkout_row("--seed", "3"), _checkout_row("--seed", "4")
    assert both[:2] == (first[0] + second[0], first[1] + second[1])
    assert both[2] not in (first[2], second[2])  # the hash covers both curves


def test_thread_report_follows_the_limits_threadpoolctl_sets(monkeypatch):
    """What the benchmarks print as each side's threads is what threadpoolctl and numba were
    told, not a constant."""
    import numba
    import numpy as np
    from threadpoolctl import threadpool_limits

    monkeypatch.syspath_prepend(str(BENCH.parent))  # undone after the test
    from benchmarks.threads import describe_pools, thread_counts

    np.ones((64, 64)) @ np.ones((64, 64))  # load the BLAS pool
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        with threadpool_limits(limits=1):
            counts = thread_counts()
            assert counts["numba"] == 1
            assert counts["blas"] == [1]
            assert "blas 1" in describe_pools()
    finally:
        numba.set_num_threads(before)
    assert thread_counts()["numba"] == before
