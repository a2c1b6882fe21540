"""The read-only view of a release that the scanner compiles.

The scanner must not depend on the database: platforms run it from a release bundle or
from the bundled package. So both sources (bundled YAML, a database release) are turned
into this one small, frozen structure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    """One term as the scanner sees it."""

    id: int
    term: str
    lang: str
    kind: str
    denotes: tuple[str, ...]
    ambiguity: str = "low"
    confidence: str = "medium"
    match: str = "word"
    variants: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    status: str = "validated"
    # Multi-word phrases in which the form is innocent ("snow shovel", "crack repair"): a match
    # inside one is cancelled (content: `innocent:` readings of kind phrase).
    innocent: tuple[str, ...] = ()
    # The form is also a person's given name (content: an `innocent:` reading of kind name).
    person_name: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("innocent", "person_name"):  # absent when empty: older hashes stay the same
            if not d[key]:
                del d[key]
        return d

    @classmethod
    def from_record(cls, r: dict) -> LexiconTerm:
        """From a release record (a row of terms.jsonl, an entry of a release snapshot)."""
        return cls(
            id=int(r["id"]),
            term=r["term"],
            lang=r["lang"],
            kind=r["kind"],
            denotes=tuple(r["denotes"]),
            ambiguity=r.get("ambiguity", "low"),
            confidence=r.get("confidence", "medium"),
            match=r.get("match", "word"),
            variants=tuple(r.get("variants") or ()),
            countries=tuple(r.get("countries") or ()),
            status=r.get("status", "validated"),
            innocent=innocent_phrases(r.get("innocent")),
            person_name=is_person_name(r.get("innocent")),
        )


def is_person_name(readings: object) -> bool:
    """Whether a term's innocent readings say that its form is also a given name."""
    if not isinstance(readings, list | tuple):
        return False
    return any(isinstance(r, dict) and r.get("kind") == "name" for r in readings)


def innocent_phrases(readings: object) -> tuple[str, ...]:
    """The texts of the `phrase` readings among a term's innocent readings."""
    if not isinstance(readings, list | tuple):
        return ()
    return tuple(
        str(r["text"])
        for r in readings
        if isinstance(r, dict) and r.get("kind") == "phrase" and r.get("text")
    )


@dataclass(frozen=True)
class Lexicon:
    """All validated terms of one release plus its identity (for caching compiled matchers)."""

    terms: tuple[LexiconTerm, ...]
    version: str = "bundled"
    substance_labels: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    @property
    def content_hash(self) -> str:
        payload = json.dumps([t.to_dict() for t in self.terms], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.terms)
