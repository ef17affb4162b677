"""Piecewise-constant functions of α: the exact representation of loss curves."""

import numbers
from collections import namedtuple

import numpy as np

from .jsonio import decode_float, encode_float

__all__ = ["PiecewiseConstant", "Argmin", "ordered_mean"]

Argmin = namedtuple("Argmin", ["intervals", "value"])
Argmin.__doc__ = """Minimisers of a :class:`PiecewiseConstant`.

``intervals`` is the list of maximal ``(lo, hi)`` intervals on which the minimum
``value`` is attained, in increasing order.
"""


def _ordered_sum(terms):
    """``(terms[0] + terms[1] + …, count)``, summed from 0.0 left to right (floats or arrays
    alike; an iterator is consumed one term at a time)."""
    total, count = 0.0, 0
    for term in terms:
        total = total + term
        count += 1
    return total, count


def ordered_mean(terms):
    """The mean of ``terms`` summed left to right, then divided: the arithmetic of
    :meth:`PiecewiseConstant.mean`, so that the mean of several values at one α equals the
    mean curve's value there bit for bit (``np.mean`` sums pairwise and may differ in the
    last bit).

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import PiecewiseConstant
    >>> from dalgo.piecewise import ordered_mean
    >>> curves = [PiecewiseConstant([0, 1, 2], [v, 0.5]) for v in (0.1, 0.2, 0.3)]
    >>> ordered_mean([0.1, 0.2, 0.3]) == PiecewiseConstant.mean(curves)(0.5)
    True
    """
    total, count = _ordered_sum(terms)
    if not count:
        raise ValueError("need at least one value to average.")
    return total / count


def _is_real_scalar(x):
    """A real number (Python or numpy), not a string, bool or array."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


class PiecewiseConstant:
    """A function constant on the intervals ``[b[i], b[i + 1])``.

    Parameters
    ----------
    breakpoints : array-like of shape (n_pieces + 1,)
        Strictly increasing; the last may be ``np.inf``. The domain is
        ``[b[0], b[-1]]``: the last piece is closed, so a curve over
        ``[0, inf]`` has a value at ``inf`` (farthest-first).
    values : array-like of shape (n_pieces,)
        Finite value on each piece.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo import PiecewiseConstant
    >>> f = PiecewiseConstant([0.0, 1.0, 3.0], [0.5, 0.25])
    >>> g = PiecewiseConstant([0.0, 2.0, 3.0], [0.0, 1.0])
    >>> f(np.array([0.0, 0.99, 1.0, 3.0]))
    array([0.5 , 0.5 , 0.25, 0.25])
    >>> PiecewiseConstant.mean([f, g]).values
    array([0.25 , 0.125, 0.625])
    >>> (f + g).argmin()
    Argmin(intervals=[(1.0, 2.0)], value=0.25)
    """

    __slots__ = ("breakpoints", "values")
    # numpy defers to our operators (``np.float64(2) * f`` is a curve;
    # ``array * f`` is a TypeError instead of an object array of curves)
    __array_ufunc__ = None

    def __init__(self, breakpoints, values):
        b = np.array(breakpoints, dtype=np.float64)
        v = np.array(values, dtype=np.float64)
        if b.ndim != 1 or v.ndim != 1 or b.shape[0] != v.shape[0] + 1 or v.shape[0] < 1:
            raise ValueError(
                "breakpoints must be 1-D with one more entry than values (at least one "
                f"piece); got {b.shape} and {v.shape}."
            )
        if np.isnan(b).any() or np.isinf(b[:-1]).any():
            raise ValueError("breakpoints must be finite, except that the last may be inf.")
        if np.any(np.diff(b) <= 0):
            raise ValueError("breakpoints must be strictly increasing.")
        if not np.all(np.isfinite(v)):
            raise ValueError("values must be finite.")
        b.setflags(write=False)
        v.setflags(write=False)
        self.breakpoints = b
        self.values = v

    # -- basic properties ----------------------------------------------------
    @property
    def domain(self):
        """``(lo, hi)``, the closed interval the function is defined on."""
        return float(self.breakpoints[0]), float(self.breakpoints[-1])

    @property
    def n_pieces(self):
        return self.values.shape[0]

    def __len__(self):
        return self.n_pieces

    def __repr__(self):
        lo, hi = self.domain
        return f"PiecewiseConstant({self.n_pieces} pieces on [{lo:g}, {hi:g}])"

    def __eq__(self, other):
        return (
            isinstance(other, PiecewiseConstant)
            and np.array_equal(self.breakpoints, other.breakpoints)
            and np.array_equal(self.values, other.values)
        )

    __hash__ = None

    # -- evaluation ----------------------------------------------------------
    def piece_index(self, alpha):
        """Index of the piece containing each ``alpha`` (ValueError outside the domain)."""
        a = np.asarray(alpha, dtype=np.float64)
        lo, hi = self.domain
        if np.isnan(a).any() or np.any(a < lo) or np.any(a > hi):
            raise ValueError(f"alpha must lie in the domain [{lo}, {hi}]; got {alpha}.")
        idx = np.searchsorted(self.breakpoints, a, side="right") - 1
        return np.minimum(idx, self.n_pieces - 1)

    def __call__(self, alpha):
        idx = self.piece_index(alpha)
        out = self.values[idx]
        return float(out) if np.ndim(out) == 0 else out

    # -- algebra -------------------------------------------------------------
    def _check_same_domain(self, other):
        if self.domain != other.domain:
            raise ValueError(
                f"curves must share their domain; got {self.domain} and {other.domain}."
            )

    @staticmethod
    def common_breakpoints(curves):
        """Sorted union of the breakpoints of ``curves`` (which share a domain)."""
        return np.unique(np.concatenate([c.breakpoints for c in curves]))

    @classmethod
    def _on_common_pieces(cls, curves):
        """The common breakpoints of ``curves`` (a non-empty list on one domain) and, lazily,
        each curve's values on their pieces."""
        for c in curves[1:]:
            curves[0]._check_same_domain(c)
        b = cls.common_breakpoints(curves)
        left = b[:-1]
        return b, (c.values[np.searchsorted(c.breakpoints, left, side="right") - 1]
                   for c in curves)

    @classmethod
    def sum(cls, curves, weights=None):
        """Exact (weighted) sum of curves on their common refinement."""
        curves = list(curves)
        if not curves:
            raise ValueError("need at least one curve.")
        b, rows = cls._on_common_pieces(curves)
        if weights is not None:
            rows = (w * r for w, r in zip(weights, rows))
        return cls(b, _ordered_sum(rows)[0])

    @classmethod
    def mean(cls, curves):
        """Exact average of curves: the value on each piece of the common
        refinement is the mean of the curves' values there (:func:`ordered_mean`)."""
        curves = list(curves)
        if not curves:
            raise ValueError("need at least one curve to average.")
        b, rows = cls._on_common_pieces(curves)
        return cls(b, ordered_mean(rows))

    @classmethod
    def stack(cls, curves):
        """Common breakpoints and the (n_curves, n_pieces) matrix of values."""
        b, rows = cls._on_common_pieces(list(curves))
        return b, np.vstack(list(rows))

    def __add__(self, other):
        if isinstance(other, PiecewiseConstant):
            return PiecewiseConstant.sum([self, other])
        if _is_real_scalar(other):
            return PiecewiseConstant(self.breakpoints, self.values + float(other))
        return NotImplemented

    __radd__ = __add__

    def __mul__(self, other):
        if _is_real_scalar(other):
            return PiecewiseConstant(self.breakpoints, self.values * float(other))
        return NotImplemented

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        if isinstance(other, PiecewiseConstant):
            return PiecewiseConstant.sum([self, other], weights=[1.0, -1.0])
        if _is_real_scalar(other):
            return self + (-float(other))
        return NotImplemented

    def abs(self):
        return PiecewiseConstant(self.breakpoints, np.abs(self.values))

    def max(self):
        return float(self.values.max())

    def min(self):
        return float(self.values.min())

    def simplify(self):
        """Merge neighbouring pieces with equal values (same function, fewer pieces)."""
        keep = np.concatenate([[True], self.values[1:] != self.values[:-1]])
        b = np.concatenate([self.breakpoints[:-1][keep], self.breakpoints[-1:]])
        return PiecewiseConstant(b, self.values[keep])

    def argmin(self):
        """All maximal intervals where the minimum is attained, and the minimum.

        Returns
        -------
        Argmin
            ``intervals``: list of ``(lo, hi)``; ``value``: the minimum.
        """
        value = self.values.min()
        hit = self.values == value
        intervals = []
        b = self.breakpoints
        i = 0
        n = self.n_pieces
        while i < n:
            if hit[i]:
                j = i
                while j + 1 < n and hit[j + 1]:
                    j += 1
                intervals.append((float(b[i]), float(b[j + 1])))
                i = j + 1
            else:
                i += 1
        return Argmin(intervals, float(value))

    def integral(self, upper=None):
        """Integral over the domain (up to ``upper`` if the domain is unbounded)."""
        b = self.breakpoints.copy()
        if upper is not None:
            b = np.minimum(b, upper)
        if np.isinf(b[-1]):
            raise ValueError("the domain is unbounded; pass a finite upper limit.")
        return float(np.sum(np.diff(b) * self.values))

    def window_mean(self, centers, half_width, *, upper=None):
        """Exact average of the curve over ``[a - h, a + h]`` clipped to the domain, for
        each ``a`` in ``centers`` (the window-smoothed risk).

        The cumulative integral of a piecewise-constant function is piecewise linear, so
        the result is exact. ``upper`` caps the windows on the right (required when the
        domain is unbounded: the infinite last piece then counts from its start to
        ``upper``).

        Examples
        --------
        >>> c = PiecewiseConstant([0, 1, 2], [0.0, 1.0])
        >>> c.window_mean([1.0], 0.5).tolist()
        [0.5]
        """
        if not (np.isfinite(half_width) and half_width > 0):
            raise ValueError(f"half_width must be finite and > 0; got {half_width}.")
        b = self.breakpoints.astype(float)
        hi_cap = b[-1] if upper is None else min(float(upper), b[-1])
        if np.isinf(hi_cap):
            raise ValueError("the domain is unbounded; pass a finite upper limit.")
        if np.isinf(b[-1]):
            b[-1] = max(hi_cap, float(b[-2]) if b.size > 1 else hi_cap) + 1.0
        centers = np.asarray(centers, dtype=float)
        cum = np.concatenate([[0.0], np.cumsum(np.diff(b) * self.values)])
        lo = np.maximum(centers - half_width, b[0])
        hi = np.minimum(centers + half_width, hi_cap)
        return (np.interp(hi, b, cum) - np.interp(lo, b, cum)) / (hi - lo)

    # -- serialisation -------------------------------------------------------
    def to_dict(self):
        """A JSON-ready dict; an infinite last breakpoint is written ``"inf"``
        (:mod:`dalgo.jsonio`)."""
        return {"breakpoints": [encode_float(x) for x in self.breakpoints],
                "values": [encode_float(x) for x in self.values]}

    @classmethod
    def from_dict(cls, d):
        """The curve of :meth:`to_dict`'s output."""
        return cls([decode_float(x) for x in d["breakpoints"]],
                   [decode_float(x) for x in d["values"]])

    # -- plotting ------------------------------------------------------------
    def plot(self, ax=None, *, inf_at=None, **kwargs):
        """Step plot; an infinite last piece is drawn up to ``inf_at``.

        ``inf_at`` defaults to 1.1 times the largest finite breakpoint (or
        ``lo + 1``); the value at infinity is marked at the right edge.
        """
        import matplotlib.pyplot as plt

        from .plotting import step_xy

        if ax is None:
            ax = plt.gca()
        unbounded = np.isinf(self.breakpoints[-1])
        if unbounded and inf_at is None:
            finite = self.breakpoints[:-1]
            inf_at = max(float(finite.max()) * 1.1, float(finite.min()) + 1.0)
        x, y = step_xy(self, inf_at)
        (line,) = ax.plot(x, y, **kwargs)
        if unbounded:
            ax.plot([inf_at], [self.values[-1]], marker=">", color=line.get_color())
        return ax
