"""Every foundation command through Typer's CliRunner, on the test database."""

import json
import re

import pytest
from typer.testing import CliRunner

from narcolex.cli import app

pytestmark = pytest.mark.db
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def initialised(db_env, mini_content):
    result = run("init", "--content", str(mini_content))
    assert result.exit_code == 0, result.output
    return db_env


def test_init_then_stats_json(db_env, mini_content):
    result = run("init", "--content", str(mini_content), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["release"] == 1
    stats = json.loads(run("kb", "stats", "--json").stdout)
    assert stats["terms"] == 7
    assert stats["by_language"] == {"cs": 1, "de": 2, "en": 4}
    assert stats["by_group"]["cocaine"] == 3
    assert stats["latest_release"] == 1


def test_second_init_refuses_in_one_line(initialised, mini_content):
    result = run("init", "--content", str(mini_content))
    assert result.exit_code != 0
    assert "already initialised" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_init_force(initialised, mini_content):
    result = run("init", "--content", str(mini_content), "--force", "--wipe-users", "--yes")
    assert result.exit_code == 0, result.output
    assert "release 1" in result.stdout


def test_stats_tables(initialised):
    result = run("kb", "stats")
    assert result.exit_code == 0
    assert "7 terms" in result.stdout and "by language" in result.stdout


def test_search_accent_insensitive(initialised):
    result = run("kb", "search", "KOKAÍN", "--json")
    assert result.exit_code == 0, result.output
    assert {r["term"] for r in json.loads(result.stdout)} == {"Kokain", "kokain"}
    result = run("kb", "search", "KOKAÍN", "--lang", "cs")
    assert "kokain" in result.stdout and "Kokain" not in result.stdout


def test_search_unknown_language_suggests(initialised):
    result = run("kb", "search", "x", "--lang", "sw")
    assert result.exit_code != 0
    assert "unknown language code 'sw'" in result.stderr and "sv" in result.stderr


def test_search_no_hit_exits_nonzero(initialised):
    assert run("kb", "search", "zzzz").exit_code == 1


def test_show(initialised):
    hits = json.loads(run("kb", "search", "weed", "--json").stdout)
    result = run("kb", "show", str(hits[0]["id"]))
    assert result.exit_code == 0, result.output
    assert "weed" in result.stdout and "Test glossary" in result.stdout
    data = json.loads(run("kb", "show", str(hits[0]["id"]), "--json").stdout)
    assert data["countries"] == ["GB", "IE"] and data["sources"][0]["id"] == "test-glossary"


def test_show_missing_term(initialised):
    result = run("kb", "show", "999999")
    assert result.exit_code == 1 and "term 999999 does not exist" in result.stderr


def test_uninitialised_database_one_line(db_env):
    result = run("kb", "stats")
    assert result.exit_code == 1
    assert "not initialised" in result.stderr and "narcolex init" in result.stderr
    assert "Traceback" not in result.output


def test_bad_url_one_line(monkeypatch):
    monkeypatch.setenv("NARCOLEX_DATABASE_URL", "nonsense://")
    result = run("kb", "stats")
    assert result.exit_code == 1 and "unsupported database" in result.stderr
    monkeypatch.setenv("NARCOLEX_DATABASE_URL", "::not a url::")
    result = run("kb", "stats")
    assert result.exit_code == 1 and "not a database URL" in result.stderr


def test_unreachable_database_one_line():
    result = run("kb", "stats", "--db", "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert result.exit_code == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.output


def test_bad_content_path(db_env, tmp_path):
    result = run("init", "--content", str(tmp_path / "nope"))
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_db_commands(db_env):
    assert "no schema" in run("db", "current").stdout
    assert run("db", "upgrade").exit_code == 0
    current = run("db", "current").stdout
    assert re.search(r": (\w+) \(newest: \1\)", current), current  # at the newest revision
    assert run("db", "downgrade", "base").exit_code == 0
    assert "no schema" in run("db", "current").stdout
