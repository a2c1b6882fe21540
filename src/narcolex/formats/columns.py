"""The contributor template's columns: one definition used by the template writer, the
submission validator and the exports, so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from narcolex import taxonomy


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    explanation: str
    example: str
    choices: tuple[str, ...] = ()
    multi: bool = False


LIST_SEPARATORS = (";", "|", "\n")

COLUMNS: tuple[Column, ...] = (
    Column("term", True, "The word, phrase, hashtag or emoji exactly as sellers write it.",
           "Koks"),
    Column("language", True, "Language of the term as an ISO 639-1 code; 'und' for emoji and "
           "codes that belong to no language.", "de", taxonomy.LANGUAGES),
    Column("kind", True, "What sort of term it is.", "slang", taxonomy.TERM_KINDS),
    Column("denotes", True, "The substance or sale-signal codes the term stands for, separated "
           "by ';'. See the list of codes in this workbook.", "cocaine",
           (*taxonomy.SUBSTANCES, *taxonomy.SIGNALS), multi=True),
    Column("ambiguity", False, "How often the form is used innocently: low (almost only the "
           "drug), medium, high (usually innocent, e.g. 'snow'). Default: low.", "medium",
           taxonomy.AMBIGUITY_LEVELS),
    Column("confidence", False, "How well the reading is documented: high (official source or "
           "two independent ones), medium (one reputable source), low (your observation "
           "only). Default: medium.", "high", taxonomy.CONFIDENCE_LEVELS),
    Column("match", False, "word (default), prefix (a stem that takes endings) or compound "
           "(may be part of a longer word).", "compound", taxonomy.MATCH_MODES),
    Column("variants", False, "Other spellings and inflected forms, separated by ';'.",
           "Kokse", multi=True),
    Column("countries", False, "ISO 3166-1 alpha-2 codes of the countries where you have seen "
           "it, separated by ';'. A contributor must include their own country.", "DE;AT",
           taxonomy.COUNTRIES, multi=True),
    Column("platforms", False, "Platforms where it was seen, separated by ';'.",
           "Telegram;Instagram", multi=True),
    Column("source", False, "Id of a source already in the knowledge base (see `narcolex kb "
           "sources`), or leave empty and describe a new source in the next columns.", ""),
    Column("source_title", False, "Title of the document that shows the term's meaning.",
           "Drogen-Glossar"),
    Column("source_publisher", False, "Who published it (agency, police, journal, newspaper).",
           "Example agency"),
    Column("source_year", False, "Year of publication.", "2024"),
    Column("source_url", False, "Web address, when there is one.", "https://example.org/glossar"),
    Column("note", False, "A short, neutral note for curators.", ""),
    Column("first_seen", False, "Date first seen (YYYY-MM-DD).", "2024-03-01"),
)  # fmt: skip

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)


def split_list(cell: str) -> list[str]:
    """Split a multi-value cell on ';', '|' or new lines (and ',' for code-like lists)."""
    out = [cell]
    for sep in LIST_SEPARATORS:
        out = [part for chunk in out for part in chunk.split(sep)]
    return [p.strip() for p in out if p.strip()]


def split_codes(cell: str) -> list[str]:
    return [p for chunk in split_list(cell) for p in (x.strip() for x in chunk.split(",")) if p]
