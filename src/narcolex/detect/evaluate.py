"""Precision, recall and F1 of the scanner on a labelled file (ARCHITECTURE §8).

Anyone can test the scanner on their own data: rows carry `label` (sale|mention|clean) and
optionally `lang` and `subset`; the report breaks results down by each, plus the confusion
matrix and, per true label, the share of rows flagged `sale` (the false-alarm rate operators
care about most).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from narcolex.detect.finding import VERDICTS, Finding
from narcolex.errors import InputError


@dataclass(frozen=True)
class Metrics:
    """Per-verdict precision/recall/F1 and support, for one slice of the rows."""

    n: int
    per_verdict: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]
    sale_rate: dict[str, float]  # true label -> share predicted `sale`

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "per_verdict": self.per_verdict,
            "confusion": self.confusion,
            "sale_rate": self.sale_rate,
        }


@dataclass(frozen=True)
class EvalReport:
    overall: Metrics
    by_lang: dict[str, Metrics] = field(default_factory=dict)
    by_subset: dict[str, Metrics] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_lang": {k: v.to_dict() for k, v in self.by_lang.items()},
            "by_subset": {k: v.to_dict() for k, v in self.by_subset.items()},
        }


def _metrics(pairs: list[tuple[str, str]]) -> Metrics:
    conf: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, pred in pairs:
        conf[gold][pred] += 1
    per: dict[str, dict[str, float]] = {}
    for v in VERDICTS:
        tp = conf[v][v]
        predicted = sum(conf[g][v] for g in conf)
        support = sum(conf[v].values())
        # Undefined, not zero: precision with nothing predicted, recall with no such label.
        p = tp / predicted if predicted else None
        r = tp / support if support else None
        f1 = None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
        per[v] = {"precision": _round(p), "recall": _round(r), "f1": _round(f1),
                  "support": support}  # fmt: skip
    sale_rate = {g: round(conf[g]["sale"] / sum(conf[g].values()), 4) for g in VERDICTS if conf[g]}
    matrix = {g: {p: conf[g][p] for p in VERDICTS} for g in VERDICTS if conf[g]}
    return Metrics(len(pairs), per, matrix, sale_rate)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _num(value: float | None, width: int) -> str:
    """A metric for the text report: three decimals, or "n/a" where it is undefined."""
    return f"{'n/a' if value is None else format(value, '.3f'):<{width}}"


def evaluate(rows: Iterable[tuple[dict[str, Any], Finding]]) -> EvalReport:
    """Compare each row's `label` with the finding's verdict."""
    allp: list[tuple[str, str]] = []
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_subset: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for n, (row, finding) in enumerate(rows, start=1):
        label = row.get("label")
        if label not in VERDICTS:
            raise InputError(
                f"row {n} ({row.get('id')}): label {label!r} is not sale|mention|clean"
            )
        pair = (label, finding.verdict)
        allp.append(pair)
        by_lang[row.get("lang") or finding.lang or "und"].append(pair)
        if row.get("subset"):
            by_subset[str(row["subset"])].append(pair)
    if not allp:
        raise InputError("no labelled rows to evaluate")
    return EvalReport(
        _metrics(allp),
        {k: _metrics(v) for k, v in sorted(by_lang.items())},
        {k: _metrics(v) for k, v in sorted(by_subset.items())},
    )


def format_report(report: EvalReport, max_langs: int = 30) -> str:
    """Plain-text tables (no colour) so the output can be pasted into README files."""
    o = report.overall
    lines = [f"rows: {o.n}", "", "verdict   precision  recall  f1      support"]
    for v, m in o.per_verdict.items():
        lines.append(
            f"{v:<9} {_num(m['precision'], 10)} {_num(m['recall'], 7)} {_num(m['f1'], 7)} "
            f"{m['support']}"
        )
    lines += ["", "confusion (rows = label, columns = verdict)", "          sale    mention clean"]
    for g, row in o.confusion.items():
        lines.append(f"{g:<9} " + " ".join(f"{row[p]:<7}" for p in VERDICTS))
    lines += ["", "share flagged sale by label: "
              + ", ".join(f"{g} {r:.2%}" for g, r in o.sale_rate.items())]  # fmt: skip
    for title, group in (("subset", report.by_subset), ("lang", report.by_lang)):
        if not group:
            continue
        lines += [
            "",
            f"by {title:<22} n      sale P  sale R  sale F1 mention F1 clean F1 flagged-sale",
        ]
        items = sorted(group.items(), key=lambda kv: -kv[1].n)[:max_langs]
        for k, m in items:
            pv = m.per_verdict
            flagged = sum(m.confusion.get(g, {}).get("sale", 0) for g in m.confusion) / m.n
            lines.append(
                f"{k:<25} {m.n:<6} {_num(pv['sale']['precision'], 7)} "
                f"{_num(pv['sale']['recall'], 7)} {_num(pv['sale']['f1'], 7)} "
                f"{_num(pv['mention']['f1'], 10)} {_num(pv['clean']['f1'], 8)} {flagged:.2%}"
            )
    return "\n".join(lines)
