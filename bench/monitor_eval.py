"""Monitoring benchmark (issue 16): `python bench/monitor_eval.py [--runs 20] [--scale 1000000]`.

Prints one Markdown table per part, all from fixed seeds:

A. Spikes on synthetic daily series (negative-binomial counts with weekday seasonality, three
   levels): false alarms per 30 days per series on stationary streams, and for one planted
   spike (×2.5 for three days) per series: recall, detection delay, alert precision.
B. End to end through the real scanner and `ingest`: synthetic post streams in five languages
   with a planted made-up code word (introduced on one day in one language, 3 posts that day,
   ×1.35 a day) and a planted one-day spike of one language's sale posts (×3); the candidate
   rank of the planted word on each of its first three days, and the spike alerts by language.
C. Scale: N sightings recorded through the writer path of `ingest` (scanner findings of a pool
   of synthetic posts, re-used with new ids and times), then a trends query over 10×N
   sightings (the N-row partitions copied to further days).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from monitor_streams import (
    LANGS,
    WEEKDAY,
    StreamSpec,
    Vocabulary,
    pseudo_word,
    stream,
)
from narcolex.monitor import spikes

SEED = 20261207


# -- A. spikes on synthetic series -----------------------------------------------------------


def _nb_series(rng: np.random.Generator, level: float, days: int, start: date,
               dispersion: float = 0.05) -> np.ndarray:  # fmt: skip
    mu = np.array([level * WEEKDAY[(start + timedelta(i)).weekday()] for i in range(days)])
    r = 1.0 / dispersion
    return rng.negative_binomial(r, r / (r + mu)).astype(int)


def part_a(series_per_level: int = 200, days: int = 150) -> list[dict]:
    rng = np.random.default_rng(SEED)
    start = date(2026, 1, 5)
    end = start + timedelta(days - 1)
    report_from = start + timedelta(spikes.BASELINE_DAYS)
    tested_days = days - spikes.BASELINE_DAYS
    out = []
    for level in (3.0, 10.0, 40.0):
        false_alarms = 0
        hits, delays, inside, total = 0, [], 0, 0
        for _ in range(series_per_level):
            y = _nb_series(rng, level, days, start)
            found = spikes.scan_series({start + timedelta(i): int(v) for i, v in enumerate(y)},
                                       start, end, report_from=report_from)  # fmt: skip
            false_alarms += len(found)
            z = _nb_series(rng, level, days, start)
            s = int(rng.integers(60, days - 5))
            z[s : s + 3] = rng.poisson(z[s : s + 3] * 2.5)
            found = spikes.scan_series({start + timedelta(i): int(v) for i, v in enumerate(z)},
                                       start, end, report_from=report_from)  # fmt: skip
            total += len(found)
            in_spike = [(d - start).days - s for d, _, _ in found if 0 <= (d - start).days - s < 3]
            inside += len(in_spike)
            if in_spike:
                hits += 1
                delays.append(min(in_spike))
        out.append({
            "level": level,
            "series": series_per_level,
            "fa_per_30d": false_alarms / (series_per_level * tested_days / 30),
            "recall": hits / series_per_level,
            "delay": statistics.mean(delays) if delays else float("nan"),
            "precision": inside / total if total else float("nan"),
        })  # fmt: skip
    return out


# -- B. end to end: planted word and spike ----------------------------------------------------

_WORKER: dict = {}


def _init_worker() -> None:
    from narcolex.detect.engine import Scanner
    from narcolex.monitor.emerging import known_forms

    scanner = Scanner.default()
    _WORKER["scanner"] = scanner
    _WORKER["vocab"] = Vocabulary.build(list(scanner.lexicon.terms))
    _WORKER["known"] = known_forms(scanner.lexicon.terms)


def one_run(seed: int) -> dict:
    import wordfreq

    from narcolex.monitor.emerging import candidates
    from narcolex.monitor.sightings import ingest
    from narcolex.monitor.store import open_store

    scanner, vocab, known = _WORKER["scanner"], _WORKER["vocab"], _WORKER["known"]
    rng = random.Random(seed)
    word = pseudo_word(rng)
    while word in known or any(wordfreq.word_frequency(word, lang) for lang in LANGS):
        word = pseudo_word(rng)
    plant_lang = rng.choice(sorted(LANGS))
    spike_lang = rng.choice(sorted(set(LANGS) - {plant_lang}))
    day0, spike_day = 35, 31
    spec = StreamSpec(date(2026, 9, 1), day0 + 3, clean_per_day=40, sale_per_day=12,
                      planted_lang=plant_lang, planted_day=day0,
                      spikes={(spike_lang, spike_day): 3.0})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        t = time.perf_counter()
        rep = ingest(store, stream(spec, vocab, seed, planted=word), scanner)
        ingest_s = time.perf_counter() - t
        ranks = []
        for k in range(3):
            result = candidates(store, known, spec.start + timedelta(day0 + k), limit=50,
                                contexts=0)  # fmt: skip
            grams = [c["gram"] for c in result["items"]]
            ranks.append(grams.index(word) + 1 if word in grams else None)
        alerts = spikes.alerts(store, "lang", since=spec.start + timedelta(28))
    planted = (spec.start + timedelta(spike_day)).isoformat()
    hit = [a for a in alerts if a["value"] == spike_lang and a["day"] == planted]
    return {"seed": seed, "word": word, "lang": plant_lang, "ranks": ranks,
            "posts": rep.posts, "ingest_s": ingest_s, "spike_found": bool(hit),
            "false_alerts": len(alerts) - len(hit),
            "series_days": 5 * (spec.days - 28)}  # fmt: skip


def part_b(runs: int, procs: int) -> list[dict]:
    seeds = [SEED + i for i in range(runs)]
    with mp.get_context("fork").Pool(procs, initializer=_init_worker) as pool:
        return pool.map(one_run, seeds)


# -- C. scale ---------------------------------------------------------------------------------


def part_c(n: int, copies: int = 10) -> dict:
    from narcolex.detect.engine import Scanner
    from narcolex.monitor.sightings import record
    from narcolex.monitor.store import open_store
    from narcolex.monitor.trends import raw_trend_sql, trends

    scanner = Scanner.default()
    vocab = Vocabulary.build(list(scanner.lexicon.terms))
    pool = []
    for p in stream(StreamSpec(date(2026, 1, 1), 3, clean_per_day=0, sale_per_day=150), vocab, 1):
        f = scanner.scan(p["text"])
        if f.matches:
            pool.append((p, f))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    days = 30

    def pairs():
        for i in range(n):
            p, f = pool[i % len(pool)]
            when = start + timedelta(seconds=(i * 86400 * days) // n)
            yield {**p, "id": f"scale-{i}", "created_at": when.isoformat()}, f

    tmp = Path(tempfile.mkdtemp(prefix="narcolex-scale-"))
    try:
        store = open_store(tmp / "store")
        t = time.perf_counter()
        rep = record(store, pairs(), "bench")
        ingest_s = time.perf_counter() - t
        size = sum(f.stat().st_size for f in (tmp / "store").rglob("*.parquet"))
        for name in ("sightings", "daily"):
            original = store.days(name)
            for k in range(1, copies):
                for d in original:
                    target = store.day_dir(name, d + timedelta(days=days * k))
                    target.mkdir(parents=True)
                    for f in store.day_dir(name, d).glob("*.parquet"):
                        shutil.copy(f, target / f.name)
        con = store.connect()
        total = con.execute("SELECT count(*) FROM sightings").fetchone()[0]
        timings = {}
        for by, every in (("substance", "week"), ("term", "month"), ("lang", "day")):
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                rows = trends(store, by, every, con=con)
                runs.append(time.perf_counter() - t)
            timings[f"{by}/{every}"] = (runs[0], min(runs), len(rows))
        t = time.perf_counter()
        raw = con.execute(raw_trend_sql("substance", "week", "TRUE")).fetchall()
        timings["substance/week, unnesting the sightings (no daily counts)"] = (
            time.perf_counter() - t, time.perf_counter() - t, len(raw))  # fmt: skip
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"n": rep.sightings, "ingest_s": ingest_s, "rate": rep.sightings / ingest_s,
            "mb": size / 1e6, "total": total, "timings": timings}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="seeded end-to-end runs (part B)")
    ap.add_argument("--series", type=int, default=200, help="series per level (part A)")
    ap.add_argument("--scale", type=int, default=1_000_000, help="sightings written (part C)")
    ap.add_argument("--procs", type=int, default=2, help="processes for part B")
    ap.add_argument("--skip", default="", help="parts to skip, e.g. 'C'")
    args = ap.parse_args()

    if "A" not in args.skip:
        print("\n### A. Spikes on synthetic series (NB, weekday seasonality, 150 days)\n")
        print(f"alpha = {spikes.ALPHA}, min count = {spikes.MIN_COUNT}, baseline "
              f"{spikes.BASELINE_DAYS} days; planted spike: ×2.5 for 3 days\n")  # fmt: skip
        print("| mean/day | series | false alarms /30 days/series (stationary) | spike recall "
              "| mean delay (days) | alert precision |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|")
        for r in part_a(args.series):
            print(f"| {r['level']:.0f} | {r['series']} | {r['fa_per_30d']:.3f} | "
                  f"{r['recall']:.2f} | {r['delay']:.2f} | {r['precision']:.2f} |")  # fmt: skip

    if "B" not in args.skip:
        t = time.perf_counter()
        results = part_b(args.runs, args.procs)
        wall = time.perf_counter() - t
        print(f"\n### B. Planted code word and spike, end to end ({args.runs} seeded runs)\n")
        print("| day of the new word | runs with it in the top 10 | in the top 3 | "
              "median rank |")  # fmt: skip
        print("|---|---:|---:|---:|")
        for k in range(3):
            ranks = [r["ranks"][k] for r in results]
            top10 = sum(1 for x in ranks if x is not None and x <= 10)
            top3 = sum(1 for x in ranks if x is not None and x <= 3)
            found = sorted(x for x in ranks if x is not None)
            med = statistics.median(found) if len(found) * 2 > len(ranks) else "not ranked"
            print(f"| {k + 1} | {top10}/{len(ranks)} ({top10 / len(ranks):.0%}) | "
                  f"{top3}/{len(ranks)} | {med} |")  # fmt: skip
        by3 = sum(1 for r in results if any(x is not None and x <= 10 for x in r["ranks"]))
        found = sum(r["spike_found"] for r in results)
        fa = sum(r["false_alerts"] for r in results)
        series_days = sum(r["series_days"] for r in results)
        posts = sum(r["posts"] for r in results)
        print(
            f"\nTop 10 within 3 days: {by3}/{len(results)} runs ({by3 / len(results):.0%}). "
            f"Planted one-day spike (×3) found on its day: {found}/{len(results)}; other "
            f"alerts by language: {fa} in {series_days} series-days "
            f"({30 * fa / series_days:.2f} per 30 days per series). "
            f"{posts} posts ingested in {wall:.0f} s wall ({args.procs} processes)."
        )
        print("Ranks per run (days 1-3): "
              + "; ".join(f"{r['lang']} {r['ranks']}" for r in results))  # fmt: skip

    if "C" not in args.skip:
        c = part_c(args.scale)
        print("\n### C. Scale\n\n| what | result |\n|---|---:|")
        print(
            f"| sightings recorded through the writer path | {c['n']:,} in "
            f"{c['ingest_s']:.1f} s ({c['rate']:,.0f}/s), {c['mb']:.0f} MB on disk |"
        )
        for name, (cold, best, rows) in c["timings"].items():
            print(f"| trends {name} over {c['total']:,} sightings | first {cold:.2f} s, "
                  f"best {best:.2f} s ({rows} rows) |")  # fmt: skip


if __name__ == "__main__":
    main()
