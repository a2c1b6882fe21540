import pytest

from narcolex import taxonomy
from narcolex.errors import UnknownCodeError


def test_taxonomy_has_every_architecture_code():
    assert "opioids.nitazenes" in taxonomy.SUBSTANCES
    assert "cannabis.concentrates" in taxonomy.SUBSTANCES
    assert "drugs.generic" in taxonomy.SUBSTANCES
    assert len(taxonomy.SIGNALS) == 11
    assert len(taxonomy.EU_LANGUAGES) == 24
    assert {"no", "is", "ru", "uk", "tr", "ar", "sq", "sr", "und"} <= set(taxonomy.LANGUAGES)


@pytest.mark.parametrize(
    ("func", "value"),
    [
        (taxonomy.validate_substance, "opioids.fentanyl"),
        (taxonomy.validate_code, "signal.contact"),
        (taxonomy.validate_code, "mdma"),
        (taxonomy.validate_language, "sv"),
        (taxonomy.validate_kind, "emoji_sequence"),
        (taxonomy.validate_match_mode, "compound"),
        (taxonomy.validate_country, "se"),
        (taxonomy.validate_country, "ng"),  # outside Europe: sources place trafficking there
        (taxonomy.validate_country, "XK"),  # Kosovo: user-assigned, used by the EU
    ],
)
def test_valid_codes_pass(func, value):
    assert func(value).lower() == value.lower()


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (taxonomy.validate_substance, "opioids.fentanil", "opioids.fentanyl"),
        (taxonomy.validate_substance, "cocain", "cocaine"),
        (taxonomy.validate_code, "signal.contakt", "signal.contact"),
        (taxonomy.validate_language, "sw", "sv"),
        (taxonomy.validate_kind, "emojii", "emoji"),
    ],
)
def test_unknown_code_suggests_nearest(func, value, expected):
    with pytest.raises(UnknownCodeError) as info:
        func(value)
    assert expected in info.value.suggestions
    assert expected in str(info.value)
    assert value in str(info.value)


def test_countries_list_the_expected_ones_first_then_every_iso_code_once():
    assert taxonomy.COUNTRIES[:3] == ("AT", "BE", "BG")
    assert len(set(taxonomy.COUNTRIES)) == len(taxonomy.COUNTRIES) > 240
    rest = taxonomy.COUNTRIES[taxonomy.COUNTRIES.index("AR") + 1 :]
    assert list(rest) == sorted(rest) and {"NG", "GH", "IN", "BD", "NP"} <= set(rest)
    with pytest.raises(UnknownCodeError):
        taxonomy.validate_country("QQ")


def test_unknown_child_falls_back_to_siblings():
    with pytest.raises(UnknownCodeError) as info:
        taxonomy.validate_substance("opioids.zzzzzz")
    assert all(s.startswith("opioids") for s in info.value.suggestions)
    assert info.value.suggestions


def test_substance_group_and_ancestors():
    assert taxonomy.substance_group("opioids.fentanyl") == "opioids"
    assert taxonomy.substance_group("drugs.generic") == "drugs.generic"
    assert taxonomy.ancestors("cannabis.resin") == ("cannabis.resin", "cannabis")
    assert taxonomy.ancestors("signal.price") == ("signal.price",)
