"""`narcolex monitor …` end to end on a small file: ingest, trends, alerts, candidates (and
--propose into the review queue), prices, report (HTML and PDF), purge."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from narcolex.cli import app

runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


@pytest.fixture
def posts(tmp_path):
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    rows = []
    for i in range(12):
        when = (start + timedelta(hours=7 * i)).isoformat()
        rows.append({"id": f"s{i}", "created_at": when, "platform": "telegram", "country": "DE",
                     "text": f"Gras {i + 1}0g {(i + 1) * 90} euro, Lieferung heute, Telegram "
                             "@x_de qwertzuk"})  # fmt: skip
        rows.append({"id": f"c{i}", "created_at": when, "platform": "x", "country": "DE",
                     "text": "Heute regnet es in Berlin und wir bleiben zu Hause"})  # fmt: skip
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_monitor_commands_end_to_end(posts, tmp_path, monkeypatch):
    monkeypatch.setenv("NARCOLEX_MONITOR_DIR", str(tmp_path / "store"))
    first = ok("monitor", "ingest", posts, "--bundled", "--keep-text", "--retention-days", "7")
    assert "24 posts read, 24 new, 0 already recorded; 12 sightings written" in first
    again = json.loads(ok("monitor", "ingest", posts, "--bundled", "--json"))
    assert (again["new_posts"], again["duplicates"], again["sightings"]) == (0, 24, 0)

    rows = json.loads(ok("monitor", "trends", "--by", "substance_group", "--every", "day",
                         "--json"))  # fmt: skip
    assert [(r["period"], r["substance_group"], r["count"], r["share"]) for r in rows] == [
        ("2026-11-02", "cannabis", 3, 1.0),
        ("2026-11-03", "cannabis", 3, 1.0),
        ("2026-11-04", "cannabis", 3, 1.0),
        ("2026-11-05", "cannabis", 3, 1.0),
    ]
    csv_out = ok("monitor", "trends", "--by", "platform", "--every", "week", "--csv")
    assert csv_out.splitlines()[:2] == ["period,platform,count,total,share",
                                        "2026-11-02,telegram,12,12,1.0"]  # fmt: skip
    assert json.loads(ok("monitor", "alerts", "--json")) == []  # four days: no baseline yet

    cands = json.loads(ok("monitor", "candidates", "--bundled", "--min-count", "3", "--json"))
    top = cands["items"][0]
    assert top["gram"] == "qwertzuk" and top["count"] == 12 and top["lang"] == "de"
    assert "qwertzuk" in top["contexts"][0]
    table = ok("monitor", "candidates", "--bundled", "--min-count", "3")
    assert "qwertzuk" in table

    prices = json.loads(ok("monitor", "prices", "--json"))
    assert prices == [{"month": "2026-11", "substance": "cannabis", "country": "DE", "unit": "g",
                       "median_eur": 9.0, "q1_eur": 9.0, "q3_eur": 9.0, "iqr_eur": 0.0,
                       "n": 12}]  # fmt: skip

    html = tmp_path / "r.html"
    ok("monitor", "report", "--period", "2026-11", "--bundled", "-o", str(html))
    page = html.read_text(encoding="utf-8")
    assert "Monitoring report 2026-11" in page and "<svg" in page and "qwertzuk" in page
    pdf = tmp_path / "r.pdf"
    ok("monitor", "report", "--period", "2026-11", "--format", "pdf", "--bundled", "-o", str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-"

    assert "removed 0 kept texts" in ok("monitor", "purge")
    assert "removed 12 kept texts" in ok("monitor", "purge", "--all-text")
    bad = runner.invoke(app, ["monitor", "trends", "--by", "colour"])
    assert bad.exit_code == 1 and "--by must be one of" in bad.stderr


@pytest.mark.db
def test_candidates_propose_into_the_review_queue(posts, tmp_path, monkeypatch, db_env,
                                                  mini_content):  # fmt: skip
    monkeypatch.setenv("NARCOLEX_MONITOR_DIR", str(tmp_path / "store"))
    ok("init", "--content", str(mini_content))
    ok("user", "add", "root", "--role", "admin", "--as", "system")  # bootstrap
    ok("user", "add", "carla", "--role", "curator", "--as", "root")
    ok("user", "add", "sven", "--role", "contributor", "--country", "SE", "--as", "root")
    ok("monitor", "ingest", posts, "--bundled")
    args = ["monitor", "candidates", "--bundled", "--min-count", "3", "--limit", "1", "--propose"]
    denied = runner.invoke(app, [*args, "--as", "sven"])
    assert denied.exit_code == 1 and "curator" in denied.stderr
    done = json.loads(ok(*args, "--as", "carla", "--json"))["proposed"]
    assert [t["term"] for t in done["created"]] == ["qwertzuk"]
    queue = json.loads(ok("review", "list", "--lang", "de", "--json"))
    assert [r["term"] for r in queue] == ["qwertzuk"]
    shown = ok("review", "show", str(done["created"][0]["id"]))
    assert "pending review" in shown and "narcolex monitoring" in shown
    again = json.loads(ok(*args, "--as", "carla", "--json"))["proposed"]
    assert again["created"] == [] and again["skipped"] == ["qwertzuk"]
    assert "monitor.propose" in ok("audit")
