"""Batch scanning on bad input and huge posts: bad rows are skipped into a rejects file (or
stop the run), `text` is strictly a string, CSV problems name their line, CSV output is safe
to open in a spreadsheet, and posts and matches are capped with a `truncated` finding."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from narcolex.cli import scan as cli_scan
from narcolex.config import ScanLimits
from narcolex.detect import Scanner
from narcolex.detect.evaluate import evaluate, format_report
from narcolex.detect.io import Rejects, read_posts
from narcolex.errors import InputError
from narcolex.package.lexicon import Lexicon

runner = CliRunner()


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon) -> typer.Typer:
    monkeypatch.setattr(cli_scan, "_scanner", lambda *_args: Scanner.from_lexicon(lexicon))
    a = typer.Typer()
    cli_scan.register(a)
    return a


BAD_JSONL = (
    b'{"id": "1", "text": "cocaine 80\\u20ac per gram, dm me"}\n'
    b'{"id": "2", "text": null}\n'
    b'{"id": "3", "text": 42}\n'
    b'{"id": "4", "text": "broken json"\n'
    b'{"id": "5", "text": "bad byte \xff here"}\n'
    b'{"id": "6", "text": "the weather is nice"}\n'
)


def test_bad_rows_are_skipped_into_the_rejects_file(app, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(BAD_JSONL)
    out = tmp_path / "f.jsonl"
    result = runner.invoke(app, ["scan", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["1", "6"]
    rejects = [json.loads(x) for x in Path(f"{out}.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["error"].split(" (")[0]) for r in rejects] == [
        (2, "'text' must be a string, not null"),
        (3, "'text' must be a string, not int"),
        (4, "not valid JSON"),
        (5, "not valid UTF-8"),
    ]
    assert "4 bad input row(s) skipped" in result.stderr


def test_on_error_stop_names_the_line(app, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(BAD_JSONL)
    result = runner.invoke(app, ["scan", str(src), "--on-error", "stop"])
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError) and ":2: 'text' must be a string" in str(
        result.exception
    )


def test_cp1252_and_utf16_csv_are_scanned(lexicon: Lexicon, tmp_path: Path) -> None:
    for enc in ("cp1252", "utf-16"):
        src = tmp_path / f"{enc}.csv"
        src.write_bytes("id,text\n1,café cocaine 80€ per gram\n".encode(enc))
        rows = list(read_posts(str(src)))
        assert rows[0]["text"] == "café cocaine 80€ per gram", enc
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("id,text\n1,café\n2,bad \xff byte\n".encode("utf-8", "surrogateescape")
                      .replace(b"\xc3\xbf", b"\xff"))  # fmt: skip
    with pytest.raises(InputError, match="line 3"):
        list(read_posts(str(mixed)))


def test_an_unterminated_quote_is_reported_not_merged(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text('id,text\n1,fine\n2,"never closed\n3,cocaine\n', encoding="utf-8")
    rejects = Rejects(tmp_path / "r.jsonl")
    rows = list(read_posts(str(src), on_error="skip", rejects=rejects))
    rejects.close()
    assert [r["id"] for r in rows] == ["1"]
    [bad] = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert bad["line"] == 3 and "malformed CSV" in bad["error"]
    with pytest.raises(InputError, match=r"q.csv:3: malformed CSV"):
        list(read_posts(str(src)))
    extra = tmp_path / "x.csv"
    extra.write_text("id,text\n1,a,b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.csv:2: 4 fields where the header has 2"):
        list(read_posts(str(extra)))


def test_csv_findings_neutralise_formula_cells(app, tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"id": '=HYPERLINK("http://x","y")', "text": "cocaine"}) + "\n")
    out = tmp_path / "f.csv"
    assert runner.invoke(app, ["scan", str(src), "-o", str(out)]).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["id"].startswith("'=")


def test_long_posts_and_many_matches_are_capped_and_say_so(lexicon: Lexicon) -> None:
    scanner = Scanner.from_lexicon(lexicon, limits=ScanLimits(post_chars=1000, matches=5))
    late = "x " * 1000 + "cocaine"
    finding = scanner.scan(late)
    assert finding.truncated and finding.to_dict()["truncated"] is True
    assert finding.matches == () and "truncated" in finding.explanation
    many = scanner.scan("cocaine " * 50)
    assert len(many.matches) == 5 and many.to_dict()["truncated"] is True
    normal = scanner.scan("cocaine 80€ per gram")
    assert "truncated" not in normal.to_dict()
    assert list(normal.to_dict()) == ["id", "verdict", "score", "lang", "substances",
                                      "signals", "matches", "explanation"]  # fmt: skip


def test_a_one_megabyte_post_is_bounded(lexicon: Lexicon) -> None:
    scanner = Scanner.from_lexicon(lexicon)  # default caps
    started = time.perf_counter()
    finding = scanner.scan("cocaine 80€ per gram " * 50_000)
    elapsed = time.perf_counter() - started
    assert finding.truncated and len(finding.matches) <= ScanLimits().matches
    assert elapsed < 5, elapsed


def test_eval_prints_na_where_a_metric_is_undefined(lexicon: Lexicon) -> None:
    scanner = Scanner.from_lexicon(lexicon)
    rows = [{"id": "1", "text": "the weather is nice", "label": "clean"}]
    report = evaluate((r, scanner.scan(r["text"])) for r in rows)
    assert report.overall.per_verdict["sale"]["precision"] is None
    text = format_report(report)
    sale_line = next(line for line in text.splitlines() if line.startswith("sale "))
    assert "n/a" in sale_line and "0.000" not in sale_line
    clean_line = next(line for line in text.splitlines() if line.startswith("clean "))
    assert "1.000" in clean_line


def test_caps_hold_in_worker_processes(lexicon: Lexicon) -> None:
    scanner = Scanner.from_lexicon(lexicon, limits=ScanLimits(post_chars=100, matches=3))
    items = [{"id": "1", "text": "cocaine " * 30}, {"id": "2", "text": "x " * 200}] * 50
    one = [f.to_dict() for f in scanner.scan_many(items)]
    two = [f.to_dict() for f in scanner.scan_many(items, workers=2)]
    assert one == two and all(row.get("truncated") for row in two)
