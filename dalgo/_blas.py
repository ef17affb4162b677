"""BLAS held at one thread, and the exactly symmetric Gram matrix built under it.

Used by the β = 2 paths of :func:`dalgo.local_search` and by the execution tree
(both build the Gram matrix with :func:`gram_matrix`, which keeps curves and
direct runs bit-identical).
"""

import threading
from contextlib import contextmanager

import numpy as np

_BLAS_CONTROLLER = None
_BLAS_LOCK = threading.Lock()
_BLAS_DEPTH = 0
_BLAS_LIMITER = None


@contextmanager
def single_threaded_blas():
    """Limit BLAS to one thread inside the block (restored in ``finally``).

    The fused Lloyd step calls BLAS from numba's worker threads; one BLAS thread
    each avoids oversubscription and keeps every product's arithmetic fixed.
    Re-entrant and safe across Python threads: the first caller in sets the
    limit, the last one out restores the original thread counts.
    """
    global _BLAS_CONTROLLER, _BLAS_DEPTH, _BLAS_LIMITER
    with _BLAS_LOCK:
        if _BLAS_DEPTH == 0:
            if _BLAS_CONTROLLER is None:
                from threadpoolctl import ThreadpoolController

                _BLAS_CONTROLLER = ThreadpoolController()
            _BLAS_LIMITER = _BLAS_CONTROLLER.limit(limits=1, user_api="blas")
        _BLAS_DEPTH += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_DEPTH -= 1
            if _BLAS_DEPTH == 0:
                _BLAS_LIMITER.restore_original_limits()
                _BLAS_LIMITER = None


def gram_matrix(X):
    """``X @ X.T`` for the Gram path, exactly symmetric.

    One BLAS product with BLAS held at one thread, so its arithmetic does not
    depend on the thread settings (about 10x faster than a hand-written loop at
    n = 4096, d = 784); the upper triangle is mirrored so that ``G`` is exactly
    symmetric. The execution tree and :func:`local_search` both build ``G`` here,
    which keeps curves and direct runs bit-identical.
    """
    with single_threaded_blas():
        G = X @ X.T
    lower = np.tril_indices(G.shape[0], -1)
    G[lower] = G.T[lower]
    return np.ascontiguousarray(G)
