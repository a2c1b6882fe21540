"""Submissions: a contributor's spreadsheet of proposed terms, validated row by row.

A contributor must see every problem of a file at once (file, row, column, value, hint), and
a rejected file must leave the knowledge base exactly as it was: validation runs before any
write, and the writes share one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.db import Database
from narcolex.errors import ContentError, UnknownCodeError
from narcolex.knowledge import audit, store, users
from narcolex.knowledge.columns import COLUMN_NAMES, COLUMNS, REQUIRED, split_codes, split_list
from narcolex.knowledge.content import TermEntry
from narcolex.knowledge.models import Source, Submission, Term, User, Variant
from narcolex.knowledge.tabular import Sheet, read_table
from narcolex.textkey import term_key

SUBMITTER_ROLES = ("contributor", "curator", "admin")
SIMILARITY_CUTOFF = 85.0


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row else "")
        col = f" column {self.column!r}" if self.column else ""
        val = f" value {self.value!r}" if self.value not in (None, "") else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{col}{val}: {self.message}{hint}"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class SubmissionRejected(ContentError):
    """The file had invalid rows and --partial was not given: nothing was written."""

    def __init__(self, file: str, problems: list[RowProblem]) -> None:
        self.row_problems = problems
        super().__init__(
            f"{file}: {len(problems)} problem(s); nothing was submitted "
            "(fix them, or use --partial to keep the valid rows)",
            [str(p) for p in problems],
        )

    def __str__(self) -> str:  # the rows are printed one per line by the caller
        return str(self.args[0])


@dataclass
class ValidRow:
    row: int
    lang: str
    entry: TermEntry
    new_source: dict[str, Any] | None
    possible_duplicates: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SubmissionReport:
    submission_id: int
    file: str
    rows: int
    accepted: int
    problems: tuple[RowProblem, ...]
    terms: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "file": self.file,
            "rows": self.rows,
            "accepted": self.accepted,
            "problems": [p.to_dict() for p in self.problems],
            "terms": list(self.terms),
        }


class _KnownForms:
    """Keys of every term and variant per language, for duplicate checks."""

    def __init__(self, session: Session, langs: set[str]) -> None:
        self.exact: dict[tuple[str, str], tuple[int, str, int | None]] = {}
        self.by_lang: dict[str, dict[int, str]] = {}
        rows = session.execute(
            select(Term.id, Term.lang, Term.key, Term.status, Term.submission_id).where(
                Term.lang.in_(langs)
            )
        )
        for tid, lang, key, status, sub in rows:
            self.exact[(lang, key)] = (tid, status, sub)
            self.by_lang.setdefault(lang, {})[tid] = key
        for tid, lang, key, status, sub in session.execute(
            select(Variant.term_id, Term.lang, Variant.key, Term.status, Term.submission_id)
            .join(Term, Term.id == Variant.term_id)
            .where(Term.lang.in_(langs))
        ):
            self.exact.setdefault((lang, key), (tid, status, sub))

    def similar(self, lang: str, key: str) -> list[tuple[int, str]]:
        choices = self.by_lang.get(lang, {})
        hits = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=SIMILARITY_CUTOFF, limit=3
        )
        return [(tid, form) for form, _score, tid in hits if form != key]


def _problem(sheet: Sheet, row: int | None, column: str | None, value: str | None,
             message: str, hint: str | None = None) -> RowProblem:  # fmt: skip
    return RowProblem(Path(sheet.path).name, row, column, value, message, hint)


def _code_problem(sheet: Sheet, row: int, column: str, value: str, exc: UnknownCodeError):
    hint = f"nearest valid: {', '.join(exc.suggestions)}" if exc.suggestions else None
    return _problem(sheet, row, column, value, f"unknown {exc.kind}", hint)


def validate_sheet(
    session: Session, sheet: Sheet, user: User
) -> tuple[list[ValidRow], list[RowProblem]]:
    """Check every row; return the valid ones and every problem found."""
    problems: list[RowProblem] = []
    missing = [c for c in REQUIRED if c not in sheet.columns]
    if missing:
        problems.append(_problem(
            sheet, 1, ", ".join(missing), None, "required column missing from the header",
            f"the header must contain {', '.join(COLUMN_NAMES)} (see `narcolex template`)",
        ))  # fmt: skip
        return [], problems
    unknown_cols = [c for c in sheet.columns if c and c not in COLUMN_NAMES]
    for c in unknown_cols:
        problems.append(_problem(sheet, 1, c, None, "unknown column",
                                 f"valid columns: {', '.join(COLUMN_NAMES)}"))  # fmt: skip

    source_keys = set(session.scalars(select(Source.key)))
    langs = {r.get("language", "").strip().lower() for _, r in sheet.rows}
    known = _KnownForms(session, {lang for lang in langs if lang in taxonomy.LANGUAGES})
    seen_in_file: dict[tuple[str, str], int] = {}
    valid: list[ValidRow] = []
    for rownum, cells in sheet.rows:
        before = len(problems)

        def get(col: str, cells: dict[str, str] = cells) -> str:
            return (cells.get(col) or "").strip()

        for col in REQUIRED:
            if not get(col):
                problems.append(_problem(sheet, rownum, col, None, "required value is empty"))
        lang = get("language").lower()
        if lang:
            try:
                taxonomy.validate_language(lang)
            except UnknownCodeError as exc:
                problems.append(_code_problem(sheet, rownum, "language", lang, exc))
        choice_cols = [c for c in COLUMNS if c.choices and not c.multi and c.name != "language"]
        for col in choice_cols:
            value = get(col.name).lower()
            if value and value not in col.choices:
                try:
                    taxonomy._check(col.name, value, col.choices)
                except UnknownCodeError as exc:
                    problems.append(_code_problem(sheet, rownum, col.name, value, exc))
        codes = split_codes(get("denotes"))
        for code in codes:
            try:
                taxonomy.validate_code(code)
            except UnknownCodeError as exc:
                problems.append(_code_problem(sheet, rownum, "denotes", code, exc))
        countries = [c.upper() for c in split_codes(get("countries"))]
        for cc in countries:
            try:
                taxonomy.validate_country(cc)
            except UnknownCodeError as exc:
                problems.append(_code_problem(sheet, rownum, "countries", cc, exc))
        if user.role == "contributor":
            if not countries:
                countries = [user.country or ""]
            elif user.country not in countries:
                problems.append(_problem(
                    sheet, rownum, "countries", get("countries"),
                    f"wrong country for this contributor: {user.name} submits for "
                    f"{user.country}", f"include {user.country} in the countries",
                ))  # fmt: skip
        # sources: an existing id, or enough to describe a new one
        src_ids = split_codes(get("source"))
        new_source = None
        for sid in src_ids:
            if sid not in source_keys:
                near = process.extract(sid, list(source_keys), scorer=fuzz.ratio, limit=3,
                                       score_cutoff=60)  # fmt: skip
                problems.append(_problem(
                    sheet, rownum, "source", sid, "unknown source id",
                    f"nearest: {', '.join(n for n, *_ in near)}" if near
                    else "describe a new source in source_title and source_publisher",
                ))  # fmt: skip
        if get("source_title") or get("source_publisher") or get("source_url"):
            if not (get("source_title") and get("source_publisher")):
                col = "source_publisher" if get("source_title") else "source_title"
                problems.append(
                    _problem(sheet, rownum, col, None, "a new source needs a title and a publisher")
                )
            year = get("source_year")
            if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
                problems.append(_problem(sheet, rownum, "source_year", year,
                                         "not a year", "four digits, e.g. 2024"))  # fmt: skip
            url = get("source_url")
            if url and not re.match(r"^https?://\S+$", url):
                problems.append(
                    _problem(
                        sheet, rownum, "source_url", url, "not a web address", "start with https://"
                    )
                )
            new_source = {
                "title": get("source_title"), "publisher": get("source_publisher"),
                "year": int(year) if year.isdigit() else None, "url": url or None,
                "lang": lang if lang in taxonomy.LANGUAGES else "en",
            }  # fmt: skip
        elif not src_ids:
            problems.append(_problem(
                sheet, rownum, "source", None, "missing source",
                "every term needs a source: an existing source id, or source_title and "
                "source_publisher of the document that shows its meaning",
            ))  # fmt: skip
        first_seen = None
        if get("first_seen"):
            try:
                first_seen = date.fromisoformat(get("first_seen"))
            except ValueError:
                problems.append(_problem(sheet, rownum, "first_seen", get("first_seen"),
                                         "not a date", "YYYY-MM-DD"))  # fmt: skip
        # duplicates
        form = get("term")
        key = term_key(form)
        variants = split_list(get("variants"))
        if key and lang in taxonomy.LANGUAGES:
            for f in dict.fromkeys((form, *variants)):
                k = (lang, term_key(f))
                if k in seen_in_file:
                    problems.append(_problem(
                        sheet, rownum, "term" if f == form else "variants", f,
                        f"duplicate inside the file: same form as row {seen_in_file[k]}",
                        "merge the two rows",
                    ))  # fmt: skip
                elif k in known.exact:
                    tid, status, sub = known.exact[k]
                    state = f"pending in submission #{sub}" if status == "proposed" else status
                    problems.append(_problem(
                        sheet, rownum, "term" if f == form else "variants", f,
                        f"duplicate of term #{tid} ({state})",
                        f"comment on it instead: narcolex comment {tid} \"…\"",
                    ))  # fmt: skip
                seen_in_file.setdefault(k, rownum)
        if len(problems) > before:
            continue
        entry = TermEntry(
            term=form,
            kind=get("kind").lower(),
            denotes=codes,
            ambiguity=get("ambiguity").lower() or "low",
            confidence=get("confidence").lower() or "medium",
            match=get("match").lower() or "word",
            variants=variants,
            countries=countries,
            platforms=split_list(get("platforms")),
            sources=src_ids or ["__new__"],
            first_seen=first_seen,
            note=get("note") or None,
        )
        valid.append(ValidRow(rownum, lang, entry, new_source, known.similar(lang, key)))
    return valid, problems


def _new_source_key(session: Session, info: dict[str, Any], taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", term_key(info["title"])).strip("-")[:60] or "source"
    base = f"{slug}-{info['year']}" if info.get("year") else slug
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def submit(db: Database, path: Path | str, as_user: str, partial: bool = False) -> SubmissionReport:
    """Validate and store a contributor's file as one submission of proposed terms."""
    sheet = read_table(path)
    name = Path(sheet.path).name
    with db.transaction() as session:
        user = users.acting_user(session, as_user, SUBMITTER_ROLES)
        valid, problems = validate_sheet(session, sheet, user)
        if problems and not partial:
            raise SubmissionRejected(name, problems)
        if not valid:
            raise SubmissionRejected(name, problems or [
                RowProblem(name, None, None, None, "the file has no data rows")
            ])  # fmt: skip
        sub = Submission(
            user_id=user.id, country=user.country, filename=name, status="pending",
            row_count=len(sheet.rows), accepted_count=len(valid),
            problems=[str(p) for p in problems],
        )  # fmt: skip
        session.add(sub)
        session.flush()
        sources = {s.key: s for s in session.scalars(select(Source))}
        taken = set(sources)
        out_terms = []
        for v in valid:
            if v.new_source is not None:
                key = _new_source_key(session, v.new_source, taken)
                src = Source(key=key, kind="report", **v.new_source)
                session.add(src)
                sources[key] = src
                ids = [s for s in v.entry.sources if s != "__new__"] + [key]
                v.entry = v.entry.model_copy(update={"sources": ids})
            term = store.add_term(session, v.lang, v.entry, sources, status="proposed",
                                  submission_id=sub.id)  # fmt: skip
            session.flush()
            out_terms.append({
                "id": term.id, "row": v.row, "term": term.term, "lang": term.lang,
                "possible_duplicates": [{"id": i, "term": f} for i, f in v.possible_duplicates],
            })  # fmt: skip
        audit.record(session, user.name, "submission.create", "submission", sub.id,
                     file=name, accepted=len(valid), rejected_rows=len(problems))  # fmt: skip
        return SubmissionReport(sub.id, name, len(sheet.rows), len(valid), tuple(problems),
                                tuple(out_terms))  # fmt: skip


def submissions_of(session: Session, as_user: str) -> list[dict[str, Any]]:
    """Where each of a user's submissions stands, term by term."""
    user = users.acting_user(session, as_user)
    out = []
    for sub in session.scalars(
        select(Submission).where(Submission.user_id == user.id).order_by(Submission.id)
    ):
        terms = session.scalars(select(Term).where(Term.submission_id == sub.id).order_by(Term.id))
        items = []
        for t in terms:
            from narcolex.knowledge.review import term_state

            items.append({"id": t.id, "term": t.term, "lang": t.lang, **term_state(session, t)})
        out.append({
            "submission": sub.id, "file": sub.filename, "created_at": sub.created_at.isoformat(
                timespec="seconds"), "rows": sub.row_count, "accepted": sub.accepted_count,
            "rejected_rows": len(sub.problems), "terms": items,
        })  # fmt: skip
    return out
