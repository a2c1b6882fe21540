"""Row-by-row validation of a contributor's sheet.

Each concern (required cells, codes, country, source, dates, duplicates) is one method, and
every problem is collected with file, row, column, value and a hint so that a contributor can
fix the whole file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import UnknownCodeError
from narcolex.formats.columns import COLUMN_NAMES, COLUMNS, REQUIRED, split_codes, split_list
from narcolex.formats.tabular import Sheet
from narcolex.package.content import TermEntry
from narcolex.store.models import Source, Term, User, Variant
from narcolex.textkey import term_key
from narcolex.textsafe import unsafe_characters
from narcolex.workflow.duplicates import similar

# TermEntry fields as the sheet's columns name them (for problems found by the model).
_FIELD_COLUMN = {"sources": "source", "match": "match", "first_seen": "first_seen"}
MULTILINE_COLUMNS = ("note",)

_CHOICE_COLUMNS = tuple(c for c in COLUMNS if c.choices and not c.multi and c.name != "language")


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


@dataclass
class ValidRow:
    row: int
    lang: str
    entry: TermEntry
    new_source: dict[str, Any] | None
    possible_duplicates: list[tuple[int, str]] = field(default_factory=list)


class KnownForms:
    """Keys of every term and variant per language, for duplicate checks."""

    def __init__(self, session: Session, langs: set[str]) -> None:
        self.exact: dict[tuple[str, str], tuple[int, str, int | None]] = {}
        self.by_lang: dict[str, dict[int, str]] = {}
        terms = select(Term.id, Term.lang, Term.key, Term.status, Term.submission_id)
        for tid, lang, key, status, sub in session.execute(terms.where(Term.lang.in_(langs))):
            self.exact[(lang, key)] = (tid, status, sub)
            self.by_lang.setdefault(lang, {})[tid] = key
        variants = (
            select(Variant.term_id, Term.lang, Variant.key, Term.status, Term.submission_id)
            .join(Term, Term.id == Variant.term_id)
            .where(Term.lang.in_(langs))
        )
        for tid, lang, key, status, sub in session.execute(variants):
            self.exact.setdefault((lang, key), (tid, status, sub))

    def similar(self, lang: str, key: str) -> list[tuple[int, str]]:
        choices = self.by_lang.get(lang, {})
        return [(tid, form) for tid, form, _score in similar(key, choices, limit=3)]


class RowValidator:
    """Validates the rows of one sheet for one submitting user."""

    def __init__(self, session: Session, sheet: Sheet, user: User) -> None:
        self.sheet = sheet
        self.file = Path(sheet.path).name
        self.user = user
        self.problems: list[RowProblem] = []
        self.source_keys = set(session.scalars(select(Source.key)))
        langs = {r.get("language", "").strip().lower() for _, r in sheet.rows}
        self.known = KnownForms(session, {lang for lang in langs if lang in taxonomy.LANGUAGES})
        self.seen_in_file: dict[tuple[str, str], int] = {}

    # -- helpers ----------------------------------------------------------------------------
    def problem(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        self.problems.append(RowProblem(self.file, row, column, value, message, hint))

    def code_problem(self, row: int, column: str, value: str, exc: UnknownCodeError) -> None:
        hint = f"nearest valid: {', '.join(exc.suggestions)}" if exc.suggestions else None
        self.problem(row, column, value, f"unknown {exc.kind}", hint)

    # -- the sheet --------------------------------------------------------------------------
    def header_ok(self) -> bool:
        missing = [c for c in REQUIRED if c not in self.sheet.columns]
        if missing:
            self.problem(
                1,
                ", ".join(missing),
                None,
                "required column missing from the header",
                f"the header must contain {', '.join(COLUMN_NAMES)} (see `narcolex template`)",
            )
            return False
        for c in self.sheet.columns:
            if c and c not in COLUMN_NAMES:
                self.problem(
                    1, c, None, "unknown column", f"valid columns: {', '.join(COLUMN_NAMES)}"
                )
        return True

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[ValidRow]:
        if not self.header_ok():
            return []
        valid = []
        total = len(self.sheet.rows)
        for done, (rownum, cells) in enumerate(self.sheet.rows, start=1):
            before = len(self.problems)
            clean = {k: (v or "").strip() for k, v in cells.items()}
            readable = self.check_characters(rownum, clean)
            row = self.check_row(rownum, clean) if readable else None
            if row is not None and len(self.problems) == before:
                valid.append(row)
            elif len(self.problems) == before:  # never drop a row without saying why
                self.problem(rownum, None, None, "the row could not be read as a term")
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
        return valid

    def check_characters(self, n: int, cells: dict[str, str]) -> bool:
        """Control and bidi characters are refused: they rewrite what reviewers see."""
        ok = True
        for col, value in cells.items():
            bad = unsafe_characters(value, multiline=col in MULTILINE_COLUMNS)
            if bad:
                ok = False
                self.problem(n, col, None, f"control or direction characters ({', '.join(bad)})",
                             "remove them; they are invisible or rewrite the display")  # fmt: skip
        return ok

    # -- one row ----------------------------------------------------------------------------
    def check_row(self, n: int, cells: dict[str, str]) -> ValidRow | None:
        get = cells.get
        for col in REQUIRED:
            if not get(col):
                self.problem(n, col, None, "required value is empty")
        lang = (get("language") or "").lower()
        self.check_choices(n, cells, lang)
        codes = self.check_codes(n, get("denotes") or "")
        countries = self.check_countries(n, get("countries") or "")
        src_ids, new_source = self.check_sources(n, cells, lang)
        first_seen = self.check_date(n, "first_seen", get("first_seen") or "")
        form = get("term") or ""
        variants = split_list(get("variants") or "")
        self.check_duplicates(n, lang, form, variants)
        if not (form and lang in taxonomy.LANGUAGES and codes):
            return None
        try:
            entry = TermEntry(
                term=form,
                kind=(get("kind") or "").lower(),
                denotes=codes,
                ambiguity=(get("ambiguity") or "low").lower(),
                confidence=(get("confidence") or "medium").lower(),
                match=(get("match") or "word").lower(),
                variants=variants,
                countries=countries,
                platforms=split_list(get("platforms") or ""),
                sources=src_ids or ["__new__"],
                first_seen=first_seen,
                note=get("note") or None,
            )
        except ValidationError as exc:
            reported = {p.column for p in self.problems if p.row == n}
            for e in exc.errors():
                field_name = str(e["loc"][0]) if e["loc"] else "term"
                column = _FIELD_COLUMN.get(field_name, field_name)
                if column in reported:
                    continue  # already reported cell by cell, with a better hint
                value = cells.get(column)
                shown = value if value is None or len(value) <= 40 else value[:40] + "…"
                self.problem(n, column, shown, str(e["msg"]))
            return None
        similar = self.known.similar(lang, term_key(form))
        return ValidRow(n, lang, entry, new_source, similar)

    def check_choices(self, n: int, cells: dict[str, str], lang: str) -> None:
        if lang:
            try:
                taxonomy.validate_language(lang)
            except UnknownCodeError as exc:
                self.code_problem(n, "language", lang, exc)
        for col in _CHOICE_COLUMNS:
            value = (cells.get(col.name) or "").lower()
            if value and value not in col.choices:
                try:
                    taxonomy.validate_choice(col.name, value, col.choices)
                except UnknownCodeError as exc:
                    self.code_problem(n, col.name, value, exc)

    def check_codes(self, n: int, cell: str) -> list[str]:
        codes = split_codes(cell)
        for code in codes:
            try:
                taxonomy.validate_code(code)
            except UnknownCodeError as exc:
                self.code_problem(n, "denotes", code, exc)
        return codes

    def check_countries(self, n: int, cell: str) -> list[str]:
        countries = [c.upper() for c in split_codes(cell)]
        for cc in countries:
            try:
                taxonomy.validate_country(cc)
            except UnknownCodeError as exc:
                self.code_problem(n, "countries", cc, exc)
        if self.user.role != "contributor":
            return countries
        if not countries:
            return [self.user.country or ""]
        if self.user.country not in countries:
            self.problem(
                n,
                "countries",
                cell,
                f"wrong country for this contributor: {self.user.name} submits for "
                f"{self.user.country}",
                f"include {self.user.country} in the countries",
            )
        return countries

    def check_sources(
        self, n: int, cells: dict[str, str], lang: str
    ) -> tuple[list[str], dict[str, Any] | None]:
        """An existing source id, or the title and publisher of a new source."""
        get = lambda c: cells.get(c) or ""  # noqa: E731
        src_ids = split_codes(get("source"))
        for sid in src_ids:
            if sid not in self.source_keys:
                near = process.extract(
                    sid, list(self.source_keys), scorer=fuzz.ratio, limit=3, score_cutoff=60
                )
                hint = (
                    f"nearest: {', '.join(n for n, *_ in near)}"
                    if near
                    else "describe a new source in source_title and source_publisher"
                )
                self.problem(n, "source", sid, "unknown source id", hint)
        described = get("source_title") or get("source_publisher") or get("source_url")
        if not described:
            if not src_ids:
                self.problem(
                    n,
                    "source",
                    None,
                    "missing source",
                    "every term needs a source: an existing source id, or "
                    "source_title and source_publisher of the document that shows "
                    "its meaning",
                )
            return src_ids, None
        if not (get("source_title") and get("source_publisher")):
            col = "source_publisher" if get("source_title") else "source_title"
            self.problem(n, col, None, "a new source needs a title and a publisher")
        year = get("source_year")
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            self.problem(n, "source_year", year, "not a year", "four digits, e.g. 2024")
        url = get("source_url")
        if url and not re.match(r"^https?://\S+$", url):
            self.problem(n, "source_url", url, "not a web address", "start with https://")
        new_source = {
            "title": get("source_title"),
            "publisher": get("source_publisher"),
            "year": int(year) if year.isdigit() else None,
            "url": url or None,
            "lang": lang if lang in taxonomy.LANGUAGES else "en",
        }
        return src_ids, new_source

    def check_date(self, n: int, column: str, cell: str) -> date | None:
        if not cell:
            return None
        try:
            return date.fromisoformat(cell)
        except ValueError:
            self.problem(n, column, cell, "not a date", "YYYY-MM-DD")
            return None

    def check_duplicates(self, n: int, lang: str, form: str, variants: list[str]) -> None:
        if not term_key(form) or lang not in taxonomy.LANGUAGES:
            return
        for f in dict.fromkeys((form, *variants)):
            k = (lang, term_key(f))
            column = "term" if f == form else "variants"
            if k in self.seen_in_file:
                self.problem(
                    n,
                    column,
                    f,
                    f"duplicate inside the file: same form as row {self.seen_in_file[k]}",
                    "merge the two rows",
                )
            elif k in self.known.exact:
                tid, status, sub = self.known.exact[k]
                state = f"pending in submission #{sub}" if status == "proposed" else status
                self.problem(
                    n,
                    column,
                    f,
                    f"duplicate of term #{tid} ({state})",
                    f'comment on it instead: narcolex comment {tid} "…"',
                )
            self.seen_in_file.setdefault(k, n)


def validate_sheet(
    session: Session,
    sheet: Sheet,
    user: User,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ValidRow], list[RowProblem]]:
    """Check every row; return the valid ones and every problem found."""
    validator = RowValidator(session, sheet, user)
    valid = validator.run(progress)
    return valid, validator.problems
