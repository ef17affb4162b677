"""NAS search spaces: NAS-Bench-201, TransNAS-Bench-101-micro and NAS-Bench-Graph.

An architecture is a plain tuple of ints. Every space offers the same small interface
(NASLib's *search space* role without its graph objects): ``sample``, ``mutate``,
``neighbours``, ``encode`` / ``encode_many``, ``to_string`` / ``from_string``, ``size`` and
``in`` (membership).

Cell spaces (NB201, TNB-101-micro)
----------------------------------
A cell has 4 nodes (0 = input, 3 = output) and 6 edges. The op tuple follows NASLib's
convention (``nas/README.md`` of the data folder):

* tuple position = edge, in the order ``(0->1, 0->2, 0->3, 1->2, 1->3, 2->3)``;
* NB201 op index: ``0 skip_connect, 1 none, 2 nor_conv_3x3, 3 nor_conv_1x1, 4 avg_pool_3x3``
  (:data:`NB201_OPS`); TNB-101-micro uses the first four of these. This is the op order of
  every op tuple in the data (NAS-Bench-Suite-Zero and TransNAS-Bench-101 records); the
  NAS-Bench-201 paper and API *list* the same five ops in another order (none, skip_connect,
  nor_conv_1x1, nor_conv_3x3, avg_pool_3x3), which no index of dalgo uses. The official
  NB201 index (0..15624) is a separate number, read from the data (:meth:`NB201.to_index`).

The arch string lists the edges node by node, ``|o01~0|+|o02~0|o12~1|+|o03~0|o13~1|o23~2|``, so
tuple ``t`` is ``|t0~0|+|t1~0|t3~1|+|t2~0|t4~1|t5~2|`` (:data:`STRING_ORDER`).
:meth:`CellSpace.from_string` is dalgo's one arch-string parser; the PyTorch network
(:mod:`dalgo.nas.networks`) uses it and these constants.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import numpy as np

from dalgo.random_state import check_random_state

__all__ = [
    "CELL_EDGES",
    "STRING_ORDER",
    "CellSpace",
    "NB201",
    "TNB101Micro",
    "NBGraph",
    "SubSpace",
    "NB201_OPS",
    "TNB101_MICRO_OPS",
    "NBGRAPH_OPS",
    "NBGRAPH_LINKS",
]

#: the five NB201 ops in op-index order (NASLib's order, used by every op tuple)
NB201_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
TNB101_MICRO_OPS = NB201_OPS[:4]

#: edges of the cell, in op-tuple order
CELL_EDGES = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
#: tuple positions in arch-string order: |0->1|+|0->2|1->2|+|0->3|1->3|2->3|
STRING_ORDER = (0, 1, 3, 2, 4, 5)
#: the four input->output paths, as tuple positions of their edges (input side first)
CELL_PATHS = ((2,), (0, 4), (1, 5), (0, 3, 5))

_ENCODINGS = ("adjacency", "path", "trunc_path", "path_no_none")


class CellSpace:
    """A 6-edge, 4-node cell space with ``n_ops`` operations per edge.

    Parameters
    ----------
    ops : tuple of str
        Operation names in op-index order; must contain ``"none"``.
    name : str, default="cell"
        Short name used in messages.

    Notes
    -----
    Encodings (``encode(arch, encoding=...)``), all float64 vectors:

    * ``"adjacency"``: one-hot op per edge, ``6 * n_ops`` values, edge-major in tuple order;
      exactly 6 ones.
    * ``"path"`` (White et al., BANANAS): one bit per op sequence of length 1..3 along an
      input->output path, ``n + n**2 + n**3`` bits (155 for NB201, 84 for TNB-101-micro). Bit
      of a sequence ``(a_1, ..., a_L)`` of op indices: ``offset_L + sum_j a_j n**(j-1)`` with
      ``offset_1 = 0, offset_2 = n, offset_3 = n + n**2`` (the first op, nearest the input, is
      the least significant digit). A cell has exactly 4 input->output paths (0->3, 0->1->3,
      0->2->3, 0->1->2->3), so 4 bits are set, except when the two length-2 paths carry the same
      op sequence (625 of the 15,625 NB201 cells): they share a bit and 3 are set. Use
      :meth:`path_counts` for the multiplicity version (always sums to 4).
    * ``"trunc_path"`` (BANANAS' truncated path encoding): the first ``n + n**2`` bits of the
      path encoding, i.e. the sequences of length 1 and 2 (30 for NB201, BANANAS' cutoff, 20
      for TNB-101-micro); the length-3 path 0->1->2->3 is dropped.  BANANAS' reference
      (``Cell201.encode_freq_paths``, github.com/naszilla/naszilla) numbers the ops
      alphabetically; the bits here are the same up to that renaming of the ops.
    * ``"path_no_none"``: the path encoding restricted to sequences without ``none`` (a path
      through ``none`` carries no signal): ``m + m**2 + m**3`` bits, ``m = n_ops - 1``
      (84 for NB201, 39 for TNB-101-micro), same digit convention over the ops without ``none``.
      (dalgo called this ``trunc_path`` before; it is not BANANAS' encoding.)
    """

    n_edges = 6
    edges = CELL_EDGES
    paths_edges = CELL_PATHS
    encodings = _ENCODINGS
    default_encoding = "path"

    def __init__(self, ops, *, name="cell"):
        self.ops = tuple(ops)
        if "none" not in self.ops:
            raise ValueError("a cell space needs a 'none' op")
        self.name = name
        self.n_ops = len(self.ops)
        self._op_index = {op: i for i, op in enumerate(self.ops)}
        self._none = self._op_index["none"]
        # op index -> digit in the truncated path code (-1 for none)
        keep = [i for i in range(self.n_ops) if i != self._none]
        self._trunc_digit = np.full(self.n_ops, -1, dtype=np.intp)
        self._trunc_digit[keep] = np.arange(len(keep))

    # ------------------------------------------------------------------ basics
    @property
    def size(self):
        """Number of architectures (``n_ops ** 6``)."""
        return self.n_ops**self.n_edges

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"{type(self).__name__}(n_ops={self.n_ops}, size={self.size})"

    def __eq__(self, other):
        return type(self) is type(other) and self.ops == other.ops

    def __hash__(self):
        return hash((type(self).__name__, self.ops))

    def __contains__(self, arch):
        try:
            self.validate(arch)
        except ValueError:
            return False
        return True

    def validate(self, arch):
        """Return ``arch`` as a tuple of ints; accept a tuple/list/array or an arch string.

        Raises
        ------
        ValueError
            If it is not an architecture of this space.
        """
        if isinstance(arch, str):
            return self.from_string(arch)
        try:
            t = tuple(int(a) for a in arch)
            ok = all(float(a) == int(a) for a in arch)
        except (TypeError, ValueError):
            raise ValueError(f"not a {self.name} architecture: {arch!r}") from None
        if not ok or len(t) != self.n_edges or min(t) < 0 or max(t) >= self.n_ops:
            raise ValueError(
                f"not a {self.name} architecture: {arch!r} (expected {self.n_edges} op "
                f"indices in 0..{self.n_ops - 1})"
            )
        return t

    def all_archs(self):
        """Every architecture, in lexicographic tuple order (list of tuples)."""
        return list(itertools.product(range(self.n_ops), repeat=self.n_edges))

    def rank(self, arch):
        """Lexicographic position of ``arch`` among :meth:`all_archs` (not an official index)."""
        r = 0
        for a in self.validate(arch):
            r = r * self.n_ops + a
        return r

    def unrank(self, r):
        """Inverse of :meth:`rank`."""
        r = int(r)
        if not 0 <= r < self.size:
            raise ValueError(f"rank {r} out of range 0..{self.size - 1}")
        out = []
        for _ in range(self.n_edges):
            r, a = divmod(r, self.n_ops)
            out.append(a)
        return tuple(reversed(out))

    # ------------------------------------------------------------------ strings
    def to_ops(self, arch):
        """Op names of ``arch``, in tuple (edge) order."""
        return tuple(self.ops[a] for a in self.validate(arch))

    def to_string(self, arch):
        """Arch string ``|o01~0|+|o02~0|o12~1|+|o03~0|o13~1|o23~2|``."""
        names = self.to_ops(arch)
        s = [names[p] for p in STRING_ORDER]
        return f"|{s[0]}~0|+|{s[1]}~0|{s[2]}~1|+|{s[3]}~0|{s[4]}~1|{s[5]}~2|"

    def from_string(self, string):
        """Op tuple of an arch string.

        Raises
        ------
        ValueError
            If the string is malformed or names an unknown op.
        """
        if not isinstance(string, str):
            raise ValueError(f"arch string expected, got {string!r}")
        nodes = string.strip().split("+")
        if len(nodes) != 3:
            raise ValueError(f"invalid arch string {string!r}: expected 3 '+'-separated nodes")
        found = []
        for j, node in enumerate(nodes, start=1):
            if not (node.startswith("|") and node.endswith("|")):
                raise ValueError(f"invalid arch string {string!r}: node {j} is {node!r}")
            items = node[1:-1].split("|")
            if len(items) != j:
                raise ValueError(f"invalid arch string {string!r}: node {j} needs {j} inputs")
            for i, item in enumerate(items):
                op, sep, src = item.partition("~")
                if sep != "~" or src != str(i):
                    raise ValueError(f"invalid arch string {string!r}: bad edge {item!r}")
                if op not in self._op_index:
                    raise ValueError(
                        f"invalid arch string {string!r}: unknown op {op!r} (ops: {self.ops})"
                    )
                found.append(self._op_index[op])
        t = [0] * 6
        for pos, a in zip(STRING_ORDER, found):
            t[pos] = a
        return tuple(t)

    # ------------------------------------------------------------------ sampling
    def sample(self, random_state=None):
        """One architecture drawn uniformly.

        ``random_state``: None, int, SeedSequence or Generator
        (:func:`dalgo.random_state.check_random_state`); a Generator is advanced.
        """
        rng = check_random_state(random_state)
        return tuple(int(a) for a in rng.integers(0, self.n_ops, size=self.n_edges))

    def neighbours(self, arch):
        """All architectures differing from ``arch`` in exactly one edge's op (edge-major)."""
        t = self.validate(arch)
        out = []
        for e in range(self.n_edges):
            for a in range(self.n_ops):
                if a != t[e]:
                    out.append(t[:e] + (a,) + t[e + 1 :])
        return out

    def mutate(self, arch, random_state=None):
        """Change the op of one uniformly chosen edge to a different uniformly chosen op."""
        rng = check_random_state(random_state)
        t = self.validate(arch)
        e = int(rng.integers(self.n_edges))
        a = int(rng.integers(self.n_ops - 1))
        a = a + (a >= t[e])
        return t[:e] + (a,) + t[e + 1 :]

    # ------------------------------------------------------------------ encodings
    def encoding_size(self, encoding="path"):
        """Length of an encoding vector."""
        n, m = self.n_ops, self.n_ops - 1
        sizes = {"adjacency": self.n_edges * n, "path": n + n**2 + n**3,
                 "trunc_path": n + n**2, "path_no_none": m + m**2 + m**3}
        if encoding not in sizes:
            raise ValueError(f"unknown encoding {encoding!r}; choose from {self.encodings}")
        return sizes[encoding]

    def paths(self, arch):
        """The 4 input->output paths of ``arch`` as tuples of op names (input side first)."""
        names = self.to_ops(arch)
        return [tuple(names[e] for e in p) for p in self.paths_edges]

    def path_counts(self, arch):
        """Path encoding with multiplicities (length ``n + n**2 + n**3``, sums to 4)."""
        A = np.asarray([self.validate(arch)], dtype=np.intp)
        idx = self._path_indices(A, truncated=False)[0]
        return np.bincount(idx, minlength=self.encoding_size("path")).astype(np.float64)

    def _path_indices(self, A, truncated):
        """(n, 4) bit positions of the 4 paths; -1 where a truncated path goes through none."""
        if truncated:
            D = self._trunc_digit[A]
            n = self.n_ops - 1
        else:
            D = A
            n = self.n_ops
        offsets = (0, n, n + n**2)
        out = np.empty((A.shape[0], len(self.paths_edges)), dtype=np.intp)
        for k, p in enumerate(self.paths_edges):
            code = np.full(A.shape[0], offsets[len(p) - 1], dtype=np.intp)
            dead = np.zeros(A.shape[0], dtype=bool)
            for j, e in enumerate(p):
                code += D[:, e] * n**j
                dead |= D[:, e] < 0
            code[dead] = -1
            out[:, k] = code
        return out

    def encode(self, arch, encoding="path"):
        """Encoding vector of one architecture (see the class Notes)."""
        return self.encode_many([self.validate(arch)], encoding=encoding)[0]

    def encode_many(self, archs, encoding="path"):
        """Encodings of several architectures, shape ``(len(archs), encoding_size)``."""
        size = self.encoding_size(encoding)
        A = np.asarray([self.validate(a) for a in archs], dtype=np.intp).reshape(-1, self.n_edges)
        X = np.zeros((A.shape[0], size), dtype=np.float64)
        rows = np.arange(A.shape[0])
        if encoding == "adjacency":
            for e in range(self.n_edges):
                X[rows, e * self.n_ops + A[:, e]] = 1.0
            return X
        idx = self._path_indices(A, truncated=(encoding == "path_no_none"))
        for k in range(idx.shape[1]):
            ok = (idx[:, k] >= 0) & (idx[:, k] < size)  # trunc_path: no length-3 bits
            X[rows[ok], idx[ok, k]] = 1.0
        return X


class NB201(CellSpace):
    """The NAS-Bench-201 cell space: 5 ops on 6 edges, 15,625 cells.

    Parameters
    ----------
    data_dir : str or path-like, default=None
        Folder containing ``nas/``; only needed for the official index
        (:meth:`to_index` / :meth:`from_index`), read from
        ``nas/nb201_cifar10_nwot/arch_score_acc.csv``; None: the environment variable
        ``DALGO_DATA`` (see :func:`dalgo.nas.data.find_nas_file`).

    Notes
    -----
    Op tuples follow NASLib (op index ``0 skip_connect, 1 none, 2 nor_conv_3x3,
    3 nor_conv_1x1, 4 avg_pool_3x3``; edges ``0->1, 0->2, 0->3, 1->2, 1->3, 2->3``). The
    official index is the NAS-Bench-201 / NATS-Bench-tss one (0..15624); it has no closed
    form, so it is read from the data table.

    Examples
    --------
    >>> from dalgo.nas.spaces import NB201
    >>> space = NB201()
    >>> arch = space.from_string(
    ...     "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|"
    ...     "+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
    >>> arch
    (2, 2, 0, 4, 2, 0)
    >>> space.encode(arch, encoding="path").shape, int(space.encode(arch, encoding="path").sum())
    ((155,), 4)
    >>> space.mutate(arch, random_state=0) in space.neighbours(arch)
    True
    """

    def __init__(self, *, data_dir=None):
        super().__init__(NB201_OPS, name="NAS-Bench-201")
        self.data_dir = data_dir
        self._table = None

    def __repr__(self):
        return "NB201()"

    def _index_table(self):
        if self._table is None:
            from .data import find_nas_file

            path = find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv", self.data_dir)
            self._table = _nb201_index_table(str(path))
        return self._table

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_table"] = None
        return state

    def to_index(self, arch):
        """Official NAS-Bench-201 index of ``arch`` (needs the data files)."""
        t = self.validate(arch)
        return int(self._index_table()[1][self.rank(t)])

    def from_index(self, index):
        """Op tuple of the official NAS-Bench-201 index ``index`` (needs the data files)."""
        index = int(index)
        if not 0 <= index < self.size:
            raise ValueError(f"NB201 index {index} out of range 0..{self.size - 1}")
        return self.unrank(int(self._index_table()[0][index]))


@lru_cache(maxsize=4)
def _nb201_index_table(path):
    """(index -> rank, rank -> index) arrays from the nas-without-training CSV."""
    import csv

    space = CellSpace(NB201_OPS, name="NAS-Bench-201")
    index_to_rank = np.full(space.size, -1, dtype=np.intp)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            index_to_rank[int(row["nb201_index"])] = space.rank(space.from_string(row["arch_str"]))
    if (index_to_rank < 0).any() or len(np.unique(index_to_rank)) != space.size:
        raise ValueError(f"{path} does not list each of the 15,625 NB201 cells once")
    rank_to_index = np.empty_like(index_to_rank)
    rank_to_index[index_to_rank] = np.arange(space.size)
    index_to_rank.setflags(write=False)
    rank_to_index.setflags(write=False)
    return index_to_rank, rank_to_index


class TNB101Micro(CellSpace):
    """The TransNAS-Bench-101 micro cell space: 4 ops on 6 edges, 4,096 cells.

    Op tuples follow NASLib (``0 skip_connect, 1 none, 2 nor_conv_3x3, 3 nor_conv_1x1``),
    which is also the ``arch`` field of NAS-Bench-Suite-Zero's TNB-101 records; edges and
    strings as for :class:`NB201`.

    Examples
    --------
    >>> from dalgo.nas.spaces import TNB101Micro
    >>> space = TNB101Micro()
    >>> space.size, space.encoding_size("path"), space.encoding_size("adjacency")
    (4096, 84, 24)
    >>> space.to_string((2, 3, 2, 3, 2, 3))
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_1x1~2|'
    """

    def __init__(self):
        super().__init__(TNB101_MICRO_OPS, name="TransNAS-Bench-101-micro")

    def __repr__(self):
        return "TNB101Micro()"


# ---------------------------------------------------------------------- NAS-Bench-Graph

#: op names in NAS-Bench-Graph's order (its hash digits)
NBGRAPH_OPS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
#: the 9 canonical link patterns: node i's input (0 = the input, j = node j's output)
NBGRAPH_LINKS = (
    (0, 0, 0, 0),
    (0, 0, 0, 1),
    (0, 0, 1, 1),
    (0, 0, 1, 2),
    (0, 0, 1, 3),
    (0, 1, 1, 1),
    (0, 1, 1, 2),
    (0, 1, 2, 2),
    (0, 1, 2, 3),
)


class NBGraph:
    """The NAS-Bench-Graph space: a link pattern and one GNN op on each of 4 nodes.

    An architecture is ``(link, op_1, op_2, op_3, op_4)``: ``link`` indexes
    :data:`NBGRAPH_LINKS` and ``op_i`` indexes :data:`NBGRAPH_OPS`. The benchmark lists only
    one representative per isomorphism class (26,206 architectures; 2,021 with the 5 ops used
    for ``proteins``), so the space is the set of keys of the benchmark table and
    mutations/neighbourhoods stay inside it.

    Parameters
    ----------
    keys : iterable of int
        NAS-Bench-Graph hash keys of the valid architectures,
        ``key = link * 10**4 + sum_i op_i * 10**(4 - i)``.

    Examples
    --------
    >>> from dalgo.nas.spaces import NBGraph
    >>> NBGraph.key_to_arch(81234)
    (8, 1, 2, 3, 4)
    >>> NBGraph.arch_to_key((8, 1, 2, 3, 4))
    81234
    """

    n_nodes = 4
    encodings = ("adjacency",)
    default_encoding = "adjacency"
    ops = NBGRAPH_OPS
    links = NBGRAPH_LINKS

    def __init__(self, keys, *, name="NAS-Bench-Graph"):
        self.name = name
        self._archs = sorted(self.key_to_arch(k) for k in keys)
        self._set = frozenset(self._archs)
        used = sorted({a for arch in self._archs for a in arch[1:]})
        self.op_ids = tuple(used)

    @staticmethod
    def key_to_arch(key):
        key = int(key)
        digits = []
        for _ in range(4):
            key, d = divmod(key, 10)
            digits.append(d)
        return (key,) + tuple(reversed(digits))

    @staticmethod
    def arch_to_key(arch):
        key = int(arch[0])
        for d in arch[1:]:
            key = key * 10 + int(d)
        return key

    @property
    def size(self):
        return len(self._archs)

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"NBGraph(size={self.size})"

    def __eq__(self, other):
        return type(self) is type(other) and self._set == other._set

    def __hash__(self):
        return hash(self._set)

    def __contains__(self, arch):
        try:
            return self.validate(arch) in self._set
        except ValueError:
            return False

    def validate(self, arch):
        """Return ``arch`` as a tuple of ints in this space; accept an arch string too."""
        if isinstance(arch, str):
            return self.from_string(arch)
        try:
            t = tuple(int(a) for a in arch)
        except (TypeError, ValueError):
            raise ValueError(f"not a NAS-Bench-Graph architecture: {arch!r}") from None
        if t not in self._set:
            raise ValueError(
                f"not an architecture of this NAS-Bench-Graph space: {arch!r} (expected "
                "(link, op1, op2, op3, op4) listed in the benchmark; isomorphic duplicates "
                "are not listed)"
            )
        return t

    def all_archs(self):
        return list(self._archs)

    def to_string(self, arch):
        """``"<link digits>|op1,op2,op3,op4"``, e.g. ``"0123|skip,gcn,gat,fc"``."""
        t = self.validate(arch)
        links = "".join(map(str, NBGRAPH_LINKS[t[0]]))
        return links + "|" + ",".join(NBGRAPH_OPS[a] for a in t[1:])

    def from_string(self, string):
        m = re.fullmatch(r"\s*([0-3]{4})\|(\w+),(\w+),(\w+),(\w+)\s*", str(string))
        if not m:
            raise ValueError(f"invalid NAS-Bench-Graph arch string {string!r} "
                             "(e.g. '0123|skip,gcn,gat,fc')")
        link = tuple(int(c) for c in m.group(1))
        if link not in NBGRAPH_LINKS:
            raise ValueError(f"invalid NAS-Bench-Graph arch string {string!r}: "
                             f"link {link} not canonical")
        try:
            ops = tuple(NBGRAPH_OPS.index(o) for o in m.group(2, 3, 4, 5))
        except ValueError:
            raise ValueError(f"invalid NAS-Bench-Graph arch string {string!r}: "
                             f"ops are {NBGRAPH_OPS}") from None
        return self.validate((NBGRAPH_LINKS.index(link),) + ops)

    def sample(self, random_state=None):
        rng = check_random_state(random_state)
        return self._archs[int(rng.integers(self.size))]

    def _raw_neighbours(self, t):
        for pos in range(5):
            choices = range(len(NBGRAPH_LINKS)) if pos == 0 else self.op_ids
            for a in choices:
                if a != t[pos]:
                    yield t[:pos] + (a,) + t[pos + 1 :]

    def neighbours(self, arch):
        """Architectures of the space differing in the link pattern or in one node's op."""
        t = self.validate(arch)
        return [c for c in self._raw_neighbours(t) if c in self._set]

    def mutate(self, arch, random_state=None):
        """A uniformly chosen neighbour (a random architecture if there is none)."""
        rng = check_random_state(random_state)
        nb = self.neighbours(arch)
        if not nb:
            return self.sample(rng)
        return nb[int(rng.integers(len(nb)))]

    def encoding_size(self, encoding="adjacency"):
        if encoding not in self.encodings:
            raise ValueError(f"unknown encoding {encoding!r}; choose from {self.encodings}")
        return len(NBGRAPH_LINKS) + self.n_nodes * len(NBGRAPH_OPS)

    def encode(self, arch, encoding="adjacency"):
        """One-hot link pattern (9) followed by a one-hot op per node (4 x 9)."""
        return self.encode_many([arch], encoding)[0]

    def encode_many(self, archs, encoding="adjacency"):
        size = self.encoding_size(encoding)
        A = np.asarray([self.validate(a) for a in archs], dtype=np.intp).reshape(-1, 5)
        X = np.zeros((A.shape[0], size))
        rows = np.arange(A.shape[0])
        X[rows, A[:, 0]] = 1.0
        for i in range(self.n_nodes):
            X[rows, len(NBGRAPH_LINKS) + i * len(NBGRAPH_OPS) + A[:, i + 1]] = 1.0
        return X


class SubSpace:
    """A subset of another space (e.g. the cells meeting a latency limit).

    Sampling is uniform over the subset; ``mutate`` draws uniformly among the neighbours that
    lie in the subset (a uniform random member if none does); encodings and strings are the
    parent space's.

    Parameters
    ----------
    space : space object
        The parent space.
    archs : iterable of architectures
        The members.
    name : str, default=None
    """

    def __init__(self, space, archs, *, name=None):
        self.space = space
        self._archs = sorted({space.validate(a) for a in archs})
        if not self._archs:
            raise ValueError("a SubSpace needs at least one architecture")
        self._set = frozenset(self._archs)
        self.name = name or f"subset of {space.name}"
        self.encodings = space.encodings
        self.default_encoding = space.default_encoding

    @property
    def size(self):
        return len(self._archs)

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"SubSpace({self.space!r}, size={self.size})"

    def __contains__(self, arch):
        try:
            return self.space.validate(arch) in self._set
        except ValueError:
            return False

    def validate(self, arch):
        t = self.space.validate(arch)
        if t not in self._set:
            raise ValueError(f"architecture {arch!r} is not in {self.name}")
        return t

    def all_archs(self):
        return list(self._archs)

    def sample(self, random_state=None):
        rng = check_random_state(random_state)
        return self._archs[int(rng.integers(self.size))]

    def neighbours(self, arch):
        return [a for a in self.space.neighbours(self.validate(arch)) if a in self._set]

    def mutate(self, arch, random_state=None):
        rng = check_random_state(random_state)
        nb = self.neighbours(arch)
        if not nb:
            return self.sample(rng)
        return nb[int(rng.integers(len(nb)))]

    def to_string(self, arch):
        return self.space.to_string(self.validate(arch))

    def from_string(self, string):
        return self.validate(self.space.from_string(string))

    def encoding_size(self, encoding=None):
        return self.space.encoding_size(encoding or self.default_encoding)

    def encode(self, arch, encoding=None):
        return self.space.encode(self.validate(arch), encoding or self.default_encoding)

    def encode_many(self, archs, encoding=None):
        return self.space.encode_many(archs, encoding or self.default_encoding)
