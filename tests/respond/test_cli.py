"""`narcolex respond …` end to end: findings written by `narcolex scan` in, DSA documents,
help and referral reports out."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.respond import statements as st
from tests.respond.conftest import EXAMPLES

runner = CliRunner()
POSTS = str(EXAMPLES / "posts.jsonl")
FLAGGED = str(EXAMPLES / "flagged-post.jsonl")


def run(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env=env)
    return result


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("scan") / "findings.jsonl"
    result = run("scan", POSTS, "--bundled", "-o", str(out))
    assert result.exit_code == 0, result.output
    return str(out)


def test_statements_command_writes_valid_statements_and_batches(findings, tmp_path):
    out = tmp_path / "sor.jsonl"
    result = run(
        "respond",
        "statements",
        findings,
        "--posts",
        POSTS,
        "-o",
        str(out),
        "--application-date",
        "2026-12-07",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 5 and all(st.validate(x) == [] for x in lines)
    assert all(x["application_date"] == "2026-12-07" for x in lines)
    batch = tmp_path / "batch.jsonl"
    assert run("respond", "statements", findings, "--batch", "-o", str(batch)).exit_code == 0
    body = json.loads(batch.read_text(encoding="utf-8").splitlines()[0])
    assert list(body) == ["statements"] and len(body["statements"]) == len(lines)


def test_statements_command_refuses_an_invalid_policy(findings):
    result = run("respond", "statements", findings, "--source-type", "SOURCE_RUMOUR")
    assert result.exit_code != 0
    assert "source_type" in result.output and "Traceback" not in result.output


def test_notice_command_text_json_and_pdf(tmp_path):
    scan = tmp_path / "f.jsonl"
    assert run("scan", FLAGGED, "--bundled", "-o", str(scan)).exit_code == 0
    who = ["--notifier-name", "Example Desk", "--notifier-email", "desk@example.org"]
    text = run("respond", "notice", str(scan), "--posts", FLAGGED, "--format", "text", *who)
    assert text.exit_code == 0 and "https://example.org/posts/2" in text.output
    js = run("respond", "notice", str(scan), "--posts", FLAGGED, *who)
    notice = json.loads(next(x for x in js.output.splitlines() if x.startswith("{")))
    assert notice["location"]["is_url"] and notice["notifier"]["email"] == "desk@example.org"
    pdf = tmp_path / "n.pdf"
    assert (
        run("respond", "notice", str(scan), "--format", "pdf", "-o", str(pdf), *who).exit_code == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    bad = run("respond", "notice", str(scan), "--notifier-name", "X", "--notifier-email", "nope")
    assert bad.exit_code != 0 and "e-mail" in bad.output


def test_help_command_text_and_json():
    result = run("respond", "help", "--country", "SE", "--lang", "sv")
    assert result.exit_code == 0 and "020-91 91 91" in result.output
    data = json.loads(run("respond", "help", "--country", "SE", "--json").output)
    assert data["resources"][0]["sources"] and data["resources"][0]["checked"] == "2026-12-07"
    lv = run("respond", "help", "--country", "LV", "--lang", "lv")  # a gap until issue 17
    assert lv.exit_code == 0 and "67037333" in lv.output
    assert "no sourced resource" not in lv.output
    assert run("respond", "help", "--country", "XX").exit_code != 0


def test_referral_command_needs_the_secret(findings, tmp_path):
    assert run("respond", "referral", findings, env={"NARCOLEX_POST_KEY_SECRET": ""}).exit_code != 0
    out = tmp_path / "ref.csv"
    env = {"NARCOLEX_POST_KEY_SECRET": "x" * 32}
    result = run("respond", "referral", findings, "--posts", POSTS, "-o", str(out), env=env)
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("post_key,platform") and len(rows) >= 6
    assert "example_handle" in out.read_text(encoding="utf-8")
    no_handles = run("respond", "referral", findings, "--posts", POSTS, "--no-handles", env=env)
    assert "example_handle" not in no_handles.output


def test_findings_and_posts_from_pasted_text():
    """The web form takes findings as JSON lines, a JSON array or the API's {"items": …}."""
    from narcolex.errors import InputError
    from narcolex.respond.inputs import MAX_FINDINGS, findings_from_text, posts_from_text

    row = {"id": 7, "verdict": "sale", "score": 0.9, "substances": [], "signals": [],
           "matches": []}  # fmt: skip
    line = json.dumps(row)
    assert findings_from_text(f"{line}\n\n{line}\n")[1]["id"] == "7"
    assert len(findings_from_text(f"[{line}, {line}]")) == 2
    assert len(findings_from_text(json.dumps({"items": [row]}))) == 1
    assert len(findings_from_text(json.dumps(row, indent=2))) == 1  # one pretty-printed object
    with pytest.raises(InputError, match="not a finding row"):
        findings_from_text('{"id": 1}')
    with pytest.raises(InputError, match=r"findings:2: not valid JSON"):
        findings_from_text(f"{line}\n{{oops")
    with pytest.raises(InputError, match="at most"):
        findings_from_text("\n".join([line] * (MAX_FINDINGS + 1)))
    assert posts_from_text('{"id": 7, "url": "https://example.org/7"}')["7"]["url"]
    with pytest.raises(InputError, match="needs an `id`"):
        posts_from_text('{"text": "x"}')
