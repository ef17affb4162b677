"""numba kernel of the exact empirical Rademacher complexity of a family of curves.

For signs σ, ``Σ_i σ_i f_i(α)`` is piecewise constant on the common refinement of the
curves and changes only where one of them jumps. The kernel walks the sorted jumps once
per sign vector, applying every jump at one position before it reads the sum (partial sums
inside a group of equal positions are not values of the function), and keeps the largest
absolute value: the exact supremum, with no grid.
"""

from numba import njit, prange


@njit(cache=True, nogil=True)
def _sup_one(start, signs_row, owner, jump, group_end, absolute):
    s = 0.0
    for i in range(start.shape[0]):
        s += signs_row[i] * start[i]
    best = abs(s) if absolute else s
    for e in range(owner.shape[0]):
        s += signs_row[owner[e]] * jump[e]
        if group_end[e]:
            a = abs(s) if absolute else s
            if a > best:
                best = a
    return best


@njit(cache=True, nogil=True, parallel=True)
def signed_sum_sups(start, signs, owner, jump, group_end, absolute, out):
    """``out[d] = max over pieces of |Σ_i signs[d, i] f_i|`` (of the signed sum itself when
    ``absolute`` is False).

    Inputs: ``start`` (m,) the curves' values on their first piece; ``signs`` (D, m);
    ``owner`` (E,) intp, the curve of each jump; ``jump`` (E,) its size; ``group_end`` (E,)
    bool, True at the last jump of each position (jumps sorted by position); ``absolute``
    bool. Output: ``out`` (D,). Each sign vector is one ``prange`` iteration writing its
    own entry, so the result does not depend on the thread count.
    """
    for d in prange(signs.shape[0]):
        out[d] = _sup_one(start, signs[d], owner, jump, group_end, absolute)
