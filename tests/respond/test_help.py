"""Help resources and search interventions: every resource is sourced and dated, every EU and
EFTA country is either covered or listed as a gap, and answers come in the reader's language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from narcolex.errors import ContentError, InputError
from narcolex.package import respond_content as rc
from narcolex.respond.help import intervention, intervention_map, resources


def test_every_help_resource_has_a_source_and_a_check_date():
    content = rc.bundled()
    sources = {s.id: s for s in content.help.sources}
    assert content.help.resources
    for r in content.help.resources:
        assert r.sources and all(sources[s].url for s in r.sources), r.name
        assert r.phone or r.url, r.name
    assert content.help.checked.isoformat() == "2026-12-07"
    for cc in rc.EU_EFTA:
        for res in resources(cc).resources:
            assert res.checked == "2026-12-07" and res.sources
            assert all(s.url.startswith("http") for s in res.sources)


def test_every_eu_and_efta_country_is_covered_or_a_listed_gap():
    content = rc.bundled()
    covered = {r.country for r in content.help.resources}
    assert len(rc.EU_EFTA) == 31
    assert covered | set(content.help.gaps) == set(rc.EU_EFTA)
    assert not covered & set(content.help.gaps)
    for cc in content.help.gaps:
        assert resources(cc).gap and not resources(cc).resources


def test_answer_in_the_readers_language_with_english_fallback():
    de = resources("DE", "de")
    assert de.message_lang == "de" and "Drogen" in de.message
    assert de.resources[0].phone == "01806 313031"
    assert "01806 313031" in de.text()
    hr = resources("BE", "hr")  # no Croatian message yet: English, resources unchanged
    assert hr.message_lang == "en" and {r.name for r in hr.resources} >= {"De Druglijn"}
    fr = resources("be", "fr")  # resources in the reader's language come first
    assert fr.resources[0].languages == ("fr",)
    assert resources("EL").country == "GR"  # the EU's code for Greece
    with pytest.raises(InputError):
        resources("US")


def test_search_intervention_shows_for_drug_terms_only(scanner):
    shown = intervention("weed", "NL", "nl", scanner=scanner)
    assert shown.show and shown.groups == ("cannabis",)
    assert shown.answer is not None and shown.answer.message_lang == "nl"
    assert "0900-1995" in shown.answer.text()
    assert not intervention("garden party tickets", "NL", "nl", scanner=scanner).show
    m = intervention_map()
    assert set(m["countries"]) == set(rc.EU_EFTA) and "en" in m["messages"]


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "respond"
    shutil.copytree(rc.content_root(), root)
    return root


def _edit(root: Path, name: str, change) -> None:
    path = root / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_loader_rejects_unsourced_or_unreachable_resources(tmp_path):
    root = _copy(tmp_path)
    assert rc.load(root).help.resources
    _edit(root, "help", lambda d: d["resources"][0].update(sources=[]))
    with pytest.raises(ContentError, match="sources"):
        rc.load(root)
    root = _copy(tmp_path / "b")
    _edit(root, "help", lambda d: d["resources"][0].update(sources=["no-such-source"]))
    with pytest.raises(ContentError, match="unknown source"):
        rc.load(root)
    root = _copy(tmp_path / "c")
    _edit(root, "help", lambda d: [d["resources"][0].pop(k, None) for k in ("phone", "url")])
    with pytest.raises(ContentError, match="phone number or an address"):
        rc.load(root)
    root = _copy(tmp_path / "d")
    _edit(
        root,
        "help",
        lambda d: d.update(resources=[r for r in d["resources"] if r["country"] != "LV"]),
    )
    with pytest.raises(ContentError, match="LV must have resources or be listed as a gap"):
        rc.load(root)


def test_former_gaps_lu_ro_si_lv_have_sourced_resources():
    """Issue 17: LU, RO, SI and LV were gaps; each now lists a sourced service."""
    content = rc.bundled()
    for cc in ("LU", "RO", "SI", "LV"):
        answer = resources(cc)
        assert not answer.gap and answer.resources, cc
        assert all(r.sources for r in answer.resources)
    assert not content.help.gaps
    assert "0800 870 070" in resources("RO", "ro").text()


def test_every_eu_and_efta_country_has_at_least_one_sourced_resource():
    """Issue 17: help for young users covers all 27 EU and 4 EFTA states, none left as a gap."""
    content = rc.bundled()
    per_country = {cc: resources(cc).resources for cc in rc.EU_EFTA}
    assert len(per_country) == 31
    missing = sorted(cc for cc, found in per_country.items() if not found)
    assert missing == []
    assert {r.country for r in content.help.resources} == set(rc.EU_EFTA)


def test_latvia_lists_the_spkc_addiction_line_with_its_sources():
    """LV: the national addiction line of the Centre for Disease Prevention and Control, with
    the LSM article that documents it (drugs among its topics) and the check date."""
    lv = resources("LV", "lv")
    assert lv.country_name == "Latvia" and not lv.gap
    (line,) = lv.resources
    assert line.phone == "67037333" and "lv" in line.languages
    assert "drugs" in (line.audience or "")
    urls = {s.url for s in line.sources}
    assert any(u.startswith("https://eng.lsm.lv/article/") for u in urls)
    assert line.checked == "2026-12-07"
    assert "67037333" in lv.text()


def test_at_and_sk_list_a_drug_specific_service_beside_the_youth_line():
    """Issue 17: beside the general youth line, AT and SK show a drug-specific regional service."""
    for cc in ("AT", "SK"):
        kinds = {r.kind for r in resources(cc).resources}
        assert "youth" in kinds and kinds - {"youth"}, cc
        regional = [r for r in resources(cc).resources if r.kind != "youth"]
        assert all(("regional" in (r.note or "")) or ("Vienna" in (r.note or "")) for r in regional)
