"""The social-media evaluation table in one command: `python bench/social_eval.py [FILE ...]`.

Scans each labelled JSONL file (default bench/data/social_quotes.jsonl: posts quoted verbatim
in press, police, court, agency and research pages, see bench/data/README.md) with the bundled
scanner, always *without* the row's language (a platform does not know it either), and prints
per language: rows, offers, sale precision/recall/F1 and the shares of `mention` and `clean`
rows flagged `sale` (`--full`: the whole report of `narcolex eval`, with genres as subsets).
`--errors` lists the rows whose verdict differs from the label, with the explanation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from narcolex.detect import Scanner
from narcolex.detect.evaluate import EvalReport, evaluate, format_report
from narcolex.detect.io import read_posts

DEFAULT = Path(__file__).resolve().parent / "data" / "social_quotes.jsonl"


def _num(value: float | None) -> str:
    """A metric, or n/a where it is undefined (no offer, nothing called an offer)."""
    return "n/a" if value is None else f"{value:.3f}"


def table(report: EvalReport) -> str:
    """Per language: rows, offers, sale precision/recall/F1, mention→sale, clean→sale."""
    head = f"{'lang':<6} {'rows':>5} {'offers':>6} {'sale P':>7} {'sale R':>7} {'sale F1':>7} "
    lines = [head + f"{'mention→sale':>13} {'clean→sale':>11}"]
    for name, m in [*sorted(report.by_lang.items()), ("ALL", report.overall)]:
        sale = m.per_verdict["sale"]
        ms, cs = m.sale_rate.get("mention"), m.sale_rate.get("clean")
        lines.append(
            f"{name:<6} {m.n:>5} {sale['support']:>6} {_num(sale['precision']):>7} "
            f"{_num(sale['recall']):>7} {_num(sale['f1']):>7} "
            f"{('-' if ms is None else f'{ms:.2%}'):>13} {('-' if cs is None else f'{cs:.2%}'):>11}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=[str(DEFAULT)])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list the rows scored wrong")
    ap.add_argument("--full", action="store_true", help="the full report of `narcolex eval`")
    args = ap.parse_args()
    rows: list[dict] = []
    for f in args.files:
        rows.extend(read_posts(f, keep_extra=True))
    if not rows:
        sys.exit("no rows")
    scanner = Scanner.default()
    pairs = []
    for row in rows:
        finding = scanner.scan(row["text"], id=row.get("id"))  # the language is not given
        pairs.append(({**row, "subset": row.get("genre")}, finding))
    report = evaluate(pairs)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        return
    if args.full:
        print(format_report(report, max_langs=40))
    else:
        print(table(report))
    o = report.overall
    print(
        f"\nsale F1 {o.per_verdict['sale']['f1']:.3f}; "
        f"mention→sale {o.sale_rate.get('mention', 0.0):.2%}; "
        f"clean→sale {o.sale_rate.get('clean', 0.0):.2%}"
    )
    if args.errors:
        print("\nrows scored wrong (label -> verdict):")
        for row, f in pairs:
            if row["label"] != f.verdict:
                print(f"- {row.get('id')} {row['label']}->{f.verdict}: {row['text'][:160]!r}")
                print(f"    {f.explanation[:400]}")


if __name__ == "__main__":
    main()
