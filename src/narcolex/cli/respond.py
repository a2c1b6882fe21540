"""`narcolex respond …`: notices, statements of reasons, help, search interventions and
referral reports from the findings `narcolex scan` writes (issue 17).

Each command reads FINDINGS.jsonl (and, with --posts, the posts file that was scanned, for
URLs, platforms, countries, dates and text), calls one function of narcolex.respond and writes
its output to -o OUT or stdout. Errors are NarcolexErrors, printed as one line by the app.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from narcolex.errors import InputError

app = typer.Typer(
    help="Responses to findings: DSA notices and statements, help, referrals.", no_args_is_help=True
)

FindingsArg = Annotated[Path, typer.Argument(help="findings JSONL written by `narcolex scan`")]
PostsOption = Annotated[
    Path | None,
    typer.Option(
        "--posts", help="the scanned posts (id, text, url, platform, country, created_at)"
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="output file (default: stdout)")
]
AllOption = Annotated[
    bool, typer.Option("--all-verdicts", help="also `mention` findings (default: `sale` only)")
]


def _emit(data: str | bytes, output: Path | None) -> None:
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _pairs(findings: Path, posts: Path | None, all_verdicts: bool):  # type: ignore[no-untyped-def]
    from narcolex.respond.inputs import pair, read_findings, read_posts_by_id

    verdicts = ("sale", "mention") if all_verdicts else ("sale",)
    return list(pair(read_findings(findings), read_posts_by_id(posts), verdicts))


@app.command("notice")
def notice(
    findings: FindingsArg,
    notifier_name: Annotated[str, typer.Option("--notifier-name", help="who sends the notice")],
    notifier_email: Annotated[str, typer.Option("--notifier-email", help="the notifier's e-mail")],
    posts: PostsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="json (JSONL), text or pdf")] = "json",
    output: OutOption = None,
    all_verdicts: AllOption = False,
) -> None:
    """DSA Article 16 notices, one per flagged post: JSON lines, e-mail text, or one PDF."""
    from narcolex.respond.notices import Notifier, from_finding, to_pdf

    if fmt not in ("json", "text", "pdf"):
        raise InputError(f"--format must be json, text or pdf, not {fmt!r}")
    who = Notifier(notifier_name, notifier_email)
    items = [from_finding(f, p, who) for f, p in _pairs(findings, posts, all_verdicts)]
    if fmt == "pdf":
        if output is None:
            raise InputError("a PDF needs -o OUT")
        _emit(to_pdf(items), output)
    elif fmt == "text":
        _emit("\n\f\n".join(n.to_text() for n in items), output)
    else:
        _emit("".join(json.dumps(n.to_dict(), ensure_ascii=False) + "\n" for n in items), output)
    _note(f"{len(items)} notice(s)")


@app.command("statements")
def statements(
    findings: FindingsArg,
    posts: PostsOption = None,
    output: OutOption = None,
    batch: Annotated[
        bool, typer.Option("--batch", help="write request bodies for the multiple endpoint")
    ] = False,
    visibility: Annotated[
        str, typer.Option("--decision-visibility", help="comma-separated DECISION_VISIBILITY_*")
    ] = "DECISION_VISIBILITY_CONTENT_REMOVED",
    account: Annotated[str | None, typer.Option("--decision-account")] = None,
    source_type: Annotated[str, typer.Option("--source-type")] = "SOURCE_VOLUNTARY",
    automated_decision: Annotated[
        str, typer.Option("--automated-decision")
    ] = "AUTOMATED_DECISION_PARTIALLY",
    scope: Annotated[
        str | None, typer.Option("--territorial-scope", help="comma-separated codes (default: EEA)")
    ] = None,
    terms_url: Annotated[
        str | None, typer.Option("--terms-url", help="your terms of service")
    ] = None,
    application_date: Annotated[
        str | None, typer.Option("--application-date", help="YYYY-MM-DD (default: today)")
    ] = None,
    all_verdicts: AllOption = False,
) -> None:
    """Statements of reasons (DSA Article 17) in the Transparency Database API schema, one JSON
    per line, each validated against the schema written from the API documentation."""
    from narcolex.respond import statements as st

    try:
        applied = dt.date.fromisoformat(application_date) if application_date else None
    except ValueError:
        raise InputError(
            f"--application-date must be YYYY-MM-DD, not {application_date!r}"
        ) from None
    policy = st.StatementPolicy(
        decision_visibility=tuple(v for v in visibility.split(",") if v),
        decision_account=account,
        source_type=source_type,
        automated_decision=automated_decision,
        territorial_scope=tuple(c.strip().upper() for c in scope.split(",")) if scope else st.EEA,
        terms_url=terms_url,
        application_date=applied,
    )
    made = [
        st.from_finding(f, p, policy, i)
        for i, (f, p) in enumerate(_pairs(findings, posts, all_verdicts))
    ]
    payloads = [s.to_dict() for s in made]
    for s, payload in zip(made, payloads, strict=True):
        problems = st.validate(payload)
        if problems:
            raise InputError(
                f"statement for finding {s.finding_id} is invalid: {'; '.join(problems)}"
            )
    if batch:
        text = "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in st.batches(payloads))
    else:
        text = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in payloads)
    _emit(text, output)
    _note(f"{len(payloads)} statement(s), all valid against {st.SCHEMA_PATH.name}")


@app.command("help")
def help_(
    country: Annotated[str, typer.Option("--country", help="EU or EFTA country code")],
    lang: Annotated[str | None, typer.Option("--lang", help="language of the reader")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON with sources")] = False,
    output: OutOption = None,
) -> None:
    """The help message and sourced national help resources for a country and language."""
    from narcolex.respond.help import resources

    answer = resources(country, lang)
    if as_json:
        _emit(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1) + "\n", output)
        return
    text = answer.text()
    if not answer.resources:
        text += f"\n(no sourced resource for {answer.country_name} yet: {answer.gap})"
    _emit(text + "\n", output)


@app.command("intervention")
def intervention_(
    query: Annotated[str, typer.Argument(help="what the user searched for")],
    country: Annotated[str, typer.Option("--country")],
    lang: Annotated[str | None, typer.Option("--lang")] = None,
    output: OutOption = None,
) -> None:
    """Whether a search should show the help message, and the message (JSON)."""
    from narcolex.respond.help import intervention

    answer = intervention(query, country, lang)
    _emit(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1) + "\n", output)


@app.command("referral")
def referral(
    findings: FindingsArg,
    posts: PostsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
    output: OutOption = None,
    min_score: Annotated[float, typer.Option("--min-score", min=0, max=1)] = 0.0,
    include_text: Annotated[bool, typer.Option("--include-text", help="add the post text")] = False,
    include_url: Annotated[bool, typer.Option("--include-url", help="add the post URL")] = False,
    handles: Annotated[bool, typer.Option("--handles/--no-handles", help="contact handles")] = True,
    all_verdicts: AllOption = False,
) -> None:
    """A referral report for law enforcement: post ids as HMAC-SHA256 keys under
    NARCOLEX_POST_KEY_SECRET, offer fields and contact handles; text and URL only on request."""
    from narcolex.respond import referral as rf

    if fmt not in ("csv", "jsonl"):
        raise InputError(f"--format must be csv or jsonl, not {fmt!r}")
    secret = rf.secret_from_env()
    items = list(
        rf.rows(
            _pairs(findings, posts, all_verdicts),
            secret,
            min_score=min_score,
            include_text=include_text,
            include_url=include_url,
            handles=handles,
        )
    )
    _emit(rf.to_csv(items) if fmt == "csv" else rf.to_jsonl(items), output)
    _note(f"{len(items)} referral row(s)")


def register(root: typer.Typer) -> None:
    """Add the `respond` group to the main app."""
    root.add_typer(app, name="respond")
