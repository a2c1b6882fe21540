"""Bundled Knowledge Package content (ARCHITECTURE §6): schema, loading and validation.

The YAML files are edited by people, so validation collects *every* problem with the file
and entry it comes from instead of stopping at the first one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from narcolex import taxonomy
from narcolex.errors import ContentError, UnknownCodeError
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.textkey import term_key

# libyaml's loader when available: the bundled package is several thousand entries.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Field types that carry their taxonomy check, so every model validates codes the same way.
Lang = Annotated[str, AfterValidator(taxonomy.validate_language)]
Code = Annotated[str, AfterValidator(taxonomy.validate_code)]
Kind = Annotated[str, AfterValidator(taxonomy.validate_kind)]
Ambiguity = Annotated[str, AfterValidator(taxonomy.validate_ambiguity)]
Confidence = Annotated[str, AfterValidator(taxonomy.validate_confidence)]
MatchMode = Annotated[str, AfterValidator(taxonomy.validate_match_mode)]
Country = Annotated[str, AfterValidator(taxonomy.validate_country)]


# Source files are named by what they hold (issue 18): sources/<document language>.yaml, and
# English, which holds most sources, split by kind: sources/en-dictionaries.yaml, ...
SOURCES_DIR = "sources"
SOURCE_KINDS: dict[str, str] = {
    "report": "reports",
    "glossary": "glossaries",
    "study": "studies",
    "dictionary": "dictionaries",
    "article": "articles",
    "warning": "warnings",
    "dataset": "datasets",
}


def source_file_for(lang: str, kind: str) -> str:
    """The file (relative to the content folder) where a source of this language and kind sits."""
    name = f"en-{SOURCE_KINDS[kind]}" if lang == "en" else lang
    return f"{SOURCES_DIR}/{name}.yaml"


class SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=2, max_length=120, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: str | None = None
    lang: Lang = "en"
    kind: str = Field(default="report", pattern=f"^({'|'.join(SOURCE_KINDS)})$")


def source_id(ref: str) -> str:
    """The source id of a reference: `id` or `id#locator` (a page, section, entry or URL)."""
    return ref.split("#", 1)[0].strip()


def source_locator(ref: str) -> str | None:
    """The locator of a reference (`dea-2017#p. 12` -> `p. 12`), or None."""
    _, sep, loc = ref.partition("#")
    return loc.strip() or None if sep else None


class InnocentReading(BaseModel):
    """An everyday use of a term's form, so that moderators and the scanner can tell it apart.

    `phrase` readings are multi-word collocations (written as they appear in text) in which the
    form is innocent; a match inside one is cancelled. `sense` readings are short glosses of an
    everyday meaning, for curators and moderators. A `name` reading says that the form (its
    `text`) is also a person's given name ("Molly", "Charlie"): written as a name, beside
    another such word, it is more likely two people or pets than two drugs.
    """

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^(phrase|sense|name)$")
    text: str = Field(min_length=2, max_length=200)
    lang: Lang | None = None  # defaults to the term's language ("und" terms name it)
    sources: list[str] = Field(min_length=1)


class TermEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=200)
    kind: Kind
    denotes: list[Code] = Field(min_length=1)
    ambiguity: Ambiguity = "low"
    confidence: Confidence = "medium"
    status: str | None = None
    match: MatchMode = "word"
    variants: list[str] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    first_seen: date | None = None
    last_seen: date | None = None
    note: str | None = None
    innocent: list[InnocentReading] = Field(default_factory=list)

    @property
    def effective_status(self) -> str:
        """Low confidence never ships as validated (content README, confidence levels)."""
        if self.status:
            return taxonomy.validate_status(self.status)
        return "proposed" if self.confidence == "low" else "validated"


class LanguageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: Lang
    notes: str | None = None
    terms: list[TermEntry] = Field(default_factory=list)


class CodeLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    labels: dict[Lang, str] = Field(default_factory=dict)
    description: str | None = None
    sources: list[str] = Field(default_factory=list)


class SubstancesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    substances: list[CodeLabels]
    signals: list[CodeLabels] = Field(default_factory=list)


@dataclass(frozen=True)
class ContentTerm:
    """A validated term entry with the language and file it came from."""

    lang: str
    entry: TermEntry
    file: str
    index: int

    @property
    def key(self) -> str:
        return term_key(self.entry.term)


@dataclass(frozen=True)
class Content:
    substances: SubstancesFile
    sources: dict[str, SourceEntry]
    terms: tuple[ContentTerm, ...]
    root: str
    # The file each source id was read from, so that checks can name it.
    source_files: dict[str, str] = field(default_factory=dict)
    # Context words (context/<lang>.yaml: addressing the reader, reporting, ordinary commerce):
    # kept apart from `terms` so that curation, coverage and the database see only the terms
    # of the lexicon proper; the scanner gets them through lexicon().
    context: tuple[ContentTerm, ...] = ()

    def lexicon(self, include_proposed: bool = False) -> Lexicon:
        """The bundled release as the scanner sees it (ids are stable by file order)."""
        out: list[LexiconTerm] = []
        for i, t in enumerate((*self.terms, *self.context), start=1):
            status = t.entry.effective_status
            if status == "deprecated" or (status == "proposed" and not include_proposed):
                continue
            e = t.entry
            out.append(
                LexiconTerm(
                    id=i,
                    term=e.term,
                    lang=t.lang,
                    kind=e.kind,
                    denotes=tuple(e.denotes),
                    ambiguity=e.ambiguity,
                    confidence=e.confidence,
                    match=e.match,
                    variants=tuple(e.variants),
                    countries=tuple(e.countries),
                    status=status,
                    innocent=tuple(i.text for i in e.innocent if i.kind == "phrase"),
                    person_name=any(i.kind == "name" for i in e.innocent),
                )
            )
        labels = {s.code: dict(s.labels) for s in self.substances.substances}
        return Lexicon(terms=tuple(out), version="bundled", substance_labels=labels)


def bundled_root() -> Path:
    return Path(str(resources.files("narcolex") / "data" / "knowledge"))


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
    except OSError as exc:
        problems.append(f"{path.name}: cannot read: {exc.strerror}")
    return None


def _errors(exc: ValidationError, where: str) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        ctx_err = (err.get("ctx") or {}).get("error")
        msg = str(ctx_err) if isinstance(ctx_err, UnknownCodeError) else err["msg"]
        out.append(f"{where}: {loc}: {msg}")
    return out


def source_paths(root: Path) -> list[Path]:
    """Every source file of a content folder: the filed sources/*.yaml, and the flat
    sources.yaml and _sources_<batch>.yaml that small folders and new batches still use."""
    flat = [root / "sources.yaml", *sorted(root.glob("_sources_*.yaml"))]
    return [*sorted((root / SOURCES_DIR).glob("*.yaml")), *(p for p in flat if p.exists())]


def load_content(root: Path | str | None = None) -> Content:
    """Load and validate a content folder; raise ContentError listing every problem."""
    root = Path(root) if root else bundled_root()
    if not root.is_dir():
        raise ContentError(f"content folder {root} does not exist")
    problems: list[str] = []

    sources: dict[str, SourceEntry] = {}
    source_file_of: dict[str, str] = {}
    for path in source_paths(root):
        name = path.relative_to(root).as_posix()
        raw = _read_yaml(path, problems) or {}
        for i, item in enumerate(raw.get("sources", []) if isinstance(raw, dict) else []):
            try:
                src = SourceEntry.model_validate(item)
            except ValidationError as exc:
                problems.extend(_errors(exc, f"{name}: sources[{i}]"))
                continue
            if src.id in sources and sources[src.id] != src:
                problems.append(f"{name}: source id {src.id!r} defined twice differently")
            sources[src.id] = src
            source_file_of.setdefault(src.id, name)
    if not source_file_of and not problems:
        problems.append(f"no sources: expected {SOURCES_DIR}/*.yaml (or sources.yaml)")

    subs_raw = (
        _read_yaml(root / "substances.yaml", problems)
        if (root / "substances.yaml").exists()
        else None
    )
    substances = SubstancesFile(substances=[])
    if subs_raw is None:
        problems.append("substances.yaml: missing or empty")
    else:
        try:
            substances = SubstancesFile.model_validate(subs_raw)
        except ValidationError as exc:
            problems.extend(_errors(exc, "substances.yaml"))

    seen: dict[tuple[str, str], str] = {}
    terms = _load_term_files(root, "", sources, seen, problems)
    context_seen: dict[tuple[str, str], str] = {}
    context = _load_term_files(root / "context", "context/", sources, context_seen, problems)
    # One headword is one entry per language, context words included (a database holds one
    # term per headword): a sale word that also tells who speaks ("vendo") carries both codes.
    heads = {(t.lang, term_key(t.entry.term)): t for t in terms}
    for t in context:
        twin = heads.get((t.lang, term_key(t.entry.term)))
        if twin is not None:
            problems.append(f"{t.file}: terms[{t.index}] ({t.entry.term!r}) is also a term "
                            f"({twin.file}: terms[{twin.index}]): add its context code to "
                            "that entry's denotes instead")  # fmt: skip
    for t in context:
        if not all(taxonomy.is_context(c) for c in t.entry.denotes):
            problems.append(f"{t.file}: terms[{t.index}] ({t.entry.term!r}): context files "
                            f"may only denote {', '.join(taxonomy.CONTEXTS)}")  # fmt: skip
    for t in terms:
        if t.entry.denotes and all(taxonomy.is_context(c) for c in t.entry.denotes):
            problems.append(f"{t.file}: terms[{t.index}] ({t.entry.term!r}): a word with "
                            "only context codes belongs in context/<lang>.yaml")  # fmt: skip

    if problems:
        raise ContentError(f"{len(problems)} problem(s) in {root}", problems)
    return Content(
        substances=substances,
        sources=sources,
        terms=tuple(terms),
        root=str(root),
        source_files=source_file_of,
        context=tuple(context),
    )


def _load_term_files(
    folder: Path,
    prefix: str,
    sources: dict[str, SourceEntry],
    seen: dict[tuple[str, str], str],
    problems: list[str],
) -> list[ContentTerm]:
    """The term entries of every <lang>.yaml in `folder` (none if it does not exist), with
    each problem noted under the file's name as `prefix` + name."""
    terms: list[ContentTerm] = []
    if not folder.is_dir():
        return terms
    lang_files = sorted(p for p in folder.glob("*.yaml") if p.stem in taxonomy.LANGUAGES)
    for path in lang_files:
        name = prefix + path.name
        raw = _read_yaml(path, problems)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.append(f"{name}: expected a mapping with `lang` and `terms`")
            continue
        raw_terms = raw.get("terms") or []
        try:
            lf = LanguageFile.model_validate({**raw, "terms": []})
        except ValidationError as exc:
            problems.extend(_errors(exc, name))
            continue
        if lf.lang != path.stem:
            problems.append(f"{name}: lang {lf.lang!r} does not match the file name")
        if not isinstance(raw_terms, list):
            problems.append(f"{name}: `terms` must be a list")
            continue
        for i, item in enumerate(raw_terms):
            label = item.get("term") if isinstance(item, dict) else None
            where = f"{name}: terms[{i}] ({label!r})"
            try:
                entry = TermEntry.model_validate(item)
            except ValidationError as exc:
                problems.extend(_errors(exc, where))
                continue
            refs = [*entry.sources, *(r for i in entry.innocent for r in i.sources)]
            for ref in refs:
                if source_id(ref) not in sources:
                    problems.append(f"{where}: source {source_id(ref)!r} is not defined")
            for form in dict.fromkeys((entry.term, *entry.variants)):
                k = (lf.lang, term_key(form))
                if k in seen:
                    problems.append(f"{where}: {form!r} duplicates {seen[k]}")
                seen.setdefault(k, where)
            terms.append(ContentTerm(lang=lf.lang, entry=entry, file=name, index=i))
    return terms


def main() -> None:  # pragma: no cover - maintainer helper
    """`python -m narcolex.package.content [DIR]`: validate content and print counts."""
    import sys
    from collections import Counter

    try:
        content = load_content(sys.argv[1] if len(sys.argv) > 1 else None)
    except ContentError as exc:
        print(f"INVALID: {exc.args[0]}")
        for p in exc.problems:
            print("  -", p)
        raise SystemExit(1) from None
    by_lang = Counter(t.lang for t in content.terms if t.entry.effective_status == "validated")
    print(f"OK: {len(content.terms)} terms, {len(content.sources)} sources")
    for lang, n in sorted(by_lang.items()):
        print(f"  {lang}: {n} validated")


if __name__ == "__main__":  # pragma: no cover
    main()
