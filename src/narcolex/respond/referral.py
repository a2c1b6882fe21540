"""Referral reports for law enforcement: one row per offer, with the post's id replaced by a
keyed hash and the post's text left out unless asked for.

Privacy controls (the same as for sightings, ARCHITECTURE §4): the post id becomes
`post_key` = HMAC-SHA256(id) under a deployment secret (NARCOLEX_POST_KEY_SECRET), so reports
from one deployment can be joined with each other and with the platform's records by whoever
holds the secret, and by nobody else; text and URL are opt-in; only `sale` findings above a
score go in by default. Contact handles are included because finding the seller is the point of
a referral; `handles=False` drops them for reports that go wider.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from narcolex.errors import InputError

ENV_SECRET = "NARCOLEX_POST_KEY_SECRET"
MIN_SECRET_BYTES = 16
COLUMNS = (
    "post_key", "platform", "created_at", "country", "lang", "verdict", "score", "substances",
    "signals", "quantity", "unit", "price", "currency", "contact_handles", "url", "text",
)  # fmt: skip

_NUM = r"(\d+(?:[.,]\d+)?)"
_QTY = re.compile(_NUM + r"\s*(kg|mg|g|gr|ml|l|oz|pcs|pills?|tabs?|st|stk)\b", re.IGNORECASE)
_CURRENCIES = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "kr": "SEK",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "zł": "PLN",
    "zl": "PLN",
    "pln": "PLN",
    "chf": "CHF",
    "czk": "CZK",
    "kč": "CZK",
    "ft": "HUF",
    "huf": "HUF",
    "lei": "RON",
    "ron": "RON",
}
_CUR = "|".join(sorted((re.escape(c) for c in _CURRENCIES), key=len, reverse=True))
_PRICE = re.compile(rf"(?:({_CUR})\s*{_NUM}|{_NUM}\s*({_CUR}))(?![a-z])", re.IGNORECASE)


def secret_from_env(env: dict[str, str] | None = None) -> bytes:
    """The deployment secret; a referral report is refused without one."""
    raw = (env if env is not None else os.environ).get(ENV_SECRET, "")
    if len(raw.encode()) < MIN_SECRET_BYTES:
        raise InputError(
            f"set {ENV_SECRET} to a secret of at least {MIN_SECRET_BYTES} bytes: referral "
            "reports carry keyed hashes of post ids, never the ids themselves"
        )
    return raw.encode()


def post_key(post_id: str, secret: bytes) -> str:
    """HMAC-SHA256 of the post id under the deployment secret, hex."""
    return hmac.new(secret, post_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _number(s: str) -> float:
    return float(s.replace(",", "."))


def offer_fields(surfaces: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The first quantity and price among (signal code, surface) pairs."""
    out: dict[str, Any] = {"quantity": None, "unit": None, "price": None, "currency": None}
    for code, surface in surfaces:
        if code == "signal.quantity" and out["quantity"] is None and (m := _QTY.search(surface)):
            out["quantity"], out["unit"] = _number(m.group(1)), m.group(2).lower()
        elif code == "signal.price" and out["price"] is None and (m := _PRICE.search(surface)):
            cur = (m.group(1) or m.group(4)).lower()
            out["price"], out["currency"] = _number(m.group(2) or m.group(3)), _CURRENCIES[cur]
    return out


@dataclass(frozen=True, slots=True)
class ReferralRow:
    post_key: str
    platform: str | None
    created_at: str | None
    country: str | None
    lang: str | None
    verdict: str
    score: float
    substances: tuple[str, ...]
    signals: tuple[str, ...]
    quantity: float | None
    unit: str | None
    price: float | None
    currency: str | None
    contact_handles: tuple[str, ...]
    url: str | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {c: (list(v) if isinstance(v := getattr(self, c), tuple) else v) for c in COLUMNS}


def rows(
    pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    secret: bytes,
    *,
    min_score: float = 0.0,
    include_text: bool = False,
    include_url: bool = False,
    handles: bool = True,
) -> Iterator[ReferralRow]:
    """Referral rows for (finding, post) pairs (see `inputs.pair`), privacy controls applied."""
    from narcolex.detect.signals import find_signals

    for finding, post in pairs:
        if finding.get("id") is None or float(finding.get("score", 0)) < min_score:
            continue
        text = post.get("text") or ""
        found = [(s.code, s.surface) for s in find_signals(text)] if text else []
        yield ReferralRow(
            post_key=post_key(str(finding["id"]), secret),
            platform=post.get("platform"),
            created_at=post.get("created_at"),
            country=post.get("country"),
            lang=finding.get("lang"),
            verdict=finding["verdict"],
            score=float(finding.get("score", 0)),
            substances=tuple(finding.get("substances", [])),
            signals=tuple(finding.get("signals", [])),
            contact_handles=tuple(dict.fromkeys(s for c, s in found if c == "signal.contact"))
            if handles
            else (),
            url=post.get("url") if include_url else None,
            text=text if include_text and text else None,
            **offer_fields(found),
        )


def to_csv(items: Iterable[ReferralRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in items:
        d = r.to_dict()
        w.writerow(
            [
                ";".join(v) if isinstance(v, list) else ("" if v is None else v)
                for v in (d[c] for c in COLUMNS)
            ]
        )
    return buf.getvalue()


def to_jsonl(items: Iterable[ReferralRow]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in items)
