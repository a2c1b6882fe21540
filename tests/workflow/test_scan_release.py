"""`narcolex scan` picks the knowledge base's release when there is one (the embedded default
once initialised, or --db / NARCOLEX_DATABASE_URL), and the bundled package otherwise."""

import json

import pytest
from typer.testing import CliRunner

from narcolex import config
from narcolex.cli import app

pytestmark = pytest.mark.db
runner = CliRunner()


@pytest.fixture
def posts(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "Kokain zu verkaufen"}) + "\n")
    return path


def test_scan_uses_the_database_release(db_env, mini_content, posts):
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    result = runner.invoke(app, ["scan", str(posts)])
    assert result.exit_code == 0, result.output
    assert "release 1 from" in result.stderr
    row = json.loads(result.stdout)
    assert row["matches"][0]["term"].lower() == "kokain" and row["substances"] == ["cocaine"]
    bundled = runner.invoke(app, ["scan", str(posts), "--bundled"])
    assert "bundled" in bundled.stderr and bundled.exit_code == 0


def test_explicit_uninitialised_database_is_an_error(db_env, posts):
    result = runner.invoke(app, ["scan", str(posts)])
    assert result.exit_code == 1 and "not initialised" in result.stderr


def test_no_database_falls_back_to_the_bundled_package(monkeypatch, tmp_path, posts):
    monkeypatch.delenv("NARCOLEX_DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "default_database_path", lambda: tmp_path / "none.sqlite3")
    result = runner.invoke(app, ["scan", str(posts)])
    assert result.exit_code == 0, result.output
    assert "bundled Knowledge Package" in result.stderr
    assert json.loads(result.stdout)["substances"]
