"""Statements of reasons (DSA Art. 17) in the DSA Transparency Database API schema.

One statement per moderated finding, with the field names and enumerations of the database's
API documentation (API v2); `validate` checks each one against the JSON Schema written from that
documentation (schemas/dsa_tdb_statement.schema.json), and `batches` shapes them for the
multiple endpoint, which takes at most 100 statements per call.

The database is public and its documentation forbids personal data, so a statement names the
lexicon terms and signal kinds that were found, never the post's text, the surface the seller
typed, or a contact handle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from narcolex.package.respond_content import EU_EFTA, RespondContent
from narcolex.respond.legal import LegalGrounds, grounds_for

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "dsa_tdb_statement.schema.json"
API_DOCUMENTATION = "https://transparency.dsa.ec.europa.eu/page/api-documentation-two"
MAX_BATCH = 100  # "The multiple endpoint is capable of making 100 statements per call."
EEA: tuple[str, ...] = tuple(sorted(c for c in EU_EFTA if c != "CH"))  # the database's list
_PUID = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
_SIGNAL_WORDS = {
    "signal.offer": "an offer", "signal.contact": "contact details (not reproduced here)",
    "signal.platform": "a messaging app", "signal.delivery": "delivery", "signal.price": "a price",
    "signal.quantity": "a quantity", "signal.quality": "quality claims",
    "signal.payment": "payment terms", "signal.menu": "a menu of products",
    "signal.dealer": "dealer words", "signal.discreet": "discreet shipping",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StatementPolicy:
    """What the platform decided and how; the defaults describe the common case: a text post
    removed after narcolex flagged it and a moderator confirmed (partially automated)."""

    decision_visibility: tuple[str, ...] = ("DECISION_VISIBILITY_CONTENT_REMOVED",)
    decision_account: str | None = None
    account_type: str | None = None
    source_type: str = "SOURCE_VOLUNTARY"
    source_identity: str | None = None
    automated_detection: str = "Yes"
    automated_decision: str = "AUTOMATED_DECISION_PARTIALLY"
    content_type: tuple[str, ...] = ("CONTENT_TYPE_TEXT",)
    territorial_scope: tuple[str, ...] = EEA  # a removal applies everywhere
    terms_ground: str = (
        "Terms of service: offering, selling or advertising illegal drugs and other controlled "
        "substances is prohibited."
    )
    terms_url: str | None = None
    puid_prefix: str = "nlx"
    application_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of reasons; field names are the database's, unset fields are omitted."""

    decision_ground: str
    category: str
    content_type: tuple[str, ...]
    territorial_scope: tuple[str, ...]
    content_date: str
    application_date: str
    decision_facts: str
    source_type: str
    automated_detection: str
    automated_decision: str
    puid: str
    decision_visibility: tuple[str, ...] | None = None
    decision_account: str | None = None
    account_type: str | None = None
    decision_ground_reference_url: str | None = None
    illegal_content_legal_ground: str | None = None
    illegal_content_explanation: str | None = None
    incompatible_content_ground: str | None = None
    incompatible_content_explanation: str | None = None
    category_specification: tuple[str, ...] | None = None
    content_language: str | None = None
    source_identity: str | None = None
    finding_id: str | None = field(default=None, compare=False)  # ours; not sent

    def to_dict(self) -> dict[str, Any]:
        """The API payload: JSON-ready, without unset fields or our own bookkeeping."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or f.name == "finding_id":
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


_ROOT_NAMES = {
    "drugs": "unspecified drugs",
    "nps": "new psychoactive substances",
    "mdma": "MDMA",
    "ghb": "GHB",
    "nitrous_oxide": "nitrous oxide",
}


def _label(code: str) -> str:
    """A readable English name of a substance code ("cannabis (herbal)")."""
    if code == "drugs.generic":
        return "unspecified drugs"
    root, _, sub = code.partition(".")
    root = _ROOT_NAMES.get(root, root.replace("_", " "))
    return f"{root} ({sub.replace('_', ' ')})" if sub else root


def _listing(items: Iterable[str]) -> str:
    xs = list(dict.fromkeys(items))
    return ", ".join(xs[:-1]) + " and " + xs[-1] if len(xs) > 1 else (xs[0] if xs else "")


def puid_for(post_id: str | None, finding_index: int, prefix: str = "nlx") -> str:
    """A platform unique identifier: prefix and post id when the id fits the documented
    alphabet, else a hash of it (the identifier must stay unique and stable per post)."""
    pid = post_id if post_id is not None else f"row{finding_index}"
    candidate = f"{prefix}-{pid}"
    if _PUID.match(candidate):
        return candidate
    return f"{prefix}-{hashlib.sha256(pid.encode()).hexdigest()[:40]}"


def _content_date(post: dict[str, Any]) -> str | None:
    raw = post.get("created_at")
    if not raw:
        return None
    try:
        when = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(str(raw)[:10]), dt.time())
        except ValueError:
            return None
    return when.date().isoformat() if when.year >= 2000 else None


def _language(code: str | None) -> str | None:
    return code.upper() if code and len(code) == 2 and code.isalpha() else None


def substance_matches(finding: dict[str, Any]) -> list[dict[str, Any]]:
    """The matches that name a substance (signal words of the lexicon count as signals)."""
    return [
        m
        for m in finding.get("matches", [])
        if any(not d.startswith("signal.") for d in m.get("denotes", []))
    ]


def facts(
    finding: dict[str, Any], grounds: LegalGrounds, policy: StatementPolicy, date_known: bool
) -> str:
    """`decision_facts`: what was found and how the decision was taken, without personal data."""
    terms = _listing(f"“{m['term']}”" for m in substance_matches(finding))
    subs = _listing(_label(s) for s in finding.get("substances", []))
    signals = _listing(_SIGNAL_WORDS.get(s, s) for s in finding.get("signals", []))
    how = {
        "AUTOMATED_DECISION_FULLY": "The decision was taken automatically on that basis.",
        "AUTOMATED_DECISION_PARTIALLY": "A moderator reviewed the automated finding before the "
        "decision.",
        "AUTOMATED_DECISION_NOT_AUTOMATED": "A moderator took the decision.",
    }[policy.automated_decision]
    parts = [
        f"The content was detected by automated means (narcolex, Knowledge Package against drug "
        f"sales online): it contains the term{'s' if ',' in terms or ' and ' in terms else ''} "
        f"{terms or '(none)'}, denoting {subs or 'drugs'}, together with "
        f"{signals or 'no sale signal'}. "
        f"The scanner's verdict was '{finding.get('verdict')}' with a score of "
        f"{float(finding.get('score', 0)):.2f}.",
        how,
    ]
    if not date_known:
        parts.append("The posting date was not available; content_date gives the decision date.")
    return " ".join(parts)[:5000]


def _primary(grounds: LegalGrounds) -> Any:
    """The act relied on: the EU criminal-law instrument when there is one."""
    return next((i for i in grounds.instruments if i.key.startswith("eu-")), grounds.instruments[0])


def _law(grounds: LegalGrounds) -> str:
    eu = [i.short for i in grounds.instruments if i.key.startswith("eu-")]
    un = [i.short for i in grounds.instruments if i.key.startswith("un-")]
    text = (
        f"Offering controlled drugs for sale is drug trafficking under {_listing(eu)}" if eu else ""
    )
    if un:
        text += ("; the substances are" if text else "The substances are") + (
            f" controlled under {_listing(un)}"
        )
    return text + "."


def from_finding(
    finding: dict[str, Any],
    post: dict[str, Any] | None = None,
    policy: StatementPolicy | None = None,
    index: int = 0,
    content: RespondContent | None = None,
) -> Statement:
    """The statement of reasons for one finding (and its post, when known).

    The ground is illegal content when the legal content names an instrument for every
    substance group found, and the platform's terms and conditions otherwise: citing a law
    that does not cover the substance would make the statement wrong, not stronger.
    """
    policy = policy or StatementPolicy()
    post = post or {}
    grounds = grounds_for(finding.get("substances", []), content)
    applied = (policy.application_date or dt.date.today()).isoformat()
    posted = _content_date(post)
    subs = _listing(_label(s) for s in finding.get("substances", [])) or "drugs"
    explanation = (
        f"The post offers {subs} for sale: it names {len(substance_matches(finding))} term(s) "
        f"of the Knowledge Package against drug sales online for {subs}, next to sale signals "
        f"({_listing(_SIGNAL_WORDS.get(s, s) for s in finding.get('signals', [])) or 'none'})."
    )
    common: dict[str, Any] = {
        "category": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "category_specification": ("KEYWORD_PROHIBITED_PRODUCTS",),
        "content_type": policy.content_type,
        "territorial_scope": tuple(policy.territorial_scope),
        "content_date": posted or applied,
        "application_date": applied,
        "decision_facts": facts(finding, grounds, policy, posted is not None),
        "source_type": policy.source_type,
        "source_identity": policy.source_identity
        if policy.source_type != "SOURCE_VOLUNTARY"
        else None,
        "automated_detection": policy.automated_detection,
        "automated_decision": policy.automated_decision,
        "puid": puid_for(finding.get("id"), index, policy.puid_prefix),
        "decision_visibility": policy.decision_visibility or None,
        "decision_account": policy.decision_account,
        "account_type": policy.account_type,
        "content_language": _language(finding.get("lang")),
        "finding_id": finding.get("id"),
    }
    if grounds.complete:
        return Statement(
            decision_ground="DECISION_GROUND_ILLEGAL_CONTENT",
            illegal_content_legal_ground=grounds.summary(500),
            illegal_content_explanation=(explanation + " " + _law(grounds))[:2000],
            decision_ground_reference_url=_primary(grounds).url,
            **common,
        )
    return Statement(
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        incompatible_content_ground=policy.terms_ground[:500],
        incompatible_content_explanation=explanation[:2000],
        decision_ground_reference_url=policy.terms_url,
        **common,
    )


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(payload: dict[str, Any]) -> list[str]:
    """Every way `payload` breaks the documented schema; [] when it is a valid statement."""
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(statement)'}: {e.message}"
        for e in sorted(_validator().iter_errors(payload), key=lambda e: list(e.absolute_path))
    ]
    floor = {"content_date": "2000-01-01", "application_date": "2020-01-01"}
    for key, low in floor.items():
        if isinstance(payload.get(key), str) and payload[key] < low:
            errors.append(f"{key}: must be on or after {low}")
    applied = payload.get("application_date")
    for key in (
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
    ):
        if payload.get(key) and applied and payload[key] < applied:
            errors.append(f"{key}: must be on or after the application date")
    return errors


def batches(
    statements: Iterable[Statement | dict[str, Any]], size: int = MAX_BATCH
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Request bodies for the multiple endpoint: {"statements": [...]} of at most `size`."""
    if not 1 <= size <= MAX_BATCH:
        raise ValueError(f"batch size must be between 1 and {MAX_BATCH}")
    chunk: list[dict[str, Any]] = []
    for s in statements:
        chunk.append(s.to_dict() if isinstance(s, Statement) else s)
        if len(chunk) == size:
            yield {"statements": chunk}
            chunk = []
    if chunk:
        yield {"statements": chunk}
