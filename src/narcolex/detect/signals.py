"""Sale-intent cues that are notations rather than words: prices, quantities, contacts, menus.

Words that signal sale intent ("delivery", "DM me", "Lieferung") are lexicon terms denoting
`signal.*` codes and arrive through the matcher; this module adds what a word list cannot
express: a number next to a currency, a weight or a pill count, a Telegram link, a handle, a
phone number, a price list. Each signal keeps its `kind` because not all are equal: "10g" or
"50 pills" is a stock quantity, "20mg" is usually a dose someone took.

Patterns run on the original text, so offsets need no mapping.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import ahocorasick

from narcolex.detect import scripts
from narcolex.detect.finding import Signal
from narcolex.detect.literals import LiteralGate

_NUM = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_CUR_SYM = r"[€$£₽₴¥₩₫￥฿]"
# Scripts written without spaces (Han, kana, Thai) and Hangul, whose particles are written onto the
# word before: a number there sits against letters ("1g5000円で", "10만원에"), which the
# Latin patterns' word boundaries would refuse. Their units are read with the script's own
# boundaries: no digit or Latin letter before the number, no Latin letter after the unit.
_ASIAN_NUM = rf"(?:(?<=\dg)|(?<![^\W{scripts.ASIAN}]))(?<![.])(?<!\d,){_NUM}"  # also "1g5000円"
_ASIAN_CURRENCY = r"(?:円|万円|萬円|원|만원|만\s원|천원|元|块|塊|万元|萬元|บาท|đồng|vnđ|vnd)"
_ASIAN_WEIGHT_WORD = r"(?:グラム|キロ|克|公斤|그램|키로)"
# Currencies by code, symbol-less sign and the word of each language's grammar ("100 de
# dolari", "2000 рублей", "20 eura", "500 korun"): prices are written in the reader's words.
_CUR_WORD = (
    r"(?:eur(?:o|os|a|oa)?|evra|evro|ευρώ|евро|usd|dollars?|dolar(?:i|a|y|ów|ů|es)?|dólares|dollari|"
    r"bucks|gbp|pounds?|quid|chf|sek|nok|dkk|isk|kr|kroner|kronor|krónur|kronur|kn|kun[ae]?|"
    r"zł|zl|złotych|zlotych|złote|pln|kč|kc|czk|korun[ay]?|lei|leu|ron|ft|forint|huf|tl|lira|"
    r"lv|лв|лева|лев|руб(?:л[ьяей]{1,2})?|р|грн|гривень|гривні|гривня|din|dinara|динара|динар|"
    r"rsd|btc|xmr|ltc|eth|idr|rb|ribu|jt|juta|thb|baht)"
)
# Romance languages put "de" between a number of twenty or more and its unit ("260 de
# miligrame", "100 de dolari" in Romanian).
_OF = r"(?:\s?|\sde\s)"
_PRICE = re.compile(
    rf"(?<![\w$€£]){_CUR_SYM}\s?{_NUM}(?:\s?-\s?{_NUM})?(?:\s?{_CUR_WORD})?(?![\w%])"
    rf"|(?<![\w.])(?<!\d,){_NUM}(?:\s?-\s?{_NUM})?(?:\s?{_CUR_SYM}|{_OF}{_CUR_WORD}(?!\w))"
    rf"|(?<![\w.])(?<!\d,){_NUM}e(?![\w])",
    re.IGNORECASE,
)
# Prices of the Asian currencies and the rupiah ("5000円", "10만원", "Rp 1.500.000"): their own
# patterns, gated by the currency (_NUMERIC), so that other posts do not pay for them.
_PRICE_ASIAN = re.compile(rf"{_ASIAN_NUM}\s?{_ASIAN_CURRENCY}(?![A-Za-z])", re.IGNORECASE)
_PRICE_RUPIAH = re.compile(
    rf"(?<!\w)rp\.?\s?{_NUM}(?:\.\d{{3}})*(?:\s?(?:rb|ribu|jt|juta|k))?(?!\w)", re.IGNORECASE
)
# Grams in the grammar of each language (Romanian "grame", Polish "gramów", Czech "gramů",
# Croatian "grama", Finnish "grammaa", Greek "γρ", Bulgarian "грама", Ukrainian "грами").
_WEIGHT_UNITS = (
    r"(?:g|gr|grs|gm|gms|grm|gram|grams|gramm|gramme|grammes|gramos|gramo|grammi|grammo|grame|"
    r"gramy|gramów|gramu|gramů|gramov|grama|grami|gramas|gramma|grammaa|kg|kilo|kilos|"
    r"kilogram\w*|oz|ounces?|lbs?|lb|l|ml|cl|liters?|litres?|γρ|γραμμάρι\w*|г|гр|грамм\w*|грам\w*|кг|"
    r"мл|кило)"
)
# A strength (mg per pill, "250mg/ml"); a volume ("10 ml", "5 мл") is an amount of stock, like a
# weight.
_DOSE_UNITS = r"(?:mg|µg|ug|mcg|iu|mil+igram\w*|мг|мкг)"
# Units that only drugs come in (pills, hits, stamps) versus generic pieces of anything.
# ... in each language's words and grammar ("10 pastillas", "5 comprimés", "20 таблеток").
_COUNT_UNITS = (
    r"(?:pills?|tabs?|tablets?|caps?|capsules?|hits?|blotters?|bars?|vials?|amps?|ampoules?|bottles?|"
    r"seeds?|strips?|stamps?|baggies|doses?|tabl|tabletek|tabletki|tabletka|tabletten|tabletter|"
    r"tablety|tablet|tabletta|tablettia|tablete|tabletas|pillen|piller|pilleriä|pilules|pastillas|"
    r"pastis|pastilhas|pastiglie|pasticche|pastile|kapseln|kapsler|kapslar|kapsle|kapslí|kapselia|"
    r"kapsułek|kapsułki|kapszula|cápsulas|capsule|cachets|comprimés|comprimidos|compresse|gélules|"
    r"buvards|flacons|frascos|flaconi|fiale|ampollas|ampolas|ampullen|fiolek|fiolki|dosis|"
    r"таблеток|таблетки|таблетка|капсул|капсулы|капсули|марок|марки|χάπια|χαπιών|ταμπλέτες|"
    r"butir|เม็ด|錠|粒)"
)
_PIECE_UNITS = r"(?:pcs|pieces?|stk|stück|units?|packs?|bags?|bundles?|шт|stuks|kpl)"
_WEIGHT = re.compile(
    rf"(?<![\w.])(?<!\d,){_NUM}\+{{0,2}}{_OF}{_WEIGHT_UNITS}(?!\w)|(?<!\w)(?:1/8|1/4|1/2|[⅛¼½])\s?(?:\(\w+\)\s?)?(?:oz|lb|ounce|gram|g)(?!\w)"
    rf"|(?<!\w)8th(?!\w)",
    re.IGNORECASE,
)
# Grams written against Han, kana, Hangul or Thai ("大麻1g", "1g5000円", "3グラム"): read only in
# posts written in those scripts (find_signals).
_WEIGHT_ASIAN = re.compile(
    rf"{_ASIAN_NUM}\s?{_ASIAN_WEIGHT_WORD}"
    rf"|(?<=[{scripts.ASIAN}]){_NUM}\s?(?:g|kg)(?![A-Za-z])"
    rf"|(?<![\w.])(?<!\d,){_NUM}\s?(?:g|kg)(?=[{scripts.ASIAN}]|\d+\s?{_ASIAN_CURRENCY})",
    re.IGNORECASE,
)
# Weights written as words ("a QP", "an eighth", "half gram", "one ounce", "ein Gramm"): the
# only quantities that need no digit. The number words are the small ones sellers write out.
_NUMBER_WORD = (
    r"(?:a|an|one|two|three|four|five|ten|half(?:\s+a)?|quarter|ein|eine|einen|zwei|halbe[ns]?|"
    r"een|twee|halve|un|une|deux|demi|un\s+demi|uno|una|dos|medio|media|mezzo|due)"
)
_WEIGHT_WORDS = re.compile(
    r"(?<!\w)(?:8ball|eight\s?ball|qp|hp|eighth|half\s+(?:oz|ounce|o)|quarter\s+(?:oz|ounce|pound)|"
    r"half\s+(?:a\s+)?(?:pound|lb|kilo|key|zip)|"
    rf"{_NUMBER_WORD}[\s-]+(?:grams?|gramm|gramme?s?|gramos?|grammi|grammo|ounces?|oz|kilos?)|"
    r"(?:grams?|ounces?|oz|kilos?)\s+of)(?!\w)",
    re.IGNORECASE,
)
# Quality claims in notation: a purity or potency percentage ("84%", "99.7 %") and a grade
# ("A+", "AAA", "grade A"). Scoring counts a percentage only right next to a substance term.
# A purity is one number: the end of a range ("10~20%", "10-20%") or a change ("+20%", " -20%",
# a discount) is no purity.
_PURITY = re.compile(
    r"(?<![\w.,%~+])(?<!\d[-–])(?<!\s[-–])(?<!^[-–])\d{1,3}(?:[.,]\d{1,2})?\s?%(?![\w%])"
)
_GRADE = re.compile(
    r"(?<![\w+])(?:[Gg]rade\s?)?(?:A{1,3}\+{1,3}|AAAA?)(?![\w+])|(?<!\w)[Gg]rade\s[AB](?!\w)"
)
# Item counts written as a field or in Nordic/German shorthand: "Qty: 10", "5 st", "10 stk.".
_QTY = re.compile(
    r"(?<!\w)(?:qty|quantity|menge|antal|antall|määrä)\s?[:=.]?\s?\d+(?![\w.,])"
    r"|(?<![\w.])(?<!\d,)\d+\s(?:st|stk)\.?(?!\w)",
    re.IGNORECASE,
)
# "220+mg": at least that strength, how pill presses are listed (and "60++ grams" a weight).
_DOSE = re.compile(
    rf"(?<![\w.])(?<!\d,){_NUM}\+{{0,2}}{_OF}{_DOSE_UNITS}(?:/\w+)?(?!\w)", re.IGNORECASE
)
_FUNCTION_WORDS = (
    r"(?:of|my|the|a|an|his|her|your|our|their|these|those|some|more|other|them|were|are|was|"
    r"and|or|to|in|on|for|with|days?|weeks?|months?|years?|hours?|times?|mg|ml)"
)
# Also a count with the product named in between ("10 LSD blotters", "5 MDMA capsules"), a
# count in thousands ("15,000 pills") and a listing title's leading count in brackets: "(50)
# Norco", "[10] bars".
_COUNT = re.compile(
    rf"(?<![\w.])(?<!\d,)(?!(?:19|20)\d\d\b)(?:\d{{1,3}}(?:,\d{{3}})+(?![\d.,])|\d+)(?:\s?x)?"
    rf"(?:\s?|(?:\s(?!{_FUNCTION_WORDS}\s)[^\W\d_][\w-]*){{1,3}}\s){_COUNT_UNITS}(?!\w)"
    rf"|^\s*[(\[]\d{{1,5}}[)\]](?=\s*\w)",
    re.IGNORECASE,
)
_PIECES = re.compile(rf"(?<![\w.])(?<!\d,)\d+\s?(?:x\s?)?{_PIECE_UNITS}(?!\w)", re.IGNORECASE)
# "10x", "x10", "10x1mg": a multiplier says "several of something", not what the thing is.
_MULTIPLIER = re.compile(
    r"(?<![\w.])(?<!\d,)\d+\s?x(?!\w)|(?<!\w)x\s?\d+(?!\w)|(?<![\w.])(?<!\d,)\d+\s?x\s?(?=\d)",
    re.IGNORECASE,
)
_UNIT_PRICE = re.compile(
    rf"{_NUM}\s?{_WEIGHT_UNITS}\s?[=:@]\s?{_CUR_SYM}?\s?{_NUM}|{_NUM}\s?(?:{_CUR_SYM}|{_CUR_WORD})?"
    rf"\s?/\s?(?:g|gr|gram|oz|pc|pill|tab|piece)(?!\w)",
    re.IGNORECASE,
)
# A post that lists a listing's amount (a strength, grams or ounces, a count of pills, a
# price): where listings and reviews misspell the names of medicines ("Diazapam 10mg",
# "Klonipin 2mg x 30"), so the scanner reads such a post's words for misspellings too. Fewer
# units than the quantity patterns on purpose: with every weight ("140 kg") news of seizures
# would be read for misspellings as well (a test posts one).
_AMOUNT = re.compile(
    r"\d\s?(?:[mµu]?g|mcg|ml|oz|lbs?|x|pcs|pills?|tabs?|caps?)(?![^\W\d_])"
    rf"|(?<![^\W\d_])x\s?\d|{_CUR_SYM}\s?\d|\d\s?{_CUR_SYM}",
    re.IGNORECASE,
)


def has_digit(text: str) -> bool:
    """A decimal digit anywhere in `text` (what `\\d` matches): every amount needs one."""
    return _ANY_DIGIT.search(text) is not None


_ANY_DIGIT = re.compile(r"\d")
try:  # the C module answers the same in one pass (see _fastpath.c); optional, like the rest
    from narcolex.detect._fastpath import has_digit as _has_digit
except ImportError:  # pragma: no cover - installs without a compiler
    _has_digit = has_digit


def lists_amount(text: str) -> bool:
    """`text` lists a listing's amount (see _AMOUNT). Every alternative needs a digit: a post
    without one (most clean posts) is answered by one pass over it."""
    return _has_digit(text) and _AMOUNT.search(text) is not None


_MESSENGER_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:t\.me|telegram\.me|telegram\.dog|wa\.me|signal\.me|"
    r"wickr\.me|snapchat\.com/add|threema\.id)/\S+",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<!\w)[a-z2-7]{16,56}\.onion(?!\w)",
    re.IGNORECASE,
)
# Feedback on a purchase (a buyer's review, a thank-you to a seller) shares a seller's words
# ("shipping", "stealth", "vendor") but looks back: ratings, thanks, receipt in the past tense,
# "will order again". Counter-evidence, per distinct cue, in the larger languages.
REVIEW = re.compile(
    r"(?<![\w/])(?:10|[0-5](?:[.,]5)?)\s?/\s?(?:5|10)(?![\w/])|(?<!\w)[1-5]\s?stars?(?!\w)"
    r"|(?<!\w)(?:thanks|thank\s+you|thx|ty\s+(?:again|so\s+much)|arrived|received|came\s+in|"
    r"got\s+(?:it|them|my|here)|showed\s+up|ordered|"
    r"will\s+(?:definitely\s+|surely\s+)?(?:order|buy|be\s+back|return)|repeat\s+(?:buyer|customer|order)|"
    r"as\s+described|as\s+advertised|recommend(?:ed)?|legit\s+vendor|"
    r"(?:shipping|shipment|stealth|delivery|packaging|product|quality|service)\s+(?:was|were)|"
    r"(?:was|were)\s+(?:fast|quick|great|good|perfect|excellent|amazing|awesome)|[1-5]\s?of\s?5|"
    r"danke|angekommen|erhalten|bestellt|merci|reçu|commandé|gracias|recibido|llegó|bedankt|"
    r"ontvangen|besteld|grazie|ricevuto|arrivato|tack|mottagit|kiitos|dziękuję|otrzymałem)(?!\w)",
    re.IGNORECASE,
)
# A first-person account of taking a drug ("I took two pills", "we smoked a gram", "ich habe
# ... genommen") names substances and quantities like an advert but is a user's story.
# Subject pronoun, at most two words, then a verb of taking in the past; "I got" and "I have"
# are left out, they are also how sellers announce stock.
USE_STORY = re.compile(
    r"(?<!\w)(?:i|we|i've|we've|ive)\s+(?:\w+\s+){0,2}?(?:took|smoked|snorted|tried|dropped|"
    r"popped|ate|injected|dosed|used\s+to|was\s+on|were\s+on|did\s+(?:some|a|my|the|\d))(?!\w)"
    r"|(?<!\w)(?:ich|wir)\s+(?:habe|hab|haben|hatte)\s+(?:\w+\s+){0,4}?(?:genommen|geraucht|"
    r"gezogen|probiert|konsumiert)(?!\w)"
    r"|(?<!\w)(?:j'ai|on\s+a)\s+(?:\w+\s+){0,2}?(?:pris|fumé|sniffé|essayé|testé|consommé)(?!\w)"
    r"|(?<!\w)(?:(?:yo\s+)?(?:tomé|fumé|probé|esnifé|consumí))(?!\w)"
    r"|(?<!\w)(?:ik|we)\s+(?:heb|hebben|had)\s+(?:\w+\s+){0,4}?(?:genomen|gerookt|geprobeerd|gebruikt)(?!\w)",
    re.IGNORECASE,
)
# A patient's account of a treatment ("my doctor prescribed", "no side effects", "helped with
# my pain") names medicines and doses like a pharmacy listing but reports an experience.
TREATMENT_STORY = re.compile(
    r"(?<!\w)(?:side[\s-]effects?|(?:was|were|got|been|i\s+am|i'm)\s+(?:prescribed|given|put\s+on|"
    r"started\s+on|switched)|prescribed\s+(?:me|for|by)|my\s+(?:doctor|dr|gp|psychiatrist|"
    r"pain|anxiety|depression|insomnia|symptoms|migraines?|headaches?|condition)|"
    r"helped\s+(?:me|with|my)|(?:it|this)\s+(?:helped|worked|works)|withdrawals?|tapering|"
    r"nebenwirkungen|mein\s+arzt|effets\s+secondaires|mon\s+médecin|efectos\s+secundarios|"
    r"mi\s+médico|bijwerkingen|mijn\s+arts|biverkningar|min\s+läkare)(?!\w)",
    re.IGNORECASE,
)
# Information products (guides, e-books) about drugs are not drugs: counter-evidence.
DIGITAL = re.compile(
    r"(?<!\w)(?:pdf|e-?books?|ebooks?|guides?|tutorials?|digital\s+(?:download|copy|delivery)|"
    r"manuals?|courses?|video\s+course)(?!\w)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{2,31}(?![\w@])")
_APP_ID = re.compile(
    r"(?<!\w)(?:wickr|signal|threema|session|snap(?:chat)?|telegram|tg|kik|wire|whatsapp|wa|"
    r"viber|wechat|discord|insta(?:gram)?)(?:\s?(?:id|me))?\s?[:=@]\s?\S{3,}",
    re.IGNORECASE,
)
_APP_WORDS = ("wickr", "threema", "snapchat", "telegram", "kik", "whatsapp", "viber", "wechat",
              "discord")  # fmt: skip
_PAY_WORDS = ("btc", "bitcoin", "xmr", "monero", "ltc", "litecoin", "paypal", "revolut",
              "cashapp", "cash app", "crypto", "escrow", "western union", "paysafe",
              "paysafecard")  # fmt: skip


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


# App and payment names, case-insensitive (text whose lower case changes length, like "İ",
# is searched by the regex; other text by one automaton pass over its lower case).
_NAMES_ANY = re.compile(
    rf"(?<!\w)(?:(?P<app>{_alternation(_APP_WORDS)})|(?P<pay>{_alternation(_PAY_WORDS)}))(?!\w)",
    re.IGNORECASE,
)
# Word starts that gate the costlier patterns: a weight written in words, a grade.
_GATES = {"weight_word": ("qp", "hp", "eight", "8ball", "half", "quarter", "gram", "ounce",
                          "oz", "kilo"),
          "grade": ("a+", "aaa", "grade")}  # fmt: skip


def _keyword_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for kind, words in (("app", _APP_WORDS), ("pay", _PAY_WORDS)):
        for w in words:
            auto.add_word(w, (kind, len(w), True))
    for kind, words in _GATES.items():
        for w in words:
            if w not in auto:
                auto.add_word(w, (kind, len(w), False))
    auto.make_automaton()
    return auto


_KEYWORDS = _keyword_automaton()


def _keywords(low: str) -> tuple[list[tuple[str, int, int]], set[str]]:
    """App/payment names as (kind, start, end) with word boundaries, and the gates that
    opened (a gate word at a word start)."""
    names: list[tuple[str, int, int]] = []
    gates: set[str] = set()
    n = len(low)
    for end, (kind, k, whole) in _KEYWORDS.iter(low):
        start = end - k + 1
        if start > 0 and (low[start - 1].isalnum() or low[start - 1] == "_"):
            continue
        if not whole:
            gates.add(kind)
            continue
        if end + 1 < n and (low[end + 1].isalnum() or low[end + 1] == "_"):
            continue
        names.append((kind, start, end + 1))
    return names, gates


_PHONE = re.compile(
    r"(?<![\w+.,])(?:\+|00)\d{2,3}[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4}){2,3}(?![\w.,])"
    r"|(?<![\w.,])0\d{2,3}[\s.-]?\d{3}[\s.-]?\d{3,4}(?![\w.,])"
)
# "9 PM", "10:30pm", "in the PM": a time of day, which the lexicon's "PM" (private message,
# "PM me") is not.
_CLOCK_WORD = frozenset({"am", "pm", "a.m.", "p.m."})
_BEFORE_CLOCK = re.compile(r"(?:\d(?:[:.]\d\d)?\s?|\b(?:the|each|every)\s+)$", re.IGNORECASE)


def clock_time(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is the am/pm of a time of day rather than a signal word."""
    if text[start:end].lower() not in _CLOCK_WORD:
        return False
    return _BEFORE_CLOCK.search(text, max(0, start - 12), start) is not None


_LEADING_MENTIONS = re.compile(r"^(?:\s*(?:RT\s+)?@\w+:?)+")
_EMOJI_BULLET = re.compile(r"^\s*[^\w\s]{1,3}\s*\w")

_DIGIT = re.compile(r"[\d⅛¼½]")  # a number, or a fraction a weight can start with
# Each numeric pattern with the characters it cannot match without (None: any digit will
# do): a pattern whose characters are absent is skipped, which is most of them in most posts.
_COUNT_GATE = ("pill", "tab", "cap", "hit", "blotter", "bar", "vial", "amp", "bottle", "seed",
               "strip", "stamp", "baggies", "dose", "(", "[", "pastil", "pastis", "pastic", "kaps",
               "cápsul", "cach", "compr", "gélul", "buvard", "flac", "fras", "fial", "fiol",
               "dosis", "табл", "капс", "мар", "χάπι", "χαπι", "ταμπλ", "pastig",
               "pilul", "butir", "เม็ด", "錠", "粒")  # fmt: skip
_PIECES_GATE = ("pcs", "piece", "stk", "stück", "unit", "pack", "bag", "bundle", "шт", "stuks",
                "kpl")  # fmt: skip
_DOSE_GATE = ("mg", "µg", "μg", "ug", "mcg", "iu", "milig", "millig", "мг", "мкг")
_QTY_GATE = ("qty", "quantity", "menge", "antal", "määrä", "st")
_ASIAN_CURRENCY_GATE = ("円", "원", "元", "块", "塊", "บาท", "đồng", "vnđ", "vnd")
_NUMERIC: tuple[tuple[str, str, re.Pattern[str], tuple[str, ...] | None], ...] = (
    ("signal.price", "unit_price", _UNIT_PRICE, ("=", ":", "@", "/")),
    ("signal.price", "price", _PRICE, None),
    ("signal.price", "price", _PRICE_ASIAN, _ASIAN_CURRENCY_GATE),
    ("signal.price", "price", _PRICE_RUPIAH, ("rp",)),
    ("signal.quantity", "weight", _WEIGHT, None),
    ("signal.quantity", "count", _COUNT, _COUNT_GATE),
    ("signal.quantity", "pieces", _PIECES, _PIECES_GATE),
    ("signal.quantity", "multiplier", _MULTIPLIER, ("x",)),
    ("signal.quantity", "dose", _DOSE, _DOSE_GATE),
    ("signal.quantity", "pieces", _QTY, _QTY_GATE),
    ("signal.quality", "purity", _PURITY, ("%",)),
)
_LINKS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("signal.contact", "messenger", _MESSENGER_LINK),
    ("signal.contact", "link", _LINK),
)
# The patterns that most posts give no match for and that cost the most when run on a long
# post (the counter-evidence of scoring, links): skipped when a word every match of them
# contains is absent (see detect.literals). One gate, so that a post is read for it once.
GATE = LiteralGate((REVIEW, TREATMENT_STORY, USE_STORY, DIGITAL,
                    _MESSENGER_LINK, _LINK))  # fmt: skip


# A listing's title written as a web address's last part: words and numbers joined by hyphens,
# nothing else (a market's page names, "generic-valium-10mg-500-pills-400-usd").
_SLUG = re.compile(r"\s*[^\W_]+(?:-[^\W_]+){3,}\s*")


def find_signals(text: str) -> list[Signal]:
    """Every notation-level sale cue in `text`, without overlaps (platform names aside).

    Pattern groups are skipped when the characters they need are absent: most posts have no
    digits, links or ids, and a skipped regex is the cheapest one.
    """
    groups: list[tuple[tuple[str, str, re.Pattern[str]], ...]] = []
    original = text
    if _SLUG.fullmatch(text):  # "xanax-2mg-500-pills-400-usd": a title written as a URL slug
        text = text.replace("-", " ")  # same length: the offsets stay those of the post
    low = text.lower()
    exact_low = len(low) == len(text)  # lower() can lengthen a few letters (İ): then no gates
    has_digit = _DIGIT.search(text) is not None
    if has_digit:
        numeric = [
            (code, kind, pattern)
            for code, kind, pattern, needs in _NUMERIC
            if needs is None or not exact_low or any(c in low for c in needs)
        ]
        if not text.isascii() and scripts.ASIAN_CHAR.search(text):
            numeric.append(("signal.quantity", "weight", _WEIGHT_ASIAN))
        groups.append(tuple(numeric))
    if "/" in text or ".onion" in text or "www." in text:
        links = tuple(x for x in _LINKS if GATE.may_match(x[2], text))
        if links:
            groups.append(links)
    if ":" in text or "=" in text or "@" in text:
        groups.append((("signal.contact", "app_id", _APP_ID),))
    if has_digit:
        groups.append((("signal.contact", "phone", _PHONE),))
    out: list[Signal] = []
    if exact_low:
        names, gates = _keywords(low)
    else:
        names = [("app" if m.group("app") else "pay", *m.span()) for m in _NAMES_ANY.finditer(text)]
        gates = set(_GATES)
    if "weight_word" in gates:
        groups.append((("signal.quantity", "weight", _WEIGHT_WORDS),))
    if "grade" in gates:
        groups.append((("signal.quality", "grade", _GRADE),))
    for kind, s, e in names:
        if kind == "app":
            out.append(Signal("signal.platform", text[s:e], s, e, "app"))
        else:
            out.append(Signal("signal.payment", text[s:e], s, e, "payment"))
    taken = _Spans()
    for group in groups:
        for code, kind, pattern in group:
            for m in pattern.finditer(text):
                s, e = m.span()
                if code != "signal.platform":
                    if taken.overlaps(s, e):
                        continue
                    taken.add(s, e)
                out.append(Signal(code, original[s:e], s, e, kind))
    text = original
    if "@" in text:
        lead = _LEADING_MENTIONS.match(text)
        skip_to = lead.end() if lead else 0  # a reply's leading @mentions are not contacts
        for m in _HANDLE.finditer(text, skip_to):
            s, e = m.span()
            if not taken.overlaps(s, e):
                out.append(Signal("signal.contact", text[s:e], s, e, "handle"))
    if "\n" in text:
        out.extend(_menu(text, out))
    out.sort(key=lambda sig: sig.start)
    if has_digit and "ound" in low:
        out = _pounds_of_weight(text, out)
    return out


_POUNDS = re.compile(r"\d+(?:[.,]\d+)?\s?pounds?", re.IGNORECASE)
_CONVERSION = re.compile(r"\s*[(\[]?\s*")


def _pounds_of_weight(text: str, found: list[Signal]) -> list[Signal]:
    """A number of pounds followed by its weight in grams ("1 Pound ( 448 grams )") is that
    weight, not money: a listing gives the conversion, a price does not."""
    out = list(found)
    for k, sig in enumerate(out[:-1]):
        nxt = out[k + 1]
        if (
            sig.source == "price"
            and _POUNDS.fullmatch(sig.surface)
            and nxt.source == "weight"
            and _CONVERSION.fullmatch(text, sig.end, nxt.start)
        ):
            out[k] = Signal("signal.quantity", sig.surface, sig.start, sig.end, "weight")
    return out


class _Spans:
    """Disjoint taken spans with O(log n) overlap tests (posts can be a megabyte long)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect_right(self.starts, s)
        return (k > 0 and self.ends[k - 1] > s) or (k < len(self.starts) and self.starts[k] < e)

    def add(self, s: int, e: int) -> None:
        k = bisect_right(self.starts, s)
        self.starts.insert(k, s)
        self.ends.insert(k, e)


def _menu(text: str, found: list[Signal]) -> list[Signal]:
    """Three or more lines that each carry a price or a quantity, or start with an emoji
    bullet, read as a menu (a price list)."""
    breaks = [i for i, c in enumerate(text) if c == "\n"]
    priced = {
        bisect_right(breaks, s.start - 1)
        for s in found
        if s.code in ("signal.price", "signal.quantity") and s.source != "dose"
    }
    lines = text.split("\n")
    bullets = {i for i, ln in enumerate(lines) if _EMOJI_BULLET.match(ln)}
    rows = priced | bullets
    if len([i for i in rows if lines[i].strip()]) < 3:
        return []
    first = min(rows)
    start = sum(len(ln) + 1 for ln in lines[:first])
    last = max(rows)
    end = sum(len(ln) + 1 for ln in lines[: last + 1]) - 1
    return [Signal("signal.menu", text[start:end], start, end, "menu")]
