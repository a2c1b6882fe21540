"""The dev-set evaluation table in one command: `python bench/dev_eval.py [DIR] [--json]`.

Runs the bundled scanner over every labelled JSONL file in DIR (default
../shared/data/dev relative to the repository) and prints, per file, sale precision/recall/F1
and the share of `mention` and `clean` rows flagged `sale`, then the same over all files.
The rows are read from DIR at run time and never copied anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from narcolex.detect import Scanner
from narcolex.detect.evaluate import evaluate
from narcolex.detect.io import read_posts
from narcolex.taxonomy import is_context

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    files = sorted(Path(args.dir).glob("*.jsonl"))
    if not files:
        sys.exit(f"no .jsonl files in {args.dir}")
    scanner = Scanner.default()
    every: list = []
    table = []
    for path in files:
        rows = list(read_posts(str(path), keep_extra=True))
        t = time.perf_counter()
        pairs = list(zip(rows, scanner.scan_many(rows, workers=args.workers), strict=True))
        rate = len(rows) / (time.perf_counter() - t)
        every.extend(pairs)
        table.append((path.name, evaluate(pairs).overall, rate))
    table.append(("ALL", evaluate(every).overall, 0.0))
    if args.json:
        print(json.dumps({name: m.to_dict() for name, m, _ in table}, indent=2))
        return
    context = sum(1 for t in scanner.lexicon.terms if all(is_context(c) for c in t.denotes))
    print(
        f"bundled lexicon: {len(scanner.lexicon) - context} validated terms "
        f"(and {context} context words)\n"
    )
    head = f"{'file':<24} {'rows':>6} {'sale P':>7} {'sale R':>7} {'sale F1':>7} "
    print(head + f"{'mention→sale':>13} {'clean→sale':>11} {'posts/s':>8}")
    for name, m, rate in table:
        sale = m.per_verdict["sale"]
        prf = (
            f"{sale['precision']:>7.3f} {sale['recall']:>7.3f} {sale['f1']:>7.3f}"
            if sale["support"]
            else f"{'-':>7} {'-':>7} {'-':>7}"
        )
        ms = m.sale_rate.get("mention")
        cs = m.sale_rate.get("clean")
        print(
            f"{name:<24} {m.n:>6} {prf} {('-' if ms is None else f'{ms:.2%}'):>13} "
            f"{('-' if cs is None else f'{cs:.2%}'):>11} {(f'{rate:.0f}' if rate else ''):>8}"
        )


if __name__ == "__main__":
    main()
