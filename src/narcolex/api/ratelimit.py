"""Failed-authentication throttling: a sliding one-minute window per client address.

Guessing a token is hopeless (256 random bits), but a client hammering the API with bad tokens
still costs a database lookup per attempt; after N failures in a minute it gets 429 with
Retry-After before any lookup. The window is per worker process (no shared store needed).
"""

from __future__ import annotations

import threading
import time
from collections import deque


class FailureLimiter:
    def __init__(self, per_minute: int, window: float = 60.0, max_keys: int = 100_000) -> None:
        self.per_minute = per_minute
        self.window = window
        self.max_keys = max_keys
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float] | None:
        q = self._seen.get(key)
        if q is None:
            return None
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            del self._seen[key]
            return None
        return q

    def retry_after(self, key: str) -> int | None:
        """Seconds until `key` may try again, or None when it is not blocked."""
        now = time.monotonic()
        with self._lock:
            q = self._trim(key, now)
            if q is None or len(q) < self.per_minute:
                return None
            return max(1, int(q[0] + self.window - now) + 1)

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) >= self.max_keys and key not in self._seen:
                self._seen.clear()  # a flood of addresses: start over rather than grow
            self._seen.setdefault(key, deque()).append(now)
