"""The original text cut into plain and marked pieces, for <mark> in the Try page.

Spans come from the scanner's matches and signals (start/end are character offsets into the
original text, `text[start:end] == surface`); overlapping spans are joined so that every
character is shown exactly once, in its place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool
    label: str = ""


def pieces(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    """`text` as consecutive pieces; those covered by a span are marked with its label(s)."""
    merged: list[list] = []
    for start, end, label in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(text)):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label]])
    out: list[Piece] = []
    pos = 0
    for start, end, labels in merged:
        if start > pos:
            out.append(Piece(text[pos:start], False))
        out.append(Piece(text[start:end], True, ", ".join(labels)))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:], False))
    return out
