"""Spark scanning in local mode: findings identical to `Scanner.scan`, via the Python API and
`narcolex spark-scan` (one SparkSession for the module: starting Spark costs seconds)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover - CI installs a JRE
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from pyspark.sql import SparkSession

from narcolex.cli import app
from narcolex.detect import Scanner
from narcolex.package.lexicon import Lexicon
from narcolex.spark import scan_dataframe
from tests.detect.conftest import TERMS

POSTS = [
    "Selling coke 50€ per gram, dm me on telegram",
    "nice weather today ☀️ see you at the beach #summer",
    "❄️❄️ available now, wickr me for prices",
    "Police seized 2 kg of cocaine at the port, the court said",
    "Verkaufe Gras 10g für 80€, schreib mir per Signal",
    "weed 🍁 delivery today, DM @someone https://example.org",
    "snow in the mountains this weekend, great for skiing",
    "Молли и снег, пишите в личку",
    "c.o.c.a.i.n.e 1g 60$ ping me",
    "",
    "hash browns for breakfast 🥔",
    "MDMA pills available, shipping worldwide, escrow accepted",
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("narcolex-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.default.parallelism", "2")  # two partitions, two Python workers
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "5")  # several batches
        .getOrCreate()
    )
    yield session
    session.stop()


def rows(posts: list[str | None]) -> list[tuple[int, str | None]]:
    return [(i, p) for i, p in enumerate(posts)] + [(len(posts), None)]


@pytest.fixture(scope="module")
def data() -> list[tuple[str, str | None, str | None]]:
    """(id, text, lang) rows: every other post with a language given."""
    return [(str(i), t, "de" if i % 2 else None) for i, t in rows(POSTS)]


@pytest.fixture(scope="module")
def bundled(spark: SparkSession, data: list) -> dict[str, dict]:
    """The bundled release's findings for `data`, by id, scanned by Spark (one job)."""
    df = spark.createDataFrame(data, "id string, text string, lang string")
    return {r["id"]: r.asDict(recursive=True) for r in scan_dataframe(df).collect()}


def test_findings_identical_to_scanner(bundled: dict[str, dict], data: list) -> None:
    scanner = Scanner.default()
    want = {i: scanner.scan(t or "", id=i).to_dict() for i, t, _ in data}
    assert bundled == want  # no lang_col: the lang column is not read
    assert {r["verdict"] for r in bundled.values()} >= {"sale", "clean"}


def test_integer_ids_become_strings(spark: SparkSession) -> None:
    df = spark.createDataFrame([(7, "nice weather today"), (8, None)], "id bigint, text string")
    assert [(r["id"], r["verdict"]) for r in scan_dataframe(df).collect()] == [
        ("7", "clean"), ("8", "clean")
    ]  # fmt: skip


def test_release_and_language_column(
    spark: SparkSession, data: list, bundled: dict[str, dict]
) -> None:
    """A given release is what the executors scan with (not a cached scanner of another
    release), and a language column overrides identification as `lang=` does."""
    lexicon = Lexicon(terms=TERMS, version="test")
    df = spark.createDataFrame(data, "id string, text string, lang string")
    scanned = scan_dataframe(df, release=lexicon, lang_col="lang").collect()
    scanner = Scanner.from_lexicon(lexicon)
    want = [scanner.scan(t or "", lang=lang, id=i).to_dict() for i, t, lang in data]
    got = sorted((r.asDict(recursive=True) for r in scanned), key=lambda r: int(r["id"]))
    assert got == want
    assert [r["matches"] for r in got] != [bundled[r["id"]]["matches"] for r in got]


def test_cli_spark_scan_parquet(spark: SparkSession, tmp_path: Path) -> None:
    src = tmp_path / "posts.parquet"
    posts = [{"id": str(i), "text": t, "lang": "de" if i == 4 else None} for i, t in rows(POSTS)]
    pq.write_table(pa.Table.from_pylist(posts), src)
    out = tmp_path / "findings"
    result = CliRunner().invoke(app, ["spark-scan", str(src), str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column_names == [
        "id", "verdict", "score", "lang", "substances", "signals", "matches", "explanation"
    ]  # fmt: skip
    scanner = Scanner.default()
    want = [scanner.scan_item(p).to_dict() for p in posts]  # the lang column is used
    assert sorted(table.to_pylist(), key=lambda r: int(r["id"])) == want
    assert not spark.sparkContext._jsc.sc().isStopped()  # the caller's session keeps running


def test_python_workers_keep_the_compiled_release_between_jobs(
    spark: SparkSession, data: list, bundled: dict[str, dict]
) -> None:
    """Compiling the bundled release takes seconds: a Python worker builds its scanner on its
    first task and finds it cached on later ones (Spark reuses its Python workers), so a
    second job compiles nothing."""
    import narcolex.spark as narcolex_spark

    key, _ = narcolex_spark._release_payload(None)

    def probe(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import os

        from narcolex import spark as in_worker

        for _ in batches:
            pass
        yield pa.RecordBatch.from_pylist(
            [{"pid": os.getpid(), "cached": key in in_worker._SCANNERS}]
        )

    df = spark.createDataFrame(data, "id string, text string, lang string")
    assert len(scan_dataframe(df).collect()) == len(data)  # a job after the `bundled` one
    probed = df.mapInArrow(probe, "pid bigint, cached boolean").collect()
    assert len(probed) == df.rdd.getNumPartitions() == 2
    assert all(r["cached"] for r in probed), probed


def test_cli_local_workers_use_this_interpreter(tmp_path: Path) -> None:
    """Run from a virtual environment that is not activated (`python3` on PATH is another
    interpreter, without narcolex), `spark-scan --master local[1]` still scans."""
    import os
    import subprocess
    import sys

    src = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "1", "text": POSTS[0]}]), src)
    out = tmp_path / "findings"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK")}
    here = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(d for d in env["PATH"].split(os.pathsep) if d != here)
    code = "import sys; from narcolex.cli import app; sys.argv = ['narcolex', *sys.argv[1:]]; app()"
    run = subprocess.run(
        [sys.executable, "-c", code, "spark-scan", str(src), str(out), "--master", "local[1]"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    rows = pq.read_table(out).to_pylist()
    assert rows == [Scanner.default().scan(POSTS[0], id="1").to_dict()]
