"""Help for young users: sourced national help resources, and the message a platform can show
when someone searches for a drug term (a search intervention).

`resources(country, lang)` is the service behind `GET /v1/help?country=&lang=` and
`narcolex respond help`; `intervention(query, country, lang)` decides whether a search should
show the message, using the scanner so that obfuscated spellings count too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from narcolex.errors import InputError
from narcolex.package.respond_content import EU_EFTA, RespondContent, bundled
from narcolex.respond.legal import group_of


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: str
    title: str
    publisher: str
    year: int | None
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class HelpResource:
    name: str
    kind: str
    languages: tuple[str, ...]
    phone: str | None
    url: str | None
    channels: tuple[str, ...]
    audience: str | None
    note: str | None
    sources: tuple[SourceRef, ...]
    checked: str

    def contact(self) -> str:
        return " · ".join(x for x in (self.phone, self.url) if x)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "languages": list(self.languages),
            "phone": self.phone,
            "url": self.url,
            "channels": list(self.channels),
            "audience": self.audience,
            "note": self.note,
            "checked": self.checked,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class HelpAnswer:
    """What to show a user in `country` who reads `lang`."""

    country: str
    country_name: str
    lang: str
    message_lang: str
    message: str
    intro: str
    resources: tuple[HelpResource, ...]
    gap: str | None
    reviewed: bool

    def text(self) -> str:
        lines = [self.message]
        if self.resources:
            lines.append(self.intro)
            lines += [f"- {r.name}: {r.contact()}" for r in self.resources]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "country_name": self.country_name,
            "lang": self.lang,
            "message_lang": self.message_lang,
            "message": self.message,
            "intro": self.intro,
            "resources": [r.to_dict() for r in self.resources],
            "gap": self.gap,
            "message_reviewed": self.reviewed,
            "text": self.text(),
        }


def _country(code: str) -> str:
    cc = (code or "").strip().upper()
    if cc == "EL":  # the EU's code for Greece; ISO 3166 (and the Transparency Database) use GR
        cc = "GR"
    if cc not in EU_EFTA:
        raise InputError(f"country must be an EU or EFTA code ({', '.join(EU_EFTA)}), not {code!r}")
    return cc


def resources(
    country: str, lang: str | None = None, content: RespondContent | None = None
) -> HelpAnswer:
    """The help message and the country's resources, those in `lang` first.

    The message falls back to English when it has no `lang` version (the answer says which
    language it is in); resources are never filtered out by language, only ordered, since a
    phone line in the national language is still the right place to call.
    """
    c = content or bundled()
    cc = _country(country)
    info = c.help.countries[cc]
    want = (lang or info.languages[0]).lower()
    src = {s.id: s for s in c.help.sources}
    found = [r for r in c.help.resources if r.country == cc]
    found.sort(key=lambda r: (want not in r.languages, r.kind != "helpline"))
    msg_lang = want if want in c.interventions.messages else "en"
    return HelpAnswer(
        country=cc,
        country_name=info.name,
        lang=want,
        message_lang=msg_lang,
        message=c.interventions.messages[msg_lang],
        intro=c.interventions.resource_intro.get(msg_lang, c.interventions.resource_intro["en"]),
        resources=tuple(
            HelpResource(
                name=r.name,
                kind=r.kind,
                languages=tuple(r.languages),
                phone=r.phone,
                url=str(r.url) if r.url else None,
                channels=tuple(r.channels),
                audience=r.audience,
                note=r.note,
                checked=c.help.checked.isoformat(),
                sources=tuple(
                    SourceRef(s.id, s.title, s.publisher, s.year, str(s.url))
                    for s in (src[i] for i in r.sources)
                ),
            )
            for r in found
        ),
        gap=c.help.gaps.get(cc),
        reviewed=c.interventions.reviewed,
    )


@dataclass(frozen=True, slots=True)
class Intervention:
    """Whether a search should show the help message, why, and the message."""

    query: str
    show: bool
    groups: tuple[str, ...]
    answer: HelpAnswer | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "show": self.show,
            "groups": list(self.groups),
            "help": self.answer.to_dict() if self.answer else None,
        }


def intervention(
    query: str,
    country: str,
    lang: str | None = None,
    scanner: Any = None,
    content: RespondContent | None = None,
) -> Intervention:
    """Decide on a search query: show the message when it names a drug of the package.

    A term counts whatever the verdict (a search is not an offer, and a young person typing a
    street name is who the message is for) when the scanner kept its substance or the term is
    unambiguous; an ambiguous everyday word alone ("grass") does not trigger the message.
    """
    c = content or bundled()
    if scanner is None:
        from narcolex.detect.engine import Scanner

        scanner = Scanner.default()
    finding = scanner.scan(query)  # the UI language says little about the query's
    wanted = set(c.interventions.substances)
    codes = [
        *finding.substances,
        *(s for m in finding.matches if m.ambiguity == "low" for s in m.substances),
    ]
    groups = tuple(dict.fromkeys(g for g in map(group_of, codes) if g in wanted))
    answer = resources(country, lang, c) if groups else None
    return Intervention(query=query, show=bool(groups), groups=groups, answer=answer)


def intervention_map(content: RespondContent | None = None) -> dict[str, Any]:
    """The map a platform loads into its search: substance groups, messages, resources."""
    c = content or bundled()
    return {
        "checked": c.interventions.checked.isoformat(),
        "message_reviewed": c.interventions.reviewed,
        "substance_groups": list(c.interventions.substances),
        "messages": dict(c.interventions.messages),
        "resource_intro": dict(c.interventions.resource_intro),
        "countries": {
            cc: [r.to_dict() for r in resources(cc, None, c).resources] for cc in EU_EFTA
        },
    }
