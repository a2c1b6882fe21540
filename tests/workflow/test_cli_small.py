"""The smaller promises of the CLI: a global --db, --version, read commands that never create
a database, a release that would change nothing, one-line errors without psycopg, and
progress reported by the long commands."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from narcolex import __version__, config
from narcolex.cli import app
from narcolex.formats.export import export
from narcolex.store.engine import open_db
from narcolex.workflow import releases, users
from narcolex.workflow.bundles import import_bundle
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import submit
from tests.workflow.test_workflow import row, write_csv

pytestmark = pytest.mark.db
runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"narcolex {__version__}"


def test_global_db_option_before_the_command(db_url, mini_content):
    assert (
        runner.invoke(app, ["--db", db_url, "init", "--content", str(mini_content)]).exit_code == 0
    )
    stats = runner.invoke(app, ["--db", db_url, "kb", "stats", "--json"])
    assert stats.exit_code == 0 and '"terms": 7' in stats.stdout
    assert not config.default_database_path().exists()  # the default was not touched


def test_kb_stats_on_a_fresh_machine_creates_no_file():
    result = runner.invoke(app, ["kb", "stats"])
    assert result.exit_code == 1 and "narcolex init" in result.stderr
    assert not config.default_database_path().exists()
    assert not config.default_database_path().parent.joinpath("default.sqlite3-wal").exists()


def test_release_with_nothing_new_is_refused(db_env, mini_content):
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    runner.invoke(app, ["user", "add", "root", "--role", "admin", "--as", "system"])
    result = runner.invoke(app, ["release", "create", "--as", "root"])
    assert result.exit_code == 1 and "nothing to release" in result.stderr
    listed = runner.invoke(app, ["release", "list", "--json"])
    assert listed.stdout.count('"version"') == 1


def test_postgres_without_psycopg_is_one_line(tmp_path):
    code = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
        "from narcolex.cli import main\n"
        "sys.argv = ['narcolex', '--db', 'postgresql://u@localhost:1/x', 'kb', 'stats']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "narcolex[postgres]" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_long_commands_report_progress(db_url, mini_content, tmp_path):
    db = open_db(db_url)
    seen: dict[str, list[tuple[int, int]]] = {"init": [], "submit": [], "export": [], "import": []}
    initialise(db, content_root=mini_content, progress=lambda d, t: seen["init"].append((d, t)))
    with db.transaction() as s:
        users.add_user(s, "root", "admin")
        users.add_user(s, "sven", "contributor", "SE", actor="root")
    f = write_csv(tmp_path / "s.csv", [row(f"testord{i}") for i in range(3)])
    submit(db, f, "sven", progress=lambda p, d, t: seen["submit"].append((d, t)))
    with db.reader() as s:
        rel = releases.get(s)
        export(rel, "bundle", tmp_path / "b", progress=lambda d, t: seen["export"].append((d, t)))
    other = open_db(f"sqlite:///{tmp_path / 'o.sqlite3'}")
    import_bundle(other, tmp_path / "b", progress=lambda d, t: seen["import"].append((d, t)))
    for name, calls in seen.items():
        assert calls and calls[-1][0] == calls[-1][1], name
