"""scan_many in several processes: the same findings as one process on the bench corpora, and
helpers that start scanning at once (forked with the caller's compiled scanner)."""

from __future__ import annotations

import gc
import importlib.util
import multiprocessing as mp
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from narcolex.detect.engine import Scanner

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_module(name: str) -> ModuleType:
    """bench/<name>.py as a module (the corpus generators of the speed benchmarks)."""
    if str(BENCH) not in sys.path:  # traffic.py imports run.py as `run`
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"narcolex_bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evasion_corpus() -> tuple[Scanner, list[str]]:
    """bench/run.py's evasion corpus (1,000 posts, one in five obfuscated) and its scanner."""
    run = _bench_module("run")
    rng = random.Random(run.SEED)
    lexicon = run.make_lexicon(rng)
    planted, clean = run.make_corpus(rng, lexicon, 1000)
    texts = [p[0] for p in planted] + clean
    random.Random(run.SEED).shuffle(texts)
    return Scanner.from_lexicon(lexicon), texts


def test_two_workers_find_what_one_process_finds_on_the_bench_corpora(
    default_scanner: Scanner, evasion_corpus: tuple[Scanner, list[str]]
) -> None:
    traffic = _bench_module("traffic")
    generated = traffic.generated_traffic(default_scanner.lexicon, 800, random.Random(1))
    for scanner, texts in ((default_scanner, generated), evasion_corpus):
        alone = [scanner.scan(t) for t in texts]
        assert sum(bool(f.matches) for f in alone) > len(texts) // 10  # not only clean posts
        assert list(scanner.scan_many(texts, workers=2, chunksize=50)) == alone
    items = [{"id": str(i), "text": t} for i, t in enumerate(generated)]
    rows = [f.to_dict() for f in default_scanner.scan_many(items, workers=2, chunksize=64)]
    assert rows == [f.to_dict() for f in default_scanner.scan_many(items)]


_BUILT = mp.get_context("fork").Value("i", 0) if "fork" in mp.get_all_start_methods() else None


@pytest.mark.skipif(_BUILT is None, reason="helpers are forked only where fork exists")
def test_forked_helpers_scan_with_the_callers_scanner_without_rebuilding_it(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper that rebuilt the scanner from its lexicon would hash and compile the whole
    release before its first post (0.3 s for the bundled one): the cost that kept two workers
    from beating one on short runs."""
    assert _BUILT is not None
    init = Scanner.__init__

    def counting_init(self: Scanner, *args: object, **kwargs: object) -> None:
        with _BUILT.get_lock():
            _BUILT.value += 1
        init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Scanner, "__init__", counting_init)
    _BUILT.value = 0
    items = ["cocaine 80€ dm me", "hello there", "weed 5g"] * 200
    assert list(scanner.scan_many(items, workers=3, chunksize=16)) == [
        scanner.scan(t) for t in items
    ]
    assert _BUILT.value == 0


def _fail_on_boom(monkeypatch: pytest.MonkeyPatch, error: type[Exception]) -> None:
    """Scanner.scan_item raises `error` on the post "boom" (in helpers forked afterwards too)."""
    scan_item = Scanner.scan_item

    def failing(self: Scanner, item: object) -> object:
        if item == "boom":
            raise error("the post that failed")
        return scan_item(self, item)  # type: ignore[arg-type]

    monkeypatch.setattr(Scanner, "scan_item", failing)


def test_an_error_that_cannot_be_pickled_still_reaches_the_caller(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper's results are sent by a thread of their own; an error it cannot pickle must
    still stop scan_many (with the error's text), not leave the caller waiting."""

    class Local(Exception):  # a class inside a function cannot be pickled
        pass

    _fail_on_boom(monkeypatch, Local)
    items = ["weed 5g", "hello", "boom"] + ["hello"] * 300  # in the first batch: a helper's
    with pytest.raises(RuntimeError, match="the post that failed"):
        list(scanner.scan_many(items, workers=2, chunksize=8))


def test_a_kept_pool_scans_call_after_call_with_the_same_helpers(
    evasion_corpus: tuple[Scanner, list[str]],
) -> None:
    """Helpers kept between calls (Scanner.pool): every call finds what one process finds, a
    call stopped early leaves nothing behind for the next, and one pool runs one call at a
    time."""
    scanner, texts = evasion_corpus
    alone = [scanner.scan(t) for t in texts]
    with scanner.pool(workers=2, chunksize=20) as pool:
        helpers = [p.pid for p in pool._procs]
        assert len(helpers) == 1
        assert list(pool.scan_many(texts)) == alone
        early = pool.scan_many(texts)
        assert [next(early) for _ in range(30)] == alone[:30]  # helpers hold batches now
        with pytest.raises(RuntimeError, match="one scan_many at a time"):
            next(pool.scan_many(texts))
        early.close()  # their results are received and dropped
        assert list(pool.scan_many(texts[::-1])) == alone[::-1]
        assert [p.pid for p in pool._procs] == helpers  # the same process all along
        procs = list(pool._procs)
    assert pool._procs == [] and not any(p.is_alive() for p in procs)
    dropped = scanner.pool(workers=2)
    procs = list(dropped._procs)
    del dropped  # collected without close(): its helpers stop all the same
    gc.collect()
    assert procs and not any(p.is_alive() for p in procs)


@pytest.mark.skipif(_BUILT is None, reason="helpers are forked only where fork exists")
def test_a_kept_pool_survives_a_failed_post(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in a helper stops that call; the pool's next call starts clean."""
    _fail_on_boom(monkeypatch, ValueError)
    items = ["weed 5g", "hello", "boom"] + ["weed 5g", "hello"] * 100
    with scanner.pool(workers=2, chunksize=8) as pool:
        with pytest.raises(ValueError, match="the post that failed"):
            list(pool.scan_many(items))
        good = [t for t in items if t != "boom"]
        assert list(pool.scan_many(good)) == [scanner.scan(t) for t in good]
