"""The README's detection examples, regenerated: `python bench/readme_examples.py [README]`.

Each example in the README section "Detection on social-media posts" is a bullet
``- **<mechanism>**: `<post>` `` followed by a ```text block holding what `Scanner.default()`
says of the post. This rewrites those blocks with the scanner's current explanation, so the
examples stay real output; `--check` only reports the ones that differ (exit 1). An example
whose bullet says it needs its own lexicon ("(a term ...") is left as it is.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from narcolex.detect import Scanner

SECTION = "## Detection on social-media posts"
_BULLET = re.compile(r"^- \*\*(?P<name>.+?)\*\*.*?: `(?P<post>[^`]+)`")


def regenerate(readme: str, scanner: Scanner) -> tuple[str, list[str]]:
    """(the README with every example block rewritten, the names of those that changed)."""
    lines = readme.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(SECTION))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    changed: list[str] = []
    i = start
    while i < end:
        m = _BULLET.match(lines[i])
        opens = i + 1 < end and lines[i + 1].strip() == "```text"
        if m is None or not opens or "(a term" in lines[i]:
            i += 1
            continue
        close = next(j for j in range(i + 2, end) if lines[j].strip() == "```")
        indent = lines[i + 1][: len(lines[i + 1]) - len(lines[i + 1].lstrip())]
        new = [indent + scanner.scan(m.group("post")).explanation]
        if lines[i + 2 : close] != new:
            changed.append(m.group("name"))
            lines[i + 2 : close] = new
            end += len(new) - (close - i - 2)
        i += 3
    return "\n".join(lines), changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("readme", nargs="?", default=str(Path(__file__).parents[1] / "README.md"))
    ap.add_argument("--check", action="store_true", help="report differences, write nothing")
    args = ap.parse_args()
    path = Path(args.readme)
    text, changed = regenerate(path.read_text(encoding="utf-8"), Scanner.default())
    for name in changed:
        print(f"{'differs' if args.check else 'rewritten'}: {name}")
    if args.check:
        sys.exit(1 if changed else 0)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
