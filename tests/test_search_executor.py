"""The worst-case search on executors (samtheory.theorems.search._executor): the result of
``search(..., executor=)`` and of ``samtheory search --scheduler`` is the in-process one, bit for
bit, on a process pool and on a 2-worker Dask LocalCluster (issue #15, item 3)."""
import gc
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from samtheory import InvalidParameterError
from samtheory.theorems import THEOREMS
from samtheory.theorems.search import _executor as search_executor
from samtheory.theorems.search import search

#: a deterministic entry (candidates judged as grids of stacked members) and a stochastic one
#: (grids sharing one sample stream, and re-runs of suspects on larger samples)
SEARCHED = ("siyun.derived.d1", "siyun.derived.d5.nonconvex")
BUDGET = 40
SEED = 3


def _everything(result):
    """Every field of a result but its wall-clock time: verdict, ratio, tail ratio, worst
    candidate and its verdict, evaluations, rejected candidates, reason."""
    doc = result.to_dict()
    doc.pop("seconds")
    return json.dumps(doc, sort_keys=True)


@pytest.fixture(autouse=True)
def no_dead_families():
    """The search's families are the subclasses of Objective that declare them, found through
    ``type.__subclasses__`` (weak references): a user's class defined inside another test
    (tests/test_search.py) takes part until the garbage collector frees it. Collect first, so that
    every search here sees the same families whenever the collector would have run."""
    gc.collect()


@pytest.fixture(scope="module")
def in_process():
    gc.collect()
    return {tid: search(tid, budget=BUDGET, seed=SEED) for tid in SEARCHED}


class CountingExecutor:
    """A thread pool that counts the batches submitted to it."""

    def __init__(self, workers=2):
        self.pool, self.submitted = ThreadPoolExecutor(workers), 0

    def submit(self, fn, *args):
        self.submitted += 1
        return self.pool.submit(fn, *args)


def test_in_process_results_are_real_searches(in_process):
    for tid, result in in_process.items():
        assert result.verdict == "holds", result.reason
        assert result.evaluations == BUDGET and 0 < result.ratio < 1.5
        assert result.candidate is not None and result.worst_verdict is not None


def test_process_pool_gives_the_in_process_result(in_process):
    # spawned, not forked: this process may have loaded JAX (stochastic grids compile), and forking
    # a process that runs JAX's threads can deadlock the child
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for tid in SEARCHED:
            assert _everything(search(tid, budget=BUDGET, seed=SEED, executor=pool)) == _everything(in_process[tid])


def test_dask_local_cluster_gives_the_in_process_result(in_process):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        for tid in SEARCHED:
            result = search(tid, budget=BUDGET, seed=SEED, executor=client.get_executor())
            assert _everything(result) == _everything(in_process[tid])


def test_every_batch_goes_to_the_executor(in_process):
    executor = CountingExecutor()
    try:
        result = search(SEARCHED[0], budget=BUDGET, seed=SEED, executor=executor)
    finally:
        executor.pool.shutdown()
    assert _everything(result) == _everything(in_process[SEARCHED[0]])
    # 40 evaluations in batches of at most 16 siblings (global) or 12 moves (local)
    assert executor.submitted >= BUDGET // 16


def test_a_violation_stops_the_search_alike(request):
    """A false variant (D2 cut to 0.9) registered in this process, judged on threads: the search
    stops at the same violation, the batches drawn ahead of it are dropped."""
    from test_search import VARIANTS, _register
    tid = _register("wrong.d2", VARIANTS["wrong.d2"][0], **VARIANTS["wrong.d2"][1])
    request.addfinalizer(lambda: THEOREMS.pop(tid, None))
    reference = search(tid, budget=300, seed=0)
    assert reference.verdict == "violated"
    with ThreadPoolExecutor(2) as pool:
        assert _everything(search(tid, budget=300, seed=0, executor=pool)) == _everything(reference)


def test_in_order_keeps_the_order_and_the_window():
    """BatchJudge.in_order yields batches in the order drawn, with at most IN_FLIGHT submitted
    ahead of the one being consumed."""
    drawn = []

    def batches():
        for k in range(10):
            drawn.append(k)
            yield [k], [0]

    judge = search_executor.BatchJudge(THEOREMS["siyun.derived.d1"], CountingExecutor())
    judge._submit = lambda cands: judge.executor.submit(lambda: [("judged", c) for c in cands])  # no simulation
    seen = []
    for cands, admitted, outcome in judge.in_order(batches(), instances=None):
        assert len(drawn) - len(seen) <= search_executor.IN_FLIGHT
        seen.append(cands[0])
        assert outcome == [("judged", cands[0])]
    judge.executor.pool.shutdown()
    assert seen == list(range(10)) and judge.executor.submitted == 10


def test_executor_without_submit_is_refused():
    with pytest.raises(InvalidParameterError, match="executor"):
        search("siyun.derived.d1", budget=5, executor=object())


def test_cli_scheduler_local_matches_in_process(tmp_path, in_process):
    pytest.importorskip("distributed")
    from samtheory.cli import main
    out = tmp_path / "search.json"
    tid = SEARCHED[1]
    assert main(["search", tid, "--budget", str(BUDGET), "--seed", str(SEED), "--scheduler", "local",
                 "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    doc.pop("seconds")
    assert json.dumps(doc, sort_keys=True) == _everything(in_process[tid])


def test_cli_scheduler_is_for_searches_not_replays(capsys):
    from samtheory.cli import main
    assert main(["search", "siyun.derived.d1", "--replay", "{}", "--scheduler", "local"]) == 2
    assert "--scheduler applies to a search" in capsys.readouterr().err


def test_cli_bad_scheduler_is_a_usage_error(capsys):
    from samtheory.cli import main
    assert main(["search", "siyun.derived.d1", "--budget", "5", "--scheduler", ""]) == 2
    assert "scheduler must be 'local' or a scheduler address" in capsys.readouterr().err
