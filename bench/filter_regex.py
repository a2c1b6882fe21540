"""Benchmark of the filter-regex pack (issue 17): `python bench/filter_regex.py [--terms N]`.

Prints, for the bundled Knowledge Package and for the synthetic lexicon of bench/run.py:
recall of the patterns on every obfuscation kind bench/run.py generates (both dialects), and,
per pattern, its slowest search over 10 kB adversarial inputs built from its own term (Python
`re` on `pattern_pcre`, and RE2 on `pattern` when google-re2 is installed): the median and the
worst over the patterns, and the share within 1 ms. Times are this thread's CPU time, best of
5, so other processes on a shared machine count less; the edge-and-letter pattern printed
beside them shows how fast the machine was during the run.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from narcolex.formats.filter_regex import MAX_GAP, MAX_REPEAT, _class_chars, _letters, patterns

ADVERSARIAL_CHARS = 10_000


def load_bench_run() -> Any:
    """bench/run.py as a module (the obfuscation generator and the synthetic lexicon)."""
    path = Path(__file__).with_name("run.py")
    spec = importlib.util.spec_from_file_location("narcolex_bench_run", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault("narcolex_bench_run", module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def adversarial_inputs(term: str, seed: int = 0) -> list[str]:
    """10 kB texts that come close to `term` everywhere without matching it: letters repeated
    past the bound, the term less its last letter between separators, hashtags of that prefix,
    and random runs of the term's own look-alike characters and separators."""
    letters = _letters(term) or ["x"]
    head = letters[:-1] or letters
    rng = random.Random(seed)
    pool = "".join(_class_chars(c) for c in letters) + " .-_*\u200b"
    texts = [
        "".join(c * (MAX_REPEAT + 1) for c in letters) + " ",
        " " + (" " * MAX_GAP).join(head) + " ",
        " " + ".".join(head),
        "#" + "".join(head),
        "".join(c * MAX_REPEAT + "." * MAX_GAP for c in head) + " ",
    ]
    out = [(t * (ADVERSARIAL_CHARS // max(len(t), 1) + 1))[:ADVERSARIAL_CHARS] for t in texts]
    out.append("".join(rng.choice(pool) for _ in range(ADVERSARIAL_CHARS)))
    return out


def re2_compile(pattern: str) -> Any:
    """RE2 with room for its DFA (the default 8 MB is too little for the large Unicode classes;
    without room RE2 falls back to a slower, still linear, NFA)."""
    import re2

    options = re2.Options()
    options.max_mem = 256 << 20
    options.log_errors = False
    return re2.compile(pattern, options)


def slowest_ms(compiled: Any, texts: list[str], repeat: int = 5) -> float:
    """The slowest text's best-of-`repeat` search time, in milliseconds of this thread's CPU
    time (on a shared machine, wall time mostly measures the other processes)."""
    worst = 0.0
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            t = time.thread_time()
            compiled.search(text)
            best = min(best, time.thread_time() - t)
        worst = max(worst, best)
    return worst * 1000


def recall(entries: list[dict[str, Any]], key: str, rng: random.Random) -> dict[str, float]:
    """Share of planted obfuscated terms each kind of bench/run.py the patterns catch."""
    run = load_bench_run()
    fill = run.FILLER
    hits: dict[str, list[bool]] = {}
    for entry in entries:
        rx = re.compile(entry[key])
        for kind, make in run.OBFUSCATIONS.items():
            surface = make(entry["term"], rng)
            text = f"{rng.choice(fill)} {surface} {rng.choice(fill)}"
            hits.setdefault(kind, []).append(rx.search(text) is not None)
    return {k: sum(v) / len(v) for k, v in hits.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--terms", type=int, default=1000, help="terms sampled per lexicon")
    args = ap.parse_args()
    from narcolex.package.content import load_content

    run = load_bench_run()
    rng = random.Random(20261207)
    bundled = [{**t.entry.model_dump(), "lang": t.lang} for t in load_content().terms]
    synthetic = [{"term": t.term, "lang": t.lang, "denotes": list(t.denotes)}
                 for t in run.make_lexicon(random.Random(run.SEED)).terms]  # fmt: skip
    try:
        import re2
    except ImportError:  # pragma: no cover
        re2 = None
    for name, recs in (("bundled", bundled), ("synthetic", synthetic)):
        sample = rng.sample(recs, min(args.terms, len(recs)))
        entries = patterns(sample)
        ascii_entries = [e for e in entries if e["term"].isascii() and e["term"].isalpha()]
        print(f"\n{name}: {len(entries)} patterns")
        for key in ("pattern", "pattern_pcre"):
            rates = recall(ascii_entries, key, random.Random(1))
            overall = sum(rates.values()) / len(rates)
            shown = " ".join(f"{k}={v:.0%}" for k, v in rates.items())
            print(f"  recall {key:<12} {overall:.1%}  {shown}")
        floor = slowest_ms(re.compile(r"(?:^|[\W\d_])x"), [(" l.s" * 2500)])
        times = sorted(slowest_ms(re.compile(e["pattern_pcre"]), adversarial_inputs(e["term"]))
                       for e in entries)  # fmt: skip
        mid = times[len(times) // 2]
        within = sum(x <= 1.0 for x in times) / len(times)
        print(f"  Python re, pattern_pcre, 10 kB adversarial input: median {mid:.3f}"
              f" ms, slowest {times[-1]:.3f} ms, {within:.1%} within 1 ms"
              f" (an edge-and-letter pattern: {floor:.3f} ms)")  # fmt: skip
        if re2 is not None:
            times2 = sorted(slowest_ms(re2_compile(e["pattern"]), adversarial_inputs(e["term"]))
                            for e in entries)  # fmt: skip
            print(f"  RE2, pattern, 10 kB adversarial input: median {times2[len(times2) // 2]:.3f} "
                  f"ms, slowest {times2[-1]:.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
