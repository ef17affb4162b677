"""tune() on a dask.distributed cluster through joblib's Dask backend equals the serial run."""

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask")

import joblib  # noqa: E402

from dalgo import tune  # noqa: E402
from dalgo.instances import GaussianGrid  # noqa: E402


def _comparable(result):
    d = result.to_dict()
    d.pop("timings")
    return d


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_tune_on_local_dask_cluster_equals_serial():
    grid = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=8)
    train, test = grid.sample(4, random_state=0), grid.sample(2, random_state=1)
    kwargs = dict(alpha_range=(0.0, np.inf), betas=(2.0, 1.0), progress=False)
    serial = tune(train, test, n_jobs=1, **kwargs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            remote = tune(train, test, n_jobs=-1, **kwargs)
        # the work really ran on the cluster's workers
        assert len(client.scheduler_info()["workers"]) == 2
    assert _comparable(remote) == _comparable(serial)
    for b in (1.0, 2.0):
        assert remote.train_curves[b] == serial.train_curves[b]
        assert remote.test_curves[b] == serial.test_curves[b]
