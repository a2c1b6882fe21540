"""Distributed scanning of a Spark DataFrame: `scan_dataframe(df)` (ARCHITECTURE §3, §4).

Platforms keep their posts in data lakes; scanning them where they are beats exporting them.
The release (its lexicon and scoring configuration) is pickled once on the driver and shipped
as a broadcast variable, so each executor receives it once; each Python worker process then
compiles it once into a `Scanner`, kept in a module-level cache keyed by the release's content
hash (Spark reuses its Python workers across tasks, so the compiled automata outlive a task).
Posts travel as Arrow record batches (`mapInArrow`): no per-row Python↔JVM conversion, and the
findings come back as typed Spark columns with the exact §4 row shape.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcolex.detect.io import findings_arrow_schema

if TYPE_CHECKING:  # pyspark is an optional extra (`pip install narcolex[spark]`)
    import pyarrow as pa
    from pyspark.sql import DataFrame

    from narcolex.detect.engine import Scanner
    from narcolex.package.lexicon import Lexicon

# Spark DDL of the output: the §4 row, one typed column per field.
FINDINGS_DDL = (
    "id string, verdict string, score double, lang string, substances array<string>, "
    "signals array<string>, matches array<struct<term_id: bigint, term: string, "
    "surface: string, start: bigint, end: bigint, kind: string, denotes: array<string>, "
    "lang: string>>, explanation string"
)

_SCANNERS: dict[str, Scanner] = {}  # per Python worker process: release key -> scanner


def _release_payload(release: Any) -> tuple[str, bytes]:
    """(key, pickled (lexicon, config)) of what the executors need to build the scanner.
    The key is a hash of the payload, so two releases never share a cached scanner."""
    from narcolex.detect.engine import Scanner
    from narcolex.package.lexicon import Lexicon

    if isinstance(release, Scanner):
        lexicon, config = release.lexicon, release.config
    elif isinstance(release, Lexicon):
        lexicon, config = release, None
    elif release is None:
        scanner = Scanner.default()
        lexicon, config = scanner.lexicon, scanner.config
    else:
        scanner = Scanner.from_release(release)
        lexicon, config = scanner.lexicon, scanner.config
    if config is None:
        from narcolex.detect.scoring import ScoringConfig

        config = ScoringConfig.from_env()  # the driver's configuration, not each executor's
    blob = pickle.dumps((lexicon, config), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest(), blob


def _worker_scanner(key: str, blob: bytes) -> Scanner:
    """The scanner for `key` in this worker process, compiled on first use."""
    scanner = _SCANNERS.get(key)
    if scanner is None:
        from narcolex.detect.engine import Scanner

        lexicon, config = pickle.loads(blob)
        _SCANNERS.clear()  # one release per worker at a time: memory stays bounded
        scanner = _SCANNERS[key] = Scanner(lexicon, config)
    return scanner


def scan_batches(
    batches: Iterator[pa.RecordBatch],
    scanner: Scanner,
    text_col: str = "text",
    id_col: str | None = "id",
    lang_col: str | None = None,
) -> Iterator[pa.RecordBatch]:
    """Findings (§4 columns) for Arrow batches of posts: the body of the mapInArrow step,
    usable on its own for any Arrow stream."""
    import pyarrow as pa

    schema = findings_arrow_schema()
    for batch in batches:
        texts = batch.column(text_col).to_pylist()
        ids = batch.column(id_col).to_pylist() if id_col else [None] * len(texts)
        langs = batch.column(lang_col).to_pylist() if lang_col else [None] * len(texts)
        rows = []
        for text, pid, lang in zip(texts, ids, langs, strict=True):
            finding = scanner.scan(
                "" if text is None else text,
                lang=lang or None,
                id=None if pid is None else str(pid),
            )
            rows.append(finding.to_dict())
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def scan_dataframe(
    df: DataFrame,
    text_col: str = "text",
    id_col: str | None = "id",
    release: Scanner | Lexicon | str | Path | None = None,
    lang_col: str | None = None,
) -> DataFrame:
    """A DataFrame of findings, one row per post, with the §4 columns (`id` as a string).

    `release` is a Scanner, a Lexicon, the path of a release bundle (hash-checked), or None
    for the bundled Knowledge Package. `lang_col`, when given, names a column whose ISO 639-1
    codes override language identification, as `lang=` does for `Scanner.scan`.
    """
    from narcolex.errors import InputError

    missing = [c for c in (text_col, id_col, lang_col) if c and c not in df.columns]
    if missing:
        raise InputError(f"the DataFrame has no column {', '.join(map(repr, missing))}")
    key, blob = _release_payload(release)
    shipped = df.sparkSession.sparkContext.broadcast(blob)
    cols = [c for c in (text_col, id_col, lang_col) if c]

    def scan(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        scanner = _worker_scanner(key, shipped.value)
        yield from scan_batches(batches, scanner, text_col, id_col, lang_col)

    return df.select(*cols).mapInArrow(scan, FINDINGS_DDL)


def scan_parquet(
    spark: Any,
    input_path: str,
    output_path: str,
    release: Scanner | Lexicon | str | Path | None = None,
    text_col: str = "text",
    id_col: str | None = "id",
    mode: str = "error",
    lang_col: str | None = "lang",
) -> int:
    """Scan a Parquet dataset into a Parquet dataset of findings; returns the number of rows.
    Like `narcolex scan`, it uses the posts' `lang` column where there is one."""
    df = spark.read.parquet(input_path)
    if id_col and id_col not in df.columns:
        id_col = None
    if lang_col and lang_col not in df.columns:
        lang_col = None
    out = scan_dataframe(df, text_col=text_col, id_col=id_col, release=release, lang_col=lang_col)
    out.write.mode(mode).parquet(output_path)
    return spark.read.parquet(output_path).count()


if __name__ == "__main__":  # `spark-submit .../narcolex/spark.py INPUT OUTPUT [options]`
    import sys

    from narcolex.cli import app

    app(["spark-scan", *sys.argv[1:]])
