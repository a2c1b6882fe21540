"""Reading a release bundle (a folder or a zip: one reader for both) and checking its hash.

A platform scans from a bundle without a database, and a second hub rebuilds its knowledge base
from one; both must refuse a damaged or edited bundle before using it, so parsing and the content
check live here, below everything that consumes a bundle.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narcolex.errors import ContentError, InputError
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.package.records import OPTIONAL_FIELDS, SNAPSHOT_FIELDS, content_hash, respond_hash
from narcolex.package.respond_content import FILES as RESPOND_FILES
from narcolex.package.signing import SignatureCheck, check_signature, trusted_keys

REQUIRED = ("manifest.json", "terms.jsonl", "sources.json", "substances.json")
OPTIONAL = ("CHANGELOG.md", "signature.json", *RESPOND_FILES.values())


@dataclass(frozen=True)
class Bundle:
    """The parsed core of a release bundle."""

    path: str
    manifest: dict[str, Any]
    terms: list[dict[str, Any]]
    sources: dict[str, Any]
    substances: dict[str, Any]
    files: dict[str, bytes]

    @property
    def version(self) -> int | None:
        v = self.manifest.get("version")
        return int(v) if isinstance(v, int | str) and str(v).isdigit() else None

    def computed_sha256(self) -> str:
        return content_hash(self.terms, self.sources)

    @property
    def respond(self) -> dict[str, Any] | None:
        """The response content the release was made with (documents by key), when the
        manifest records it (releases made before it was part of them do not)."""
        if "respond_sha256" not in self.manifest:
            return None
        docs = {}
        for key, name in RESPOND_FILES.items():
            if name not in self.files:
                raise ContentError(f"{self.path}: the manifest records {name}, which is missing")
            docs[key] = _json(self.files, name, self.path)
        return docs

    def verify_respond(self) -> str | None:
        """Check the response files against the manifest's respond_sha256 (a signed manifest
        thereby covers them); None for a bundle made before they were part of a release."""
        docs = self.respond
        if docs is None:
            return None
        digest = respond_hash(docs)
        stated = str(self.manifest.get("respond_sha256"))
        if digest != stated:
            raise ContentError(
                f"{self.path}: the response content hashes to {digest[:12]}, not to the "
                f"manifest's respond_sha256 ({stated[:12]}): the bundle is damaged or edited"
            )
        return digest

    def verify(
        self, expect_sha256: str | None = None, trusted: dict[str, Any] | None = None
    ) -> str:
        """The content hash, after checking it against the manifest (and `expect_sha256`)
        and the signature against the trusted keys (`trusted`, else the configured ones)."""
        digest = self.computed_sha256()
        stated = str(self.manifest.get("content_sha256"))
        if digest != stated:
            raise ContentError(
                f"{self.path}: content hash {digest[:12]} does not match the manifest "
                f"({stated[:12]}): the bundle is damaged or edited"
            )
        if expect_sha256 is not None and digest != expect_sha256.strip().lower():
            raise ContentError(
                f"{self.path}: content hash {digest} is not the expected {expect_sha256}"
            )
        self.signature(trusted)
        self.verify_respond()
        return digest

    def signature(self, trusted: dict[str, Any] | None = None) -> SignatureCheck:
        """Check `signature.json` (see package.signing for the policy)."""
        keys = trusted_keys() if trusted is None else trusted
        return check_signature(self.files, self.path, keys)

    def lexicon(self) -> Lexicon:
        """The validated terms as the scanner sees them."""
        labels = {
            e["code"]: dict(e.get("labels") or {})
            for e in self.substances.get("substances", [])
            if isinstance(e, dict) and "code" in e
        }
        terms = tuple(
            LexiconTerm.from_record(r)
            for r in self.terms
            if r.get("status", "validated") == "validated"
        )
        version = str(self.manifest.get("version", "release"))
        return Lexicon(terms=terms, version=version, substance_labels=labels)


def read_files(path: Path | str) -> dict[str, bytes]:
    """The bundle's files by name, from a folder or a zip file."""
    path = Path(path)
    wanted = (*REQUIRED, *OPTIONAL)
    files: dict[str, bytes] = {}
    if path.is_dir():
        for name in wanted:
            if (path / name).is_file():
                files[name] = (path / name).read_bytes()
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                for name in wanted:
                    if name in names:
                        files[name] = zf.read(name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{path}: not a readable zip file: {exc}") from None
    else:
        raise InputError(f"{path}: not a bundle folder or zip file")
    missing = [n for n in REQUIRED if n not in files]
    if missing:
        raise InputError(f"{path}: bundle lacks {', '.join(missing)}")
    return files


def _json(files: dict[str, bytes], name: str, path: str) -> Any:
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: {name}: malformed JSON: {exc}") from None


def read_bundle(path: Path | str) -> Bundle:
    """Parse a bundle; every malformed part is an InputError naming the file (and line)."""
    files = read_files(path)
    where = str(path)
    manifest, sources, subs = (
        _json(files, n, where) for n in ("manifest.json", "sources.json", "substances.json")
    )
    for name, value in (("manifest.json", manifest), ("sources.json", sources),
                        ("substances.json", subs)):  # fmt: skip
        if not isinstance(value, dict):
            raise InputError(f"{where}: {name}: expected a JSON object")
    try:
        text = files["terms.jsonl"].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: terms.jsonl is not UTF-8: {exc}") from None
    terms = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: terms.jsonl line {n}: malformed JSON: {exc.msg}") from None
        if not isinstance(rec, dict):
            raise InputError(f"{where}: terms.jsonl line {n}: not a term record")
        missing = [k for k in SNAPSHOT_FIELDS if k not in rec and k not in OPTIONAL_FIELDS]
        if missing:
            raise InputError(f"{where}: terms.jsonl line {n}: lacks {', '.join(missing)}")
        wrong = [k for k in ("term", "lang", "kind") if not isinstance(rec[k], str)]
        wrong += [] if isinstance(rec.get("id", 0), int) else ["id"]
        wrong += [] if isinstance(rec["denotes"], list) else ["denotes"]
        wrong += [k for k in ("variants", "sources") if not isinstance(rec[k], list | None)]
        if wrong:
            raise InputError(f"{where}: terms.jsonl line {n}: wrong type of {', '.join(wrong)}")
        terms.append(rec)
    return Bundle(where, manifest, terms, sources, subs, files)
