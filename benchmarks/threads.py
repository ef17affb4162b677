"""The thread counts a benchmark reports beside its wall times.

A wall time means little without the threads each side had: numba's for dalgo's kernels,
the BLAS and OpenMP pools (threadpoolctl's view) for scikit-learn and NumPy.  Only the pools
loaded when the function is called are seen, so call it after the timed code has run.
"""

import numba
from threadpoolctl import threadpool_info


def thread_counts():
    """numba's threads and the thread pools threadpoolctl sees (BLAS, OpenMP)."""
    pools = {}
    for info in threadpool_info():
        pools.setdefault(info["user_api"], set()).add(info["num_threads"])
    return dict(numba=numba.get_num_threads(),
                blas=sorted(pools.get("blas", [])), openmp=sorted(pools.get("openmp", [])))


def describe_pools():
    """The largest thread count of each BLAS / OpenMP pool, e.g. ``"blas 2, openmp 2"``."""
    counts = thread_counts()
    return ", ".join(f"{api} {max(counts[api])}" for api in ("blas", "openmp") if counts[api])
