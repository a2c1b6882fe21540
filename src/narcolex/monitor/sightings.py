"""Recording sightings: scan posts, keep one privacy-preserving row per post with a match.

`ingest` streams posts through a Scanner and appends to the store's datasets (see `store`):
a sighting for every post with a lexicon match, the keyed hash of every post in `scanned`,
and gram counts of sale and clean posts. Rows are buffered per day and written as new files
(`day=YYYY-MM-DD/part-<uuid>.parquet`, written under a temporary name and renamed, so a
reader never sees half a file). Before anything is buffered, the batch's post keys are
anti-joined (DuckDB) with the keys already stored for the same days and with the keys seen
earlier in the run: re-ingesting the same input, or an overlapping export, adds nothing.

Post text is stored only when the operator asks for it (`keep_text`), with the date until
which it may be kept; `purge` removes it after that date.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from narcolex.detect.finding import Finding
from narcolex.errors import InputError
from narcolex.monitor.grams import GramCounter
from narcolex.monitor.offers import NO_OFFER, extract_offer
from narcolex.monitor.schema import DAILY, GRAMS, SCANNED, SIGHTINGS
from narcolex.monitor.store import DATASETS, MonitorStore, keyed_hash, post_message

DEFAULT_RETENTION_DAYS = 30
BATCH = 8192
FLUSH_ROWS = 250_000  # a day's buffer is written once it holds this many rows


@dataclass
class IngestReport:
    """What one ingest did."""

    posts: int = 0
    new_posts: int = 0
    duplicates: int = 0
    sightings: int = 0
    days: set[str] = field(default_factory=set)
    files: int = 0
    release: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "new_posts": self.new_posts,
            "duplicates": self.duplicates,
            "sightings": self.sightings,
            "days": sorted(self.days),
            "files": self.files,
            "release": self.release,
        }


def parse_created_at(value: Any, where: str) -> datetime:
    """A post's time in UTC: ISO 8601 text (a naive time is read as UTC), a datetime, or
    seconds since the epoch."""
    if value is None or value == "":
        raise InputError(f"{where}: no created_at (monitoring needs the time of each post)")
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float):
        when = datetime.fromtimestamp(float(value), UTC)
    else:
        raw = str(value).strip()
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            try:
                when = datetime.fromtimestamp(float(raw), UTC)
            except ValueError:
                raise InputError(f"{where}: created_at {raw!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _clean_code(value: Any, upper: bool) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return text.upper() if upper else text.lower()


def _ordered(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def sighting_row(
    row: dict[str, Any],
    finding: Finding,
    when: datetime,
    key: str,
    release: str,
    text_until: date | None,
    now: datetime,
) -> dict[str, Any]:
    """The stored row of one post with a match (schema.SIGHTINGS)."""
    country = _clean_code(row.get("country"), upper=True)
    offer = (
        extract_offer(finding.signal_details, when.date(), country, row.get("text"))
        if finding.signal_details
        else NO_OFFER
    )
    return {
        "created_at": when,
        "platform": _clean_code(row.get("platform"), upper=False),
        "country": country,
        "lang": finding.lang or _clean_code(row.get("lang"), upper=False),
        "verdict": finding.verdict,
        "score": round(finding.score, 4),
        "term_ids": _ordered(m.term_id for m in finding.matches),
        "terms": _ordered(m.term for m in finding.matches),
        "substances": list(finding.substances),
        "signals": list(finding.signals),
        "quantity": offer.quantity,
        "unit": offer.unit,
        "price": offer.price,
        "currency": offer.currency,
        "price_eur": offer.price_eur,
        "unit_price_eur": offer.unit_price_eur,
        "rate_date": offer.rate_date,
        "post_key": key,
        "release": release,
        "text": row.get("text") if text_until is not None else None,
        "text_until": text_until,
        "ingested_at": now,
    }


def dimension_values(row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(verdict, dimension, value) of one sighting for the `daily` counts, "*" once."""
    v = row["verdict"]
    out = [(v, "*", "*")]
    out += [(v, "term", t) for t in dict.fromkeys(row["terms"])]
    out += [(v, "substance", x) for x in dict.fromkeys(row["substances"])]
    out += [(v, "substance_group", g)
            for g in dict.fromkeys(x.split(".", 1)[0] for x in row["substances"])]  # fmt: skip
    out += [(v, "signal", x) for x in dict.fromkeys(row["signals"])]
    for dim in ("lang", "country", "platform"):
        out.append((v, dim, row[dim] or "(none)"))
    out.append((v, "verdict", v))
    return out


class _Writer:
    """Per-day buffers of the three datasets, written as atomic new files."""

    def __init__(self, store: MonitorStore, report: IngestReport) -> None:
        self.store = store
        self.report = report
        self.sightings: dict[str, list[dict]] = {}
        self.scanned: dict[str, list[dict]] = {}
        self.grams: dict[str, GramCounter] = {}
        self.daily: dict[str, Counter[tuple[str, str, str]]] = {}

    def flush_day(self, day: str) -> None:
        d = date.fromisoformat(day)
        for name, schema, rows in (
            ("sightings", SIGHTINGS, self.sightings.pop(day, [])),
            ("scanned", SCANNED, self.scanned.pop(day, [])),
        ):
            if rows:
                self._write(name, d, pa.Table.from_pylist(rows, schema=schema))
        daily = self.daily.pop(day, None)
        if daily:
            rows = [{"verdict": v, "dim": k, "value": x, "n": n} for (v, k, x), n in daily.items()]
            self._write("daily", d, pa.Table.from_pylist(rows, schema=DAILY))
        counter = self.grams.pop(day, None)
        if counter is not None and counter.counts:
            rows = counter.rows_by_day().get(day, [])
            self._write("grams", d, pa.Table.from_pylist(rows, schema=GRAMS))

    def flush_full(self) -> None:
        for day in [d for d, rows in self.scanned.items() if len(rows) >= FLUSH_ROWS]:
            self.flush_day(day)

    def flush_all(self) -> None:
        for day in sorted(set(self.scanned) | set(self.sightings) | set(self.grams)
                          | set(self.daily)):  # fmt: skip
            self.flush_day(day)

    def _write(self, name: str, day: date, table: pa.Table) -> None:
        write_atomic(self.store.day_dir(name, day), table)
        self.report.files += 1


def write_atomic(folder: Path, table: pa.Table) -> Path:
    """Write `table` as a new part file of `folder`: a hidden temporary name, then a rename."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"part-{uuid.uuid4().hex}.parquet"
    tmp = folder / f".{name}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, folder / name)
    return folder / name


def stored_keys(store: MonitorStore, days: Iterable[str], keys: pa.Table) -> set[str]:
    """The keys of `keys` (columns post_key, day) already in the `scanned` dataset."""
    files = store.files("scanned", [date.fromisoformat(d) for d in sorted(set(days))])
    if not files:
        return set()
    import duckdb

    con = duckdb.connect()
    con.register("batch", keys)
    found = con.execute(
        "SELECT b.post_key FROM batch b SEMI JOIN read_parquet(?) o USING (post_key)", [files]
    ).fetchall()
    con.close()
    return {k for (k,) in found}


def _paired(posts: Iterable[dict], scanner: Any, workers: int) -> Iterator[tuple[dict, Finding]]:
    """(row, finding) pairs, scanning in a stream (rows wait in a queue while in flight)."""
    pending: deque[dict] = deque()

    def feed() -> Iterator[dict]:
        for row in posts:
            pending.append(row)
            yield row

    for finding in scanner.scan_many(feed(), workers=workers):
        yield pending.popleft(), finding


def ingest(
    store: MonitorStore,
    posts: Iterable[dict],
    scanner: Any,
    *,
    keep_text: bool = False,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    workers: int = 1,
    now: datetime | None = None,
    progress: Callable[[Iterable[dict]], Iterable[dict]] | None = None,
) -> IngestReport:
    """Scan `posts` (rows with id, text, created_at, platform, country[, lang]) and record
    them; returns counts. Posts already in the store (same platform and id) are skipped."""
    if keep_text and retention_days < 1:
        raise InputError("--retention-days must be at least 1 when text is kept")
    release = str(getattr(scanner.lexicon, "version", "unknown"))
    pairs = _paired(progress(posts) if progress else posts, scanner, workers)
    return record(
        store, pairs, release, keep_text=keep_text, retention_days=retention_days, now=now
    )


def record(
    store: MonitorStore,
    pairs: Iterable[tuple[dict, Finding]],
    release: str,
    *,
    keep_text: bool = False,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    now: datetime | None = None,
) -> IngestReport:
    """Append (post row, finding) pairs to the store: the writer path behind `ingest`."""
    now = now or datetime.now(UTC)
    text_until = now.date() + timedelta(days=retention_days) if keep_text else None
    report = IngestReport(release=release)
    secret = store.secret()
    seen: set[str] = set()
    with store.lock():
        writer = _Writer(store, report)
        batch: list[tuple[dict, Finding, datetime, str, str]] = []
        for n, (row, finding) in enumerate(pairs, start=1):
            pid = row.get("id")
            where = f"post {pid if pid is not None else n}"
            when = parse_created_at(row.get("created_at"), where)
            platform = _clean_code(row.get("platform"), upper=False)
            key = keyed_hash(secret, post_message(platform, str(pid if pid is not None else n)))
            batch.append((row, finding, when, key, when.date().isoformat()))
            if len(batch) >= BATCH:
                _take(store, writer, batch, seen, release, text_until, now, report)
                batch = []
        if batch:
            _take(store, writer, batch, seen, release, text_until, now, report)
        writer.flush_all()
    return report


def _take(
    store: MonitorStore,
    writer: _Writer,
    batch: list,
    seen: set[str],
    release: str,
    text_until: date | None,
    now: datetime,
    report: IngestReport,
) -> None:
    report.posts += len(batch)
    keys = pa.table({"post_key": [b[3] for b in batch], "day": [b[4] for b in batch]})
    old = stored_keys(store, keys.column("day").to_pylist(), keys)
    for row, finding, when, key, day in batch:
        if key in seen or key in old:
            report.duplicates += 1
            continue
        seen.add(key)
        report.new_posts += 1
        report.days.add(day)
        lang = finding.lang or _clean_code(row.get("lang"), upper=False)
        platform = _clean_code(row.get("platform"), upper=False)
        writer.scanned.setdefault(day, []).append(
            {"post_key": key, "platform": platform, "lang": lang, "verdict": finding.verdict}
        )
        if finding.matches or finding.verdict == "sale":  # a price list may name no term
            srow = sighting_row(row, finding, when, key, release, text_until, now)
            writer.sightings.setdefault(day, []).append(srow)
            daily = writer.daily.get(day)
            if daily is None:
                daily = writer.daily[day] = Counter()
            daily.update(dimension_values(srow))
            report.sightings += 1
        if finding.verdict in ("sale", "clean"):
            counter = writer.grams.get(day)
            if counter is None:
                counter = writer.grams[day] = GramCounter()
            counter.add(day, lang, platform, finding.verdict, row.get("text") or "")
    writer.flush_full()


@dataclass
class PurgeReport:
    files_rewritten: int = 0
    texts_removed: int = 0
    days_deleted: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_rewritten": self.files_rewritten,
            "texts_removed": self.texts_removed,
            "days_deleted": self.days_deleted,
        }


def purge(
    store: MonitorStore,
    today: date | None = None,
    all_text: bool = False,
    before: date | None = None,
) -> PurgeReport:
    """Remove kept post text whose retention date has passed (all kept text with
    `all_text`), and with `before` delete every dataset's days older than that date."""
    import pyarrow.compute as pc

    today = today or datetime.now(UTC).date()
    report = PurgeReport()
    with store.lock():
        for path in store.files("sightings"):
            table = pq.read_table(path, schema=SIGHTINGS)
            has_text = pc.is_valid(table.column("text"))
            if all_text:
                expired = has_text
            else:
                expired = pc.and_(has_text, pc.less(table.column("text_until"), pa.scalar(today)))
            n = pc.sum(expired).as_py() or 0
            if not n:
                continue
            text = pc.if_else(expired, pa.nulls(len(table), pa.string()), table.column("text"))
            until = pc.if_else(
                expired, pa.nulls(len(table), pa.date32()), table.column("text_until")
            )
            table = table.set_column(table.schema.get_field_index("text"), "text", text)
            table = table.set_column(
                table.schema.get_field_index("text_until"), "text_until", until
            )
            tmp = Path(path).with_name(f".{Path(path).name}.tmp")
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, path)
            report.files_rewritten += 1
            report.texts_removed += n
        if before is not None:
            import shutil

            for name in DATASETS:
                for d in store.days(name):
                    if d < before:
                        shutil.rmtree(store.day_dir(name, d))
                        if d.isoformat() not in report.days_deleted:
                            report.days_deleted.append(d.isoformat())
    return report
