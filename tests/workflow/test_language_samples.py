"""Issue 4: one advert-like sentence per language, written for these tests, is scanned with
the bundled package and yields the expected substance. The sentences are deliberately short
and carry no prices, handles or other details."""

from __future__ import annotations

import pytest

from narcolex import taxonomy

SAMPLES: dict[str, tuple[str, str]] = {
    "ar": ("للبيع حشيش، توصيل", "cannabis"),
    "bg": ("продажба на марихуана, доставка", "cannabis"),
    "cs": ("prodej marihuana, doručení kurýrem", "cannabis"),
    "da": ("sælger hash, leveret til døren", "cannabis"),
    "de": ("Verkaufe Kokain, Lieferung per Kurier", "cocaine"),
    "el": ("χασίς με διανομή", "cannabis"),
    "en": ("cocaine for sale, DM for details", "cocaine"),
    "es": ("vendo cocaína, entrega en mano", "cocaine"),
    "et": ("kokaiin müük, kuller", "cocaine"),
    "fi": ("myydään hasista, lähetys postitse", "cannabis"),
    "fr": ("cocaïne, livraison à domicile", "cocaine"),
    "ga": ("cócaon ar díol, seachadadh sa phost", "cocaine"),
    "hr": ("prodaja kokain, dostava na kućnu adresu", "cocaine"),
    "hu": ("eladó kokain, futár", "cocaine"),
    "is": ("kókaín til sölu", "cocaine"),
    "it": ("vendo hashish, consegna a domicilio", "cannabis"),
    "lt": ("kokainas, siunta į paštomatą", "cocaine"),
    "lv": ("pārdod marihuāna, piegāde", "cannabis"),
    "mt": ("kokaina għall-bejgħ, bil-posta", "cocaine"),
    "nl": ("wiet te koop, bezorgdienst", "cannabis"),
    "no": ("selger hasj, levering", "cannabis"),
    "pl": ("kokaina, dostawa kurierem", "cocaine"),
    "pt": ("vendo haxixe, encomenda", "cannabis"),
    "ro": ("hașiș prin curier", "cannabis"),
    "ru": ("кокаин, закладка, доставка", "cocaine"),
    "sk": ("predaj hašiš, kuriér", "cannabis"),
    "sl": ("prodaja kokain, dostava", "cocaine"),
    "sq": ("shitet kokainë, dërgesë me postë", "cocaine"),
    "sr": ("prodaja hašiš, dostava", "cannabis"),
    "sv": ("säljer hasch, hemleverans", "cannabis"),
    "tr": ("satılık esrar, kargo ile teslimat", "cannabis"),
    "uk": ("маріхуана, закладки, продаж", "cannabis"),
    "ja": ("大麻 販売、郵送可", "cannabis"),
    "ko": ("대마초 팝니다, 택배 가능", "cannabis"),
    "zh": ("出售冰毒，快递发货", "methamphetamine"),
    "vi": ("bán cần sa, giao hàng tận nơi", "cannabis"),
    "th": ("ขายกัญชา ส่งไปรษณีย์", "cannabis"),
    "id": ("jual ganja, bisa COD", "cannabis"),
    "he": ("חשיש למכירה, משלוח עד הבית", "cannabis"),
    "und": ("M30 💊 available", "opioids"),
}


def test_every_language_has_a_sample():
    assert set(SAMPLES) == set(taxonomy.LANGUAGES)


@pytest.fixture(scope="module")
def scanner():
    from narcolex.detect.engine import Scanner

    return Scanner.default()


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_sample_sentence_yields_expected_substance(scanner, lang):
    text, group = SAMPLES[lang]
    finding = scanner.scan(text, lang=None if lang == "und" else lang)
    groups = {taxonomy.substance_group(code) for code in finding.substances}
    assert group in groups, (lang, finding.to_dict())
    assert finding.verdict != "clean"
    for m in finding.to_dict()["matches"]:
        assert text[m["start"] : m["end"]] == m["surface"]
