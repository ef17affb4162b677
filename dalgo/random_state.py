"""dalgo's one convention for randomness: what a ``random_state`` may be, and what it becomes.

Every public function or estimator of dalgo (clustering core and :mod:`dalgo.nas`) that takes
randomness takes a ``random_state`` accepted by these helpers:

* ``None``: fresh entropy from the operating system (not reproducible);
* a non-negative ``int``: a seed; ``check_random_state(s)`` is ``np.random.default_rng(s)``
  and ``as_seed_sequence(s)`` is ``np.random.SeedSequence(s)``, so the two agree;
* a :class:`numpy.random.SeedSequence`: used as is;
* a :class:`numpy.random.Generator`: used as is by :func:`check_random_state`; turned into a
  seed by drawing one integer from it (which advances it) where independent child streams
  are needed (:func:`as_seed_sequence`, :func:`spawn_seeds`);
* a legacy :class:`numpy.random.RandomState`: contributes one seed, ``randint(2**32)``.

Anything else raises :class:`dalgo.InvalidParameterError` naming the value. Nothing in dalgo
touches the global ``np.random`` or ``random`` state. Units of work (instances, restarts,
trees) get one child seed each, spawned before any parallel work starts, never one per thread,
so results do not depend on the number of processes or threads.
"""

import numbers

import numpy as np

from ._validation import InvalidParameterError, check_nonnegative_int

__all__ = ["as_seed_sequence", "check_random_state", "int_seed", "spawn_generators",
           "spawn_seeds"]

_KINDS = "None, a non-negative int, a numpy SeedSequence, Generator or RandomState"


def _check_int_seed(random_state):
    if random_state < 0:
        raise InvalidParameterError(
            f"random_state must be a non-negative int; got {random_state}.")
    return int(random_state)


def _is_int(random_state):
    return isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)


def check_random_state(random_state):
    """The :class:`numpy.random.Generator` for ``random_state``.

    Parameters
    ----------
    random_state : None, int, SeedSequence, Generator or RandomState
        See the module documentation.

    Returns
    -------
    numpy.random.Generator
        ``random_state`` itself if it is a Generator.

    Examples
    --------
    >>> from dalgo.random_state import check_random_state
    >>> float(check_random_state(0).random()) == float(np.random.default_rng(0).random())
    True
    >>> check_random_state("0")
    Traceback (most recent call last):
    ...
    dalgo._validation.InvalidParameterError: random_state must be None, a non-negative int, \
a numpy SeedSequence, Generator or RandomState; got '0'.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**32, dtype=np.uint64))
    if random_state is None or isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(random_state)
    if _is_int(random_state):
        return np.random.default_rng(_check_int_seed(random_state))
    raise InvalidParameterError(f"random_state must be {_KINDS}; got {random_state!r}.")


def as_seed_sequence(random_state):
    """The :class:`numpy.random.SeedSequence` for ``random_state``.

    A Generator contributes one draw, ``integers(0, 2**63 - 1)``; a RandomState one
    ``randint(2**32)``.

    Examples
    --------
    >>> from dalgo.random_state import as_seed_sequence
    >>> as_seed_sequence(7).entropy
    7
    """
    if isinstance(random_state, np.random.SeedSequence):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(int(random_state.integers(0, 2**63 - 1)))
    if isinstance(random_state, np.random.RandomState):
        return np.random.SeedSequence(int(random_state.randint(2**32, dtype=np.uint64)))
    if random_state is None:
        return np.random.SeedSequence()
    if _is_int(random_state):
        return np.random.SeedSequence(_check_int_seed(random_state))
    raise InvalidParameterError(f"random_state must be {_KINDS}; got {random_state!r}.")


def spawn_seeds(n, random_state=None, *, start=0):
    """Child seed sequences ``start .. start + n - 1`` of ``random_state``.

    Child ``i`` depends only on (``random_state``, ``i``), so a prefix and its
    continuation agree: ``spawn_seeds(3, s)[2]`` and ``spawn_seeds(1, s, start=2)[0]``
    give the same stream.

    Examples
    --------
    >>> from dalgo.random_state import spawn_seeds
    >>> a, b = spawn_seeds(3, 7)[2], spawn_seeds(1, 7, start=2)[0]
    >>> bool(np.random.default_rng(a).random() == np.random.default_rng(b).random())
    True
    """
    n = check_nonnegative_int(n, "n")
    start = check_nonnegative_int(start, "start")
    return as_seed_sequence(random_state).spawn(start + n)[start:]


def spawn_generators(n, random_state=None, *, start=0):
    """``[np.random.default_rng(s) for s in spawn_seeds(n, random_state, start=start)]``."""
    return [np.random.default_rng(s) for s in spawn_seeds(n, random_state, start=start)]


def int_seed(random_state):
    """An int seed for libraries that take only ints (scikit-learn models, LightGBM,
    PyTorch): a non-negative int is returned as is; anything else contributes one draw in
    ``[0, 2**31 - 1)`` from :func:`check_random_state`'s generator.

    Examples
    --------
    >>> from dalgo.random_state import int_seed
    >>> int_seed(5)
    5
    """
    if _is_int(random_state):
        return _check_int_seed(random_state)
    return int(check_random_state(random_state).integers(2**31 - 1))
