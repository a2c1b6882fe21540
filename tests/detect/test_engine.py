"""The scanner end to end on the fixture lexicon: verdicts, ambiguity, languages, emoji,
explanations, the output row shape, and scan_many."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narcolex.detect import Finding, Scanner, ScoringConfig
from narcolex.errors import ContentError
from narcolex.package.lexicon import Lexicon, LexiconTerm
from tests.detect.conftest import TERMS, T

ROW_KEYS = ["id", "verdict", "score", "lang", "substances", "signals", "matches", "explanation"]
MATCH_KEYS = ["term_id", "term", "surface", "start", "end", "kind", "denotes", "lang"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("cocaine 80€ per gram, delivery today, dm me", None),
        ("c0c@ine 2g 150e, t.me/example_handle", None),
        ("Kokain 70€ pro Gramm, Lieferung diskret, Telegram: example_handle", "de"),
        ("sprzedam kokainę 1g=200zł", "pl"),
        ("prodám kokain 2g 3000 Kč, Signal: example_handle", "cs"),
        ("weed 10g 90€ dm me", None),
        ("#cokeforsale 1g 80", None),
        ("MDMA 50 pills x 4€, wickr: example_handle", None),
        ("κοκαΐνη 1g 80€ @example_handle", "el"),
        ("cocaína 1g 60€, whatsapp: example_handle", "es"),
        ("cocaïne 1g 70€, livraison, snapchat: example_handle", "fr"),
        ("wietlevering 5g 50 euro, dm @example_handle", "nl"),
        ("кокаин 1г 5000 руб, telegram: example_handle", "ru"),
    ],
)
def test_sale_offers(scanner: Scanner, text: str, lang: str | None) -> None:
    f = scanner.scan(text, lang=lang)
    assert f.verdict == "sale", f.explanation
    assert f.score >= scanner.config.sale_threshold


@pytest.mark.parametrize(
    "text",
    [
        "Police seized 200 kg of cocaine in the port, the ministry said.",
        "Harm reduction: never mix MDMA with alcohol, drink water and take breaks.",
        "I tried ketamine once at a festival and did not like it.",
        "Studie: Kokain im Abwasser von 20 Städten nachgewiesen.",
        "Polizei beschlagnahmt 10 kg Kokain im Hafen",  # a headline: two reporting words
        "Police seize 5 kg of cocaine at the airport",
    ],
)
def test_drug_talk_without_offer_is_mention(scanner: Scanner, text: str) -> None:
    f = scanner.scan(text)
    assert f.verdict == "mention", f.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Molly is coming to the party with her brother",
        "Molly 20€",  # an ambiguous term plus one cue is still not an offer
        "Snow expected tonight, 10 cm in the hills",
        "speed limit 50 on this road",
        "ice on the roads, drive carefully",
        "Charlie and me at the beach",
        "keep off the grass",
        "Gras mähen am Samstag",
        "gräs på fotbollsplanen",
        "snow snow snow",
    ],
)
def test_ambiguous_terms_alone_are_never_sale(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text).verdict != "sale"


def test_ambiguous_term_alone_is_not_even_drug_talk(scanner: Scanner) -> None:
    f = scanner.scan("Molly is coming to the party")
    assert f.verdict == "clean"
    assert f.matches and f.matches[0].term == "Molly"  # still reported, with zero weight


def test_ambiguous_term_with_two_kinds_of_cue_can_be_sale(scanner: Scanner) -> None:
    assert scanner.scan("snow 1g 80€, t.me/example_handle").verdict == "sale"


def test_emoji_counts_only_with_other_evidence(scanner: Scanner) -> None:
    assert scanner.scan("❄️❄️❄️ what a winter").verdict == "clean"
    assert scanner.scan("❄️ 1g 80€ dm me t.me/example_handle").verdict == "sale"


def test_an_emoji_cue_counts_only_beside_a_cue_in_words_or_numbers() -> None:
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "marijuana", "en", "street_name", ("cannabis.herbal",)),
            LexiconTerm(2, "💯", "und", "emoji", ("signal.quantity",), "high", "medium"),
            LexiconTerm(3, "🔌", "und", "emoji", ("signal.dealer",), "high", "medium"),
        )
    )
    s = Scanner.from_lexicon(lex)
    alone = s.scan("if you like marijuana 💯🔌 #weekend", lang="en")
    assert (alone.verdict, alone.signals) == ("mention", ("signal.dealer", "signal.quantity"))
    counted = [c for c in alone.contributions if "💯" in c.label or "🔌" in c.label]
    assert [c.weight for c in counted] == [0.0]
    assert "emoji cues alone 💯 🔌 (not counted) +0.00" in alone.explanation
    assert s.scan("marijuana 💯🔌 10g 90€", lang="en").verdict == "sale"


def test_clean_posts(scanner: Scanner) -> None:
    for text in ("", "hello world", "the weather is nice", "🇳🇴🇸🇪 holiday"):
        f = scanner.scan(text)
        assert (f.verdict, f.matches, f.score) == ("clean", (), 0.0)


def test_explicit_language_wins(scanner: Scanner) -> None:
    assert scanner.scan("Kokain", lang="de").lang == "de"
    assert scanner.scan("Kokain", lang="de").matches[0].lang == "de"
    assert scanner.scan("Kokain", lang="cs").matches[0].lang == "cs"


def test_foreign_ambiguous_terms_weigh_less(scanner: Scanner) -> None:
    own = scanner.scan("Gras 10g", lang="de")
    foreign = scanner.scan("Gras 10g", lang="en")
    assert foreign.score < own.score


def test_thresholds_are_configurable(lexicon: Lexicon) -> None:
    strict = Scanner.from_lexicon(lexicon, ScoringConfig(sale_threshold=0.999))
    assert strict.scan("cocaine 80€ per gram").verdict == "mention"


def test_threshold_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARCOLEX_SALE_THRESHOLD", "0.7")
    assert ScoringConfig.from_env().sale_threshold == 0.7


def test_row_shape_is_the_contract(scanner: Scanner) -> None:
    f = scanner.scan("cocaine 80€, dm me", id="42")
    row = f.to_dict()
    assert list(row) == ROW_KEYS
    assert row["id"] == "42" and row["verdict"] == "sale"
    assert list(row["matches"][0]) == MATCH_KEYS
    assert row["substances"] == ["cocaine"]
    assert "signal.price" in row["signals"] and "signal.contact" in row["signals"]
    json.dumps(row)


def test_explanation_traces_every_contribution(scanner: Scanner) -> None:
    f = scanner.scan("cocaine 80€, dm me")
    assert "cocaine" in f.explanation and "80€" in f.explanation
    for c in f.contributions:
        assert c.label.split(" ")[0] in f.explanation
    import math

    logit = sum(c.weight for c in f.contributions)
    assert f.score == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-9)


def test_surfaces_are_original_text(scanner: Scanner) -> None:
    text = "Buy ＣＯＫＥ or c.o.c.a.i.n.e or сосаіnе or co\u200bke 🍁🏽 now"
    f = scanner.scan(text)
    assert len(f.matches) == 5
    for m in f.matches:
        assert text[m.start : m.end] == m.surface


def test_scan_many_streams_in_order(scanner: Scanner) -> None:
    items = [
        {"id": str(i), "text": t} for i, t in enumerate(["cocaine 80€ dm me", "hi", "weed"] * 40)
    ]
    one = [f.to_dict() for f in scanner.scan_many(items)]
    two = [f.to_dict() for f in scanner.scan_many(iter(items), workers=2, chunksize=7)]
    assert one == two
    assert [r["id"] for r in two] == [str(i) for i in range(120)]


def test_scan_many_workers_equal_one_process_for_texts_and_languages(scanner: Scanner) -> None:
    items = ["hi there", ("1", "hallo", "de"), ("2", "weed 5g 40€", None), "cocaine"] * 30
    one = list(scanner.scan_many(items))
    two = list(scanner.scan_many(items, workers=2, chunksize=5))
    assert one == two
    assert two[1].lang == "de" and two[1].verdict == "clean" and two[1].id == "1"


def test_scan_many_accepts_text_and_tuples(scanner: Scanner) -> None:
    out = list(scanner.scan_many(["cocaine", ("7", "weed", "en")]))
    assert out[0].id is None and out[1].id == "7" and out[1].lang == "en"


def test_findings_survive_pickling(scanner: Scanner) -> None:
    import pickle

    f = scanner.scan("cocaine 80€ dm me", id="1")
    assert pickle.loads(pickle.dumps(f)) == f


def _write_bundle(root: Path, rows: list[dict], version: int = 3) -> str:
    from narcolex.package.records import content_hash

    digest = content_hash(rows, {})
    (root / "terms.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    manifest = {"version": version, "content_sha256": digest}
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    (root / "sources.json").write_text("{}", "utf-8")
    (root / "substances.json").write_text('{"substances": []}', "utf-8")
    return digest


_BUNDLE_ROWS = [
    {"id": 7, "term": "cocaine", "lang": "en", "kind": "street_name", "denotes": ["cocaine"],
     "ambiguity": "low", "confidence": "high", "status": "validated", "match": "word"},
    {"id": 8, "term": "draft", "lang": "en", "kind": "slang", "denotes": ["cocaine"],
     "status": "proposed"},
]  # fmt: skip
_BUNDLE_ROWS = [
    {k: r.get(k) for k in (*r, "variants", "countries", "platforms", "sources", "first_seen",
                           "last_seen", "note", "ambiguity", "confidence", "match")}
    for r in _BUNDLE_ROWS
]  # fmt: skip


def test_from_release_bundle(tmp_path: Path) -> None:
    _write_bundle(tmp_path, _BUNDLE_ROWS)
    s = Scanner.from_release(tmp_path)
    assert s.lexicon.version == "3"
    assert [m.term_id for m in s.scan("cocaine and draft").matches] == [7]


def test_from_release_zip_and_expected_hash(tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "b"
    folder.mkdir()
    digest = _write_bundle(folder, _BUNDLE_ROWS)
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    assert Scanner.from_release(archive, expect_sha256=digest).lexicon.version == "3"
    with pytest.raises(ContentError, match="not the expected"):
        Scanner.from_release(archive, expect_sha256="0" * 64)


def test_from_release_refuses_an_edited_bundle(tmp_path: Path) -> None:
    _write_bundle(tmp_path, _BUNDLE_ROWS)
    edited = [dict(r) for r in _BUNDLE_ROWS]
    edited[0]["term"] = "coffee"
    (tmp_path / "terms.jsonl").write_text("\n".join(json.dumps(r) for r in edited), "utf-8")
    with pytest.raises(ContentError, match="damaged or edited"):
        Scanner.from_release(tmp_path)


def test_finding_is_frozen(scanner: Scanner) -> None:
    f: Finding = scanner.scan("cocaine")
    with pytest.raises(AttributeError):
        f.verdict = "clean"  # type: ignore[misc]


def test_naming_several_drugs_without_a_cue_is_not_an_offer(scanner: Scanner) -> None:
    f = scanner.scan("cocaine, MDMA, ketamine and weed: what the report found in the river")
    assert f.verdict == "mention"
    assert f.score < scanner.config.sale_threshold


def test_news_with_quantities_is_not_an_offer(scanner: Scanner) -> None:
    f = scanner.scan("Customs seized 40 kg of cocaine; two men were arrested, police said.")
    assert f.verdict == "mention", f.explanation
    assert "reporting" in f.explanation


def test_feedback_on_a_purchase_is_not_an_offer(scanner: Scanner) -> None:
    offer = scanner.scan("cocaine 5g, delivery, dm me")
    assert offer.verdict == "sale"
    f = scanner.scan("Received my 5g of cocaine, fast delivery. Thanks, 5/5, will order again.")
    assert f.verdict == "mention", f.explanation
    assert "feedback on a purchase" in f.explanation
    # a past-tense verdict on the delivery is feedback too; an advert says what it offers
    f = scanner.scan("great cocaine, the delivery was fast and the packaging was perfect")
    assert f.verdict == "mention", f.explanation
    assert scanner.scan("great cocaine, fast delivery, perfect packaging").verdict == "sale"


def test_slang_of_another_language_is_weak_when_the_language_is_unknown() -> None:
    # "here" is a spelling of Polish slang for heroin and an everyday English word; with the
    # post's language unknown it cannot make an offer with a quality cue alone.
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "here", "pl", "slang", ("opioids.heroin",), ambiguity="medium"),
            LexiconTerm(2, "vendor", "en", "slang", ("signal.dealer",), ambiguity="medium"),
            LexiconTerm(3, "weed", "en", "slang", ("cannabis.herbal",), ambiguity="medium"),
        )
    )
    sc = Scanner.from_lexicon(lex)
    assert sc.scan("A+ vendor, here", lang=None).verdict != "sale"
    assert sc.scan("A+ vendor, weed", lang=None).verdict == "sale"
    assert sc.scan("A+ vendor, here", lang="pl").verdict == "sale"


def test_a_bare_spelling_that_is_an_everyday_word_is_that_word() -> None:
    # "šit" written without its diacritic is English "sit" and Spanish "pero" is no Czech
    # "péro"; a bare spelling that is no everyday word of the post's language still matches,
    # since sellers drop diacritics, and so does a term spelled bare in the lexicon itself.
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "šit", "sr", "slang", ("cannabis.resin",), ambiguity="medium"),
            LexiconTerm(2, "péro", "cs", "slang", ("methamphetamine",), ambiguity="medium"),
            LexiconTerm(3, "extáze", "cs", "street_name", ("mdma",), ambiguity="low"),
            LexiconTerm(4, "kubar", "tr", "slang", ("cannabis.resin",), ambiguity="medium"),
        )
    )
    sc = Scanner.from_lexicon(lex)
    assert sc.scan("Sit back and relax, free delivery tonight", lang="en").matches == ()
    assert sc.scan("Por uno sí, pero hoy son 80 euros", lang="es").matches == ()
    assert [m.term for m in sc.scan("extaze skladem", lang="cs").matches] == ["extáze"]
    assert [m.term for m in sc.scan("šit 5g", lang="sr").matches] == ["šit"]
    assert [m.term for m in sc.scan("kubar var", lang="tr").matches] == ["kubar"]


def test_a_quantity_in_a_title_is_bound_to_the_product_named_there(scanner: Scanner) -> None:
    title = "grass - indoor grown, organic, hand trimmed - 28g 180€"
    f = scanner.scan(title)
    assert f.verdict == "sale", f.explanation
    assert "bound to 'grass'" in f.explanation
    # the same words with the quantity far from the term, outside a title, bind nothing
    long = "grass " + "the garden was lovely this year and " * 4 + "28g 180€"
    assert "bound to" not in scanner.scan(long).explanation


def test_a_form_shared_by_languages_is_read_in_english_when_the_language_is_unknown() -> None:
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "heroina", "pl", "street_name", ("opioids.heroin",),
                        ambiguity="medium", variants=("heroin",)),
            LexiconTerm(2, "heroin", "en", "street_name", ("opioids.heroin",), ambiguity="low"),
        )
    )  # fmt: skip
    sc = Scanner.from_lexicon(lex)
    (m,) = sc.scan("Heroin - black tar", lang=None).matches
    assert (m.lang, m.ambiguity) == ("en", "low")
    (m,) = sc.scan("heroin", lang="pl").matches
    assert m.lang == "pl"


def test_native_words_of_other_scripts_are_not_look_alikes(scanner: Scanner) -> None:
    # Bulgarian "от" (from) folds to "ot" (Turkish slang) but is a word of the post's language.
    assert scanner.scan("Продукти от България на промоция").matches == ()
    # In a Latin-script post the same Cyrillic letters are an evasion and still match.
    assert [m.term for m in scanner.scan("buy сосаіnе now").matches] == ["cocaine"]
    assert [m.term for m in scanner.scan("good от 10g").matches] == ["ot"]


def test_ambiguous_term_with_a_single_weak_cue_is_clean(scanner: Scanner) -> None:
    f = scanner.scan("snow today http://example.org/photos")
    assert f.verdict == "clean" and f.substances == ()


def test_implausibly_cheap_weight_does_not_make_an_ambiguous_term_an_offer(
    scanner: Scanner,
) -> None:
    assert scanner.scan("snow 1kg 2€ dm me").verdict != "sale"
    assert scanner.scan("snow 1g 80€ dm me").verdict == "sale"


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 pills of 10mg MDMA",
        "we smoked 2g of weed last night",
        "Ich habe gestern 1g Kokain genommen",
        "j'ai pris 2 pilules de MDMA 120mg",
    ],
)
def test_an_account_of_taking_drugs_is_not_an_offer(scanner: Scanner, text: str) -> None:
    f = scanner.scan(text)
    assert f.verdict == "mention", f.explanation
    assert "account of taking drugs" in f.explanation


def test_sellers_announcing_stock_in_the_first_person_are_still_offers(scanner: Scanner) -> None:
    assert scanner.scan("I got MDMA 10 pills, dm me").verdict == "sale"
    assert scanner.scan("I have weed 10g 80€, delivery").verdict == "sale"


def test_a_count_of_units_with_their_strength_binds_like_a_weight(scanner: Scanner) -> None:
    # An ambiguous name with "10x" alone is several of anything ("snow tyres 4x"); with each
    # unit's strength next to the count it is a listed lot of pills.
    lot = scanner.scan("Molly 10x 220mg, pay with bitcoin")
    assert lot.verdict == "sale", lot.explanation
    assert "10x 220mg" in lot.explanation
    assert scanner.scan("Molly 10x, pay with bitcoin").verdict != "sale"
    assert scanner.scan("snow tyres 4x, pay with paypal").verdict != "sale"


def test_a_title_opening_with_a_count_and_stating_a_strength_lists_a_lot(
    lexicon: Lexicon,
) -> None:
    # "50x <press name> (new press) 204mg": count and strength bind the product between them.
    # The first person is content (context.narrator): without it, "I" is no one speaking.
    words = LexiconTerm(
        99, "I", "en", "phrase", ("context.narrator",), ambiguity="high", variants=("my",)
    )
    plain = Scanner.from_lexicon(lexicon)
    scanner = Scanner.from_lexicon(Lexicon(terms=(*lexicon.terms, words), version="test"))
    lot = scanner.scan("50x * Molly * (new press, pink) 204mg, pay with bitcoin")
    assert "quantity '50x * Molly * (new press, pink) 204mg' bound to 'Molly'" in lot.explanation
    assert lot.verdict == "sale", lot.explanation
    # Someone's sentence is no title: no lot is read in it.
    took = scanner.scan("I took 2x Molly (pink) 204mg, pay with bitcoin")
    assert "204mg' bound" not in took.explanation
    assert took.verdict != "sale"
    assert (
        "204mg' bound" in plain.scan("I took 2x Molly (pink) 204mg, pay with bitcoin").explanation
    )


def test_a_lot_binds_the_product_named_between_its_count_and_strength(scanner: Scanner) -> None:
    # "Buy 500 x Dominos 220mg": a count, the press name, each pill's strength, anywhere in
    # the post; the count alone ("500 x") binds like a multiplier, which is not enough.
    lot = scanner.scan("Wholesale: 500 x Molly 220mg, bulk discount")
    assert "quantity '500 x Molly 220mg' bound to 'Molly'" in lot.explanation, lot.explanation
    assert lot.verdict == "sale", lot.explanation
    assert scanner.scan("Wholesale: 500 x Molly, bulk discount").verdict != "sale"
    took = scanner.scan("Last night I took 2x Molly 220mg and I felt sick for a day")
    assert took.verdict != "sale", took.explanation


def test_a_misspelt_name_in_a_listing_is_the_drug_and_says_so(scanner: Scanner) -> None:
    # The listing names a sale word, so it takes the full path, where misspellings of long
    # names are read beside its amounts.
    s = Scanner.from_lexicon(
        Lexicon(terms=(*TERMS, T(98, "diazepam", "en", "benzodiazepines", kind="street_name")))
    )
    f = s.scan("Diazapam 10mg, 100 pills for sale")
    assert f.verdict == "sale", f.explanation
    assert "'Diazapam'→diazepam [benzodiazepines; low ambiguity (a misspelling), en]" in (
        f.explanation
    )
    # A misspelling that is an everyday word is that word ("heroine" for "heroin").
    h = Scanner.from_lexicon(
        Lexicon(terms=(*TERMS, T(99, "heroines", "en", "opioids.heroin", kind="street_name")))
    )
    assert h.scan("heroine 5g for sale").verdict != "sale"
    # ... also where the misspelling is the post's only drug word, which no prefilter sees.
    alone = s.scan("10 x 2mg Diazapam blister")
    assert [(m.surface, m.note) for m in alone.matches] == [("Diazapam", "a misspelling")]
    # Only a listing's amounts open a post to misspellings: a seizure's kilograms do not.
    assert next(m.note for m in s.scan("Diazapam 10mg for sale").matches) == "a misspelling"
    assert [m.surface for m in s.scan("Police: 140 kg of diazapam for sale").matches] == [
        "for sale"
    ]


def test_a_strength_binds_only_in_a_listing_title(scanner: Scanner) -> None:
    # A title that opens with the product or its strength lists it; the same strength in
    # someone's sentence is a prescription or a dose taken.
    assert scanner.scan("hash 500mg").verdict == "sale"
    assert scanner.scan("500mg hash").verdict == "sale"
    for text in ("I got prescribed hash 500mg", "Yesterday hash 500mg", "hash\nbest 500mg"):
        assert scanner.scan(text).verdict == "mention", text


def test_study_words_weigh_less_than_enforcement_words(scanner: Scanner) -> None:
    # "effects reported" is how product texts cite users; "police" is reporting.
    def reporting(text: str) -> float:
        f = scanner.scan(text)
        return sum(c.weight for c in f.contributions if c.label.startswith("reporting words"))

    assert reporting("cocaine 5g 80€, effects reported by many, dm me") == -0.9
    assert reporting("cocaine 5g 80€, police said, dm me") == -1.5


@pytest.mark.parametrize(
    "text",
    [
        "My doctor prescribed MDMA 120mg, no side effects",  # the fixture has no medicines
        "ketamine 50mg helped with my depression",
        "Mein Arzt: ketamine 50mg, Nebenwirkungen keine",
    ],
)
def test_a_patients_account_is_not_an_offer(scanner: Scanner, text: str) -> None:
    f = scanner.scan(text)
    assert f.verdict != "sale", f.explanation


def test_an_advert_that_mentions_side_effects_is_still_an_offer(scanner: Scanner) -> None:
    f = scanner.scan("ketamine 5g 80€, side effects explained, dm me")
    assert f.verdict == "sale", f.explanation


def test_scan_many_with_three_workers_equals_one_process(scanner: Scanner) -> None:
    texts = ["cocaine 80€ dm me", "hello there", "weed 5g", "Molly 10x 220mg, bitcoin", ""]
    items = [{"id": str(i), "text": texts[i % 5] + f" #{i}"} for i in range(2000)]
    one = [f.to_dict() for f in scanner.scan_many(items)]
    three = [f.to_dict() for f in scanner.scan_many(items, workers=3, chunksize=16)]
    assert one == three


def test_scan_many_reports_a_bad_item_from_any_process(scanner: Scanner) -> None:
    from narcolex.errors import InputError

    items: list = ["weed 5g"] * 700 + [42] + ["weed 5g"] * 700
    with pytest.raises(InputError):
        list(scanner.scan_many(items))
    with pytest.raises(InputError):
        list(scanner.scan_many(items, workers=2, chunksize=8))


def test_scan_many_stops_its_helpers_when_the_caller_stops_early(scanner: Scanner) -> None:
    import multiprocessing as mp

    before = {p.pid for p in mp.active_children()}
    gen = scanner.scan_many(["weed 5g"] * 5000, workers=3, chunksize=8)
    assert next(gen).verdict == "sale"
    gen.close()
    assert {p.pid for p in mp.active_children()} == before


@pytest.fixture
def langid_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the scanner asks to identify (identification itself answers None)."""
    import narcolex.detect.engine as engine_mod

    calls: list[str] = []
    monkeypatch.setattr(engine_mod, "detect_language", lambda t: calls.append(t) or None)
    return calls


def test_language_is_identified_only_where_readings_differ(langid_calls: list[str]) -> None:
    calls = langid_calls
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "weed", "en", "slang", ("cannabis.herbal",), "medium", "high"),
            LexiconTerm(2, "weed", "nl", "slang", ("cannabis.herbal",), "medium", "high"),
            LexiconTerm(3, "haš", "sk", "slang", ("cannabis.resin",), "medium", "high"),
        )
    )
    s = Scanner.from_lexicon(lex)
    s.scan("we talked about weed and politics for an hour")  # alike in English and Dutch
    assert calls == []
    s.scan("she has talked about it for an hour")  # Slovak "haš" only if the post is Slovak
    assert len(calls) == 1


def test_language_is_not_identified_for_context_words_alone(langid_calls: list[str]) -> None:
    """A sale-context word names no substance in any language: the post is clean whatever its
    language, so identifying it would be wasted time; the same holds for a native word of a
    Cyrillic post that only looks like a Latin term."""
    calls = langid_calls
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "shop", "en", "phrase", ("signal.offer",), "high", "high"),
            LexiconTerm(2, "shop", "sv", "phrase", ("signal.offer",), "medium", "high"),
            LexiconTerm(3, "ot", "sk", "slang", ("cannabis",), "high", "high"),
            LexiconTerm(4, "haš", "sk", "slang", ("cannabis.resin",), "medium", "high"),
        )
    )
    s = Scanner.from_lexicon(lex)
    shop = s.scan("the new shop on the corner opens at nine tomorrow morning")
    assert (shop.verdict, shop.lang, [m.surface for m in shop.matches]) == ("clean", None, ["shop"])
    native = s.scan("Писмо от приятел, получено вчера следобед")  # Bulgarian "от" = "from"
    assert (native.verdict, native.matches) == ("clean", ())
    assert calls == []
    s.scan("the shop has it")  # a substance reading ("haš") is back in play
    assert len(calls) == 1


def test_sale_words_alone_are_clean_before_any_language_is_needed(
    langid_calls: list[str],
) -> None:
    """A post whose matches are all sale-context words is clean at once: even a code that
    might be an everyday word ("dm"), which would need the post's language to tell, costs no
    identification; the words stay in the finding as matches, with the same explanation."""
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "DM", "und", "abbreviation", ("signal.contact",), "medium", "high"),
            LexiconTerm(2, "shop", "en", "phrase", ("signal.offer",), "high", "high"),
            LexiconTerm(3, "cocaine", "en", "inn", ("cocaine",), "low", "high"),
        )
    )
    s = Scanner.from_lexicon(lex)
    f = s.scan("send me a dm about the shop opening hours tomorrow", id="p1")
    assert (f.verdict, f.score, f.lang, f.substances, f.signals) == ("clean", 0.0, None, (), ())
    assert [m.surface for m in f.matches] == ["dm", "shop"]
    assert f.explanation == "clean: only sale-context words, no substance term."
    assert f.id == "p1"
    assert langid_calls == []
    given = s.scan("send me a dm about the shop opening hours tomorrow", lang="en")
    assert (given.verdict, given.lang, len(given.matches)) == ("clean", "en", 2)
    s.scan("dm me for cocaine prices, the shop is open")  # a substance: assessed as before
    assert langid_calls != []


def test_language_identification_ignores_links_handles_and_tags() -> None:
    from narcolex.detect.langid import detect_language

    text = "Heute Abend gehen wir alle zusammen ins Kino und danach essen"
    noisy = f"@someone_here {text} https://example.com/some/english/words #LOL #FollowBack 2024"
    assert detect_language(text) == "de"
    assert detect_language(noisy) == "de"
    assert detect_language("@a_very_long_handle_name https://example.com/x #tag 123") is None


def test_a_price_list_by_weight_that_names_no_product_is_an_offer(scanner: Scanner) -> None:
    # A dealer's price list need not say what it sells: a retail weight with its price, in
    # one short line of nothing but amounts, sale words and function words.
    for text in ("Prices: 1 g 60 €, 2 g 110 € and 5 g 250 €", "Preise: 1g 60€, 5g 250€ und mehr"):
        f = scanner.scan(text)
        assert f.verdict == "sale", f.explanation
        assert f.substances == () and "no product named" in f.explanation
    # A word that names the product, a speaker's story, a phone's network, a wholesale weight,
    # a sentence of a report: something else.
    for text in (
        "saffron 1 g 12 €, 5 g 50 €",
        "I paid 20 € for 1 g at the market",
        "5G phone 399 €",
        "2 kg 60 €",
        "Police say a gram costs 60 €. Prices: 1 g 60 €",
        "1 g 60 €, per the police report",
    ):
        f = scanner.scan(text)
        assert f.verdict != "sale", (text, f.explanation)


def test_a_lot_of_micrograms_in_hits_names_its_drug() -> None:
    # Units that only LSD comes in, each of a strength in micrograms: the lot is the drug.
    # Supplements are counted in tabs and caps of micrograms too, and stay what they are.
    s = Scanner.from_lexicon(
        Lexicon(
            terms=(
                *TERMS,
                T(96, "hits", "en", "hallucinogens.lsd", amb="high"),
                T(97, "tabs", "en", "hallucinogens.lsd", amb="high"),
            )
        )
    )
    f = s.scan("Rainbow print (silver) 110ug - 25 hits")
    assert f.verdict == "sale", f.explanation
    assert "bound to 'hits'" in f.explanation
    for text in ("Vitamin B12 1000mcg 100 tabs", "Vitamin D3 50ug - 120 tabs, free shipping"):
        assert s.scan(text).verdict != "sale", s.scan(text).explanation
    assert s.scan("Rainbow print 110mg - 25 hits").verdict != "sale"  # no LSD strength


def test_warm_builds_what_a_first_request_would_wait_for() -> None:
    from narcolex.detect import commonness

    # a lexicon of its own: compiled lexicons are shared by content
    s = Scanner.from_lexicon(Lexicon(terms=(*TERMS, T(199, "warmupine", "en", "nps"))))
    assert s.compiled._slip_index is None
    s.warm()
    assert s.compiled._slip_index is not None
    loaded = {code for code in ("en", "de", "nl") if commonness._table(code) is not None}
    assert loaded == {"en", "de", "nl"}
    assert commonness._table.cache_info().currsize >= len(s._languages())
