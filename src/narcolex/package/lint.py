"""Citation and confidence checks over loaded content (issue 18, `narcolex kb lint`).

The loader (content.py) refuses content that cannot be read; these checks find content that
reads fine but cannot be verified: a citation that points at a site's home page instead of the
page that documents the term, a source nobody could find again, a `high` rating that rests on one
publisher, one page filed twice under two ids, or a source kept outside the file for its
language and kind. They are pure functions of a `Content`, so the
test suite and the CLI run exactly the same checks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from narcolex.package.content import (
    SOURCES_DIR,
    Content,
    ContentTerm,
    SourceEntry,
    source_file_for,
    source_id,
    source_locator,
)
from narcolex.taxonomy import is_substance
from narcolex.textkey import term_key


@dataclass(frozen=True)
class Problem:
    """One lint finding, with the file and entry a curator has to open to fix it."""

    file: str
    entry: str
    rule: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}"


def is_home_page(url: str) -> bool:
    """A URL that names a whole site (no path beyond "/" and no query) proves nothing."""
    parts = urlsplit(url.strip())
    return parts.path in ("", "/") and not parts.query


def url_key(url: str) -> str:
    """The same page under http/https, with or without www. and a trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{host}{path}{query}{fragment}"


def is_specific(ref: str, sources: dict[str, SourceEntry]) -> bool:
    """A reference someone can follow to the passage: a locator, or a URL below the home page."""
    if source_locator(ref):
        return True
    src = sources.get(source_id(ref))
    return bool(src and src.url and not is_home_page(src.url))


def _is_signal_word(t: ContentTerm) -> bool:
    return all(code.startswith("signal.") for code in t.entry.denotes)


def publisher_key(publisher: str) -> str:
    """One key per body: "U.S. Drug Enforcement Administration, Diversion Control Division" and
    "US Drug Enforcement Administration (Federal Register)" are one publisher, not two."""
    name = re.sub(r"\([^)]*\)", " ", publisher.casefold()).split(",", 1)[0]
    return " ".join(re.sub(r"[^\w\s]", "", name).split())


def _publisher(src: SourceEntry) -> str:
    return publisher_key(src.publisher)


def _where(t: ContentTerm) -> str:
    return f"terms[{t.index}] ({t.entry.term!r})"


def _entries(content: Content) -> tuple[ContentTerm, ...]:
    """Terms and context words: both are released and both cite sources."""
    return (*content.terms, *content.context)


def _validated(content: Content) -> Iterator[ContentTerm]:
    return (t for t in _entries(content) if t.entry.effective_status == "validated")


def check_references(content: Content) -> Iterator[Problem]:
    """Every reference of a validated entry (and of its innocent readings) must be specific."""
    for t in _validated(content):
        refs = [*t.entry.sources, *(r for i in t.entry.innocent for r in i.sources)]
        for ref in dict.fromkeys(refs):
            src = content.sources.get(source_id(ref))
            if src is None or is_specific(ref, content.sources):
                continue
            if src.url:
                reason = (
                    f"cites {src.id!r}, whose URL {src.url} is a home page; "
                    "give the specific page as a source or a locator (id#headword, id#p. 5)"
                )
                yield Problem(t.file, _where(t), "home-page", reason)
            else:
                reason = f"cites {src.id!r}, which has no URL, without a locator (id#p. 5)"
                yield Problem(t.file, _where(t), "no-url", reason)


def check_sources(content: Content) -> Iterator[Problem]:
    """A source without URL is only findable through the locators its citations give.

    Sources cited only by proposed entries are left to the curators who review those entries;
    a source nobody cites and nobody could find is reported so it can be removed.
    """
    located: set[str] = set()
    cited_by_proposed: set[str] = set()
    cited_by_validated: set[str] = set()
    for t in _entries(content):
        validated = t.entry.effective_status == "validated"
        for ref in (*t.entry.sources, *(r for i in t.entry.innocent for r in i.sources)):
            (cited_by_validated if validated else cited_by_proposed).add(source_id(ref))
            if source_locator(ref):
                located.add(source_id(ref))
    for sid, src in content.sources.items():
        only_proposed = sid in cited_by_proposed and sid not in cited_by_validated
        if not src.url and sid not in located and not only_proposed:
            yield Problem(
                content.source_files.get(sid, "sources"),
                f"source {sid!r}",
                "unlocatable-source",
                "has no URL and no reference to it carries a locator",
            )


def check_confidence(content: Content) -> Iterator[Problem]:
    """`high` needs two independent specific sources (different publishers).

    Dictionaries prove what a word means, not that sellers use it: a signal word rated high
    also needs a specific source that is not a dictionary.
    """
    for t in _validated(content):
        if t.entry.confidence != "high":
            continue
        specific = [
            content.sources[source_id(r)]
            for r in t.entry.sources
            if source_id(r) in content.sources and is_specific(r, content.sources)
        ]
        publishers = {_publisher(s) for s in specific}
        if len(publishers) < 2:
            yield Problem(
                t.file,
                _where(t),
                "confidence",
                f"rated high with {len(publishers)} independent specific source(s); "
                "high needs two from different publishers (else medium)",
            )
        elif _is_signal_word(t) and all(s.kind == "dictionary" for s in specific):
            yield Problem(
                t.file,
                _where(t),
                "confidence",
                "signal word rated high on dictionaries only; needs a non-dictionary source",
            )


def check_duplicates(content: Content) -> Iterator[Problem]:
    """A form twice in one language, or one URL filed under two source ids."""
    seen: dict[tuple[str, str], ContentTerm] = {}
    for t in content.terms:
        for form in dict.fromkeys((t.entry.term, *t.entry.variants)):
            key = (t.lang, term_key(form))
            first = seen.setdefault(key, t)
            if first is not t:
                yield Problem(
                    t.file,
                    _where(t),
                    "duplicate-form",
                    f"{form!r} is already listed at {_where(first)}",
                )
    by_url: dict[str, list[str]] = defaultdict(list)
    for sid, src in content.sources.items():
        if src.url:
            by_url[url_key(src.url)].append(sid)
    for ids in by_url.values():
        for sid in ids[1:]:
            yield Problem(
                content.source_files.get(sid, "sources"),
                f"source {sid!r}",
                "duplicate-url",
                f"has the same URL as source {ids[0]!r}; cite one id",
            )


def check_source_files(content: Content) -> Iterator[Problem]:
    """Once a folder is filed (it has sources/), each source sits in the file for its document
    language, English ones in the file for their kind; batch files are to be re-filed."""
    if not (Path(content.root) / SOURCES_DIR).is_dir():
        return
    for sid, src in content.sources.items():
        expected = source_file_for(src.lang, src.kind)
        actual = content.source_files.get(sid, "")
        if actual != expected:
            yield Problem(
                actual,
                f"source {sid!r}",
                "misfiled-source",
                f"({src.lang}, {src.kind}) belongs in {expected}; "
                "run `python -m narcolex.package.refile` to re-file",
            )


def check_innocent(content: Content) -> Iterator[Problem]:
    """An innocent phrase that is the term itself (or one of its variants) cancels every match
    of it: the term could never be found. (Spellings are compared as the scanner keys them,
    so a Cyrillic phrase for a Latin term is the same phrase.) A given name is one of the
    term's forms: it says which spelling is also a name."""
    for t in _entries(content):
        forms = {term_key(f) for f in (t.entry.term, *t.entry.variants)}
        for reading in t.entry.innocent:
            if reading.kind == "phrase" and term_key(reading.text) in forms:
                yield Problem(
                    t.file,
                    _where(t),
                    "innocent-is-form",
                    f"the innocent phrase {reading.text!r} is a form of the term itself",
                )
            if reading.kind == "name" and term_key(reading.text) not in forms:
                yield Problem(
                    t.file,
                    _where(t),
                    "name-not-form",
                    f"the given name {reading.text!r} is none of the term's forms",
                )


def _drug_names(content: Content) -> dict[str, str]:
    """Keys of the forms that name a drug for sure enough to be evidence on their own (low or
    medium ambiguity, not a generic word such as "drugs"), with the term each belongs to."""
    out: dict[str, str] = {}
    for t in content.terms:
        e = t.entry
        named = [c for c in e.denotes if is_substance(c) and c != "drugs.generic"]
        if named and e.ambiguity in ("low", "medium"):
            for form in (e.term, *e.variants):
                out.setdefault(term_key(form), e.term)
    return out


def check_hidden(content: Content) -> Iterator[Problem]:
    """A sale-signal phrase that contains a drug's name ("summer offer on coke" filed as an
    offer word) hides it: the scanner keeps the longest match, so the post keeps the offer cue
    and loses its drug. Such a form is the signal word plus the drug, both already terms, or
    the entry should denote the drug too. An everyday word of the phrase's own language
    ("here" in "shop here", a Polish slang spelling of heroin) is meant to be hidden."""
    from narcolex.detect import commonness

    names = _drug_names(content)
    for t in content.terms:
        if not _is_signal_word(t):
            continue
        for form in (t.entry.term, *t.entry.variants):
            words = term_key(form).split()
            inner = {
                " ".join(words[i:j])
                for i in range(len(words))
                for j in range(i + 1, len(words) + 1)
                if j - i < len(words)
            }
            for key in sorted(inner & names.keys()):
                if commonness.zipf(key, t.lang) >= commonness.MEDIUM:
                    continue  # an everyday word of the phrase's language ("shop here")
                yield Problem(
                    t.file,
                    _where(t),
                    "hides-substance",
                    f"the signal form {form!r} contains the drug name {key!r} (term "
                    f"{names[key]!r}): drop the form or let the entry denote the drug",
                )


CHECKS = (
    check_references,
    check_sources,
    check_confidence,
    check_duplicates,
    check_source_files,
    check_innocent,
    check_hidden,
)


def _order(p: Problem) -> tuple[str, int, str, str]:
    """File, then entry position (terms[9] before terms[10]), so fixes go top to bottom."""
    m = re.match(r"terms\[(\d+)\]", p.entry)
    return (p.file, int(m.group(1)) if m else -1, p.entry, p.reason)


def lint(content: Content, checks: Iterable = CHECKS) -> list[Problem]:
    """Every problem the checks find, ordered by file and entry."""
    return sorted((p for check in checks for p in check(content)), key=_order)
