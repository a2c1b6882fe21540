"""Where monitoring data lives, and the one way to query it.

The store is a folder of append-only Parquet datasets partitioned by day (hive layout,
`<dataset>/day=YYYY-MM-DD/part-<uuid>.parquet`), so the same files are readable by DuckDB
here and by Spark in a large deployment, and old days can be archived or deleted as folders:

- `sightings`: one row per scanned post with a lexicon match (ARCHITECTURE §4);
- `scanned`: the keyed hash of every scanned post (with or without a match), which makes
  re-ingesting the same input a no-op and gives the number of posts per day;
- `daily`: sightings counted per day × verdict × dimension × value (the material of trends
  and spike series, whose cost then does not grow with the number of sightings);
- `grams`: aggregated word, bigram and emoji-sequence counts of sale and clean posts per
  day × language × platform × verdict, the material of emerging-term detection (no text).

Post ids are only ever stored as HMAC-SHA256 keyed hashes: the key is the deployment secret
(NARCOLEX_MONITOR_SECRET) or a random key created once, readable by the owner only, in the
store folder. Without the key nobody can test whether a known post id is in the store.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from narcolex.errors import ConfigError

ENV_DIR = "NARCOLEX_MONITOR_DIR"
ENV_SECRET = "NARCOLEX_MONITOR_SECRET"
KEY_FILE = "monitor.key"
DATASETS = ("sightings", "scanned", "grams", "daily")


def default_store_dir() -> Path:
    return Path(user_data_dir("narcolex", appauthor=False)) / "monitor"


def keyed_hash(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `message` under `key`, hex-encoded."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def post_message(platform: str | None, post_id: str) -> bytes:
    """What is hashed for a post: its platform and id, separated by a unit separator, so that
    the same id on two platforms gives two keys and no concatenation collides."""
    return f"{platform or ''}\x1f{post_id}".encode()


@dataclass(frozen=True)
class MonitorStore:
    """A monitoring store folder (created on first write)."""

    root: Path

    def dataset(self, name: str) -> Path:
        return self.root / name

    def day_dir(self, name: str, day: date) -> Path:
        return self.root / name / f"day={day.isoformat()}"

    def files(self, name: str, days: Iterator[date] | list[date] | None = None) -> list[str]:
        """The Parquet files of a dataset (of some days only), sorted."""
        base = self.dataset(name)
        if days is None:
            return sorted(str(p) for p in base.glob("day=*/*.parquet"))
        out: list[str] = []
        for d in days:
            out.extend(str(p) for p in self.day_dir(name, d).glob("*.parquet"))
        return sorted(out)

    def days(self, name: str) -> list[date]:
        base = self.dataset(name)
        if not base.is_dir():
            return []
        return sorted(
            date.fromisoformat(p.name[4:])
            for p in base.iterdir()
            if p.name.startswith("day=") and any(p.glob("*.parquet"))
        )

    # -- the deployment secret -----------------------------------------------------------

    def secret(self) -> bytes:
        """The HMAC key: NARCOLEX_MONITOR_SECRET, else the store's key file (created with
        mode 0600 on first use)."""
        env = os.environ.get(ENV_SECRET)
        if env:
            return env.encode("utf-8")
        path = self.root / KEY_FILE
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created it first
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(32))
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise ConfigError(f"{path}: the monitoring key is too short (delete it to renew)")
        return key.encode("ascii")

    def post_key(self, platform: str | None, post_id: str, key: bytes | None = None) -> str:
        return keyed_hash(
            key if key is not None else self.secret(), post_message(platform, post_id)
        )

    # -- writing and reading -------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (ingest, purge): an advisory lock on a file of the store."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def connect(self, threads: int | None = None) -> Any:
        """A DuckDB connection with one view per dataset (`sightings`, `scanned`, `grams`);
        an empty dataset is an empty view with the right columns."""
        import duckdb

        from narcolex.monitor.schema import empty_table

        con = duckdb.connect()
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for name in DATASETS:
            glob = str(self.dataset(name) / "day=*" / "*.parquet")
            if self.files(name):
                quoted = glob.replace("'", "''")
                con.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{quoted}', "
                    "hive_partitioning = true, hive_types = {'day': DATE}, union_by_name = true)"
                )
            else:
                con.register(f"_{name}_empty", empty_table(name))
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}_empty")
        return con


def open_store(path: str | Path | None = None) -> MonitorStore:
    """The store at `path`, else NARCOLEX_MONITOR_DIR, else the user data dir."""
    raw = path or os.environ.get(ENV_DIR)
    root = Path(raw).expanduser() if raw else default_store_dir()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"monitoring store {root} is not a folder")
    return MonitorStore(root)
