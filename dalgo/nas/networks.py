"""The NAS-Bench-201 network in PyTorch, built from an architecture string.

Topology (Dong & Yang, "NAS-Bench-201", ICLR 2020): a 3x3 stem convolution with
batch norm; three stages of ``n_cells`` cells at ``C``, ``2C`` and ``4C`` channels,
separated by two residual reduction blocks (ResNet basic block with stride 2 and an
average-pool + 1x1-conv shortcut); a final BN + ReLU, global average pooling and a
linear head.  Each cell is a DAG on 4 nodes whose 6 edges carry one of the ops
``none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3``.

Torch is imported lazily: importing this module does not import torch; the first
call to :func:`nb201_network` does.
"""

from __future__ import annotations

import math

from dalgo._validation import check_positive_int
from dalgo.random_state import int_seed

from ._deprecation import random_state_or_seed
from .spaces import CELL_EDGES, NB201_OPS, STRING_ORDER, CellSpace

__all__ = ["NB201_OPS", "parse_nb201", "nb201_network", "init_network"]

# The one NB201 op list and arch-string parser are those of the search space.
_CELL = CellSpace(NB201_OPS, name="NAS-Bench-201")
#: the six edges (i, j) in arch-string order: 0->1, 0->2, 1->2, 0->3, 1->3, 2->3
_STRING_EDGES = tuple(CELL_EDGES[p] for p in STRING_ORDER)


def parse_nb201(arch):
    """The six (op, from, to) edges of a NAS-Bench-201 architecture, in arch-string order.

    Parameters
    ----------
    arch : str, sequence of 6 str or sequence of 6 int
        An arch string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``; six op names in *string*
        order (edges 0->1, 0->2, 1->2, 0->3, 1->3, 2->3); or the op tuple of
        :class:`dalgo.nas.NB201` (six op indices of :data:`~dalgo.nas.spaces.NB201_OPS` in
        *tuple* order 0->1, 0->2, 0->3, 1->2, 1->3, 2->3), as ``search`` and ``query`` use.
        Strings are parsed by :meth:`dalgo.nas.spaces.CellSpace.from_string`.

    Returns
    -------
    edges : tuple of (str, int, int)
        ``(op, i, j)`` for each edge i -> j, in string order.

    Raises
    ------
    ValueError
        If ``arch`` is not an NB201 architecture (the message names it).

    Examples
    --------
    >>> parse_nb201("|nor_conv_3x3~0|+|none~0|skip_connect~1|"
    ...             "+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|")[:2]
    (('nor_conv_3x3', 0, 1), ('none', 0, 2))
    >>> parse_nb201((2, 1, 4, 0, 1, 3))[:2]
    (('nor_conv_3x3', 0, 1), ('none', 0, 2))
    """
    if isinstance(arch, str):
        t = _CELL.from_string(arch)
    else:
        try:
            seq = tuple(arch)
        except TypeError:
            raise ValueError(f"not a NAS-Bench-201 architecture: {arch!r}") from None
        if seq and all(isinstance(op, str) for op in seq):
            if len(seq) != 6 or any(op not in NB201_OPS for op in seq):
                raise ValueError(f"expected 6 op names from {NB201_OPS}, got {arch!r}")
            t = [0] * 6
            for pos, op in zip(STRING_ORDER, seq):
                t[pos] = NB201_OPS.index(op)
        else:
            t = _CELL.validate(seq)
    return tuple((NB201_OPS[t[p]], i, j) for p, (i, j) in zip(STRING_ORDER, _STRING_EDGES))


def _modules():
    """Build the torch module classes (called once, lazily)."""
    import torch
    from torch import nn

    class ReLUConvBN(nn.Module):
        def __init__(self, c_in, c_out, kernel, stride, padding):
            super().__init__()
            self.op = nn.Sequential(
                nn.ReLU(inplace=False),
                nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=False),
                nn.BatchNorm2d(c_out),
            )

        def forward(self, x):
            return self.op(x)

    class ResNetBasicBlock(nn.Module):
        """Reduction block: two ReLU-conv-BN (stride 2 then 1) + avgpool/1x1 shortcut."""

        def __init__(self, c_in, c_out):
            super().__init__()
            self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1)
            self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
            self.downsample = nn.Sequential(
                nn.AvgPool2d(kernel_size=2, stride=2, padding=0),
                nn.Conv2d(c_in, c_out, 1, stride=1, padding=0, bias=False),
            )

        def forward(self, x):
            return self.downsample(x) + self.conv_b(self.conv_a(x))

    class Cell(nn.Module):
        """A NB201 cell; ``none`` edges are dropped (they contribute zeros)."""

        def __init__(self, edges, c):
            super().__init__()
            self.edges = [(i, j) for op, i, j in edges if op != "none"]
            ops = []
            for op, _, _ in edges:
                if op == "none":
                    continue
                if op == "skip_connect":
                    ops.append(nn.Identity())
                elif op == "nor_conv_1x1":
                    ops.append(ReLUConvBN(c, c, 1, 1, 0))
                elif op == "nor_conv_3x3":
                    ops.append(ReLUConvBN(c, c, 3, 1, 1))
                else:  # avg_pool_3x3
                    ops.append(nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False))
            self.ops = nn.ModuleList(ops)

        def forward(self, x):
            nodes = [x, None, None, None]
            for (i, j), op in zip(self.edges, self.ops):
                # A node with only `none` inputs is zero; its ops still run (as in NB201,
                # where Zero multiplies by 0), so FLOPs and gradients match the benchmark.
                src = torch.zeros_like(x) if nodes[i] is None else nodes[i]
                y = op(src)
                nodes[j] = y if nodes[j] is None else nodes[j] + y
            out = nodes[3]
            return torch.zeros_like(x) if out is None else out

    class NB201Network(nn.Module):
        def __init__(self, edges, c, n_cells, n_classes):
            super().__init__()
            self.arch = edges
            self.stem = nn.Sequential(
                nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
            )
            cells = []
            c_prev = c
            for stage in range(3):
                c_out = c * 2**stage
                if stage > 0:
                    cells.append(ResNetBasicBlock(c_prev, c_out))
                for _ in range(n_cells):
                    cells.append(Cell(edges, c_out))
                c_prev = c_out
            self.cells = nn.Sequential(*cells)
            self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=False))
            self.classifier = nn.Linear(c_prev, n_classes)

        def features(self, x):
            """Feature map before global pooling (used by Zen-NAS)."""
            return self.lastact(self.cells(self.stem(x)))

        def forward(self, x):
            f = self.features(x)
            return self.classifier(f.mean(dim=(2, 3)))

    return NB201Network


_NET_CLASS = None


def init_network(net, *, random_state=0, seed=None):
    """Re-initialise ``net`` in place with PyTorch's default init, from a private generator.

    Conv and linear weights get ``kaiming_uniform_(a=sqrt(5))`` and biases
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (PyTorch's defaults); BN weights 1, biases 0,
    running statistics reset.  The global torch RNG is not used.

    Parameters
    ----------
    net : torch.nn.Module
    random_state : None, int, SeedSequence or Generator, default=0
        Seeds the private ``torch.Generator``: an int is used as is, anything else gives one
        int seed (:func:`dalgo.random_state.int_seed`).
    seed : int, default=None
        Deprecated alias of ``random_state`` (same results); will be removed in the next
        release.

    Returns
    -------
    net : torch.nn.Module
    """
    import torch
    from torch import nn

    random_state = random_state_or_seed(random_state, seed,
                                        where="dalgo.nas.networks.init_network", default=0)
    g = torch.Generator().manual_seed(int_seed(random_state))
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=g)
                if m.bias is not None:
                    fan_in = m.weight[0].numel()
                    bound = 1.0 / math.sqrt(fan_in)
                    nn.init.uniform_(m.bias, -bound, bound, generator=g)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()  # weight 1, bias 0, running mean 0 / var 1, count 0
    return net


def nb201_network(arch, *, C=16, n_cells=5, n_classes=10, random_state=0, seed=None):
    """Build the NAS-Bench-201 network of ``arch`` at initialisation.

    Parameters
    ----------
    arch : str, sequence of 6 str or op tuple of 6 int
        NB201 arch string, op names or op tuple (see :func:`parse_nb201`).
    C : int, default=16
        Channels of the first stage (the stages have C, 2C, 4C).
    n_cells : int, default=5
        Cells per stage.
    n_classes : int, default=10
    random_state : None, int, SeedSequence or Generator, default=0
        Seeds the private generator that initialises the weights (see :func:`init_network`).
    seed : int, default=None
        Deprecated alias of ``random_state`` (same results); will be removed in the next
        release.

    Returns
    -------
    net : torch.nn.Module
        In training mode; ``net.features(x)`` gives the map before global pooling.

    Notes
    -----
    Parameter counts equal the ``params_M`` column of the 15,625-cell NB201 table (checked in
    the tests), e.g. 1.532 M for the all-3x3-conv cell at C=16, N=5, 10 classes.  The
    network is built on the meta device and initialised from a private generator, so the
    global torch RNG is neither used nor advanced.

    Examples
    --------
    >>> net = nb201_network("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    ...                     "+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    >>> round(sum(p.numel() for p in net.parameters()) / 1e6, 3)
    1.532
    """
    global _NET_CLASS
    random_state = random_state_or_seed(random_state, seed, where="dalgo.nas.nb201_network",
                                        default=0)
    edges = parse_nb201(arch)
    C = check_positive_int(C, "C")
    n_cells = check_positive_int(n_cells, "n_cells")
    n_classes = check_positive_int(n_classes, "n_classes")
    if _NET_CLASS is None:
        _NET_CLASS = _modules()
    import torch

    # Build on the meta device (no storage, no draws from the global torch RNG), then
    # allocate and initialise every parameter and buffer from the private generator.
    with torch.device("meta"):
        net = _NET_CLASS(edges, C, n_cells, n_classes)
    net = net.to_empty(device="cpu")
    return init_network(net, random_state=random_state)
