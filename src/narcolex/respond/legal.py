"""Legal grounds for a finding's substances, from the bundled legal content.

A statement of reasons may cite illegal content only where the content names an instrument
for every substance group found; otherwise the honest ground is the platform's terms and
conditions (DSA Art. 17(3)(d) and (e) distinguish the two), and `grounds_for` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from narcolex import taxonomy
from narcolex.package.respond_content import RespondContent, bundled


@dataclass(frozen=True, slots=True)
class Instrument:
    key: str
    title: str
    short: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "short": self.short, "url": self.url}


@dataclass(frozen=True, slots=True)
class LegalGrounds:
    """The instruments that apply to a set of substances, and the groups left to national law."""

    groups: tuple[str, ...]
    instruments: tuple[Instrument, ...]
    unsourced_groups: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """True when every group found has at least one sourced instrument."""
        return bool(self.groups) and not self.unsourced_groups

    def summary(self, limit: int = 500) -> str:
        """One line naming the instruments (the statement's `illegal_content_legal_ground`)."""
        names = "; ".join(i.short for i in self.instruments) or "national law"
        text = (
            f"Offering or selling controlled drugs: {names}; "
            "and the national law implementing them."
        )
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "instruments": [i.to_dict() for i in self.instruments],
            "unsourced_groups": list(self.unsourced_groups),
            "notes": list(self.notes),
            "complete": self.complete,
        }


def group_of(code: str) -> str:
    """The taxonomy root of a substance code (`drugs.generic` is its own root)."""
    return code if code in taxonomy.SUBSTANCE_TREE else (taxonomy.parent(code) or code)


def grounds_for(substances: Iterable[str], content: RespondContent | None = None) -> LegalGrounds:
    """The legal grounds for `substances` (taxonomy codes, signals ignored)."""
    legal = (content or bundled()).legal
    groups = tuple(dict.fromkeys(group_of(s) for s in substances if not s.startswith("signal.")))
    keys: dict[str, None] = {}
    unsourced: list[str] = []
    notes: list[str] = []
    for g in groups:
        entry = legal.groups.get(g)
        if entry is None or not entry.instruments:
            unsourced.append(g)
        else:
            keys.update(dict.fromkeys(entry.instruments))
        if entry is not None and entry.note:
            notes.append(f"{g}: {entry.note}")
    instruments = tuple(
        Instrument(
            k, legal.instruments[k].title, legal.instruments[k].short, str(legal.instruments[k].url)
        )
        for k in keys
    )
    return LegalGrounds(groups, instruments, tuple(unsourced), tuple(notes))
