"""The one helper for dalgo.nas' deprecated ``seed=`` argument (renamed ``random_state=``)."""

from __future__ import annotations

import numbers
import warnings

from dalgo._validation import InvalidParameterError

__all__ = ["random_state_or_seed"]


def _is_default(value, default):
    """Whether ``value`` is the signature default (an int default matches an equal int)."""
    if value is default:
        return True
    return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and isinstance(default, numbers.Integral) and value == default)


def random_state_or_seed(random_state, seed, *, where, default):
    """The ``random_state`` to use, honouring the deprecated alias ``seed`` for one release.

    Parameters
    ----------
    random_state : object
        The value of the ``random_state`` argument.
    seed : object or None
        The value of the deprecated ``seed`` argument; None when it was not given.
    where : str
        Name of the public callable, for the messages (e.g. ``"dalgo.nas.search"``).
    default : object
        The default of ``random_state`` in that callable's signature.

    Returns
    -------
    object
        ``seed`` when it was given (after a :class:`FutureWarning`), else ``random_state``.
        ``seed=s`` and ``random_state=s`` give the same results.

    Raises
    ------
    dalgo.InvalidParameterError
        If both were given (``random_state`` not at its default).
    """
    if seed is None:
        return random_state
    if not _is_default(random_state, default):
        raise InvalidParameterError(
            f"{where}: got random_state={random_state!r} and seed={seed!r}; seed is the "
            "deprecated name of random_state, pass random_state only."
        )
    warnings.warn(
        f"{where}: the argument seed= is deprecated and will be removed in the next release; "
        f"use random_state={seed!r} (same results).",
        FutureWarning,
        stacklevel=3,
    )
    return seed
