"""End-to-end on the bundled release, with terms that are certain to be in it."""

from __future__ import annotations

import pytest

from narcolex.detect import Scanner


@pytest.mark.parametrize(
    ("text", "lang", "substance"),
    [
        ("cocaine 1g 80€, t.me/example_handle", "en", "cocaine"),
        ("C0C@INE 2g 150e dm", "en", "cocaine"),
        ("Kokain 1g 70€, Telegram: example_handle", "de", "cocaine"),
        ("cannabis 10g 90€, wickr: example_handle", "en", "cannabis"),
        ("cocaína 1g 60€, whatsapp: example_handle", "es", "cocaine"),
        ("cocaïne 1g 70€, snapchat: example_handle", "fr", "cocaine"),
    ],
)
def test_bundled_release_finds_offers(
    default_scanner: Scanner, text: str, lang: str, substance: str
) -> None:
    f = default_scanner.scan(text, lang=lang)
    assert f.verdict == "sale", f.explanation
    assert any(s.split(".")[0] == substance for s in f.substances)
    for m in f.matches:
        assert text[m.start : m.end] == m.surface


@pytest.mark.parametrize(
    "text",
    [
        "Molly is coming to the party with her brother",
        "Snow is expected tonight in the mountains",
        "The speed limit on this road is 50",
        "Charlie and I went to the cinema",
        "keep off the grass please",
        "Scunthorpe United won the match",
        "the weather is lovely today",
        "snow tyres 4x 200€ dm me",
        "Molly's cupcakes 3€ each, delivery in Dublin, dm @example_handle",
        "Speed dating tonight 10€ entry, tickets via whatsapp",
        "Crystal glasses set, 6 pcs 30€, shipping available",
        "Brown sugar 1kg 2€ at the market today",
        "selling a PVP account 50 euro",  # an ASCII spelling of α-PVP, with its hyphen folded
        "Hiring a PHP developer, 3000 euro",
    ],
)
def test_bundled_release_leaves_innocent_posts_alone(default_scanner: Scanner, text: str) -> None:
    assert default_scanner.scan(text, lang="en").verdict != "sale"
    assert default_scanner.scan(text).verdict != "sale"


def test_bundled_release_news_is_not_sale(default_scanner: Scanner) -> None:
    f = default_scanner.scan(
        "Police seized 300 kg of cocaine at the port, the ministry said.", lang="en"
    )
    assert f.verdict == "mention", f.explanation
