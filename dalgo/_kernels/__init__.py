"""numba kernels of dalgo, grouped by concept.

* :mod:`.distances` -- squared / Euclidean distances, nearest centre, β-costs;
* :mod:`.seeding` -- the d^α choice rule and the seeding loop;
* :mod:`.tree` -- where the d^α choice changes with α (execution tree nodes);
* :mod:`.centers` -- β-centres (IRLS / Weiszfeld) and minimum enclosing balls;
* :mod:`.medoids` -- medoid costs and updates;
* :mod:`.lloyd` -- the empty-cluster rule, the one stop rule, and the Lloyd loops
  (Gram matrix, fused blocks, β-centres / partition, medoids).

The contract of every kernel: plain arrays and scalars in, results written into
output arrays the caller allocated, a docstring that says which arguments are
inputs and which outputs.  No kernel reads Python objects.  Parallel kernels
(``prange``) only ever let an iteration write its own rows, so results do not
depend on the thread count; every floating-point reduction across points runs
serially in index order.  Small inputs (less than
:data:`.distances.PARALLEL_MIN_WORK` multiply-adds) take the same row kernel
serially.  A module imports another's kernels only by their public
(non-underscore) names.

No ``fastmath``: the exact solver compares floats and must see NaN and inf as
they are.

Importing this package first drops numba's cached kernels if any kernel source
changed since they were compiled, or the ``exp`` / ``log`` they call (:mod:`.libm`) did
(:mod:`.cache_guard`).
"""

from pathlib import Path as _Path

# Importing libm binds exp / log and compiles or loads nothing. Which functions were bound is
# part of the cache key: a kernel compiled against dalgo_exp cannot link where it is unbound.
from . import libm as _libm
from .cache_guard import drop_stale_caches as _drop_stale_caches
from .cache_guard import numba_cache_dirs as _numba_cache_dirs

_HERE = _Path(__file__).parent
_drop_stale_caches(_HERE, _numba_cache_dirs(_HERE), extra=_libm.SOURCE)
