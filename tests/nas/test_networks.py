"""The NAS-Bench-201 network: topology, parameter counts, determinism."""

import csv

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from dalgo.nas.networks import NB201_OPS, nb201_network, parse_nb201  # noqa: E402
from dalgo.nas.zero_cost import torch_threads  # noqa: E402

ARCH = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"


@pytest.fixture(autouse=True)
def _one_torch_thread():
    with torch_threads(1):
        yield


def test_parse_roundtrip_and_errors():
    edges = parse_nb201(ARCH)
    assert [(i, j) for _, i, j in edges] == [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    assert parse_nb201([op for op, _, _ in edges]) == edges
    for bad in ["|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                "|none~0|+|none~0|+|none~0|none~1|none~2|",
                "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", ("none",) * 5]:
        with pytest.raises(ValueError):
            parse_nb201(bad)


def test_param_counts_match_the_nb201_table(shared_data):
    path = shared_data / "nas" / "nb201_cifar10_nwot" / "arch_score_acc.csv"
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    rng = np.random.default_rng(0)
    for i in rng.choice(len(rows), size=6, replace=False):
        net = nb201_network(rows[i]["arch_str"])
        n = sum(p.numel() for p in net.parameters()) / 1e6
        assert n == pytest.approx(float(rows[i]["params_M"]), abs=1e-6), rows[i]["arch_str"]


def test_topology_and_forward_shapes():
    net = nb201_network(ARCH, C=4, n_cells=2, n_classes=7)
    cells = list(net.cells)
    assert len(cells) == 3 * 2 + 2  # two reduction blocks
    x = torch.zeros(3, 3, 16, 16).normal_(generator=torch.Generator().manual_seed(0))
    assert net(x).shape == (3, 7)
    assert net.features(x).shape == (3, 16, 4, 4)  # 4C channels, two stride-2 blocks
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(m.bias is None for m in convs)


def test_all_none_cell_outputs_zero_features_but_runs():
    arch = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    net = nb201_network(arch, C=4, n_cells=1)
    out = net(torch.ones(2, 3, 8, 8))
    assert torch.isfinite(out).all()
    # identical logits for different inputs: the cells cut the input off
    out2 = net(torch.zeros(2, 3, 8, 8))
    assert torch.allclose(out, out2)


def test_dead_node_ops_still_exist_like_nb201():
    # node 1 has only `none` inputs; its conv still belongs to the network (params count)
    a = nb201_network("|none~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|",
                      C=4, n_cells=1)
    b = nb201_network("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", C=4, n_cells=1)
    assert sum(p.numel() for p in a.parameters()) > sum(p.numel() for p in b.parameters())


def test_init_is_deterministic_and_does_not_touch_global_rng():
    state = torch.random.get_rng_state().clone()
    a = nb201_network(ARCH, C=4, n_cells=1, random_state=1)
    b = nb201_network(ARCH, C=4, n_cells=1, random_state=1)
    c = nb201_network(ARCH, C=4, n_cells=1, random_state=2)
    assert torch.equal(torch.random.get_rng_state(), state)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not torch.equal(sa["classifier.weight"], sc["classifier.weight"])


def test_default_init_scale():
    # kaiming_uniform(a=sqrt(5)) => weights uniform in +-1/sqrt(fan_in)
    net = nb201_network(ARCH, C=8, n_cells=1, random_state=0)
    w = net.classifier.weight
    assert float(w.detach().abs().max()) <= 1 / np.sqrt(w.shape[1]) + 1e-7
    assert set(NB201_OPS) == {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                              "avg_pool_3x3"}


def test_import_does_not_import_torch():
    import subprocess
    import sys

    code = ("import sys, dalgo, dalgo.nas, dalgo.nas.zero_cost, dalgo.nas.networks, "
            "dalgo.nas.predictors, dalgo.nas.bias, dalgo.nas.zc_tuning, dalgo.nas.suite_zero; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_op_list_and_one_parser_shared_with_the_space():
    from dalgo.nas import spaces

    assert NB201_OPS is spaces.NB201_OPS
    space = spaces.NB201()
    for s in ["|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|",
              "|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|none~2|"]:
        t = space.from_string(s)
        edges = parse_nb201(s)
        # the op tuple of search/query, as ints or a numpy array, gives the same edges
        assert parse_nb201(t) == parse_nb201(np.array(t)) == edges
        assert parse_nb201([op for op, _, _ in edges]) == edges
        assert [op for op, _, _ in edges] == [space.ops[t[p]] for p in spaces.STRING_ORDER]
    with pytest.raises(ValueError):
        parse_nb201((0, 1, 2, 3, 4, 5))  # op index 5 does not exist
    with pytest.raises(ValueError):
        parse_nb201((0, 1, 2))


def test_network_of_op_tuple_equals_network_of_string():
    t = (2, 1, 4, 0, 1, 3)  # ARCH as an op tuple
    a = nb201_network(ARCH, C=4, n_cells=1, random_state=3)
    b = nb201_network(t, C=4, n_cells=1, random_state=3)
    assert repr(a) == repr(b)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb) and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_seed_is_a_deprecated_alias_of_random_state():
    a = nb201_network(ARCH, C=4, n_cells=1, random_state=7)
    with pytest.warns(FutureWarning, match="seed"):
        b = nb201_network(ARCH, C=4, n_cells=1, seed=7)
    sa, sb = a.state_dict(), b.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    with pytest.raises(ValueError, match="C must be an integer >= 1; got 0"):
        nb201_network(ARCH, C=0)
