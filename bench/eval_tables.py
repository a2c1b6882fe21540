"""The evaluation tables of the README in one command: `python bench/eval_tables.py`.

The development set (bench/dev_eval.py, read from ../shared/data/dev at run time), the
social-media quotes (bench/social_eval.py, bench/data/social_quotes.jsonl) and the legal-goods
listings (bench/legal_goods_eval.py, bench/data/legal_goods.jsonl), per file and per language.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    for script in ("dev_eval.py", "social_eval.py", "legal_goods_eval.py"):
        print(
            f"$ python bench/{script} {' '.join(sys.argv[1:2]) if script == 'dev_eval.py' else ''}"
        )
        extra = sys.argv[1:2] if script == "dev_eval.py" else []
        subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
        print()


if __name__ == "__main__":
    main()
