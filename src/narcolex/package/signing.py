"""Ed25519 signatures on release bundles.

The content hash proves that a bundle is intact, not who made it: anyone can edit terms and
recompute the hash. A signature by the publishing hub's key, checked against public keys the
recipient trusts, proves both. Keys are files: the private key (PKCS#8 PEM) stays with the hub
(NARCOLEX_SIGNING_KEY); recipients list trusted public keys (NARCOLEX_TRUSTED_KEYS: files or
folders of *.pub, or the `trusted_keys` folder in narcolex's configuration directory).

`signature.json` signs the SHA-256 of every core file of the bundle, so neither the terms nor
the manifest (version, hash) can change without breaking it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from platformdirs import user_config_dir

from narcolex.errors import ConfigError, ContentError

ENV_SIGNING_KEY = "NARCOLEX_SIGNING_KEY"
ENV_TRUSTED_KEYS = "NARCOLEX_TRUSTED_KEYS"
SIGNED_FILES = ("manifest.json", "terms.jsonl", "sources.json", "substances.json")
ALGORITHM = "ed25519"


def default_trusted_dir() -> Path:
    return Path(user_config_dir("narcolex", appauthor=False)) / "trusted_keys"


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_keypair(private_path: Path | str) -> tuple[Path, Path, str]:
    """Write a new private key (mode 0600) and its public key (`.pub`); return both paths
    and the key id. Never overwrites a key."""
    private_path = Path(private_path)
    public_path = private_path.with_suffix(".pub")
    for p in (private_path, public_path):
        if p.exists():
            raise ConfigError(f"{p} already exists; keys are never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path, key_id(key.public_key())


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read the signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the public key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path} is not an Ed25519 public key")
    return key


def configured_signing_key() -> Path | None:
    raw = os.environ.get(ENV_SIGNING_KEY)
    return Path(raw).expanduser() if raw else None


def trusted_keys(paths: Iterable[Path | str] | None = None) -> dict[str, Ed25519PublicKey]:
    """The trusted public keys by key id: `paths` (files or folders), else the configured
    ones (NARCOLEX_TRUSTED_KEYS, else the default folder when it exists)."""
    if paths is None:
        raw = os.environ.get(ENV_TRUSTED_KEYS)
        paths = [p for p in raw.split(os.pathsep) if p] if raw else [default_trusted_dir()]
        if not raw and not default_trusted_dir().is_dir():
            return {}
    keys: dict[str, Ed25519PublicKey] = {}
    for entry in paths:
        p = Path(entry).expanduser()
        if p.is_dir():
            files = sorted([*p.glob("*.pub"), *p.glob("*.pem")])
        elif p.is_file():
            files = [p]
        else:
            raise ConfigError(f"trusted key {p} does not exist")
        for f in files:
            key = load_public_key(f)
            keys[key_id(key)] = key
    return keys


def _message(files: Mapping[str, str], kid: str) -> bytes:
    doc = {"algorithm": ALGORITHM, "key_id": kid, "files": dict(sorted(files.items()))}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _digests(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(files[name]).hexdigest() for name in SIGNED_FILES}


def sign_files(files: Mapping[str, bytes], key: Ed25519PrivateKey) -> bytes:
    """The content of `signature.json` for a bundle's files."""
    kid = key_id(key.public_key())
    digests = _digests(files)
    signature = key.sign(_message(digests, kid))
    doc = {
        "algorithm": ALGORITHM,
        "key_id": kid,
        "files": digests,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class SignatureCheck:
    """What the signature check found: `verified` with a trusted key id, or not signed."""

    verified: bool
    key_id: str | None
    note: str


def check_signature(
    files: Mapping[str, bytes], where: str, trusted: Mapping[str, Ed25519PublicKey]
) -> SignatureCheck:
    """Verify `signature.json` against the trusted keys.

    With trusted keys configured a bundle must carry a valid signature by one of them; with
    none configured an unsigned (or unverifiable) bundle passes on its content hash alone and
    the note says so.
    """
    raw = files.get("signature.json")
    if raw is None:
        if trusted:
            raise ContentError(
                f"{where}: the bundle is not signed, and trusted keys are configured: "
                "refusing it (ask the publisher for a signed bundle)"
            )
        return SignatureCheck(False, None, "not signed (no trusted keys configured)")
    try:
        doc = json.loads(raw.decode("utf-8"))
        kid = str(doc["key_id"])
        stated = {str(k): str(v) for k, v in dict(doc["files"]).items()}
        signature = base64.b64decode(str(doc["signature"]), validate=True)
        if doc.get("algorithm") != ALGORITHM:
            raise ValueError(f"algorithm {doc.get('algorithm')!r}")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ContentError(f"{where}: signature.json is malformed: {exc}") from None
    if not trusted:
        return SignatureCheck(
            False, kid, f"signed by key {kid}, not checked (no trusted keys configured)"
        )
    key = trusted.get(kid)
    if key is None:
        raise ContentError(
            f"{where}: signed by key {kid}, which is not among the trusted keys "
            f"({', '.join(sorted(trusted))})"
        )
    actual = _digests(files)
    changed = [n for n in SIGNED_FILES if stated.get(n) != actual[n]]
    try:
        key.verify(signature, _message(stated, kid))
    except InvalidSignature:
        raise ContentError(f"{where}: the signature by key {kid} is not valid") from None
    if changed:
        raise ContentError(
            f"{where}: {', '.join(changed)} changed after signing by key {kid}: "
            "the bundle was edited"
        )
    return SignatureCheck(True, kid, f"signature by trusted key {kid} verified")
