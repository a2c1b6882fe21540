"""The social-media evaluation table in one command: `python bench/social_eval.py [FILE ...]`.

Scans each labelled JSONL file (default bench/data/social_quotes.jsonl: posts quoted verbatim
in press, police, court, agency and research pages, see bench/data/README.md) with the bundled
scanner, always *without* the row's language (a platform does not know it either), and prints
the evaluation table of narcolex.detect.evaluate overall, per genre (as `subset`) and per
language, plus the two numbers the targets are set on: sale F1 and the share of `mention` rows
flagged `sale`. `--errors` lists the rows whose verdict differs from the label.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from narcolex.detect import Scanner
from narcolex.detect.evaluate import evaluate, format_report
from narcolex.detect.io import read_posts

DEFAULT = Path(__file__).resolve().parent / "data" / "social_quotes.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=[str(DEFAULT)])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list the rows scored wrong")
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
    print(format_report(report, max_langs=40))
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
