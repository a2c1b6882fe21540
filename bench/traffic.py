"""Speed on traffic-like text (issue 15): `python bench/traffic.py [--posts N] [--no-spark]`.

One table per corpus, each with the baseline measured in the same run on the same posts:
- **dev tweets** and the **whole dev set**: the labelled development rows, read at run time
  from ../shared/data/dev when present (never copied);
- **generated traffic**: innocent posts built to the rates measured on the dev tweets (links,
  handles, hashtags, emoji, Cyrillic, diacritics, lexicon forms that are everyday words or sale
  words), plus one offer in a hundred built from the bundled lexicon;
- the **evasion corpus** of bench/run.py (20k synthetic terms, one post in five obfuscated).
The baseline is plain pyahocorasick over the same lexicon's forms (terms and variants,
lowercased) with a Python word-boundary check. Then scan_many with 1 and 2 workers (helpers
started per call, and kept between calls with Scanner.pool), Spark
local[1] against local[2], and the peak RSS of a process holding the bundled and the 20k-term
scanner.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as evasion
from narcolex.detect.engine import Scanner
from narcolex.package.lexicon import Lexicon

DEV_DIR = next(
    (
        p / "shared" / "data" / "dev"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "data" / "dev").is_dir()
    ),
    Path(os.environ.get("NARCOLEX_DEV_DIR", "../shared/data/dev")),
)  # the nearest ../shared/data/dev above the repository (a worktree sits one level deeper)
SEED = 20261207

# Rates measured on the 3,000 dev tweets (tweets15_eu.jsonl, 2026-12-07, bundled lexicon of
# 5,553 terms) by `python bench/traffic.py --rates`: share of posts with at least one of each.
RATES = {
    "link": 0.400,
    "handle": 0.433,
    "hashtag": 0.133,
    "emoji": 0.036,
    "cyrillic": 0.135,
    "non-ascii": 0.745,
    "lexicon form": 0.188,
    "signal word": 0.028,
}
MEAN_CHARS = 86  # mean length of a dev tweet

# Everyday words of a few of the project's languages (written here, not taken from any
# corpus); with diacritics where the language has them, Cyrillic for Bulgarian and Serbian.
WORDS = {
    "en": "the day is good we go home today see you tomorrow work time people new year thanks "
    "love game music city friend",
    "de": "heute ist ein schöner Tag wir gehen nach Hause morgen Arbeit Zeit Leute neues Jahr "
    "danke für Grüße Straße",
    "pl": "dzisiaj jest piękny dzień idziemy do domu jutro praca czas ludzie nowy rok dziękuję "
    "miłość gra muzyka miasto",
    "hr": "danas je lijep dan idemo kući sutra posao vrijeme ljudi nova godina hvala ljubav "
    "igra glazba grad prijatelj",
    "sv": "idag är en fin dag vi går hem imorgon jobb tid folk nytt år tack kärlek spel musik "
    "stad vän",
    "pt": "hoje é um dia bonito vamos para casa amanhã trabalho tempo pessoas ano novo obrigado "
    "amor jogo música cidade",
    "hu": "ma szép nap van megyünk haza holnap munka idő emberek új év köszönöm szerelem játék "
    "zene város barát",
    "bg": "днес е хубав ден отиваме у дома утре работа време хора нова година благодаря любов "
    "игра музика град приятел",
    "sr": "данас је леп дан идемо кући сутра посао време људи нова година хвала љубав игра "
    "музика град пријатељ",
}
EMOJI = ["😂", "❤️", "👍", "😊", "🔥", "🙏", "😍", "🎉", "👏🏽", "🇩🇪", "👨‍👩‍👧", "☀️", "💪"]


def dev_rows(names: Iterable[str] | None = None) -> list[str]:
    """Texts of the dev files (all when `names` is None); empty when the folder is absent."""
    files = sorted(DEV_DIR.glob("*.jsonl")) if DEV_DIR.is_dir() else []
    out = []
    for f in files:
        if names is None or f.name in names:
            with f.open(encoding="utf-8") as fh:
                out.extend(json.loads(line)["text"] for line in fh if line.strip())
    return out


_LINK = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"(?<!\w)#\w+")


def measure_rates(texts: list[str], scanner: Scanner) -> dict[str, float]:
    """The RATES of `texts` (lexicon forms as the scanner's matcher finds them)."""
    import emoji

    n = len(texts) or 1
    forms = signal = 0
    for t in texts:
        raw = scanner.compiled.find(t)
        forms += bool(raw)
        signal += any(not any(scanner._substance[i] for i in r.terms) for r in raw)
    return {
        "link": sum(bool(_LINK.search(t)) for t in texts) / n,
        "handle": sum(bool(_HANDLE.search(t)) for t in texts) / n,
        "hashtag": sum(bool(_HASHTAG.search(t)) for t in texts) / n,
        "emoji": sum(emoji.emoji_count(t) > 0 for t in texts) / n,
        "cyrillic": sum(any("\u0400" <= c <= "\u04ff" for c in t) for t in texts) / n,
        "non-ascii": sum(not t.isascii() for t in texts) / n,
        "lexicon form": forms / n,
        "signal word": signal / n,
    }


def langid_table() -> None:
    """The first pass against lingua on the dev tweets: how many it answers, how often it
    agrees with lingua, and how often each is right by the rows' own `lang` labels."""
    from narcolex.detect import langid

    with (DEV_DIR / "tweets15_eu.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    fast = langid._fast_detector()
    # (text read, first pass's code and probability, lingua's answer, label) per row, once
    seen: list[tuple[str | None, str | None, float, str | None, str]] = []
    t_fast = t_lingua = 0.0
    for r in rows:
        text = langid.language_text(r["text"])
        if text is None:
            seen.append((None, None, 0.0, None, r["lang"]))
            continue
        t = time.perf_counter()
        code, p = fast.classify(text)
        t_fast += time.perf_counter() - t
        t = time.perf_counter()
        ling = langid._lingua(text)
        t_lingua += time.perf_counter() - t
        seen.append((text, code, p, ling, r["lang"]))
    n = len(rows)
    both = agree = fast_n = fast_ok = lingua_n = lingua_ok = 0
    for _, code, p, ling, label in seen:
        first = code if p >= langid.FAST_CONFIDENCE else None
        fast_n += first is not None
        fast_ok += first == label
        lingua_n += ling is not None
        lingua_ok += ling == label
        if first and ling:
            both += 1
            agree += first == ling
    print(f"dev tweets: {n}; first pass (py3langid, p >= {langid.FAST_CONFIDENCE}) answers "
          f"{fast_n / n:.1%}, right {fast_ok / max(1, fast_n):.1%} of those (row labels), agrees "
          f"with lingua on {agree / max(1, both):.1%} of the {both} both answer\nlingua answers "
          f"{lingua_n / n:.1%}, right {lingua_ok / max(1, lingua_n):.1%}\ntime per post "
          f"{t_fast / n * 1e6:.0f} us against {t_lingua / n * 1e6:.0f} us")  # fmt: skip
    threshold_table(seen, n)
    restricted_lingua_table(seen, n)


def threshold_table(seen: list[tuple], n: int) -> None:
    """detect_language's answers for other first-pass thresholds: how many posts the first
    pass answers (lingua gets the rest), and how many answers are right by the rows' labels;
    "same" is the agreement with the answers at the threshold in use."""
    from narcolex.detect import langid

    def answers(threshold: float) -> list[str | None]:
        return [c if c is not None and p >= threshold else ling for _, c, p, ling, _ in seen]

    now = answers(langid.FAST_CONFIDENCE)
    head = "first-pass threshold  first pass  answered  right (all)  same as"
    print(f"\n  {head} {langid.FAST_CONFIDENCE}")
    for threshold in (0.9, 0.8, 0.7, 0.6, 0.5):
        got = answers(threshold)
        first = sum(1 for _, c, p, _, _ in seen if c is not None and p >= threshold)
        right = sum(a == row[4] for a, row in zip(got, seen, strict=True))
        same = sum(a == b for a, b in zip(got, now, strict=True))
        print(f"  {threshold:>20} {first / n:>11.1%} {sum(a is not None for a in got) / n:>9.1%} "
              f"{right / n:>12.1%} {same / n:>9.1%}")  # fmt: skip


def restricted_lingua_table(seen: list[tuple], n: int) -> None:
    """lingua restricted to the k languages the first pass ranks highest, on the posts that
    the first pass leaves to lingua: how often it gives the answer of lingua over all the
    project's languages (what detect_language returns today), how often it is right by the
    rows' labels, its time per post, and how many detectors (one per language set) it built;
    "all" is the agreement of detect_language's answers over all `n` tweets (the first pass's
    answers unchanged). detect_language would use it only at 99% or more."""
    from lingua import LanguageDetectorBuilder

    from narcolex.detect import langid

    fast = langid._fast_detector()
    _, back = langid._detector()
    lingua_of = {code: lang for lang, code in back.items()}
    unsure = [
        (text, label, ling)
        for text, _, p, ling, label in seen
        if text is not None and p < langid.FAST_CONFIDENCE
    ]
    detectors: dict[frozenset[str], object] = {}

    def restricted(text: str, k: int) -> str | None:
        probs = fast.probabilities(text)
        langs: list[str] = []
        for i in probs.argsort()[::-1]:
            code = fast.classes[i]
            if code in lingua_of and code not in langs:
                langs.append(code)
            if len(langs) == k:
                break
        key = frozenset(langs)
        det = detectors.get(key)
        if det is None:
            chosen = [lingua_of[c] for c in sorted(key)]
            det = LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()
            detectors[key] = det
        values = det.compute_language_confidence_values(text)
        if not values or values[0].value < langid.MIN_CONFIDENCE:
            return None
        return back.get(values[0].language)

    m = len(unsure) or 1
    t = time.perf_counter()
    for text, _, _ in unsure:
        langid._lingua(text)
    full_us = (time.perf_counter() - t) / m * 1e6
    full_ok = sum(full == label for _, label, full in unsure)
    print(f"\nposts left to lingua: {len(unsure)}; lingua (all languages) right {full_ok / m:.1%}, "
          f"{full_us:.0f} us per post")  # fmt: skip
    head = ("lingua over the top k", "agrees", "all", "right", "us/post", "detectors")
    print("  {:<22} {:>7} {:>7} {:>7} {:>8} {:>9}".format(*head))
    for k in (2, 3, 5, 8):
        detectors.clear()
        got = [restricted(text, k) for text, _, _ in unsure]  # builds the detectors
        t = time.perf_counter()
        for text, _, _ in unsure:
            restricted(text, k)
        us = (time.perf_counter() - t) / m * 1e6
        same = sum(g == full for g, (_, _, full) in zip(got, unsure, strict=True))
        right = sum(g == label for g, (_, label, _) in zip(got, unsure, strict=True)) / m
        agree, agree_all = same / m, (n - len(unsure) + same) / n
        print(f"  {f'k = {k}':<22} {agree:>7.1%} {agree_all:>7.1%} {right:>7.1%} {us:>8.0f} "
              f"{len(detectors):>9}")  # fmt: skip


def generated_traffic(lex: Lexicon, n: int, rng: random.Random) -> list[str]:
    """Innocent posts at the RATES, and one offer in a hundred (bundled lexicon forms)."""
    signal_forms = [t.term for t in lex.terms if all(c.startswith("signal.") for c in t.denotes)]
    everyday = [  # substance terms that are also everyday words ("snow", "grass")
        t.term for t in lex.terms
        if t.ambiguity == "high" and t.kind != "emoji" and t.term not in signal_forms
    ]  # fmt: skip
    substance = [t.term for t in lex.terms if t.ambiguity == "low" and t.kind != "emoji"]
    latin = [lang for lang in WORDS if lang not in ("bg", "sr")]
    # Cyrillic posts are the share measured; of the Latin ones, enough use diacritics to
    # reach the non-ASCII share (English words are the ASCII ones).
    p_cyr = RATES["cyrillic"]
    p_accent = (RATES["non-ascii"] - p_cyr) / (1 - p_cyr)
    p_form = RATES["lexicon form"] - RATES["signal word"]
    posts = []
    for i in range(n):
        if rng.random() < p_cyr:
            lang = rng.choice(("bg", "sr"))
        elif rng.random() < p_accent:
            lang = rng.choice([x for x in latin if x != "en"])
        else:
            lang = "en"
        vocab = WORDS[lang].split()
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < rng.gauss(MEAN_CHARS * 0.6, 15):
            words.append(rng.choice(vocab))
        words = words or [rng.choice(vocab)]
        if lang != "en" and all(w.isascii() for w in words):  # the language shows its letters
            words.append(rng.choice([w for w in vocab if not w.isascii()]))

        def put(token: str, words: list[str] = words) -> None:
            words.insert(rng.randrange(len(words) + 1), token)

        if i % 100 == 0:  # an offer: substance term, sale word, price, contact
            put(rng.choice(substance))
            put(rng.choice(signal_forms))
            put(f"{rng.randint(2, 9)}0€")
            put("@seller" + str(rng.randint(10, 99)))
        else:
            if rng.random() < p_form:
                put(rng.choice(everyday))
            if rng.random() < RATES["signal word"]:
                put(rng.choice(signal_forms))
        if rng.random() < RATES["handle"]:
            words.insert(0, "@user" + str(rng.randint(1, 9999)))
        if rng.random() < RATES["hashtag"]:
            words.append("#" + rng.choice(vocab).capitalize())
        if rng.random() < RATES["emoji"]:
            put(rng.choice(EMOJI))
        if rng.random() < RATES["link"]:
            words.append(f"https://t.co/{rng.getrandbits(40):010x}")
        posts.append(" ".join(words))
    return posts


baseline = evasion.baseline_matcher  # the same plain matcher as bench/run.py


def _unseen_rates(
    base: Callable[[str], object], scanner: Scanner, texts: list[str]
) -> tuple[float, float]:
    """Posts/s of the baseline and of Scanner.scan on posts the scanner has not seen: warmed as
    a server warms it, one pass over the first half (the traffic before), then one timed pass
    each over the second half.
    The best-of passes below scan the same posts again, which finds the word-level caches
    (commonness, readings) full of exactly their words, as a stream of new posts does not."""
    half = len(texts) // 2
    scanner.warm()  # what a server does before its first request
    for x in texts[:half]:
        scanner.scan(x)
    rest = texts[half:]
    t = time.perf_counter()
    for x in rest:
        base(x)
    b = len(rest) / (time.perf_counter() - t)
    t = time.perf_counter()
    for x in rest:
        scanner.scan(x)
    return b, len(rest) / (time.perf_counter() - t)


def _scan_many_rate(
    scanner: Scanner, texts: list[str], workers: int, repeat: int
) -> tuple[float, float]:
    """(posts/s, busiest process's CPU seconds) of scan_many over `texts` repeated until ~20k
    posts, best of `repeat`. The CPU time does not depend on what else the machine runs: one
    process's CPU time over the busiest process's in the two-worker run is the speed-up two
    free cores would give (waits aside)."""
    times = max(1, 20_000 // max(1, len(texts)))
    best = busiest = float("inf")
    for _ in range(repeat):
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time()
        t = time.perf_counter()
        n = sum(1 for _ in scanner.scan_many(texts * times, workers=workers, chunksize=256))
        best = min(best, time.perf_counter() - t)
        done = resource.getrusage(resource.RUSAGE_CHILDREN)  # helpers are joined by now
        helper = done.ru_utime + done.ru_stime - kids.ru_utime - kids.ru_stime
        busiest = min(busiest, max(time.process_time() - cpu, helper))
    return n / best, busiest


def _kept_pool_rate(scanner: Scanner, texts: list[str], workers: int, repeat: int) -> float:
    """posts/s of scan_many through helpers kept between calls (Scanner.pool), best of
    `repeat` calls after one warm-up call on the same pool: the steady state of a caller that
    scans batch after batch, where the page copies after the fork are paid once."""
    times = max(1, 20_000 // max(1, len(texts)))
    best = float("inf")
    with scanner.pool(workers=workers, chunksize=256) as pool:
        for i in range(repeat + 1):
            t = time.perf_counter()
            n = sum(1 for _ in pool.scan_many(texts * times))
            if i:
                best = min(best, time.perf_counter() - t)
    return n / best


SPARK_PARTITIONS = 8  # in local[1] and local[2] alike: 4 tasks per core of local[2]


def _spark_rates(texts: list[str], lex: Lexicon) -> tuple[float, float]:
    """Posts/s of scan_dataframe in local[1] and local[2] (best of two, after a warm-up job
    that starts the Python workers and compiles the release there).

    The posts keep their order (the dev files one after the other) in SPARK_PARTITIONS
    slices. With one partition per core, as this bench had, local[2] waited on the half that
    holds the long listings: the CPU time of the dev set's slices caps two partitions at
    1.55x on two cores, eight at 1.96x. Providers of Spark advise two or three tasks per
    core where data is unevenly spread (Huawei MRS, "Setting Spark Core DOP")."""
    from pyspark.sql import SparkSession

    from narcolex.spark import scan_dataframe

    rates = []
    data = [(str(i), t) for i, t in enumerate(texts)]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local workers: this interpreter
    for master in ("local[1]", "local[2]"):
        spark = (
            SparkSession.builder.master(master).config("spark.ui.enabled", "false")
            .config("spark.default.parallelism", str(SPARK_PARTITIONS)).getOrCreate()
        )  # fmt: skip
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.createDataFrame(data, "id string, text string").cache()
        df.count()
        scanned = scan_dataframe(df, release=lex)
        scanned.write.format("noop").mode("overwrite").save()  # warm-up
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            scanned.write.format("noop").mode("overwrite").save()
            best = min(best, time.perf_counter() - t)
        rates.append(len(texts) / best)
        spark.stop()
    return rates[0], rates[1]


def _rss_child(kind: str, texts: list[str], q: mp.Queue) -> None:
    scanner = Scanner.default() if kind == "bundled" else Scanner.from_lexicon(
        evasion.make_lexicon(random.Random(evasion.SEED)))  # fmt: skip
    for x in texts:
        scanner.scan(x)
    from narcolex.detect.langid import detect_language

    detect_language("this loads the language models so that they count in the peak")
    q.put(evasion._peak_rss_mb())


def peak_rss(kind: str, texts: list[str]) -> float:
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_rss_child, args=(kind, texts, q))
    p.start()
    rss = q.get()
    p.join()
    return rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000, help="generated and evasion posts")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many passes")
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--rates", action="store_true", help="print the rates table and stop")
    ap.add_argument("--langid", action="store_true", help="first-pass language id vs lingua")
    args = ap.parse_args()
    if args.langid:
        langid_table()
        return

    scanner = Scanner.default()
    lex = scanner.lexicon
    tweets = dev_rows(["tweets15_eu.jsonl"])
    generated = generated_traffic(lex, args.posts, random.Random(SEED))
    if args.rates or tweets:
        measured = measure_rates(tweets, scanner) if tweets else {}
        gen = measure_rates(generated, scanner)
        print(f"{'share of posts with':<20} {'dev tweets':>10} {'generated':>10}")
        for k in RATES:
            d = f"{measured[k]:.3f}" if measured else "-"
            print(f"{k:<20} {d:>10} {gen[k]:>10.3f}")
        print()
        if args.rates:
            return

    rng = random.Random(evasion.SEED)
    lex20k = evasion.make_lexicon(rng)
    planted, clean = evasion.make_corpus(rng, lex20k, args.posts)
    ev_texts = [p[0] for p in planted] + clean
    random.Random(evasion.SEED).shuffle(ev_texts)
    scanner20k = Scanner.from_lexicon(lex20k)
    corpora: list[tuple[str, list[str], Scanner, Lexicon]] = []
    if tweets:
        corpora.append(("dev tweets (tweets15_eu)", tweets, scanner, lex))
        corpora.append(("whole dev set (5 files)", dev_rows(), scanner, lex))
    else:
        print(f"(no dev set at {DEV_DIR}: dev corpora skipped)\n")
    corpora.append(("generated traffic", generated, scanner, lex))
    corpora.append(("evasion corpus (20k terms)", ev_texts, scanner20k, lex20k))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"1 process, best of {args.repeat} alternating passes; {cores} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")  # fmt: skip
    for name, texts, sc, lx in corpora:
        base = baseline(lx)
        ub, us = _unseen_rates(base, sc, texts)
        b, s = evasion._rates((base, sc.scan), texts, args.repeat)
        print(f"\n{name}: {len(texts)} posts")
        print(f"  {'':<22} {'posts/s':>9} {'ratio':>7}")
        print(f"  {'baseline (AC + bounds)':<22} {b:>9.0f} {1:>6.2f}x")
        print(f"  {'Scanner.scan':<22} {s:>9.0f} {s / b:>6.3f}x")
        print(f"  {'  unseen posts, once':<22} {us:>9.0f} {us / ub:>6.3f}x (baseline {ub:.0f})")
        one, cpu_one = _scan_many_rate(sc, texts, 1, args.repeat)
        two, cpu_two = _scan_many_rate(sc, texts, 2, args.repeat)
        print(f"  {'scan_many, 1 worker':<22} {one:>9.0f}")
        print(f"  {'scan_many, 2 workers':<22} {two:>9.0f} {two / one:>6.2f}x of 1 worker")
        by_cpu = cpu_one / cpu_two
        print(f"  {'  by CPU time':<22} {'':>9} {by_cpu:>6.2f}x (1 process / busiest of 2)")
        kept = _kept_pool_rate(sc, texts, 2, args.repeat)
        print(f"  {'2 workers kept':<22} {kept:>9.0f} {kept / one:>6.2f}x (Scanner.pool)")
        ceiling = evasion._ceiling(sc, texts[:5000], 2)
        print(f"  {'machine ceiling':<22} {'':>9} {ceiling:>6.2f}x (2 lone scanners vs 1)")
    if not args.no_spark:
        texts = corpora[1][1] if tweets else generated
        r1, r2 = _spark_rates(texts, lex)
        label = "whole dev set" if tweets else "generated traffic"
        print(f"\nSpark scan_dataframe on the {label} ({len(texts)} posts in "
              f"{SPARK_PARTITIONS} partitions, bundled release)")  # fmt: skip
        print(f"  local[1] {r1:>9.0f} posts/s\n  local[2] {r2:>9.0f} posts/s  {r2 / r1:.2f}x")
    sample = (dev_rows() or generated)[:5000]
    print(f"\npeak RSS after scanning 5,000 posts, language models loaded: "
          f"bundled release {peak_rss('bundled', sample):.0f} MB, "
          f"20k-term release {peak_rss('20k', ev_texts[:5000]):.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
