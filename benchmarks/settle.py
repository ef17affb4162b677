"""The pause before every timed call of the benchmarks.

An OpenMP pool (scikit-learn's, and numba's "omp" layer) spin-waits for a while after each
parallel region; on 2 cores the previous library's spinning threads then steal the cores
from the next call (measured on MNIST seeding, idle machine: dalgo 37.7 ms right after
scikit-learn, 13.7 ms after a 0.2 s pause; scikit-learn 21.9 / 21.0 ms).  A user runs one
library at a time, so each timed call starts from quiet threads.
"""

import time

#: Seconds to wait before every timed call.
SETTLE_SECONDS = 0.2


def settle():
    """Sleep :data:`SETTLE_SECONDS` so that no library's spinning threads are still busy."""
    time.sleep(SETTLE_SECONDS)
