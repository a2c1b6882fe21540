"""Notices of illegal content (DSA Art. 16) for flagged posts: JSON, plain text for e-mail,
and PDF.

Article 16(2) lists what a notice must hold for the provider to act on it: (a) a substantiated
explanation of why the content is illegal, (b) its exact electronic location, (c) the
notifier's name and e-mail address, (d) a statement of good faith. `Notice` holds exactly those
parts (plus the evidence behind (a): substances, signals, matched spans and the legal grounds)
and refuses to be built without a notifier or a location.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from narcolex.errors import InputError
from narcolex.package.respond_content import RespondContent
from narcolex.respond.legal import grounds_for
from narcolex.respond.statements import _label, _listing, substance_matches

DSA_URL = "https://lexparency.org/eu/32022R2065/"
GOOD_FAITH = (
    "The notifier declares in good faith that, to the best of its knowledge, the information "
    "and allegations in this notice are accurate and complete (Article 16(2)(d) DSA)."
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Notifier:
    name: str
    email: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InputError("a notice needs the notifier's name (Article 16(2)(c) DSA)")
        if not _EMAIL.match(self.email):
            raise InputError(f"a notice needs the notifier's e-mail address, not {self.email!r}")


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of evidence in the post: a lexicon term as written, or a sale signal."""

    kind: str  # term | signal
    surface: str
    start: int
    end: int
    meaning: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "meaning": self.meaning,
        }


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: str
    created_at: str
    provider: str | None
    location: str
    location_is_url: bool
    post_id: str | None
    explanation: str
    substances: tuple[str, ...]
    signals: tuple[str, ...]
    spans: tuple[Span, ...]
    legal_grounds: tuple[str, ...]
    score: float
    excerpt: str | None
    notifier: Notifier
    good_faith: str = GOOD_FAITH

    def to_dict(self) -> dict[str, Any]:
        return {
            "notice_id": self.notice_id,
            "legal_basis": "Article 16 of Regulation (EU) 2022/2065 (Digital Services Act)",
            "created_at": self.created_at,
            "provider": self.provider,
            "location": {
                "value": self.location,
                "is_url": self.location_is_url,
                "post_id": self.post_id,
            },
            "explanation": self.explanation,
            "evidence": {
                "substances": list(self.substances),
                "signals": list(self.signals),
                "spans": [s.to_dict() for s in self.spans],
                "score": self.score,
                "excerpt": self.excerpt,
            },
            "legal_grounds": list(self.legal_grounds),
            "notifier": {"name": self.notifier.name, "email": self.notifier.email},
            "good_faith_statement": self.good_faith,
        }

    def to_text(self) -> str:
        """The notice as a plain-text e-mail body."""
        lines = [
            "Notice of illegal content under Article 16 of Regulation (EU) 2022/2065 (DSA)",
            f"Notice id: {self.notice_id}    Date: {self.created_at}",
            "",
            "1. Exact electronic location of the content",
            f"   {self.location}"
            + (
                ""
                if self.location_is_url
                else "  (no URL was available; platform and post id given)"
            ),
            "",
            "2. Why the content is considered illegal",
            *("   " + line for line in _wrap(self.explanation)),
            "   Evidence found in the content:",
            *(
                f"   - {s.kind} “{s.surface}” at characters {s.start}-{s.end}: {s.meaning}"
                for s in self.spans
            ),
            "   Legal grounds:",
            *(
                f"   - {g}"
                for g in self.legal_grounds or ("national law on controlled substances",)
            ),
            "",
            "3. Notifier",
            f"   {self.notifier.name} <{self.notifier.email}>",
            "",
            "4. Statement of good faith",
            *("   " + line for line in _wrap(self.good_faith)),
        ]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        e = html.escape
        spans = "".join(
            f"<tr><td>{e(s.kind)}</td><td>{e(s.surface)}</td><td>{s.start}–{s.end}</td>"
            f"<td>{e(s.meaning)}</td></tr>"
            for s in self.spans
        )
        grounds = "".join(f"<li>{e(g)}</li>" for g in self.legal_grounds)
        loc = (
            f'<a href="{e(self.location)}">{e(self.location)}</a>'
            if self.location_is_url
            else e(self.location)
        )
        return (
            f"<section class='notice'><h1>Notice of illegal content</h1>"
            f"<p class='meta'>Article 16 of Regulation (EU) 2022/2065 (Digital Services Act) · "
            f"notice {e(self.notice_id)} · {e(self.created_at)}</p>"
            f"<h2>1. Exact electronic location</h2><p>{loc}</p>"
            f"<h2>2. Why the content is considered illegal</h2><p>{e(self.explanation)}</p>"
            f"<table><tr><th>Kind</th><th>As written</th><th>Characters</th><th>Meaning</th></tr>"
            f"{spans}</table><h3>Legal grounds</h3><ul>{grounds}</ul>"
            f"<h2>3. Notifier</h2><p>{e(self.notifier.name)} &lt;{e(self.notifier.email)}&gt;</p>"
            f"<h2>4. Statement of good faith</h2><p>{e(self.good_faith)}</p></section>"
        )


def _wrap(text: str, width: int = 88) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


_CSS = """
@page { size: A4; margin: 18mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 5mm 0 1mm; }
.meta { color: #555; } table { border-collapse: collapse; width: 100%; font-size: 9pt; }
td, th { border: 0.5pt solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
.notice + .notice { page-break-before: always; }
"""


def pdf_document(notices: Iterable[Notice]) -> Any:
    """The laid-out WeasyPrint document of the notices (one notice per page)."""
    from weasyprint import HTML

    body = "".join(n.to_html() for n in notices)
    head = f"<head><meta charset='utf-8'><style>{_CSS}</style></head>"
    return HTML(string=f"<!doctype html><html>{head}<body>{body}</body></html>").render()


def to_pdf(notices: Iterable[Notice]) -> bytes:
    """All notices in one PDF, one notice per page (WeasyPrint)."""
    return pdf_document(notices).write_pdf()


def _spans(finding: dict[str, Any], text: str | None) -> list[Span]:
    def meaning(m: dict[str, Any]) -> str:
        subs = [_label(d) for d in m.get("denotes", []) if not d.startswith("signal.")]
        if subs:
            return f"lexicon term “{m.get('term')}”, denoting {_listing(subs)}"
        kinds = [d.removeprefix("signal.") for d in m.get("denotes", [])]
        return f"lexicon sale word “{m.get('term')}” ({_listing(kinds)})"

    out = [
        Span(
            "term",
            m.get("surface", m.get("term", "")),
            int(m.get("start", 0)),
            int(m.get("end", 0)),
            meaning(m),
        )
        for m in finding.get("matches", [])
    ]
    if text:
        from narcolex.detect.signals import find_signals

        out += [
            Span("signal", s.surface, s.start, s.end, s.code.removeprefix("signal."))
            for s in find_signals(text)
        ]
    return sorted(out, key=lambda s: (s.start, s.end))


def from_finding(
    finding: dict[str, Any],
    post: dict[str, Any] | None,
    notifier: Notifier,
    now: dt.datetime | None = None,
    content: RespondContent | None = None,
    excerpt_chars: int = 500,
) -> Notice:
    """The Article 16 notice for one finding. The location is the post's `url` when the posts
    file has one; otherwise platform and post id, marked as not a URL."""
    post = post or {}
    pid = finding.get("id")
    url = post.get("url")
    if url:
        location, is_url = str(url), True
    elif pid is not None:
        location = f"platform {post.get('platform') or 'unknown'}, post id {pid}"
        is_url = False
    else:
        raise InputError("a notice needs the content's location: a post id or a url")
    grounds = grounds_for(finding.get("substances", []), content)
    subs = _listing(_label(s) for s in finding.get("substances", [])) or "drugs"
    signals = [s.removeprefix("signal.") for s in finding.get("signals", [])]
    explanation = (
        f"The content offers {subs} for sale. It uses "
        f"{len(substance_matches(finding))} term(s) that the Knowledge Package against drug "
        f"sales online documents as names of {subs}, together with sale signals "
        f"({', '.join(signals) or 'none found'}); the automated scan rated it "
        f"'{finding.get('verdict')}' "
        f"with a score of {float(finding.get('score', 0)):.2f}. Offering controlled drugs for sale "
        f"is illegal under the grounds listed below."
    )
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    text = post.get("text")
    digest = hashlib.sha256(f"{location}|{when.isoformat()}".encode()).hexdigest()[:12]
    return Notice(
        notice_id=f"nlx-notice-{digest}",
        created_at=when.isoformat(),
        provider=post.get("platform"),
        location=location,
        location_is_url=is_url,
        post_id=pid,
        explanation=explanation,
        substances=tuple(finding.get("substances", [])),
        signals=tuple(finding.get("signals", [])),
        spans=tuple(_spans(finding, text)),
        legal_grounds=tuple(f"{i.title} ({i.url})" for i in grounds.instruments)
        + tuple(f"national law ({g})" for g in grounds.unsourced_groups),
        score=float(finding.get("score", 0)),
        excerpt=text[:excerpt_chars] if text else None,
        notifier=notifier,
    )
