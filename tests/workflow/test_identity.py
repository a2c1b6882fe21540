"""Who may act: every actor exists and is active, each action checks the role, `system`
acts only for init and the bootstrap of the first admin; `init --force` is guarded."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.errors import AlreadyInitialisedError, PermissionDenied
from narcolex.store.engine import open_db
from narcolex.store.models import AuditEntry, User
from narcolex.workflow import comments, releases, tokens, users
from narcolex.workflow.setup import initialise

pytestmark = pytest.mark.db
runner = CliRunner()


@pytest.fixture
def db(db_url, mini_content):
    database = open_db(db_url)
    initialise(database, content_root=mini_content)
    yield database
    database.dispose()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_system_bootstraps_only_the_first_admin_and_it_is_audited(db):
    with db.transaction() as s:
        users.add_user(s, "root", "admin")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="first admin"):
        users.add_user(s, "second", "admin")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="first admin"):
        users.add_user(s, "cur", "curator")
    with db.reader() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.add")).one()
        assert entry.actor == "system" and entry.detail["bootstrap"] is True


def test_unknown_or_system_actors_are_refused_everywhere(db):
    with db.transaction() as s:
        users.add_user(s, "root", "admin")
    for actor in ("ghost", "system"):
        with db.transaction() as s, pytest.raises(PermissionDenied):
            comments.add_comment(s, "hello", actor, term_id=1)
        with db.transaction() as s, pytest.raises(PermissionDenied):
            users.add_user(s, "x", "reader", actor="ghost")
        with db.transaction() as s, pytest.raises(PermissionDenied):
            releases.create_release(s, None, actor)
    with db.reader() as s:
        assert {e.actor for e in s.scalars(select(AuditEntry))} <= {"system", "root"}


def test_a_contributor_cannot_promote_themselves_or_disable_others(db):
    with db.transaction() as s:
        users.add_user(s, "root", "admin")
        users.add_user(s, "sven", "contributor", "SE", actor="root")
        users.add_user(s, "rita", "reader", actor="root")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="admin"):
        users.add_user(s, "sven2", "curator", actor="sven")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="admin"):
        users.disable_user(s, "rita", actor="sven")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="admin"):
        tokens.create_token(s, "sven", actor="sven")
    with db.transaction() as s, pytest.raises(PermissionDenied, match="last active admin"):
        users.disable_user(s, "root", actor="root")
    with db.reader() as s:
        assert sorted(u.name for u in s.scalars(select(User).where(User.active))) == [
            "rita", "root", "sven"
        ]  # fmt: skip


def test_cli_needs_an_actor_and_checks_it(db_env, mini_content):
    assert run("init", "--content", str(mini_content)).exit_code == 0
    missing = run("user", "add", "carla", "--role", "curator")
    assert missing.exit_code == 2 and "--as" in missing.output
    assert run("user", "add", "root", "--role", "admin", "--as", "system").exit_code == 0
    again = run("user", "add", "evil", "--role", "admin", "--as", "system")
    assert again.exit_code == 1 and "first admin" in again.stderr
    assert run("user", "add", "rita", "--role", "reader", "--as", "root").exit_code == 0
    denied = run("user", "add", "rita2", "--role", "curator", "--as", "rita")
    assert denied.exit_code == 1 and "admin" in denied.stderr
    ghost = run("comment", "1", "hi", "--as", "nobody")
    assert ghost.exit_code == 1 and "unknown acting user" in ghost.stderr
    token = run("token", "create", "rita", "--as", "rita")
    assert token.exit_code == 1 and "Traceback" not in token.output


def test_init_force_refuses_while_users_exist_and_records_the_wipe(db, mini_content):
    with db.transaction() as s:
        users.add_user(s, "root", "admin")
    with pytest.raises(AlreadyInitialisedError, match="--wipe-users"):
        initialise(db, force=True, content_root=mini_content)
    with db.reader() as s:
        assert s.scalar(select(User.name)) == "root"  # untouched
    initialise(db, force=True, wipe_users=True, content_root=mini_content)
    with db.reader() as s:
        first = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert first.action == "kb.wipe"
        assert first.detail["erased"]["users"] == 1 and first.detail["erased"]["releases"] == 1
        assert first.detail["erased"]["audit_entries"] >= 3 and first.detail["operator"]
        assert s.scalar(select(User)) is None


def test_init_force_cli_asks_for_confirmation(db_env, mini_content):
    assert run("init", "--content", str(mini_content)).exit_code == 0
    no_yes = run("init", "--content", str(mini_content), "--force", "--wipe-users")
    assert no_yes.exit_code == 1 and "--yes" in no_yes.stderr and "db backup" in no_yes.stderr
    no_wipe = run("init", "--content", str(mini_content), "--force", "--yes")
    assert no_wipe.exit_code == 1 and "--wipe-users" in no_wipe.stderr
    ok = run("init", "--content", str(mini_content), "--force", "--wipe-users", "--yes")
    assert ok.exit_code == 0, ok.output
    actions = [e["action"] for e in json.loads(run("audit", "--json").stdout)]
    assert actions[0] == "kb.wipe"


def test_db_copy_copies_a_live_sqlite_database(db_env, mini_content, tmp_path):
    if not db_env.startswith("sqlite"):
        result = run("db", "copy", str(tmp_path / "copy.sqlite3"))
        assert result.exit_code == 1 and "pg_dump" in result.stderr
        return
    assert run("init", "--content", str(mini_content)).exit_code == 0
    result = run("db", "copy", str(tmp_path / "copy.sqlite3"))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("select count(*) from terms").fetchone()[0] == 7
    assert run("db", "copy", str(tmp_path / "copy.sqlite3")).exit_code == 1  # no overwrite
