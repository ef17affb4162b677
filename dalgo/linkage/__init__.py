"""α-linkage: a second algorithm family, with exact loss curves in α.

Agglomerative clustering whose linkage is parameterised by α (Balcan, Nagarajan, Vitercik &
White, COLT 2017): ``"minmax"`` interpolates single (α = 1) and complete (α = 0) linkage,
``"power"`` is the power mean of the point distances (−∞ single, 1 average, ∞ complete).

* :func:`agglomerate` — one run (the k-cut's labels);
* :func:`execution_tree` / :func:`loss_curve` — the exact execution tree in α of "minmax"
  and the loss of its k-cut as a :class:`~dalgo.PiecewiseConstant`;
* :class:`AlphaLinkage` — the scikit-learn estimator.
"""

from .agglomerative import FAMILIES, agglomerate, canonical_labels, distance_matrix
from .estimator import AlphaLinkage
from .tree import (
    ExecutionTree,
    LinkagePiece,
    execution_tree,
    loss_curve,
    partition_centers,
    partition_loss,
    pieces_loss_curve,
)

__all__ = ["FAMILIES", "AlphaLinkage", "ExecutionTree", "LinkagePiece", "agglomerate",
           "canonical_labels", "distance_matrix", "execution_tree", "loss_curve",
           "partition_centers", "partition_loss", "pieces_loss_curve"]
