"""TBX export: read back with the Translate Toolkit's TBX reader, every term of every language
is found under its concept."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from translate.misc.xml_helpers import getXMLlang
from translate.storage import tbx

from narcolex.formats.tbx import to_tbx
from narcolex.package.content import load_content


def test_tbx_round_trips_through_translate_toolkit():
    recs = [
        {**t.entry.model_dump(), "lang": t.lang, "id": i}
        for i, t in enumerate(load_content().terms)
        if t.lang in ("de", "sv", "el", "und")  # Latin, Greek and language-free entries
    ]
    data = to_tbx(recs, title="test release")
    root = ET.fromstring(data)
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    store = tbx.tbxfile.parsestring(data)
    parsed: dict[tuple[str, str], set[str]] = {}
    for unit in store.units:
        code = unit.getid().removeprefix("nlx-")
        for node in unit.getlanguageNodes():
            lang = getXMLlang(node)
            parsed[(code, lang)] = {t.text for t in unit.get_target_terms(lang)}
    expected: dict[tuple[str, str], set[str]] = {}
    for r in recs:
        for code in r["denotes"]:
            if code.startswith("context."):  # context words are no concept of the termbase
                continue
            expected.setdefault((code, r["lang"]), set()).update([r["term"], *r["variants"]])
    assert parsed == expected
    assert len(store.units) == len({code for code, _ in expected})
