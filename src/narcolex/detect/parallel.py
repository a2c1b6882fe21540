"""Scanning in several processes: the scheduler behind `Scanner.scan_many(workers=N)`.

The calling process is one of the `workers`: `workers - 1` helper processes scan batches
(`chunksize` posts, at most 256 so that a batch fits a pipe) that it sends them, and between its
own batches it collects their results and sends them more, so each helper always has a batch
queued. No thread runs in the calling process: threads that pickle and unpickle beside a busy
scanner fight it for the interpreter lock, which cost more than the second core gave.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import multiprocessing.connection
import queue
import sys
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from narcolex.config import ScanLimits
from narcolex.detect.engine import PostLike, Scanner, _clean_finding, _clean_item
from narcolex.detect.finding import Finding
from narcolex.detect.scoring import ScoringConfig
from narcolex.package.lexicon import Lexicon


def scan_in_processes(
    scanner: Scanner, items: Iterable[PostLike], workers: int, chunksize: int = 64
) -> Iterator[Finding]:
    """Findings for `items` in input order, scanned by this process and `workers - 1` helpers
    started for this call alone."""
    with WorkerPool(scanner, workers, chunksize) as pool:
        yield from pool.scan_many(items)


class WorkerPool:
    """`workers - 1` helper processes kept for several `scan_many` calls (`Scanner.pool`).

    A forked helper shares the caller's memory until either side writes to a page, and
    CPython writes to every object it touches (reference counts): the first pass over the
    scanner's data after a fork costs both processes a page copy per page touched, about a
    sixth more time on a 20,000-post call with the 20k-term lexicon. Helpers kept between
    calls pay that once; a caller that scans batch after batch (a queue consumer, a job that
    reads a file in parts) should keep a pool. Use it as a context manager, or close it.
    """

    def __init__(self, scanner: Scanner, workers: int, chunksize: int = 64) -> None:
        self.scanner = scanner
        self.workers = max(1, workers)
        self.size = max(1, min(chunksize, _MESSAGE_POSTS))
        self._conns: list[Any] = []
        self._procs: list[Any] = []
        self._busy = threading.Lock()
        fork = "fork" in mp.get_all_start_methods()
        ctx = mp.get_context("fork" if fork else "spawn")
        # A forked helper scans with this very scanner, inherited: rebuilding one from its
        # lexicon costs a content hash of every term (0.3 s for the bundled release) before the
        # first post. A spawned one (no fork here) gets the release pickled and builds its own.
        release: tuple[Any, ...] = (
            (scanner,) if fork else (scanner.lexicon, scanner.config, scanner.limits)
        )
        # Objects that exist now are never collected in the helpers: frozen, the helpers'
        # collector does not walk (and so copy, page by page) the parent's heap.
        frozen_before = gc.get_freeze_count()
        gc.freeze()
        try:
            for _ in range(self.workers - 1):
                here, there = ctx.Pipe()
                proc = ctx.Process(target=_pipe_worker, args=(there, *release), daemon=True)
                proc.start()
                there.close()
                self._conns.append(here)
                self._procs.append(proc)
        except BaseException:
            _stop(self._conns, self._procs)
            raise
        finally:
            if not frozen_before:  # an application that froze its heap itself keeps it so
                gc.unfreeze()
        # A pool dropped without close() still stops its helpers when it is collected.
        self._stop = weakref.finalize(self, _stop, self._conns, self._procs)

    def scan_many(self, items: Iterable[PostLike]) -> Iterator[Finding]:
        """Findings for `items` in input order; one call at a time per pool."""
        if not self._busy.acquire(blocking=False):
            raise RuntimeError("this pool is scanning already: one scan_many at a time")
        try:
            if self._procs and not all(p.is_alive() for p in self._procs):
                raise RuntimeError("a scan_many helper has stopped; close the pool")
            yield from _fan_out(self.scanner, _batches(items, self.size), self._conns, self.workers)
        finally:
            self._busy.release()

    def close(self) -> None:
        """Stop the helpers (each finishes the batch it holds)."""
        self._stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop(conns: list[Any], procs: list[Any]) -> None:
    """Tell each helper to stop, wait for it (5 s at most), and empty the lists in place."""
    for conn in conns:
        with contextlib.suppress(OSError):
            conn.send(None)
        conn.close()
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
    conns.clear()
    procs.clear()


def _fan_out(
    scanner: Scanner, batches: Iterator[list[PostLike]], conns: list[Any], workers: int
) -> Iterator[Finding]:
    """The caller's loop of scan_many: collect, refill, yield in order, scan one batch.
    Only findings with matches come back from a helper (by index in the batch); the clean
    ones, most posts, are rebuilt here from the items, which costs less than shipping."""
    queued: dict[Any, deque[int]] = {c: deque() for c in conns}
    try:
        yield from _collect(scanner, batches, conns, workers, queued)
    finally:
        # Stopped early (the caller closed the generator, or a helper failed): the batches
        # still out are received and dropped, so that a kept pool starts its next call clean.
        for conn in conns:
            while queued[conn]:
                try:
                    conn.recv()
                except (EOFError, OSError):
                    break
                queued[conn].popleft()


def _collect(
    scanner: Scanner,
    batches: Iterator[list[PostLike]],
    conns: list[Any],
    workers: int,
    queued: dict[Any, deque[int]],
) -> Iterator[Finding]:
    held: dict[int, tuple[list[PostLike], Any]] = {}  # batch number -> (batch, result)
    cap = 8 * workers  # batches held here at most
    sent = done = 0
    exhausted = False
    while True:
        for conn in conns:  # collect what the helpers finished
            while queued[conn] and conn.poll():
                number, found = conn.recv()
                queued[conn].popleft()
                if isinstance(found, BaseException):
                    raise found
                held[number] = (held[number][0], found)
        for conn in conns:  # keep two batches queued at every helper
            while not exhausted and len(queued[conn]) < 2 and sent - done < cap:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                conn.send((sent, batch))
                queued[conn].append(sent)
                held[sent] = (batch, None)
                sent += 1
        while done in held and held[done][1] is not None:  # results in input order
            batch, found = held.pop(done)
            done += 1
            if isinstance(found, list):
                yield from found
                continue
            clean = _clean_finding(None, None)
            yield from [
                found.get(i) or (clean if type(item) is str else _clean_item(item))
                for i, item in enumerate(batch)
            ]
        if exhausted and done == sent:
            return
        if not exhausted and sent - done < cap:  # scan a batch here rather than wait
            batch = next(batches, None)
            if batch is None:
                exhausted = True
            else:
                held[sent] = (batch, [scanner.scan_item(item) for item in batch])
                sent += 1
            continue
        busy = [c for c in conns if queued[c]]
        if busy:
            multiprocessing.connection.wait(busy)


_MESSAGE_POSTS = 256  # posts per batch sent to a helper: small enough to fill no pipe


_WORKER: Scanner | None = None


def _init_worker(
    release: Scanner | Lexicon,
    config: ScoringConfig | None = None,
    limits: ScanLimits | None = None,
) -> None:
    """The helper's scanner: the caller's own when forked, else built from the release."""
    global _WORKER
    _WORKER = release if isinstance(release, Scanner) else Scanner(release, config, limits)


def _pipe_worker(
    conn: Any,
    release: Scanner | Lexicon,
    config: ScoringConfig | None = None,
    limits: ScanLimits | None = None,
) -> None:
    """A scan_many helper: scan the batches that come down the pipe, send back the findings
    with matches by index, stop at None."""
    _init_worker(release, config, limits)
    # A reader thread takes batches off the pipe as they come, so that the caller's send never
    # waits for this process to finish scanning (and both can never wait on each other). It
    # needs the interpreter lock to read, which the scanning thread would hand over only every
    # 5 ms by default: meanwhile a full pipe blocks the caller's send (on clean traffic that
    # was a fifth of the caller's time). A short switch interval lets it read at once.
    sys.setswitchinterval(0.0002)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                msg = conn.recv()
            except EOFError:
                msg = None
            inbox.put(msg)
            if msg is None:
                return

    # A writer thread sends the results: the caller reads them only between its own batches,
    # and a result that does not fit the pipe (long posts, most with matches) kept this
    # process waiting in send meanwhile: 9% of its time on the whole dev set.
    outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def write() -> None:
        while (msg := outbox.get()) is not None:
            try:
                conn.send(msg)
            except OSError:  # the caller stopped early and closed the pipe
                pass
            except Exception as exc:  # unpicklable: the caller must still hear of it
                what = msg[1] if isinstance(msg[1], BaseException) else exc
                with contextlib.suppress(OSError):
                    conn.send((msg[0], RuntimeError(f"in a scan_many helper: {what!r}")))

    threading.Thread(target=read, daemon=True).start()
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        while True:
            msg = inbox.get()
            if msg is None:
                return
            number, batch = msg
            try:
                found: Any = _work_batch(batch)
            except Exception as exc:  # reported to the caller, which re-raises it
                found = exc
            outbox.put((number, found))
    finally:
        outbox.put(None)
        writer.join()


def _work_batch(items: list[PostLike]) -> dict[int, Finding]:
    """The findings of a batch that have matches, by index: most posts are clean, and shipping
    and unpickling their findings is what limits scaling on few cores."""
    assert _WORKER is not None
    out: dict[int, Finding] = {}
    for i, item in enumerate(items):
        f = _WORKER.scan_item(item)
        if f.matches or f.truncated:  # a cut clean post must still say it was cut
            out[i] = f
    return out


def _batches(items: Iterable[PostLike], size: int) -> Iterator[list[PostLike]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
