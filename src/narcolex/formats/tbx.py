"""TBX export (ISO 30042 TermBase eXchange, TBX-Basic dialect in the `martif` form that IATE
exports): one concept entry per substance or signal code, the release's terms and variants as
terms of that concept in their language.

Concept orientation mirrors the SKOS export: a terminologist importing the file into a
termbase gets "cannabis (herbal)" as one entry with its names in every language, not thousands
of unrelated strings. Written with the standard library's ElementTree; the tests read it back
with the Translate Toolkit's TBX reader.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from narcolex import taxonomy

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX-Basic termType values: slang and street names are not "fullForm" of anything.
_TERM_TYPE = {"abbreviation": "abbreviation", "brand": "fullForm"}


def _tig(parent: ET.Element, text: str, rec: dict[str, Any], variant: bool) -> None:
    tig = ET.SubElement(parent, "tig")
    ET.SubElement(tig, "term").text = text
    term_type = "variant" if variant else _TERM_TYPE.get(rec.get("kind", ""))
    if term_type:
        ET.SubElement(tig, "termNote", type="termType").text = term_type
    ET.SubElement(tig, "note").text = (
        f"{rec.get('kind', 'term')}; ambiguity {rec.get('ambiguity', 'low')}; "
        f"confidence {rec.get('confidence', 'medium')}"
    )
    if rec.get("sources"):
        ET.SubElement(tig, "admin", type="source").text = "; ".join(rec["sources"])
    if rec.get("id") is not None:
        ET.SubElement(tig, "admin", type="customerSubset").text = f"narcolex term {rec['id']}"


def to_tbx(
    terms: Iterable[dict[str, Any]],
    labels: dict[str, dict[str, str]] | None = None,
    title: str = "Knowledge Package against drug sales online",
    description: str = "",
) -> bytes:
    """TBX-Basic bytes (UTF-8, with XML declaration) for the term records of a release."""
    labels = labels or {}
    by_code: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for rec in terms:
        for code in rec.get("denotes", []):
            by_code[code][rec["lang"]].append(rec)
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "titleStmt"), "title").text = title
    ET.SubElement(ET.SubElement(file_desc, "sourceDesc"), "p").text = description or title
    ET.SubElement(
        ET.SubElement(header, "encodingDesc"), "p", type="XCSURI"
    ).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for code in (*taxonomy.SUBSTANCES, *taxonomy.SIGNALS):
        langs = by_code.get(code)
        if not langs:
            continue
        entry = ET.SubElement(body, "termEntry", id=f"nlx-{code}")
        ET.SubElement(entry, "descrip", type="subjectField").text = (
            "signals of drug sales" if code.startswith("signal.") else "controlled substances"
        )
        ET.SubElement(entry, "note").text = f"narcolex code {code}" + (
            f"; {labels[code]['en']}" if labels.get(code, {}).get("en") else ""
        )
        for lang in sorted(langs):
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            seen: set[str] = set()
            for rec in sorted(langs[lang], key=lambda r: r["term"]):
                for i, text in enumerate([rec["term"], *rec.get("variants", [])]):
                    if text not in seen:
                        seen.add(text)
                        _tig(lang_set, text, rec, variant=i > 0)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
