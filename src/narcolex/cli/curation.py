"""CLI commands of the collection and curation workflow (users, submissions, review,
releases, exports). Registered onto the main app by narcolex.cli."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from narcolex.cli.common import (
    AsUser,
    DbOption,
    JsonOption,
    err,
    open_database,
    out,
    print_json,
    print_table,
    progress_bar,
    safe,
    writing,
)
from narcolex.errors import InputError

Comment = Annotated[str | None, typer.Option("--comment", help="Reason, shown to the submitter.")]

user_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
review_app = typer.Typer(help="Review proposed terms (curators).", no_args_is_help=True)
release_app = typer.Typer(help="Numbered, immutable releases.", no_args_is_help=True)


# -- users and tokens -----------------------------------------------------------------------
@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin, curator, contributor or reader.")],
    actor: Annotated[
        str,
        typer.Option("--as", help="The admin adding (`system` only for the first admin)."),
    ],
    country: Annotated[str | None, typer.Option(help="Contributor's country (ISO 3166).")] = None,
    db: DbOption = None,
) -> None:
    """Add a user with a role (a contributor is bound to one country); admins only.

    On a fresh install, create the first admin with `--role admin --as system`."""
    from narcolex.workflow.users import add_user

    with writing(db) as s:
        u = add_user(s, name, role, country, actor=actor)
        added = f"added {u.name} ({u.role}{', ' + u.country if u.country else ''})"
    out.print(safe(added))


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List users."""
    from narcolex.workflow.users import list_users

    with open_database(db).reader() as s:
        rows = [
            {"name": u.name, "role": u.role, "country": u.country, "active": u.active}
            for u in list_users(s)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("name", "role", "country", "active")
    for r in rows:
        table.add_row(
            safe(r["name"]), r["role"], r["country"] or "", "yes" if r["active"] else "no"
        )
    print_table(table)


@user_app.command("role")
def user_role(
    name: str,
    role: str,
    actor: AsUser,
    country: Annotated[str | None, typer.Option(help="Contributor's country (ISO 3166).")] = None,
    db: DbOption = None,
) -> None:
    """Change a user's role (admins only; the last admin stays admin)."""
    from narcolex.workflow.users import set_role

    with writing(db) as s:
        u = set_role(s, name, role, country, actor=actor)
        changed = f"{u.name} is now {u.role}{' (' + u.country + ')' if u.country else ''}"
    out.print(safe(changed))


@user_app.command("disable")
def user_disable(name: str, actor: AsUser, db: DbOption = None) -> None:
    """Disable a user and revoke their tokens (admins only)."""
    from narcolex.workflow.users import disable_user

    with writing(db) as s:
        disable_user(s, name, actor=actor)
    out.print(f"disabled {safe(name)}")


@user_app.command("password-link")
def user_password_link(
    name: str,
    actor: AsUser,
    base_url: Annotated[
        str, typer.Option(help="Where `narcolex serve` is reached by the user.")
    ] = "http://127.0.0.1:8000",
    hours: Annotated[int, typer.Option(min=1, max=720, help="Hours the link works.")] = 72,
    db: DbOption = None,
) -> None:
    """A one-time link with which a user sets their web password (printed once); an admin
    hands it out (`--as ADMIN`; on a fresh install the first admin names themselves)."""
    from narcolex.workflow.passwords import create_link

    with writing(db) as s:
        secret = create_link(s, name, actor=actor, hours=hours)
    err.print(f"one-time link for {name}, valid {hours} h (hand it over privately):")
    out.out(f"{base_url.rstrip('/')}/set-password/{secret}")


@token_app.command("create")
def token_create(name: str, actor: AsUser, db: DbOption = None) -> None:
    """Create an API token for a user (admins only); the secret is printed once."""
    from narcolex.workflow.tokens import create_token

    with writing(db) as s:
        tok, secret = create_token(s, name, actor=actor)
        tid = tok.id
    err.print(f"token {tid} for {safe(name)} (store it now; it cannot be shown again):")
    out.out(secret)


@token_app.command("revoke")
def token_revoke(token_id: int, actor: AsUser, db: DbOption = None) -> None:
    """Revoke a token by id (admins only)."""
    from narcolex.workflow.tokens import revoke_token

    with writing(db) as s:
        revoke_token(s, token_id, actor=actor)
    out.print(f"revoked token {token_id}")


def audit_cmd(
    since: Annotated[str | None, typer.Option(help="Only entries at or after this date.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The audit log: who wrote what, when."""
    from narcolex.workflow.audit import as_dict, entries

    when = None
    if since:
        try:
            when = datetime.fromisoformat(since)
        except ValueError:
            raise InputError(f"--since {since!r} is not a date (YYYY-MM-DD)") from None
    with open_database(db).reader() as s:
        rows = [as_dict(e) for e in entries(s, when)]
    if as_json:
        print_json(rows)
        return
    table = Table("at", "actor", "action", "entity", "detail")
    for r in rows:
        detail = json.dumps(r["detail"], ensure_ascii=False)[:80]
        table.add_row(
            r["at"],
            safe(r["actor"]),
            r["action"],
            safe(f"{r['entity']} {r['entity_id'] or ''}"),
            safe(detail),
        )
    print_table(table)


# -- template, submissions ------------------------------------------------------------------
def template_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write it.")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv.")] = "xlsx",
) -> None:
    """Write the contributor template."""
    from narcolex.formats.template import write_template

    write_template(output, fmt)
    out.print(f"wrote {output}")


def submit_cmd(
    file: Path,
    as_user: AsUser,
    partial: Annotated[
        bool, typer.Option("--partial", help="Keep the valid rows, report the rest.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a CSV or XLSX file of proposed terms."""
    from narcolex.workflow.submissions import SubmissionRejected, submit

    database = open_database(db)
    database.require_schema()
    try:
        with progress_bar(f"Submitting {file.name}") as advance:
            report = submit(
                database, file, as_user, partial=partial,
                progress=lambda phase, done, total: advance(done, total),
            )  # fmt: skip
    except SubmissionRejected as exc:
        if as_json:
            print_json({"rejected": True, "problems": [p.to_dict() for p in exc.row_problems]})
        else:
            for p in exc.row_problems:
                err.print(safe(p), highlight=False)
        raise
    if as_json:
        print_json(report.to_dict())
        return
    read_as = f" (read as {report.encoding})" if report.encoding else ""
    out.print(
        f"submission #{report.submission_id}: {report.accepted} of {report.rows} rows accepted "
        f"as proposed terms{read_as}"
    )
    for p in report.problems:
        out.print(f"  skipped {safe(p)}", highlight=False)
    for t in report.terms:
        for d in t["possible_duplicates"]:
            out.print(
                f"  #{t['id']} {safe(repr(t['term']))}: possible duplicate of "
                f"#{d['id']} {safe(repr(d['term']))}",
                highlight=False,
            )


def submissions_cmd(as_user: AsUser, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Where each of your submissions stands."""
    from narcolex.workflow.submissions import submissions_of

    with open_database(db).reader() as s:
        data = submissions_of(s, as_user)
    if as_json:
        print_json(data)
        return
    if not data:
        out.print(f"{as_user} has no submissions")
    for sub in data:
        out.print(
            f"[bold]#{sub['submission']}[/bold] {safe(sub['file'])} ({sub['created_at']}): "
            f"{sub['accepted']} of {sub['rows']} rows accepted"
        )
        for t in sub["terms"]:
            extra = f" — {safe(t['comment'])}" if t["comment"] else ""
            out.print(f"  #{t['id']} {safe(t['term'])} ({t['lang']}): {t['state']}{extra}")


# -- review ---------------------------------------------------------------------------------
@review_app.command("list")
def review_list(
    lang: Annotated[str | None, typer.Option("--lang")] = None,
    country: Annotated[str | None, typer.Option("--country")] = None,
    status: Annotated[str, typer.Option("--status")] = "proposed",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Terms awaiting review (or with another --status)."""
    from narcolex.workflow.review import pending

    with open_database(db).reader() as s:
        rows = pending(s, lang=lang, country=country, status=status)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "term", "lang", "kind", "denotes", "by", "country", "state")
    for r in rows:
        table.add_row(
            str(r["id"]),
            safe(r["term"]),
            r["lang"],
            r["kind"],
            safe(", ".join(r["denotes"])),
            safe(r["by"] or ""),
            r["country"] or "",
            r["state"],
        )
    print_table(table)


@review_app.command("show")
def review_show(term_id: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A proposed term with its sources and possible duplicates."""
    from narcolex.workflow.review import show

    with open_database(db).reader() as s:
        rec = show(s, term_id)
    if as_json:
        print_json(rec)
        return
    out.print(
        f"[bold]#{rec['id']} {safe(rec['term'])}[/bold] ({rec['lang']}, {rec['kind']}): "
        f"{safe(', '.join(rec['denotes']))} — {rec['state']}"
    )
    for src in rec["sources"]:
        out.print(f"  source: {safe(src['title'])} ({safe(src['publisher'])})", highlight=False)
    for d in rec["possible_duplicates"]:
        out.print(
            f"  possible duplicate of #{d['id']} {safe(repr(d['term']))} ({d['similarity']}%)",
            highlight=False,
        )


def _decide(decision: str, term_id: int, as_user: str, comment: str | None, db: str | None):
    from narcolex.workflow.review import decide

    with writing(db) as s:
        decide(s, term_id, decision, as_user, comment)
    out.print(f"term {term_id}: {decision.replace('_', ' ')} by {safe(as_user)}")


@review_app.command("approve")
def review_approve(term_id: int, as_user: AsUser, comment: Comment = None, db: DbOption = None):
    """Approve: the term becomes validated and goes into the next release."""
    _decide("approve", term_id, as_user, comment, db)


@review_app.command("reject")
def review_reject(term_id: int, as_user: AsUser, comment: Comment = None, db: DbOption = None):
    """Reject (a comment is required)."""
    _decide("reject", term_id, as_user, comment, db)


@review_app.command("request-changes")
def review_request_changes(
    term_id: int, as_user: AsUser, comment: Comment = None, db: DbOption = None
):
    """Ask the contributor for changes (a comment is required)."""
    _decide("request_changes", term_id, as_user, comment, db)


@review_app.command("merge")
def review_merge(
    term_id: int,
    into: Annotated[int, typer.Option("--into", help="The existing term to merge into.")],
    as_user: AsUser,
    comment: Comment = None,
    db: DbOption = None,
):
    """Merge a proposed duplicate into an existing term (its form becomes a variant)."""
    from narcolex.workflow.review import merge

    with writing(db) as s:
        merge(s, term_id, into, as_user, comment)
    out.print(f"term {term_id} merged into {into} by {safe(as_user)}")


def comment_cmd(
    term_id: Annotated[int, typer.Argument(help="The term to comment on.")],
    body: Annotated[str, typer.Argument(help="The comment.")],
    as_user: AsUser,
    db: DbOption = None,
) -> None:
    """Feedback-phase comment on a term (shown with the term)."""
    _comment(body, as_user, db, term_id=term_id)


@release_app.command("comment")
def release_comment(
    version: Annotated[int, typer.Argument(help="The release to comment on.")],
    body: Annotated[str, typer.Argument(help="The comment.")],
    as_user: AsUser,
    db: DbOption = None,
) -> None:
    """Feedback-phase comment on a release (shown with `release show`)."""
    _comment(body, as_user, db, release=version)


def _comment(body: str, as_user: str, db: str | None, **target: int) -> None:
    from narcolex.workflow.comments import add_comment

    with writing(db) as s:
        c = add_comment(s, body, as_user, **target)
        cid = c.id
    out.print(f"comment {cid} added")


# -- releases and exports -------------------------------------------------------------------
@release_app.command("create")
def release_create(
    as_user: AsUser,
    notes: Annotated[str | None, typer.Option("--notes", help="Release notes.")] = None,
    db: DbOption = None,
) -> None:
    """Snapshot all validated terms as the next release."""
    from narcolex.workflow import releases, users

    with writing(db) as s:
        users.acting_user(s, as_user, releases.RELEASER_ROLES)
        rel = releases.create_release(s, notes, as_user)
        lines = [
            f"release {rel.version}: {rel.manifest['counts']['terms']} terms, "
            f"sha256 {rel.content_sha256}",
            *("  " + section.splitlines()[0] for section in rel.changelog.split("\n## ")[1:]),
        ]
    for line in lines:  # printed after the commit: a closed pipe cannot undo the release
        out.print(safe(line), highlight=False)


@release_app.command("list")
def release_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """All releases."""
    from sqlalchemy import select

    from narcolex.store.models import Release

    with open_database(db).reader() as s:
        rows = [
            r.manifest | {"notes": r.notes, "created_by": r.created_by}
            for r in s.scalars(select(Release).order_by(Release.version))
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("version", "created", "by", "terms", "sha256", "notes")
    for r in rows:
        table.add_row(
            str(r["version"]),
            r["created_at"],
            r["created_by"] or "",
            str(r["counts"]["terms"]),
            r["content_sha256"][:12],
            safe(r["notes"] or ""),
        )
    print_table(table)


@release_app.command("diff")
def release_diff(a: int, b: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """What changed between two releases."""
    from narcolex.workflow import releases

    with open_database(db).reader() as s:
        old, new = releases.get(s, a), releases.get(s, b)
        changes = releases.diff_snapshots(old.snapshot["terms"], new.snapshot["terms"])
    data = changes.to_dict()
    if as_json:
        print_json(data)
        return
    for title in ("added", "changed", "removed"):
        out.print(f"[bold]{title}[/bold] ({len(data[title])})")
        for item in data[title]:
            out.print(f"  {safe(item)}", highlight=False)


@release_app.command("show")
def release_show(version: int, db: DbOption = None) -> None:
    """A release's manifest, changelog and comments."""
    from narcolex.workflow import releases
    from narcolex.workflow.comments import release_comments

    with open_database(db).reader() as s:
        rel = releases.get(s, version)
        comments = release_comments(s, version)
        print_json(rel.manifest)
        out.out(strip_unsafe_lines(rel.changelog))
    for c in comments:
        out.print(f"comment by {safe(c['by'])} at {c['at']}: {safe(c['body'])}", highlight=False)


def export_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="File or folder to write.")],
    fmt: Annotated[
        str, typer.Option("--format", help="json, csv, xlsx, skos, bundle, tbx or filter-regex.")
    ],
    release: Annotated[int | None, typer.Option(help="Release number (default: latest).")] = None,
    sign_key: Annotated[
        Path | None,
        typer.Option(
            "--sign-key",
            envvar="NARCOLEX_SIGNING_KEY",
            help="Ed25519 private key that signs a bundle (see `narcolex keys generate`).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export a release (bundle: folder, or zip when OUTPUT ends in .zip; signed when a
    signing key is configured)."""
    from narcolex.formats.export import export
    from narcolex.workflow import releases

    with open_database(db).reader() as s, progress_bar(f"Exporting {fmt}") as advance:
        rel = releases.get(s, release)
        releases.verify_release(rel)
        export(rel, fmt, output, signing_key=sign_key if fmt == "bundle" else None,
               progress=advance)  # fmt: skip
        signed = " (signed)" if sign_key and fmt == "bundle" else ""
        out.print(f"wrote release {rel.version} as {fmt} to {output}{signed}")


def import_cmd(
    bundle: Path,
    expect_sha256: Annotated[
        str | None,
        typer.Option("--expect-sha256", help="Refuse the bundle unless its content has this hash."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load a release bundle into an empty database (hash and signature checked first)."""
    from narcolex.workflow.bundles import import_bundle

    with progress_bar(f"Importing {bundle.name}") as advance:
        result = import_bundle(
            open_database(db), bundle, expect_sha256=expect_sha256, progress=advance
        )
    if as_json:
        print_json(result)
        return
    out.print(
        f"imported release {result['release']}: {result['terms']} terms, "
        f"sha256 {result['content_sha256']}; {result['signature']}"
    )


def strip_unsafe_lines(text: str) -> str:
    """A multi-line text without control or bidi characters, its lines kept."""
    from narcolex.textsafe import strip_unsafe

    return "\n".join(strip_unsafe(line) for line in text.split("\n"))


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(review_app, name="review")
    app.add_typer(release_app, name="release")
    app.command("audit")(audit_cmd)
    app.command("template")(template_cmd)
    app.command("submit")(submit_cmd)
    app.command("submissions")(submissions_cmd)
    app.command("comment")(comment_cmd)
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)
