"""Which encoding a contributor's or a platform's text file is in, without ever mixing two.

Office software writes UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252. A file
is read as exactly one of them: UTF-8 when all of it is valid UTF-8; UTF-16 when it starts
with a UTF-16 BOM; Windows-1252 only when all of it is valid Windows-1252 and it is not
UTF-8 with a few bad bytes (then decoding it as Windows-1252 would store "snÃ¶flinga"). Any
other file is refused with the line of its first bad byte.
"""

from __future__ import annotations

import codecs
import re

from narcolex.errors import InputError

# A well-formed multi-byte UTF-8 sequence: its presence next to invalid bytes means "UTF-8
# with damage", not Windows-1252 (where such pairs are rare letter combinations like "Ã¶").
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def bom_encoding(head: bytes) -> str | None:
    """The encoding named by a byte-order mark at the start of `head`, if any."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _no_bom(name: str) -> InputError:
    return InputError(
        f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8 "
        "(or UTF-16 with BOM)"
    )


def detect(data: bytes, name: str) -> str:
    """The one encoding `data` is read with (see the module docstring), or InputError."""
    bom = bom_encoding(data[:4])
    if bom is not None:
        try:
            data.decode(bom)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: starts with a {bom} mark but is not {bom}: {exc.reason}"
            ) from None
        return bom
    if data[:200].count(b"\x00") > 10:
        raise _no_bom(name)
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    if not _UTF8_MULTIBYTE.search(data):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    raise InputError(
        f"{name}: line {_line_of(data, bad)}: byte 0x{data[bad]:02x} is not valid UTF-8, and "
        "the file is not wholly Windows-1252 either; save it as UTF-8 and submit again"
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of `data` and the encoding it was read with."""
    encoding = detect(data, name)
    text = data.decode(encoding)
    return text, encoding


def detect_file(path: str, name: str, chunk: int = 1 << 20) -> str:
    """`detect` for a file that may be too large to hold in memory: the same rules, read in
    chunks (one pass when the file is UTF-8, which is the usual case)."""
    with open(path, "rb") as fh:
        head = fh.read(200)
        bom = bom_encoding(head)
        if bom is not None:
            return bom
        if head.count(b"\x00") > 10:
            raise _no_bom(name)
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset, bad = 0, None
        for block in iter(lambda: fh.read(chunk), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                bad = offset + max(exc.start, 0)
                break
            offset += len(block)
        if bad is None:
            try:
                decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                bad = offset
        fh.seek(0)
        cp1252 = True
        newlines = 0
        for n, block in enumerate(iter(lambda: fh.read(chunk), b"")):
            if n * chunk <= bad:
                newlines += block.count(b"\n", 0, max(0, bad - n * chunk))
            if cp1252 and _UTF8_MULTIBYTE.search(block):
                cp1252 = False
            if cp1252:
                try:
                    block.decode("cp1252")
                except UnicodeDecodeError:
                    cp1252 = False
        if cp1252:
            return "cp1252"
    raise InputError(
        f"{name}: line {newlines + 1}: byte at offset {bad} is not valid UTF-8, and the file "
        "is not wholly Windows-1252 either; save it as UTF-8"
    )
