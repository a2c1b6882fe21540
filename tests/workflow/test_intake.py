"""Contributor files: no row is dropped without a listed problem, a file is read in exactly
one encoding, control characters are refused at input and neutralised at display, and upload
caps are checked before parsing (a zip-bomb workbook never gets unzipped)."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.errors import InputError
from narcolex.formats.encoding import detect
from narcolex.formats.tabular import read_table
from narcolex.store.engine import open_db
from narcolex.store.models import Term, TermCode
from narcolex.textkey import term_key
from narcolex.workflow import users
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import SubmissionRejected, submit
from tests.workflow.test_workflow import row, write_csv

pytestmark = pytest.mark.db
runner = CliRunner()


@pytest.fixture
def db(db_url, mini_content):
    database = open_db(db_url)
    initialise(database, content_root=mini_content)
    with database.transaction() as s:
        users.add_user(s, "admin", "admin")
        users.add_user(s, "sven", "contributor", "SE", actor="admin")
    yield database
    database.dispose()


def _terms(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(Term))


def test_an_overlong_term_is_a_listed_problem_not_a_silent_drop(db, tmp_path):
    f = write_csv(tmp_path / "long.csv", [row("testord"), row("x" * 250)])
    before = _terms(db)
    with pytest.raises(SubmissionRejected) as info:
        submit(db, f, "sven")
    [problem] = info.value.row_problems
    assert (problem.row, problem.column) == (3, "term") and "200" in problem.message
    assert _terms(db) == before
    report = submit(db, f, "sven", partial=True)
    assert report.accepted == 1 and [p.row for p in report.problems] == [3]


def test_control_and_direction_characters_are_refused_at_input(db, tmp_path):
    f = write_csv(tmp_path / "ctl.csv", [row("test\x1b[31mord"), row("test\u202eord")])
    with pytest.raises(SubmissionRejected) as info:
        submit(db, f, "sven")
    messages = [(p.row, p.column, p.message) for p in info.value.row_problems]
    assert messages[0][:2] == (2, "term") and "U+001B" in messages[0][2]
    assert messages[1][:2] == (3, "term") and "U+202E" in messages[1][2]


def test_one_invalid_byte_is_an_error_not_mojibake(db, tmp_path):
    f = write_csv(tmp_path / "mixed.csv", [row("snöflinga"), row("testord")])
    f.write_bytes(f.read_bytes().replace(b"testord", b"test\xfford"))
    with pytest.raises(InputError, match=r"line 3: .*not valid UTF-8"):
        submit(db, f, "sven")
    assert _terms(db) == 7


def test_a_wholly_cp1252_file_is_read_as_cp1252_and_says_so(db, tmp_path):
    f = write_csv(tmp_path / "win.csv", [row("snöflinga")], encoding="cp1252")
    report = submit(db, f, "sven")
    assert report.encoding == "cp1252" and report.terms[0]["term"] == "snöflinga"
    assert detect("snöflinga".encode(), "x") == "utf-8"
    assert detect("\ufeffa".encode("utf-16"), "x") == "utf-16"
    with pytest.raises(InputError, match="UTF-16 without a byte-order mark"):
        detect("id,term\n1,abc\n".encode("utf-16-le"), "x")


def test_review_list_shows_markup_and_escapes_as_text(db_env, db_url, mini_content):
    """A term written by another tool (bypassing input checks) cannot restyle the terminal."""
    database = open_db(db_url)
    initialise(database, content_root=mini_content)
    evil = "[bold red]fake[/bold red]\x1b[2J\u202eok"
    with database.transaction() as s:
        t = Term(term=evil, key=term_key(evil), lang="en", kind="slang", status="proposed")
        t.codes = [TermCode(code="cocaine")]
        s.add(t)
    for cmd in (["review", "list"], ["kb", "search", "fake"]):
        result = runner.invoke(app, cmd)
        assert result.exit_code == 0, result.output
        assert "[bold red]fake" in result.stdout, cmd
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout, cmd


def test_upload_caps_are_checked_before_parsing(tmp_path, monkeypatch):
    f = write_csv(tmp_path / "rows.csv", [row(f"ord{i}") for i in range(11)])
    monkeypatch.setenv("NARCOLEX_MAX_ROWS", "10")
    with pytest.raises(InputError, match="more than 10 rows"):
        read_table(f)
    monkeypatch.delenv("NARCOLEX_MAX_ROWS")
    monkeypatch.setenv("NARCOLEX_MAX_CELLS", "50")
    with pytest.raises(InputError, match="more than 50 cells"):
        read_table(f)
    monkeypatch.delenv("NARCOLEX_MAX_CELLS")
    monkeypatch.setenv("NARCOLEX_MAX_UPLOAD_BYTES", "100")
    with pytest.raises(InputError, match="more than the 100 allowed"):
        read_table(f)


def test_a_zip_bomb_workbook_is_refused_unopened(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<row>" + "<c><v>1</v></c>" * 400_000 + "</row>")
    assert bomb.stat().st_size < 100_000
    monkeypatch.setenv("NARCOLEX_MAX_UNCOMPRESSED_BYTES", "1000000")
    with pytest.raises(InputError, match="unzips to"):
        read_table(bomb)


def test_a_non_zip_xlsx_is_one_line_error(db_env, mini_content, tmp_path):
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    assert runner.invoke(app, ["user", "add", "root", "--role", "admin", "--as", "system"])
    fake = tmp_path / "fake.xlsx"
    fake.write_text("term,language\n", encoding="utf-8")
    result = runner.invoke(app, ["submit", str(fake), "--as", "root"])
    assert result.exit_code == 1 and "not an XLSX workbook" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
