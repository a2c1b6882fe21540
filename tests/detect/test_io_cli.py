"""Reading and writing posts, and the `scan` / `eval` commands on a private Typer app."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from narcolex.cli import scan as cli_scan
from narcolex.detect import Scanner
from narcolex.detect.evaluate import evaluate, format_report
from narcolex.detect.io import read_posts, write_findings
from narcolex.errors import InputError
from narcolex.package.lexicon import Lexicon

POSTS = [
    {"id": "1", "text": "cocaine 80€ per gram, dm me", "lang": "en", "platform": "x", "extra": 1},
    {"id": "2", "text": "the weather is nice"},
    {"id": "3", "text": "Police seized cocaine, the court said", "lang": "en"},
]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon) -> typer.Typer:
    monkeypatch.setattr(cli_scan, "_scanner", lambda *_args: Scanner.from_lexicon(lexicon))
    a = typer.Typer()
    cli_scan.register(a)
    return a


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_read_jsonl_csv_parquet(tmp_path: Path) -> None:
    j = write_jsonl(tmp_path / "p.jsonl", POSTS)
    c = tmp_path / "p.csv"
    with c.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "text", "lang"], extrasaction="ignore")
        w.writeheader()
        w.writerows(POSTS)
    p = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": r["id"], "text": r["text"]} for r in POSTS]), p)
    for path in (j, c, p):
        rows = list(read_posts(str(path)))
        assert [r["id"] for r in rows] == ["1", "2", "3"]
        assert set(rows[0]) == {"id", "text", "lang", "platform", "country", "created_at"}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ('{"id": 1}\n', "a.jsonl", "missing 'text'"),
        ("not json\n", "a.jsonl", "not valid JSON"),
        ("id,body\n1,x\n", "a.csv", "no 'text' column"),
        ("x", "a.txt", "cannot tell the format"),
    ],
)
def test_bad_inputs_raise_input_errors(
    tmp_path: Path, content: str, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message):
        list(read_posts(str(path)))


def test_csv_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("\ufeffid,text\n7,cocaine\n", "utf-8")
    assert [(r["id"], r["text"]) for r in read_posts(str(path))] == [("7", "cocaine")]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(read_posts(str(tmp_path / "nope.jsonl")))


def test_scan_command_writes_contract_rows(app: typer.Typer, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", POSTS)
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["scan", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["id"] for x in rows] == ["1", "2", "3"]
    assert [x["verdict"] for x in rows] == ["sale", "clean", "mention"]
    text = POSTS[0]["text"]
    for m in rows[0]["matches"]:
        assert text[m["start"] : m["end"]] == m["surface"]


def test_scan_only_sale_to_stdout_from_stdin(app: typer.Typer) -> None:
    stdin = "".join(json.dumps(p) + "\n" for p in POSTS)
    r = CliRunner().invoke(app, ["scan", "-", "--only", "sale", "--workers", "2"], input=stdin)
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert [x["id"] for x in rows] == ["1"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_scan_other_output_formats(app: typer.Typer, tmp_path: Path, fmt: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", POSTS)
    out = tmp_path / f"out.{fmt}"
    r = CliRunner().invoke(app, ["scan", str(src), "-o", str(out), "--format", fmt])
    assert r.exit_code == 0, r.output
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert rows[0]["verdict"] == "sale" and json.loads(rows[0]["matches"])
    else:
        rows = pq.read_table(out).to_pylist()
        assert rows[0]["verdict"] == "sale" and rows[0]["matches"][0]["term"] == "cocaine"


def test_scan_rejects_bad_only(app: typer.Typer, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", POSTS)
    r = CliRunner().invoke(app, ["scan", str(src), "--only", "spam"])
    assert r.exit_code != 0
    assert isinstance(r.exception, InputError)


def _row(i: str, text: str, label: str, lang: str, subset: str | None = None) -> dict:
    row = {"id": i, "text": text, "label": label, "lang": lang}
    return {**row, "subset": subset} if subset else row


LABELLED = [
    _row("a", "cocaine 80€ per gram, dm me", "sale", "en", "ads"),
    _row("b", "weed 10g 90€ dm me", "sale", "en", "ads"),
    _row("c", "the weather is nice", "clean", "en", "chat"),
    _row("d", "I tried ketamine once", "mention", "en", "chat"),
    _row("e", "cocaine 50€ t.me/example_handle", "mention", "de"),
]


def test_eval_command_reports_metrics(app: typer.Typer, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "lab.jsonl", LABELLED)
    r = CliRunner().invoke(app, ["eval", str(src), "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    sale = rep["overall"]["per_verdict"]["sale"]
    assert sale["support"] == 2 and sale["recall"] == 1.0
    assert sale["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert rep["overall"]["confusion"]["mention"]["sale"] == 1
    assert set(rep["by_subset"]) == {"ads", "chat"}
    assert set(rep["by_lang"]) == {"en", "de"}
    text = CliRunner().invoke(app, ["eval", str(src)]).output
    assert "confusion" in text and "by subset" in text


def test_evaluate_rejects_unknown_labels(scanner: Scanner) -> None:
    with pytest.raises(InputError, match="label"):
        evaluate([({"id": "x", "label": "spam"}, scanner.scan("x"))])


def test_format_report_is_plain_text(scanner: Scanner) -> None:
    rows = [(r, scanner.scan(r["text"])) for r in LABELLED]
    out = format_report(evaluate(rows))
    assert "sale" in out and "\x1b" not in out


def test_write_findings_counts_rows(scanner: Scanner, tmp_path: Path) -> None:
    n = write_findings(
        (scanner.scan(p["text"], id=p["id"]) for p in POSTS), str(tmp_path / "o.jsonl")
    )
    assert n == 3


def test_commands_are_registered_on_the_main_app(tmp_path: Path) -> None:
    from narcolex.cli import app as main_app

    src = write_jsonl(tmp_path / "in.jsonl", POSTS[:2])
    r = CliRunner().invoke(main_app, ["scan", str(src), "--bundled"])
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["1", "2"]
    bad = CliRunner().invoke(main_app, ["scan", str(tmp_path / "missing.jsonl")])
    assert bad.exit_code != 0
