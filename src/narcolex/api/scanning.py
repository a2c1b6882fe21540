"""One scanner per process per release, replaced when a newer release appears.

Compiling the lexicon takes about a second, so it happens once; before a scan, at most once per
`check_seconds`, one indexed query asks for the newest release's content hash. When it differs
from the loaded one the new scanner is built under a lock (other requests keep scanning with
the old one meanwhile) and swapped in, so a release made by a curator reaches every worker
without a restart.

After a scanner is swapped in, the process's long-lived heap (the compiled lexicon, the app,
the imported modules) is frozen out of the cyclic garbage collector's generations
(`gc.freeze`): otherwise every full collection walks the whole lexicon, a pause of a few hundred
milliseconds on the event loop every few thousand requests, which is what the p99 latency of
a scan showed.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from narcolex.api.database import Databases
from narcolex.detect.engine import Scanner
from narcolex.store.models import Release
from narcolex.store.queries import get_release
from narcolex.workflow.releases import lexicon_of

log = logging.getLogger("narcolex.api.scanner")


class ScannerCache:
    def __init__(self, dbs: Databases, check_seconds: float = 1.0) -> None:
        self.dbs = dbs
        self.check_seconds = check_seconds
        self._scanner: Scanner | None = None
        self._sha: str | None = None
        self.version: int | None = None
        self._checked = 0.0
        self._looking = False
        self._build_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._scanner is not None

    @property
    def content_sha256(self) -> str | None:
        return self._sha

    def _newest(self) -> tuple[int, str] | None:
        with self.dbs.read() as session:
            row = session.execute(
                select(Release.version, Release.content_sha256)
                .order_by(Release.version.desc())
                .limit(1)
            ).first()
        return (int(row[0]), str(row[1])) if row else None

    async def current(self) -> Scanner:
        """`get()` for callers on the event loop: the loaded scanner at once, except for one
        caller per `check_seconds`, which looks for a newer release in a thread. Requests
        arriving meanwhile keep the loaded scanner instead of each hopping to a thread to run
        the same query (when a check fell due under load, a worker's whole queue did)."""
        scanner = self._scanner
        if scanner is not None and (
            self._looking or time.monotonic() - self._checked < self.check_seconds
        ):
            return scanner
        self._looking = True
        try:
            return await run_in_threadpool(self.get)
        finally:
            self._looking = False

    def get(self) -> Scanner:
        """The scanner for the newest release (checked at most every `check_seconds`)."""
        now = time.monotonic()
        if self._scanner is None or now - self._checked >= self.check_seconds:
            self._checked = now
            self.refresh()
        if self._scanner is None:
            from narcolex.errors import NotFoundError

            raise NotFoundError("no release yet: there is nothing to scan with")
        return self._scanner

    def refresh(self) -> bool:
        """Load the newest release when it is not the one loaded; True when it changed."""
        newest = self._newest()
        if newest is None or newest[1] == self._sha:
            return False
        with self._build_lock:
            if newest[1] == self._sha:  # another thread built it meanwhile
                return False
            started = time.perf_counter()
            with self.dbs.read() as session:
                lexicon = lexicon_of(get_release(session, newest[0]))
            scanner = Scanner(lexicon)
            scanner.warm()  # before the heap is frozen: the tables stay put
            self._scanner, self._sha, self.version = scanner, newest[1], newest[0]
            settle_heap()
            log.info(
                "scanner loaded",
                extra={
                    "release": newest[0],
                    "sha256": newest[1],
                    "terms": len(lexicon),
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
            return True


def settle_heap() -> None:
    """Collect what the swap left behind (the replaced scanner), then freeze everything alive
    so that later collections only walk objects made after this point (requests, caches).

    The one full collection here costs what it costs (once per release and worker, in the
    thread that built the scanner); the frozen objects are still freed by reference counting,
    and the next release unfreezes them before collecting again, so nothing leaks across
    releases."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
