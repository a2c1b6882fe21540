from narcolex.textkey import term_key


def test_case_and_accents_fold():
    assert term_key("KOKAÍN") == term_key("kokain") == "kokain"
    assert term_key("  Straße  Gras ") == "strasse gras"
    assert term_key("Łódź") == "lodz"


def test_distinct_words_stay_distinct():
    assert term_key("gras") != term_key("grass")
    assert term_key("коксу") != term_key("кокс")
