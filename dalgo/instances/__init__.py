"""Clustering instances and the distributions that sample them, each with its randomness z.

An :class:`Instance` is a point matrix ``X`` with the number of clusters ``k``, optional
ground-truth labels ``y``, and the seeding randomness ``z`` (k independent Uniform[0, 1)
draws, docs/conventions.md) that, fixed, makes the whole run of the (α, β) algorithm a deterministic
function of (α, β).

One concept per module:

* :mod:`~dalgo.instances.instance` — :class:`Instance`, :func:`make_instance`;
* :mod:`~dalgo.instances.preprocessing` — scaling and PCA of a whole data set;
* :mod:`~dalgo.instances.distributions` — :class:`InstanceDistribution` and the samplers
  :class:`ClassSubsampling`, :class:`GaussianGrid`, :class:`FixedInstances`;
* :mod:`~dalgo.instances.battery` — :func:`instances_from_benchmark_battery`.

Determinism
-----------
``sample(n, random_state)`` spawns one child seed per instance
(:func:`dalgo.random_state.spawn_generators`, re-exported here); instance ``i`` is drawn
from its own generator alone — first its data, then ``z = draw_z(k, rng)``. So instance
``i`` depends only on (``random_state``, ``i``): ``sample(200, s)[:50]`` equals
``sample(50, s)``, and ``sample(n, s, start=i0)`` continues the same stream.
"""

from ..random_state import spawn_generators
from .battery import instances_from_benchmark_battery
from .distributions import ClassSubsampling, FixedInstances, GaussianGrid, InstanceDistribution
from .instance import Instance, make_instance

__all__ = [
    "Instance",
    "make_instance",
    "InstanceDistribution",
    "ClassSubsampling",
    "GaussianGrid",
    "FixedInstances",
    "instances_from_benchmark_battery",
    "spawn_generators",
]
