"""The algorithm families the tuning pipeline knows, one registry entry each.

A family is a :class:`Family` value: how to evaluate one instance (exact loss curves in α
and the classical members' losses) and how to name and place its classical members. The
pipeline (:class:`~dalgo.tuning.TuneConfig` → :func:`~dalgo.tuning.evaluate_instances` →
:func:`~dalgo.tuning.summarize` → :class:`~dalgo.TuneResult`) reads only this value, so a
new family is a module with an ``evaluate`` function plus one entry in :data:`FAMILIES`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .._validation import InvalidParameterError
from ..execution_tree import DEFAULT_ALPHA_RANGE, check_alpha_range
from ..linkage import family as _linkage
from ..linkage.tree import check_linkage_range
from . import lloyd as _lloyd

__all__ = ["FAMILIES", "Family", "get_family"]


@dataclass(frozen=True)
class Family:
    """An algorithm family as the tuning pipeline sees it.

    Attributes
    ----------
    name : str
        The registry key (``TuneConfig(family=name)``).
    title : str
        What the family is, for figures.
    default_alpha_range : (float, float)
    check_alpha_range : callable
        ``alpha_range -> (lo, hi)`` validated for this family (raises
        :class:`dalgo.InvalidParameterError`).
    baseline_names : dict
        Label → report name of every classical member run directly on test instances.
    members : dict
        Label → α of the classical members that lie on the family's α axis (the fixed
        candidates of the cross-validation, marked on the figure); the first is the
        user's default, which the selection keeps unless a candidate beats it clearly.
    uses_beta : bool
        Whether ``betas`` is a parameter of the family; a family without β stores its one
        curve under the β key 2.0 and accepts only the default ``betas=(2.0,)``.
    accepts_draws : bool
        Whether the family is randomised (``n_draws`` > 1 and ``center`` make sense).
    evaluate : callable
        ``evaluate(instance, config, baselines) -> (curves, baselines, n_leaves,
        tree_seconds, search_seconds)``: ``curves`` β → exact
        :class:`~dalgo.PiecewiseConstant` in α; ``baselines`` label → β → loss of the
        direct run (empty when ``baselines`` is false).
    """

    name: str
    title: str
    default_alpha_range: tuple
    check_alpha_range: Callable
    baseline_names: dict
    members: dict
    uses_beta: bool
    accepts_draws: bool
    evaluate: Callable

    @property
    def default_label(self):
        """The label of the default member (the first of :attr:`members`)."""
        return next(iter(self.members))


#: name → :class:`Family`.
FAMILIES = {
    "lloyd": Family(
        name="lloyd", title="d^α seeding + β-Lloyd's", default_alpha_range=DEFAULT_ALPHA_RANGE,
        check_alpha_range=check_alpha_range, baseline_names=_lloyd.BASELINE_NAMES,
        members={"2": 2.0, "0": 0.0, "1": 1.0, "inf": float("inf")}, uses_beta=True,
        accepts_draws=True, evaluate=_lloyd.evaluate_lloyd),
    "linkage-minmax": Family(
        name="linkage-minmax", title="α-linkage α·min + (1 − α)·max",
        default_alpha_range=(0.0, 1.0),
        check_alpha_range=partial(check_linkage_range, family="minmax"),
        baseline_names=_linkage.LINKAGE_BASELINE_NAMES, members=_linkage.LINKAGE_MEMBERS,
        uses_beta=False, accepts_draws=False, evaluate=_linkage.evaluate_minmax),
}


def get_family(name):
    """The :class:`Family` called ``name`` (:class:`dalgo.InvalidParameterError` naming the
    known ones otherwise).

    Examples
    --------
    >>> from dalgo.tuning.families import get_family
    >>> get_family("linkage-minmax").default_alpha_range
    (0.0, 1.0)
    >>> sorted(get_family("lloyd").baseline_names)
    ['0', '1', '2', 'inf']
    """
    if not isinstance(name, str) or name not in FAMILIES:
        raise InvalidParameterError(
            f"family must be one of {sorted(FAMILIES)}; got {name!r}.")
    return FAMILIES[name]
