"""Re-file a content folder's sources into sources/<language>.yaml and sources/en-<kind>.yaml.

Helpers add sources in batch files (`_sources_<batch>.yaml`) so that parallel edits do not
collide; this puts them where a curator looks for them (issue 18) and removes the batch files.
Entries are written in a fixed field order, sorted by id, so that re-filing twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from narcolex.package.content import (
    SOURCES_DIR,
    SourceEntry,
    load_content,
    source_file_for,
    source_paths,
)

_FIELDS = ("id", "title", "publisher", "year", "url", "lang", "kind")


def _header(rel: str) -> str:
    stem = Path(rel).stem
    if stem.startswith("en-"):
        what = f"English-language sources of kind {stem.removeprefix('en-')}"
    else:
        what = f"sources whose document language is {stem!r}"
    return (
        f"# Cited {what}. Each term names sources by id (optionally id#locator).\n"
        "# Filed by `python -m narcolex.package.refile`; add new ones to a batch file\n"
        "# (_sources_<name>.yaml) or directly here.\n"
    )


def _record(src: SourceEntry) -> dict:
    data = src.model_dump()
    return {k: data[k] for k in _FIELDS if data.get(k) is not None}


def refile_sources(root: Path | str) -> dict[str, int]:
    """Rewrite every source of `root` into its file; return the number of sources per file.

    The folder is validated first (a broken folder is never rewritten) and again afterwards.
    """
    root = Path(root)
    content = load_content(root)
    old = source_paths(root)
    by_file: dict[str, list[SourceEntry]] = defaultdict(list)
    for src in content.sources.values():
        by_file[source_file_for(src.lang, src.kind)].append(src)
    (root / SOURCES_DIR).mkdir(exist_ok=True)
    for path in old:
        path.unlink()
    for rel, items in sorted(by_file.items()):
        body = yaml.safe_dump(
            {"sources": [_record(s) for s in sorted(items, key=lambda s: s.id)]},
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
        (root / rel).write_text(_header(rel) + body, encoding="utf-8")
    after = load_content(root)
    assert after.sources == content.sources, "re-filing changed the sources"
    return {rel: len(items) for rel, items in sorted(by_file.items())}


def main() -> None:  # pragma: no cover - maintainer helper
    """`python -m narcolex.package.refile [DIR]`: re-file the bundled (or given) folder."""
    import sys

    from narcolex.package.content import bundled_root

    counts = refile_sources(sys.argv[1] if len(sys.argv) > 1 else bundled_root())
    for rel, n in counts.items():
        print(f"{rel}: {n}")


if __name__ == "__main__":  # pragma: no cover
    main()
