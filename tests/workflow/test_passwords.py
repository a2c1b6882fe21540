"""Web passwords: argon2id hashes, one-time expiring set-password links (stored hashed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from narcolex.errors import InputError, PermissionDenied
from narcolex.store.engine import open_db
from narcolex.store.models import AuditEntry, PasswordLink, User
from narcolex.workflow import passwords, users
from narcolex.workflow.setup import initialise

pytestmark = pytest.mark.db
GOOD = "correct horse battery"


@pytest.fixture
def db(db_url, mini_content):  # type: ignore[no-untyped-def]
    database = open_db(db_url)
    initialise(database, content_root=mini_content)
    with database.transaction() as s:
        users.add_user(s, "boss", "admin")  # bootstrap: the first admin
        users.add_user(s, "ana", "curator", actor="boss")
    yield database
    database.dispose()


def test_link_sets_an_argon2id_password_once(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        secret = passwords.create_link(s, "ana", actor="boss")
    with db.transaction() as s:
        stored = s.scalar(select(PasswordLink))
        assert stored is not None and secret not in stored.token_hash  # only the digest
        passwords.use_link(s, secret, GOOD)
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.name == "ana"))
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert passwords.verify_login(s, "ana", GOOD).name == "ana"
        with pytest.raises(PermissionDenied, match="wrong user name or password"):
            passwords.verify_login(s, "ana", GOOD + "!")
        with pytest.raises(PermissionDenied, match="wrong user name or password"):
            passwords.verify_login(s, "nobody", GOOD)
        with pytest.raises(PermissionDenied, match="used or expired"):
            passwords.use_link(s, secret, "another good password")
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions[-2:] == ["user.password_link", "user.password"]


def test_expired_and_superseded_links_do_not_work(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        first = passwords.create_link(s, "ana", actor="boss")
        second = passwords.create_link(s, "ana", actor="boss")
    with db.transaction() as s, pytest.raises(PermissionDenied):
        passwords.link_user(s, first)
    with db.transaction() as s:
        link = s.scalar(select(PasswordLink).where(PasswordLink.used_at.is_(None)))
        assert link is not None
        link.expires_at = link.created_at - timedelta(seconds=1)
    with db.transaction() as s, pytest.raises(PermissionDenied, match="expired"):
        passwords.link_user(s, second)


def test_only_an_admin_hands_out_links(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s, pytest.raises(PermissionDenied):
        passwords.create_link(s, "boss", actor="ana")  # a curator taking the admin's account
    with db.transaction() as s, pytest.raises(PermissionDenied):
        passwords.create_link(s, "ana", actor="system")


def test_weak_passwords_and_disabled_users_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        with pytest.raises(InputError, match="at least 12"):
            passwords.set_password(s, "ana", "short")
        with pytest.raises(InputError, match="user name"):
            passwords.set_password(s, "ana", "my name is ana, ok?")
        passwords.set_password(s, "ana", GOOD)
        users.disable_user(s, "ana", actor="boss")
    with db.transaction() as s, pytest.raises(PermissionDenied):
        passwords.verify_login(s, "ana", GOOD)


def test_cli_prints_a_working_link(db_env, mini_content) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from narcolex.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    add = ["user", "add", "root", "--role", "admin", "--as", "system"]  # bootstrap
    assert runner.invoke(app, add).exit_code == 0
    link_cmd = ["user", "password-link", "root", "--as", "root"]
    result = runner.invoke(app, [*link_cmd, "--base-url", "https://kb.example.org/"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://kb.example.org/set-password/")
    db = open_db(db_env)
    try:
        with db.transaction() as s:
            assert passwords.use_link(s, link.rsplit("/", 1)[1], GOOD).name == "root"
    finally:
        db.dispose()
