"""Checks on an uploaded contributor file before any parser or database sees it.

A spreadsheet upload is untrusted input from the network: a file that is not what its name
says, an XLSX whose zip would expand to gigabytes, a binary blob named .csv, or a CSV in an
encoding we would misread must each get a clear 4xx and change nothing. CSV text is decoded
strictly here (UTF-8, BOM-marked UTF-16, or cp1252 only when every byte is defined there and
the result has no control characters) and handed on as UTF-8, so the reader cannot guess
differently from what was checked.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from narcolex.api.problems import ApiProblem
from narcolex.api.settings import ApiSettings

SPREADSHEET = (".xlsx", ".xlsm")
TEXT = (".csv", ".tsv", ".txt")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
MAX_ZIP_ENTRIES = 2000


def safe_name(filename: str | None) -> str:
    """The base name of an uploaded file, reduced to harmless characters."""
    base = PurePath((filename or "upload").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "upload"
    return cleaned[:120]


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV upload and the encoding it was read with; 415 when unsure."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data)]
    elif data[:400].count(b"\x00") > 20:  # UTF-16 without a BOM: every other byte is NUL
        candidates = [("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", data)]
    else:
        if _CONTROL.search(data[:65536].decode("latin-1")):
            raise ApiProblem(
                415,
                "the file contains control bytes: it is binary, not a CSV text file",
                "unsupported-media-type",
            )
        candidates = [("utf-8", data)]
        if not _CP1252_UNDEFINED & set(data):
            candidates.append(("cp1252", data))
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise ApiProblem(
                415,
                "the file contains control characters: it is binary, not a CSV text file",
                "unsupported-media-type",
            )
        return text, encoding
    raise ApiProblem(
        415,
        "cannot tell the file's encoding: save the CSV as UTF-8 (in Excel: 'CSV UTF-8')",
        "unsupported-encoding",
    )


def check_xlsx(data: bytes, settings: ApiSettings) -> None:
    """A workbook must be a zip whose contents stay within the unzipped-size cap."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ApiProblem(415, "not an XLSX workbook (the file is not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ApiProblem(415, f"not a readable XLSX workbook: {exc}") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ApiProblem(413, f"the workbook holds {len(infos)} parts (at most {MAX_ZIP_ENTRIES})")
    total = sum(i.file_size for i in infos)
    if total > settings.max_unzipped_bytes:
        raise ApiProblem(
            413,
            f"the workbook would expand to {total} bytes (at most {settings.max_unzipped_bytes});"
            " split it into smaller files",
            "payload-too-large",
        )
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise ApiProblem(415, "not an XLSX workbook (no xl/workbook.xml inside the zip)")


def prepare(data: bytes, filename: str | None, settings: ApiSettings) -> tuple[str, bytes]:
    """(safe file name, bytes to store) for an upload, or a 4xx ApiProblem."""
    name = safe_name(filename)
    suffix = PurePath(name).suffix.lower()
    if len(data) > settings.max_upload_bytes:
        raise ApiProblem(413, f"the file exceeds {settings.max_upload_bytes} bytes")
    if not data:
        raise ApiProblem(422, "the file is empty")
    if suffix in SPREADSHEET:
        check_xlsx(data, settings)
        return name, data
    if suffix in TEXT:
        text, _encoding = decode_text(data)
        return name, text.encode("utf-8")
    raise ApiProblem(415, f"{name}: upload a .csv, .tsv or .xlsx file", "unsupported-media-type")
