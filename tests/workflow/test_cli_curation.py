"""The collection-to-release flow through the CLI (what the README shows)."""

import json

import pytest
from typer.testing import CliRunner

from narcolex.cli import app

pytestmark = pytest.mark.db
runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def test_spreadsheet_to_release(db_env, mini_content, tmp_path):
    ok("init", "--content", str(mini_content))
    ok("user", "add", "root", "--role", "admin", "--as", "system")  # bootstrap
    ok("user", "add", "sven", "--role", "contributor", "--country", "SE", "--as", "root")
    ok("user", "add", "carla", "--role", "curator", "--as", "root")
    assert "sven" in ok("user", "list")
    ok("template", "--format", "csv", "-o", str(tmp_path / "t.csv"))
    header = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").strip()
    rows = [
        "testgräs,sv,slang,cannabis.herbal,medium,medium,word,,SE,,test-glossary,,,,,,",
        "testkoks,sv,slang,cocain,,,,,SE,,test-glossary,,,,,,",
    ]
    (tmp_path / "s.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    bad = runner.invoke(app, ["submit", str(tmp_path / "s.csv"), "--as", "sven"])
    assert bad.exit_code == 1
    assert "s.csv:3: column 'denotes' value 'cocain': unknown" in bad.stderr
    assert "nothing was submitted" in bad.stderr

    out = ok("submit", str(tmp_path / "s.csv"), "--as", "sven", "--partial", "--json")
    report = json.loads(out)
    assert report["accepted"] == 1 and report["problems"][0]["row"] == 3
    tid = report["terms"][0]["id"]

    assert "pending review" in ok("submissions", "--as", "sven")
    listed = json.loads(ok("review", "list", "--lang", "sv", "--json"))
    assert [r["id"] for r in listed] == [tid]
    assert "testgräs" in ok("review", "show", str(tid))
    denied = runner.invoke(app, ["review", "approve", str(tid), "--as", "sven"])
    assert denied.exit_code == 1 and "curator" in denied.stderr
    ok("review", "approve", str(tid), "--as", "carla", "--comment", "documented")
    assert "approved" in ok("submissions", "--as", "sven")
    ok("comment", str(tid), "Seen in Malmö too.", "--as", "sven")

    created = ok("release", "create", "--as", "carla", "--notes", "First national input")
    assert "release 2" in created and "Added (1)" in created
    ok("release", "comment", "2", "Thanks!", "--as", "sven")
    assert "Thanks!" in ok("release", "show", "2")
    assert json.loads(ok("release", "diff", "1", "2", "--json"))["added"] == ["sv:testgräs"]
    assert len(json.loads(ok("release", "list", "--json"))) == 2

    ok("export", "--release", "2", "--format", "skos", "-o", str(tmp_path / "p.ttl"))
    assert "testgräs" in (tmp_path / "p.ttl").read_text()
    ok("export", "--format", "bundle", "-o", str(tmp_path / "bundle.zip"))
    imported = json.loads(
        ok("import", str(tmp_path / "bundle.zip"), "--db", f"sqlite:///{tmp_path}/o.db", "--json")
    )
    manifest = json.loads(ok("release", "list", "--json"))[-1]
    assert imported["content_sha256"] == manifest["content_sha256"]

    actions = [e["action"] for e in json.loads(ok("audit", "--json"))]
    for action in ("user.add", "submission.create", "review.approve", "release.create"):
        assert action in actions
    assert json.loads(ok("audit", "--since", "2999-01-01", "--json")) == []


def test_token_commands(db_env, mini_content):
    ok("init", "--content", str(mini_content))
    ok("user", "add", "root", "--role", "admin", "--as", "system")
    ok("user", "add", "plat", "--role", "reader", "--as", "root")
    secret = ok("token", "create", "plat", "--as", "root").strip()
    assert secret.startswith("nlx_")
    ok("token", "revoke", "1", "--as", "root")
    ok("user", "disable", "plat", "--as", "root")
    assert "no" in ok("user", "list")
    bad = runner.invoke(app, ["audit", "--since", "last tuesday"])
    assert bad.exit_code == 1 and "not a date" in bad.stderr
