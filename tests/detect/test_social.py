"""Issue 14: detection on real social-media posts. Each mechanism with a post that shows it:
short-post evidence, who speaks to whom, measured commonness, innocent readings and ordinary
commerce, and the evasion gaps (doubled letters, letter-spaced runs of several words)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from narcolex import taxonomy
from narcolex.detect import Scanner
from narcolex.detect.matcher import compile_lexicon
from narcolex.package.content import load_content
from narcolex.package.lexicon import Lexicon, LexiconTerm
from tests.conftest import write_content
from tests.detect.conftest import TERMS, T


def _scanner(*extra: LexiconTerm) -> Scanner:
    return Scanner.from_lexicon(Lexicon(terms=(*TERMS, *extra), version="test-social"))


def _ctx(tid: int, term: str, lang: str, code: str) -> LexiconTerm:
    return T(tid, term, lang, f"context.{code}", kind="phrase", amb="high", conf="medium")


# -- 2. short-post evidence ----------------------------------------------------------------------


def test_two_different_substances_beside_a_cue_lift_the_ambiguity_gate() -> None:
    # Two highly ambiguous words for different substances, in a short post with a price and
    # a contact cue, are an offer; one of them alone with the same cues is not.
    s = _scanner(T(90, "brown", "en", "opioids.heroin", amb="high"))
    f = s.scan("brown and snow 80e each, dm me")
    assert f.verdict == "sale", f.explanation
    assert "different substances together" in f.explanation
    assert s.scan("brown paper 80e each, dm me").verdict != "sale"
    assert s.scan("brown paper, dm me").verdict == "clean"
    # Across two sentences the pair and the cue are no one-line offer: judged on the score.
    f = s.scan("I like brown and snow. Whatever, dm me")
    assert "a one-line post" not in f.explanation
    assert f.verdict == "mention", f.explanation


def test_a_one_line_post_with_a_term_and_a_cue_is_an_offer_s_shape() -> None:
    # "<two slang names>, <contact>" on one line: the post has room for nothing else.
    s = _scanner(T(90, "brown", "en", "opioids.heroin", amb="high"))
    f = s.scan("brown and snow, dm me")
    assert f.verdict == "sale", f.explanation
    assert "a one-line post +0.40" in f.explanation
    # A strength alone is a dose someone took, not a cue ("yesterday X 500mg").
    assert "one-line" not in s.scan("Yesterday hash 500mg").explanation
    # The same words in a longer text get no such weight.
    long = "brown and snow, dm me " + "and this is a longer story about my week at work " * 3
    assert "one-line" not in s.scan(long).explanation


def test_everyday_words_written_together_are_one_phrase_not_two_drugs() -> None:
    # "ice cube", "acid wash": two highly ambiguous words side by side are a phrase; the same
    # words as items of a list are two drugs named together.
    s = _scanner(T(91, "cube", "en", "hallucinogens.psilocybin", amb="high"))
    phrase = s.scan("ice cube tray, 2 for 8e, dm me", lang="en")
    assert "different substances together" not in phrase.explanation
    assert phrase.verdict != "sale"
    listed = s.scan("ice, cube, 2 for 80e, dm me", lang="en")
    assert "different substances together" in listed.explanation


def test_a_drug_and_a_place_and_nothing_else_is_a_shops_name(scanner: Scanner) -> None:
    # "<product> <city>": the name of a dealer's profile or channel.
    f = scanner.scan("Portsmouth cocaine", lang="en")
    assert f.verdict == "sale", f.explanation
    assert "a shop's name ['Portsmouth']" in f.explanation
    assert scanner.scan("MDMA KBH", lang="en").verdict == "sale"  # an abbreviation of a city
    assert scanner.scan("cocaine Deutschland", lang="en").verdict == "sale"  # a country's own name
    # A word that is also a place name is read as the word; a sentence is no name.
    assert "shop" not in scanner.scan("Nice cocaine", lang="en").explanation
    assert "shop" not in scanner.scan("cocaine for sale", lang="en").explanation
    assert scanner.scan("Cocaine seized in Portsmouth", lang="en").verdict != "sale"
    assert scanner.scan("Portsmouth. Cocaine is everywhere", lang="en").verdict != "sale"
    # An everyday word for a drug is not enough, whatever the place.
    assert scanner.scan("Portsmouth snow", lang="en").verdict != "sale"


def test_a_shop_name_in_the_scripts_of_asian_languages() -> None:
    # Place names in Vietnamese letters, Han and Hangul (two characters are a name there),
    # written apart from the term or against it in a script without spaces.
    s = _scanner(
        T(100, "cần sa", "vi", "cannabis", kind="street_name"),
        T(101, "大麻", "zh", "cannabis", kind="street_name"),
        T(102, "대마초", "ko", "cannabis.herbal", kind="street_name"),
    )
    for text, place in (("cần sa Hà Nội", "Hà Nội"), ("大麻东京", "东京"), ("대마초 서울", "서울")):
        f = s.scan(text)
        assert f.verdict == "sale", f.explanation
        assert f"a shop's name ['{place}']" in f.explanation
    assert s.scan("大麻 价格").verdict != "sale"  # "price": a word, no place


def test_a_short_list_of_different_drugs_is_a_menu(scanner: Scanner) -> None:
    # Three substances that make up the post are a list of products: an offer's shape.
    f = scanner.scan("coke, hash, speed, MDMA", lang="en")
    assert f.verdict == "sale", f.explanation
    assert "a menu of drugs" in f.explanation
    # The same drugs in a sentence, or in a report, are talk about drugs.
    assert (
        scanner.scan(
            "the survey asked students whether they had ever tried coke, hash or MDMA", lang="en"
        ).verdict
        != "sale"
    )
    assert scanner.scan("Police seized coke, hash and MDMA", lang="en").verdict != "sale"
    # Two substances in a sentence are no menu, nor are words that are each something else.
    assert "menu" not in scanner.scan("coke and hash are everywhere", lang="en").explanation
    assert scanner.scan("snow, grass, speed, ice", lang="en").verdict != "sale"


def test_a_post_of_nothing_but_two_drug_names_is_a_list_of_products(scanner: Scanner) -> None:
    # "<two or three slang names>": however few, names and nothing else are a product list,
    # even two names of one drug.
    for text in ("coke, hash", "weed hash coke", "coke / cocaine", "Molly, MDMA"):
        f = scanner.scan(text, lang="en")
        assert "a menu of drugs" in f.explanation, (text, f.explanation)
        assert f.verdict == "sale", (text, f.explanation)
    # Any other word makes it a sentence; one name repeated is one product; everyday words
    # only, one everyday word written against a name as one phrase, or an everyday word
    # and one name that is something else too ("Molly & coke": two pets?) are no list.
    for text in (
        "coke, hash, why not",
        "weed weed weed",
        "snow, ice",
        "speed weed",
        "Molly & coke",
    ):
        f = scanner.scan(text, lang="en")
        assert "menu" not in f.explanation, (text, f.explanation)
        assert f.verdict != "sale", (text, f.explanation)


def test_a_quality_word_written_against_a_drug_name_praises_the_product() -> None:
    # "<quality word> <slang>" in one line is how an advert names its product.
    s = _scanner(T(96, "premium", "en", "signal.quality", kind="slang", amb="high", conf="medium"))
    for text in ("premium coke", "coke - premium"):
        f = s.scan(text, lang="en")
        assert "'premium' praises 'coke'" in f.explanation, f.explanation
        assert f.verdict == "sale", f.explanation
    # Apart from the name, or in a longer story, it is an opinion; an everyday word for the
    # drug is praised by nobody ("premium snow tyres").
    for text in ("the coke here is premium", "premium snow", "premium coke bottles"):
        f = s.scan(text, lang="en")
        assert "praises" not in f.explanation, f.explanation
        assert f.verdict != "sale", f.explanation
    story = s.scan("premium coke. That is what my cousin said. He was wrong", lang="en")
    assert "praises" not in story.explanation


def test_a_list_inside_a_line_to_the_reader_is_a_menu() -> None:
    # Items separated by punctuation only, in a line that speaks to the reader: a menu even
    # when the other words outnumber the items.
    s = _scanner(_ctx(95, "you", "en", "address"))
    offer = s.scan("What do you want tonight? Cocaine? Hash? MDMA? Say which town you live in")
    assert "a menu of drugs ['Cocaine', 'Hash', 'MDMA']" in offer.explanation, offer.explanation
    assert offer.verdict == "sale", offer.explanation
    # A sentence joins its last item with a word; without a word to the reader a list in a
    # longer line is someone's account.
    joined = s.scan("Do you know that my cousin once tried cocaine, hash and MDMA at a party")
    assert "menu" not in joined.explanation
    unaddressed = s.scan("Tonight at the club: cocaine? hash? MDMA? a crazy night, nothing else")
    assert "menu" not in unaddressed.explanation


def test_classes_of_new_psychoactive_substances_are_different_products() -> None:
    # Spice and bath salts are both "nps", but a list of them is a menu of different products.
    s = _scanner(
        T(92, "spice", "en", "nps.synthetic_cannabinoids", amb="medium"),
        T(93, "salts", "en", "nps.cathinones", amb="high"),
    )
    f = s.scan("spice, salts, speed", lang="en")
    assert "a menu of drugs" in f.explanation, f.explanation
    assert f.verdict == "sale", f.explanation
    # Two names of one class are still one product.
    s = _scanner(
        T(92, "spice", "en", "nps.synthetic_cannabinoids", amb="medium"),
        T(93, "k2", "en", "nps.synthetic_cannabinoids", amb="medium"),
    )
    assert "different substances" not in s.scan("spice, k2, dm me", lang="en").explanation


def test_one_substance_under_two_names_is_not_a_pair(scanner: Scanner) -> None:
    f = scanner.scan("weed or grass, dm me")
    assert "different substances" not in f.explanation


def test_a_medium_term_of_an_unconfirmed_language_counts_right_beside_an_offer_cue() -> None:
    s = _scanner(T(91, "hasjplaat", "nl", "cannabis.resin", amb="medium"))
    beside = s.scan("hasjplaat for sale")
    assert beside.verdict != "clean", beside.explanation
    assert "right beside" in beside.explanation
    far = s.scan("hasjplaat is what my uncle calls the thing, anyway, unrelated: for sale")
    assert "right beside" not in far.explanation


def test_an_emoji_combination_is_a_pair_beside_two_kinds_of_cue(scanner: Scanner) -> None:
    # "❄️🍁 ... delivery, dm me": emoji codes of two drugs beside two kinds of sale cue.
    s = _scanner(T(99, "🌿", "und", "cannabis.herbal", kind="emoji", amb="high"))
    f = s.scan("❄️🌿 delivery tonight, dm me", lang="en")
    assert "different substances together" in f.explanation, f.explanation
    assert f.verdict == "sale", f.explanation
    # Beside one kind of cue they are how people write ("❄️🌿 winter walk, free delivery").
    one = s.scan("❄️🌿 winter walk, free delivery", lang="en")
    assert "different substances" not in one.explanation, one.explanation
    assert one.verdict != "sale", one.explanation


def test_two_everyday_names_of_one_drug_in_an_offers_line_are_judged_on_the_score() -> None:
    # "fumo erba disponibili, scrivetemi": two words of the post's language for one drug
    # beside two kinds of sale cue on one line; either word alone stays capped.
    s = _scanner(
        T(100, "fumo", "it", "cannabis.resin", amb="high"),
        T(101, "erba", "it", "cannabis.herbal", amb="high"),
        T(102, "disponibili", "it", "signal.offer", amb="high", conf="medium"),
        T(103, "scrivetemi", "it", "signal.contact", kind="phrase", amb="high", conf="medium"),
    )
    f = s.scan("fumo erba disponibili scrivetemi", lang="it")
    assert f.verdict == "sale", f.explanation
    assert s.scan("fumo disponibile, scrivetemi", lang="it").verdict != "sale"
    # One kind of cue, or a second line, is not enough.
    assert s.scan("fumo erba, scrivetemi", lang="it").verdict != "sale"
    two_lines = s.scan("fumo erba. Disponibili dalle 9, scrivetemi per info", lang="it")
    assert two_lines.verdict != "sale", two_lines.explanation


def test_an_everyday_drug_word_counts_as_the_object_of_an_offer_word() -> None:
    # "verkaufe Gras": written right after an offer word, a highly ambiguous word of the
    # post's language is judged on the score; it takes a supplier speaking or another cue.
    s = _scanner(
        _ctx(97, "schreib mir", "de", "supply"),
        T(98, "verkaufe", "de", "signal.offer", kind="phrase", amb="medium"),
    )
    f = s.scan("Verkaufe Gras, schreib mir", lang="de")
    assert "'Gras' right beside 'Verkaufe'" in f.explanation, f.explanation
    assert f.verdict == "sale", f.explanation
    alone = s.scan("Verkaufe Gras", lang="de")
    assert alone.verdict != "sale", alone.explanation
    # A longer name that the word only begins is what is sold ("Gras-Trimmer").
    for text in ("Verkaufe Gras-Trimmer, schreib mir", "Verkaufe Gras Trimmer, schreib mir"):
        assert "right beside" not in s.scan(text, lang="de").explanation, text
    # After it, or in another language than the post's, it is no object of the offer.
    for text, lang in (("Gras verkaufe, schreib mir", "de"), ("Verkaufe Gras, schreib mir", "en")):
        assert "right beside" not in s.scan(text, lang=lang).explanation, text


def test_an_ambiguous_term_alone_never_makes_a_sale(scanner: Scanner) -> None:
    for text in ("snow for sale", "snow snow snow", "speed 50 delivery", "ice, dm me"):
        assert scanner.scan(text).verdict != "sale", text


# -- 3. who speaks to whom -----------------------------------------------------------------------


def test_reporting_words_of_the_context_class_make_a_report() -> None:
    s = _scanner(
        _ctx(92, "investigators", "en", "report"),
        _ctx(93, "teenagers", "en", "report"),
    )
    offer = "cocaine for sale, delivery today"
    assert s.scan(offer).verdict == "sale"
    f = s.scan("Investigators say teenagers find cocaine for sale with delivery today")
    assert f.verdict == "mention", f.explanation
    assert "reports on third parties" in f.explanation or "reporting words" in f.explanation


def test_addressing_the_reader_adds_weight_only_beside_a_sale_cue() -> None:
    s = _scanner(_ctx(94, "hit me up", "en", "address"), _ctx(95, "your", "en", "address"))
    f = s.scan("weed 10g to your door, hit me up")
    assert "addresses the reader" in f.explanation, f.explanation
    question = s.scan("have you ever tried weed? your thoughts")
    assert "addresses the reader" not in question.explanation
    assert question.verdict != "sale"


def test_prose_that_addresses_nobody_is_not_an_offer(scanner: Scanner) -> None:
    text = "In that city the cocaine for sale arrives by delivery to buyers in the old harbour"
    f = scanner.scan(text)
    assert f.verdict == "mention", f.explanation
    assert "addresses no reader" in f.explanation
    # ... unless it opens like a listing, with a quantity in its title
    listing = "cocaine 5g - for sale, delivery to buyers in the old harbour and the city centre"
    assert scanner.scan(listing).verdict == "sale"


def test_a_shouted_or_title_cased_listing_is_no_prose(scanner: Scanner) -> None:
    # A listing's title capitalises its words or shouts; dashes and brackets are no words.
    # The same words in small letters are a sentence that addresses nobody.
    title = "COCAINE FOR SALE - PURE - DELIVERY TO BUYERS IN THE OLD HARBOUR AND THE CITY"
    f = scanner.scan(title)
    assert f.verdict == "sale", f.explanation
    assert scanner.scan(title.lower()).verdict == "mention"
    short = "Coke Pack (Pure & Strong Coke For Sale) - NO FE - Delivery !!!"
    assert scanner.scan(short).verdict == "sale", scanner.scan(short).explanation
    # a word spelled out letter by letter is one word of the sentence, not seven
    spaced = "Fresh c.o.c.a.i.n.e <b>for sale</b> today"
    assert scanner.scan(spaced).verdict == "sale", scanner.scan(spaced).explanation


def test_an_everyday_brand_and_an_everyday_word_are_no_pair() -> None:
    # A pill press named by a brand beside a colour is a product and its colour ("Tesla
    # White"); two pill presses named together are a menu of pills.
    s = _scanner(
        T(95, "Tesla", "und", "mdma", kind="brand", amb="high"),
        T(96, "Rolex", "und", "mdma", kind="brand", amb="high"),
        T(97, "white", "en", "cocaine", amb="high"),
        T(98, "Superman", "und", "nps", kind="brand", amb="high"),
    )
    assert "different substances" not in s.scan("Tesla white, free delivery").explanation
    assert "different substances" in s.scan("Tesla and Superman, delivery").explanation


def test_sentences_with_a_quantity_that_address_nobody_are_a_report() -> None:
    # Several sentences citing a weight and a price, with no word to the reader and no way to
    # reach anyone: how a report sums up a case, not how a seller writes.
    s = _scanner(_ctx(99, "write me", "en", "supply"))
    report = (
        "After the search the group was said to have split its stock into smaller lots for "
        "further distribution. Each lot of cocaine 100 g was sold for 5000 euro in the city"
    )
    f = s.scan(report)
    assert f.verdict == "mention", f.explanation
    assert "addresses no reader" in f.explanation
    # The same sentences with a seller's word to the reader are an offer again ...
    assert s.scan(report + ". Write me").verdict == "sale"
    # ... and a numbered list of items is no sequence of sentences.
    menu = "Cocaine for sale: 1. cocaine 100 g for 5000 euro 2. cocaine 50 g for 2600 euro today"
    assert s.scan(menu).verdict == "sale", s.scan(menu).explanation


def test_an_example_cited_is_a_report_even_in_a_short_line() -> None:
    # "for example 1 kilogram for 3000 euro": a text citing an offer, not making one, even
    # with a bound quantity in one short line; a seller's word to the reader keeps an offer.
    s = _scanner(_ctx(97, "for example", "en", "explain"), _ctx(98, "write me", "en", "supply"))
    f = s.scan("The list has for example cocaine 5g for 300 euro.")
    assert f.verdict == "mention", f.explanation
    assert "reports on third parties ['for example']" in f.explanation
    assert s.scan("Cocaine 5g for 300 euro.").verdict == "sale"
    assert s.scan("For example cocaine 5g for 300 euro, write me").verdict == "sale"


def test_a_reporting_word_makes_prose_a_report_even_with_a_quantity() -> None:
    # "Arrested for selling cannabis; a gram cost 50": the quantity sits in a sentence about
    # third parties. The same quantity in a listing's title keeps it a listing.
    s = _scanner(_ctx(99, "arrested", "en", "report"))
    prose = (
        "Three men were arrested last week because they sold hash to students in the city "
        "centre: 5g of hash cost 50 euro"
    )
    f = s.scan(prose)
    assert f.verdict == "mention", f.explanation
    assert "reports on third parties ['arrested']" in f.explanation
    title = "hash 5g 50 euro - for sale, never arrested, delivery to buyers in the city"
    assert s.scan(title).verdict == "sale", s.scan(title).explanation


def test_a_word_about_prices_is_no_amount_in_a_title() -> None:
    s = _scanner(T(96, "price list", "en", "signal.price", kind="phrase", amb="high"))
    prose = "They posted a price list of cocaine for sale with delivery to buyers in the harbour"
    f = s.scan(prose)
    assert f.verdict == "mention", f.explanation
    assert "addresses no reader" in f.explanation
    amount = "cocaine 80€ price list for sale with delivery to buyers in the harbour and the city"
    assert s.scan(amount).verdict == "sale"


def test_a_bare_link_is_not_a_contact_detail_a_messenger_link_is(scanner: Scanner) -> None:
    bare = scanner.scan("cocaine https://bit.ly/3xYz")
    assert bare.verdict != "sale", bare.explanation
    messenger = scanner.scan("cocaine t.me/example_handle")
    assert messenger.verdict == "sale", messenger.explanation


def test_a_platform_name_alone_is_no_sale_cue(scanner: Scanner) -> None:
    f = scanner.scan("cocaine on snapchat and telegram")
    assert f.verdict == "mention", f.explanation
    assert "no sale cue" in f.explanation


def test_context_words_never_reach_the_prefilter(scanner: Scanner) -> None:
    # "you" is in most posts: as a context word it must not send them down the full path.
    s = _scanner(_ctx(96, "you", "en", "address"))
    assert not s.compiled.might_match("thank you for the lovely evening")
    assert s._context is not None and s._context.might_match("thank you")


# -- 4. measured commonness ----------------------------------------------------------------------


def test_an_everyday_word_of_the_post_language_is_read_as_ambiguous() -> None:
    s = _scanner(T(97, "here", "pl", "opioids.heroin", amb="medium"))
    f = s.scan("I am here now, 10g 80e dm me", lang="en")
    here = next(m for m in f.matches if m.surface == "here")
    assert here.ambiguity == "high"
    assert "everyday word in en" in f.explanation
    assert f.verdict != "sale"


def test_another_languages_slang_that_is_an_everyday_word_makes_no_pair() -> None:
    # English "za" (cannabis) is Croatian "for": beside a drug name it is no second drug.
    # (wordfreq lists Croatian as Serbo-Croatian, "sh".)
    s = _scanner(T(98, "za", "en", "cannabis.herbal", amb="high"))
    f = s.scan("zovi za cocaine", lang="hr")
    za = next(m for m in f.matches if m.surface == "za")
    assert za.note.startswith("an everyday word in hr"), f.explanation
    assert "different substances" not in f.explanation
    assert "different substances" in s.scan("za, cocaine, dm me", lang="en").explanation


def test_a_language_free_code_written_as_a_word_is_the_word() -> None:
    s = _scanner(T(98, "DOM", "und", "hallucinogens", kind="abbreviation"))
    assert not s.scan("dat is echt dom van hem, zeker weten", lang="nl").matches
    assert [m.term for m in s.scan("DOM 10mg blotters", lang="en").matches] == ["DOM"]


def test_a_drug_word_common_in_its_own_language_keeps_its_reading(scanner: Scanner) -> None:
    f = scanner.scan("Studie: Kokain im Abwasser von 20 Städten nachgewiesen.")
    assert all(m.ambiguity == "low" for m in f.matches if m.term.lower() == "kokain")


# -- 5. innocent readings and ordinary commerce --------------------------------------------------


def test_an_innocent_phrase_cancels_the_term() -> None:
    term = LexiconTerm(99, "snow", "en", "slang", ("cocaine",), "medium", innocent=("snow shovel",))
    s = Scanner.from_lexicon(Lexicon(terms=(term,), version="innocent"))
    assert not s.scan("snow shovel 2 for 30€, dm me").matches
    assert s.scan("snow 2g 80e dm me").matches


def test_an_innocent_phrase_cancels_every_reading_of_the_span() -> None:
    # The English entry knows "weed killer"; a Norwegian entry of the same spelling does not:
    # the post still wrote "weed killer", so neither reading counts.
    en = LexiconTerm(98, "weed", "en", "slang", ("cannabis",), "medium", innocent=("weed killer",))
    no = LexiconTerm(99, "weed", "no", "slang", ("cannabis",), "medium")
    s = Scanner.from_lexicon(Lexicon(terms=(en, no), version="innocent"))
    assert not s.scan("Weed killer 5 L concentrate, 12.99 EUR, free delivery").matches
    assert s.scan("weed 5g 40e dm me").matches


def test_innocent_readings_travel_from_content_and_records_to_the_lexicon(
    tmp_path: Path,
) -> None:
    # Phrases cancel matches; a given name marks the form as also a person's name.
    root = write_content(
        tmp_path / "c",
        {"en": [{"term": "snow", "kind": "slang", "denotes": ["cocaine"], "ambiguity": "high",
                 "sources": ["test-glossary"],
                 "innocent": [{"kind": "phrase", "text": "snow shovel",
                               "sources": ["test-glossary#entry"]},
                              {"kind": "sense", "text": "frozen rain",
                               "sources": ["test-glossary"]}]},
                {"term": "molly", "kind": "slang", "denotes": ["mdma"], "ambiguity": "high",
                 "sources": ["test-glossary"],
                 "innocent": [{"kind": "name", "text": "Molly",
                               "sources": ["test-glossary#entry"]}]}]},
    )  # fmt: skip
    snow, molly = load_content(root).lexicon().terms
    assert snow.innocent == ("snow shovel",) and not snow.person_name
    assert molly.person_name
    record = {"id": 1, "term": "molly", "lang": "en", "kind": "slang", "denotes": ["mdma"],
              "innocent": [{"kind": "name", "text": "Molly", "sources": ["g"]}]}  # fmt: skip
    assert LexiconTerm.from_record(record).person_name
    plain = LexiconTerm(1, "x", "en", "slang", ("cocaine",)).to_dict()
    assert "innocent" not in plain and "person_name" not in plain


def test_given_names_written_as_names_are_people_not_a_pair_of_drugs() -> None:
    # "Molly and Charlie, our puppies, are available for adoption, DM us": two everyday words
    # that are also given names, written as names, name two someones.
    offer = T(112, "available", "en", "signal.offer", amb="high", conf="medium")
    plain = _scanner(offer)  # "Molly" and "charlie" are terms 5 and 9 of TERMS
    flagged = tuple(replace(t, person_name=t.id in (5, 9)) for t in TERMS)
    named = Scanner.from_lexicon(Lexicon(terms=(*flagged, offer), version="test-names"))
    text = "Molly and Charlie, available now, dm me"
    assert "different substances together" in plain.scan(text, lang="en").explanation
    f = named.scan(text, lang="en")
    assert "different substances" not in f.explanation, f.explanation
    assert f.verdict != "sale", f.explanation
    # Written as drug words are written, they are still read together.
    for other in ("molly and charlie, available now, dm me", "MOLLY & CHARLIE available, dm me"):
        g = named.scan(other, lang="en")
        assert "different substances together" in g.explanation, g.explanation


def test_ordinary_commerce_counts_against_a_single_term(default_scanner: Scanner) -> None:
    f = default_scanner.scan("Weed grinder, zinc alloy, 63 mm, 12.99 € for sale")
    assert f.verdict != "sale", f.explanation
    assert "ordinary product listing" in f.explanation


# -- 6. evasion gaps -----------------------------------------------------------------------------


def test_letters_doubled_anywhere(scanner: Scanner) -> None:
    f = scanner.scan("ccoccaiinne 2g 100e dm me")
    assert [m.term for m in f.matches if m.substances] == ["cocaine"]
    assert f.matches[0].surface == "ccoccaiinne"


def test_doubled_letters_send_an_ascii_post_down_the_full_path(lexicon: Lexicon) -> None:
    compiled = compile_lexicon(lexicon)
    if compiled.fast is not None:
        assert compiled.fast.check("ccoccaiinne") == 1
        assert compiled.fast.check("the coffee is good") == 0  # two doubles: a word


def test_a_letter_spaced_run_of_several_words_is_segmented(scanner: Scanner) -> None:
    text = "C o k e H a s h here"
    f = scanner.scan(text)
    assert [m.term for m in f.matches] == ["coke", "hash"]
    assert [text[m.start : m.end] for m in f.matches] == ["C o k e", "H a s h"]


# -- the context content -------------------------------------------------------------------------


def test_leet_inside_a_code_reads_the_code_and_never_another_code() -> None:
    s = _scanner(
        T(92, "4-FA", "und", "amphetamine", kind="abbreviation"),
        T(93, "2C-B", "und", "hallucinogens", kind="abbreviation"),
        T(94, "4-HO-MET", "und", "hallucinogens", kind="abbreviation"),
        T(95, "T-20", "und", "benzodiazepines", kind="abbreviation"),
    )

    def terms(text: str) -> set[str]:
        return {m.term for m in s.scan(text, lang="en").matches}

    assert "4-FA" in terms("4-F4 pellets for sale")
    assert "2C-B" in terms("2C-8 blotters for sale")
    assert "4-HO-MET" in terms("4-H0-MET for sale")
    # the code's own digits stay digits: "A-FA" is no spelling of 4-FA
    assert "4-FA" not in terms("A-FA for sale")
    # a spelling with no letter left is a number: a price is no code
    assert "T-20" in terms("T-20 for sale")
    assert "T-20" not in terms("80g for 720 euro")
    # a digit of the code's name is no quantity
    cues = {x.surface for x in s.scan("2C-8 blotters, dm me", lang="en").signal_details}
    assert not any(c.startswith("8") for c in cues), cues
    # a leet spelling that is another code's form is that code only
    other = _scanner(
        T(93, "2C-B", "und", "hallucinogens", kind="abbreviation"),
        T(97, "2C-8", "und", "nps", kind="abbreviation"),  # imagined: a code of its own
    )
    assert {m.term for m in other.scan("2C-8 for sale", lang="en").matches} == {"2C-8", "for sale"}


def test_context_files_cover_the_large_languages_with_sources() -> None:
    content = load_content()
    langs = {t.lang for t in content.context}
    assert set(taxonomy.LARGE_LANGUAGES) <= langs
    for t in content.context:
        assert all(taxonomy.is_context(c) for c in t.entry.denotes)
        assert t.entry.sources
    per = {(t.lang, t.entry.denotes[0]) for t in content.context}
    for lang in taxonomy.LARGE_LANGUAGES:
        assert (lang, "context.address") in per and (lang, "context.report") in per


def test_context_codes_are_refused_in_a_language_file(tmp_path: Path) -> None:
    from narcolex.errors import ContentError

    root = write_content(
        tmp_path / "c",
        {"en": [{"term": "police", "kind": "phrase", "denotes": ["context.report"],
                 "sources": ["test-glossary"]}]},
    )  # fmt: skip
    with pytest.raises(ContentError) as exc:
        load_content(root)
    assert any("context/<lang>.yaml" in p for p in exc.value.problems)


def test_context_terms_stay_out_of_the_curated_terms(tmp_path: Path) -> None:
    root = write_content(tmp_path / "c")
    (root / "context").mkdir()
    (root / "context" / "en.yaml").write_text(
        yaml.safe_dump({"lang": "en", "terms": [
            {"term": "police", "kind": "phrase", "denotes": ["context.report"],
             "sources": ["test-glossary#police"]}]}),
        encoding="utf-8",
    )  # fmt: skip
    content = load_content(root)
    assert [t.entry.term for t in content.context] == ["police"]
    assert "police" not in [t.entry.term for t in content.terms]
    assert "police" in [t.term for t in content.lexicon().terms]


def test_first_person_words_are_read_in_the_posts_language() -> None:
    # Italian "ma" is "but", not French "my": an Italian offer is no first-person narrative.
    # The words are content (context.narrator), read wherever they are written.
    s = _scanner(_ctx(100, "ma", "fr", "narrator"), _ctx(101, "I have", "en", "address"))
    text = "cocaine 5g 80€ for sale, ma solo oggi e domani per tutti gli amici della città"
    assert "first-person" not in s.scan(text, lang="it").explanation
    assert "first-person narrative (1 words)" in s.scan(text, lang="fr").explanation
    assert "first-person" not in _scanner().scan(text, lang="fr").explanation
    # ... also inside a longer context phrase, and each time it is written
    s = _scanner(_ctx(100, "I", "en", "narrator"), _ctx(101, "I have", "en", "address"))
    told = "I have 5g of cocaine for sale, I think, and I will keep it for the weekend"
    assert "first-person narrative (3 words)" in s.scan(told, lang="en").explanation


def test_another_languages_context_word_that_is_english_is_the_english_word() -> None:
    # Danish "ring" ("call!") in a post of unknown language that writes the English noun.
    s = _scanner(_ctx(100, "ring", "da", "supply"))
    assert "supplier" not in s.scan("weed ring gold").explanation
    assert "a supplier speaks ['ring']" in s.scan("weed ring gold", lang="da").explanation


def test_a_title_with_amounts_of_three_kinds_is_a_listing_whatever_its_text_cites() -> None:
    # "<medicine> 2mg, 50 tabs - $80" packs strength, count and price: a listing, whose
    # description may name a medicine's use ("seizure disorders") or users' reports.
    s = _scanner(
        T(101, "clonazepam", "en", "benzodiazepines.clonazepam"),
        _ctx(102, "seizure", "en", "report"),
        _ctx(103, "reported", "en", "report"),
    )
    listing = "clonazepam 2mg 50 tabs - $80. Used for seizure disorders, as users reported"
    assert s.scan(listing).verdict == "sale", s.scan(listing).explanation
    headline = "clonazepam 20 kg worth $80000 found. Clonazepam seizure at the port, police say"
    assert s.scan(headline).verdict != "sale", s.scan(headline).explanation


def test_a_price_in_thousands_is_read_in_thousands() -> None:
    from narcolex.detect.finding import Signal
    from narcolex.detect.scoring import plausible_price

    def sigs(weight: str, price: str) -> list[Signal]:
        return [
            Signal("signal.quantity", weight, 0, len(weight), "weight"),
            Signal("signal.price", price, 10, 10 + len(price), "price"),
        ]

    # "$2,000" for a pound is two thousand dollars, not two: a drug's price by weight.
    assert plausible_price(sigs("1 lb", "$2,000"))
    assert plausible_price(sigs("1 lb", "1.500 kr"))
    # Two euros for a kilogram is what groceries cost.
    assert not plausible_price(sigs("1kg", "2€"))
    assert not plausible_price(sigs("1kg", "2,50€"))


def test_a_blank_line_keeps_a_quantity_from_a_term_below_it(scanner: Scanner) -> None:
    # A title's weight and a word of the description under it are no "speed 10g".
    apart = scanner.scan("Garden tonic, 10g\n\nspeed up growth with it", lang="en")
    assert "bound to" not in apart.explanation, apart.explanation
    together = scanner.scan("Garden tonic, 10g speed", lang="en")
    assert "bound to 'speed'" in together.explanation, together.explanation


def test_prose_whose_only_cue_is_an_amount_is_no_offer(scanner: Scanner) -> None:
    # A sentence that tells of an amount of a drug, with no price, offer, contact or word to
    # the reader, describes; an advert with the same amount has more to say.
    story = (
        "Last year the family of the old fisherman quietly moved, over many months and many"
        " trips, more than 100 grams of cocaine through the little port"
    )
    f = scanner.scan(story, lang="en")
    assert f.verdict != "sale", f.explanation
    assert "prose about drugs that addresses no reader" in f.explanation
    assert scanner.scan("100 grams of cocaine, dm me", lang="en").verdict == "sale"
    assert scanner.scan("100 grams of cocaine", lang="en").verdict == "sale"  # a title


def test_a_wholesale_weight_of_an_everyday_word_in_a_sentence_is_a_figure(scanner: Scanner) -> None:
    # "mehr als 100 Kilo 'Gras' verkauft": a report's figure. Another sale cue, or the weight
    # opening a listing's title, make it an offer.
    f = scanner.scan("Seit Jahren wurden so mehr als 100 Kilo Gras verkauft", lang="de")
    assert f.verdict != "sale", f.explanation
    assert scanner.scan("100 Kilo Gras", lang="de").verdict == "sale"
    assert scanner.scan("Wir haben jetzt 100 Kilo Gras, Lieferung", lang="de").verdict == "sale"


def test_a_word_about_quantities_in_a_sentence_is_no_title() -> None:
    # "bags" in the first line of a news sentence states no amount: the sentence is prose
    # about drugs to no reader, not a listing's title; a unit opening the line ("qp ...")
    # or written after its number ("2 fl. oz") still is one.
    s = _scanner(
        T(100, "bags", "en", "signal.quantity", kind="phrase", amb="high"),
        T(101, "qp", "en", "signal.quantity", kind="abbreviation", amb="high"),
    )
    news = "Drone scattered hundreds of bags of cocaine over the crowded square in the city"
    f = s.scan(news, lang="en")
    assert f.verdict != "sale", f.explanation
    assert "addresses no reader" in f.explanation
    title = s.scan(
        "qp cocaine outdoor similar to the photos and quality, best in the city", lang="en"
    )
    assert title.verdict == "sale", title.explanation
