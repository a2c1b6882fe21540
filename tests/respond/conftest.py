"""Shared inputs for the response tests: findings of the example posts, scanned once."""

from __future__ import annotations

from pathlib import Path

import pytest

from narcolex.detect.engine import Scanner
from narcolex.detect.io import read_posts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return Scanner.default()


@pytest.fixture(scope="session")
def example_posts() -> dict[str, dict]:
    return {p["id"]: p for p in read_posts(str(EXAMPLES / "posts.jsonl"), keep_extra=True)}


@pytest.fixture(scope="session")
def example_findings(scanner: Scanner, example_posts: dict[str, dict]) -> list[dict]:
    return [
        scanner.scan(p["text"], lang=p.get("lang")).with_id(i).to_dict()
        for i, p in example_posts.items()
    ]
