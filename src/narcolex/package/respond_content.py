"""The bundled response content (help resources, legal grounds, search interventions), loaded
and checked once.

The content is data that curators edit, not code: YAML files under data/knowledge/respond/.
Loading validates it with pydantic (the edge where untrusted files enter) so that a resource
without a source or a check date, or a reference to a missing source, fails loudly instead of
reaching a young user's screen.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from narcolex.errors import ContentError

EU_EFTA: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",  # 27 EU
    "IS", "LI", "NO", "CH",  # EFTA
)  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str
    publisher: str
    year: int | None = None
    url: HttpUrl


class Country(_Strict):
    name: str
    languages: list[str]


class Resource(_Strict):
    country: str
    name: str
    kind: Literal["helpline", "online_counselling", "information", "harm_reduction", "youth"]
    languages: list[str] = Field(default_factory=list)
    phone: str | None = None
    url: HttpUrl | None = None
    channels: list[str] = Field(default_factory=list)
    audience: str | None = None
    note: str | None = None
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> Resource:
        if not self.phone and not self.url:
            raise ValueError(f"{self.name}: a resource needs a phone number or an address")
        return self


class HelpFile(_Strict):
    checked: dt.date
    countries: dict[str, Country]
    sources: list[Source]
    resources: list[Resource]
    gaps: dict[str, str] = Field(default_factory=dict)


class Instrument(_Strict):
    title: str
    short: str
    schedule_list: str | None = Field(default=None, alias="list")
    url: HttpUrl
    sources: list[str] = Field(min_length=1)


class Group(_Strict):
    instruments: list[str]
    note: str | None = None


class LegalFile(_Strict):
    checked: dt.date
    sources: list[Source]
    instruments: dict[str, Instrument]
    groups: dict[str, Group]


class InterventionFile(_Strict):
    checked: dt.date
    reviewed: bool
    messages: dict[str, str]
    resource_intro: dict[str, str]
    substances: list[str]


class RespondContent(_Strict):
    help: HelpFile
    legal: LegalFile
    interventions: InterventionFile


def content_root() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "knowledge" / "respond"


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: {exc}") from None


def _check_refs(c: RespondContent) -> list[str]:
    """Cross-file checks pydantic cannot see: ids, country codes, substance groups."""
    from narcolex import taxonomy

    problems: list[str] = []
    help_ids = {s.id for s in c.help.sources}
    if set(c.help.countries) != set(EU_EFTA):
        problems.append("help.yaml: countries must be exactly the 27 EU and 4 EFTA states")
    for r in c.help.resources:
        if r.country not in c.help.countries:
            problems.append(f"help.yaml: {r.name}: unknown country {r.country}")
        problems += [
            f"help.yaml: {r.name}: unknown source {s}" for s in r.sources if s not in help_ids
        ]
    covered = {r.country for r in c.help.resources}
    for code in EU_EFTA:
        if (code in covered) == (code in c.help.gaps):
            problems.append(
                f"help.yaml: {code} must have resources or be listed as a gap, not both"
            )
    legal_ids = {s.id for s in c.legal.sources}
    for key, ins in c.legal.instruments.items():
        problems += [
            f"legal.yaml: {key}: unknown source {s}" for s in ins.sources if s not in legal_ids
        ]
    roots = set(taxonomy.SUBSTANCE_TREE)
    if set(c.legal.groups) != roots:
        problems.append(f"legal.yaml: groups must be the taxonomy roots {sorted(roots)}")
    for key, g in c.legal.groups.items():
        problems += [
            f"legal.yaml: {key}: unknown instrument {i}"
            for i in g.instruments
            if i not in c.legal.instruments
        ]
    unknown = set(c.interventions.substances) - roots
    if unknown:
        problems.append(f"interventions.yaml: unknown substance groups {sorted(unknown)}")
    if "en" not in c.interventions.messages:
        problems.append("interventions.yaml: an English message is required")
    return problems


def load(root: Path | str | None = None) -> RespondContent:
    """Read and check the response content of `root` (default: the bundled folder)."""
    base = Path(root) if root else content_root()
    raw = {name: _read(base / f"{name}.yaml") for name in ("help", "legal", "interventions")}
    return _checked(raw, "response content")


def _checked(raw: dict[str, Any], what: str) -> RespondContent:
    """`raw` validated and its references checked; every problem named in one error."""
    try:
        content = RespondContent.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ContentError(f"{what} is invalid:\n" + "\n".join(lines)) from None
    problems = _check_refs(content)
    if problems:
        raise ContentError(f"{what} is invalid:\n" + "\n".join(problems))
    return content


@cache
def bundled() -> RespondContent:
    """The bundled content, loaded once per process."""
    return load()


# The response content as a release stores it and a bundle carries it: document key -> file.
FILES: dict[str, str] = {
    "help": "respond-help.json",
    "legal_grounds": "respond-legal-grounds.json",
    "interventions": "respond-interventions.json",
}


def from_documents(docs: dict[str, Any]) -> RespondContent:
    """The content of a release (its snapshot's `respond` documents), checked as on load."""
    raw = {"help": docs.get("help"), "legal": docs.get("legal_grounds"),
           "interventions": docs.get("interventions")}  # fmt: skip
    return _checked(raw, "released response content")


def as_documents(c: RespondContent | None = None) -> dict[str, Any]:
    """The content as JSON-ready documents (for release bundles and the API)."""
    c = c or bundled()
    return {
        "help": c.help.model_dump(mode="json", by_alias=True),
        "legal_grounds": c.legal.model_dump(mode="json", by_alias=True),
        "interventions": c.interventions.model_dump(mode="json"),
    }
