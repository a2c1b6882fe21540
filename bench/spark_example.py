"""The README's Spark example in one command: `python bench/spark_example.py [--master M]`.

Writes examples/posts.jsonl as Parquet, runs `narcolex spark-scan` on it in local mode (the
same command a cluster runs under spark-submit), prints the findings and checks that they
equal `Scanner.scan`'s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.json as pj
import pyarrow.parquet as pq

from narcolex.detect import Scanner

POSTS = Path(__file__).resolve().parents[1] / "examples" / "posts.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "posts.parquet", Path(tmp) / "findings"
        table = pj.read_json(POSTS).select(["id", "text", "lang"])
        pq.write_table(table, src)
        cmd = ["narcolex", "spark-scan", str(src), str(out), "--master", args.master]
        print("$ " + " ".join(cmd[:2]) + " posts.parquet findings --master " + args.master)
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        rows = sorted(pq.read_table(out).to_pylist(), key=lambda r: int(r["id"]))
    print(f"{'id':>3} {'verdict':<8} {'score':>6} {'lang':<5} substances")
    for r in rows:
        print(f"{r['id']:>3} {r['verdict']:<8} {r['score']:>6.3f} {r['lang'] or '-':<5} "
              f"{', '.join(r['substances'])}")  # fmt: skip
    scanner = Scanner.default()
    want = [scanner.scan_item(p).to_dict() for p in table.to_pylist()]
    same = rows == sorted(want, key=lambda r: int(r["id"]))
    print(f"identical to Scanner.scan: {same}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
