"""Bounded HTTP load on loopback against `narcolex serve` (issue 12, section 4).

    python bench/http_load.py --workers 2 --readme README.md

Builds a temporary SQLite database with the bundled Knowledge Package, starts
`narcolex serve --workers N` on a free loopback port, and drives it with httpx (async) for a
fixed number of requests per scenario:

- single scan: `POST /v1/scan {"text": …}` at 32 concurrent clients;
- batch scan: `POST /v1/scan {"items": [100 posts]}` at 4 concurrent clients;
- term search: `GET /v1/terms?q=…` at 32 concurrent clients.

It reports requests/s, p50/p95/p99 latency and errors per scenario, and in the same run the
in-process `Scanner.scan_many` rate over the same posts (1 and N worker processes, best of two
full passes), so that the batch throughput can be read as a share of it.

The load generator shares the machine's cores with the server, as any loopback benchmark does,
so it is kept cheap: one process, one asyncio event loop (uvloop when installed), one httpx
client whose 32 kept-alive connections are opened before measuring, request bodies encoded to
bytes once before the clock starts, responses read but not parsed, and the process's
long-lived heap frozen out of the garbage collector. A warm-up of every scenario on all
connections (both workers) is not counted. Each row says the CPU time the server processes
and the client spent per request, so that a latency can be told apart from a slow client.
Posts are everyday filler sentences; one in five carries a form of the package's own lexicon
beside a contact phrase, so both the prefilter's clean path and the full path are exercised.
Deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from narcolex.detect.engine import Scanner
from narcolex.store.engine import open_db
from narcolex.workflow import tokens, users
from narcolex.workflow.releases import latest, lexicon_of
from narcolex.workflow.setup import initialise

SEED = 20261207
_FILLER_TEXT = (
    "the a of and to in is you that it was for on are as with they at be this have from or one "
    "had by but not what all were we when your can said there use each which she do how their "
    "if will up other about out many then them these so some her would make like him into time "
    "has look two more write go see number no way could people my than first water been call "
    "weather train music coffee garden window morning friday meeting football holiday ticket "
    "photo summer beach book school dinner party city river mountain street market coat"
)
FILLER = _FILLER_TEXT.split()
BEGIN, END = "<!-- http-load:begin -->", "<!-- http-load:end -->"
JSON = "application/json"
CONNECTIONS = 32  # kept-alive connections, as many as the most concurrent scenario


def make_posts(scanner: Scanner, n: int, rng: random.Random) -> list[str]:
    forms = sorted({t.term for t in scanner.lexicon.terms if t.lang in ("en", "de", "fr", "sv")})
    posts = []
    for i in range(n):
        words = [rng.choice(FILLER) for _ in range(rng.randint(8, 30))]
        if i % 5 == 0:
            words.insert(rng.randrange(len(words)), rng.choice(forms))
            words.append("dm me")
        posts.append(" ".join(words))
    return posts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sockets_per_child(root: int) -> dict[int, int]:
    """Open sockets of each child process of `root` (Linux /proc; empty elsewhere): the
    difference before and after connecting says how the connections split over the workers."""
    out: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = entry.read_text()
            if int(raw[raw.rindex(")") + 2 :].split()[1]) != root:
                continue
            fds = list((entry.parent / "fd").iterdir())
        except OSError:
            continue
        out[int(entry.parent.name)] = sum(
            1 for fd in fds if os.path.exists(fd) and os.readlink(fd).startswith("socket:")
        )
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants (Linux
    /proc; 0.0 elsewhere)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = entry.read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        pid = int(entry.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    return sum(times.get(pid, 0.0) for pid in tree)


async def drive(
    connections: asyncio.Queue[httpx.AsyncClient],
    requests: list[httpx.Request],
    concurrency: int,
    server: int | None = None,
) -> dict[str, float]:
    """Send `requests` with `concurrency` clients (closed loop: each sends its next request
    when the previous answer is in), each request on the kept-alive connection idle longest;
    latency of each, errors, wall time, and the CPU time of the client and of the server
    process tree `server` per request."""
    latencies: list[float] = []
    errors = 0
    codes: dict[str, int] = {}
    queue = iter(requests)

    async def worker() -> None:
        nonlocal errors
        for request in queue:
            client = connections.get_nowait()  # never empty: concurrency <= connections
            t0 = time.perf_counter()
            try:
                r = await client.send(request)
                if r.status_code >= 400:
                    errors += 1
                    codes[str(r.status_code)] = codes.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as exc:
                errors += 1
                codes[type(exc).__name__] = codes.get(type(exc).__name__, 0) + 1
            latencies.append(time.perf_counter() - t0)
            connections.put_nowait(client)

    server_cpu = tree_cpu(server) if server else 0.0
    client_cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_cpu = (tree_cpu(server) - server_cpu) if server else 0.0
    if codes:
        print(f"errors: {codes}", file=sys.stderr)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "wall": wall,
        "server_us": server_cpu / len(latencies) * 1e6,
        "client_us": client_cpu / len(latencies) * 1e6,
    }


def _scan(client: httpx.AsyncClient, doc: dict) -> httpx.Request:
    """A POST /v1/scan request built (URL, headers, JSON body) now, not while the clock runs."""
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return client.build_request("POST", "/v1/scan", content=body, headers={"content-type": JSON})


async def load(
    url: str,
    token: str,
    posts: list[str],
    warm: list[str],
    args: argparse.Namespace,
    server: int,
) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    # One httpx client per connection: httpcore's pool looks at every connection of a pool on
    # each request (a poll() system call each), which with 32 connections in one pool cost
    # the client three times what the requests themselves did.
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        c: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for _ in range(CONNECTIONS):
            client = httpx.AsyncClient(base_url=url, headers=headers, limits=one, timeout=60)
            c.put_nowait(await stack.enter_async_context(client))

        # Every request is built before the clock starts (the clients share base URL and
        # headers, so any of them may send it): the client's time is then sending and reading.
        def batch(i: int) -> httpx.Request:
            items = [{"id": str(j), "text": posts[(i * 100 + j) % len(posts)]} for j in range(100)]
            return _scan(client, {"items": items})

        def search(q: str) -> httpx.Request:
            return client.build_request("GET", "/v1/terms", params={"q": q, "limit": 20})

        singles = [_scan(client, {"text": posts[i % len(posts)]}) for i in range(args.single)]
        batches = [batch(i) for i in range(args.batches)]
        rng = random.Random(SEED)
        queries = ["koks", "gras", "weed", "coke", "mdma", "kokain", "molly", "snow", "ket", "h"]
        searches = [search(rng.choice(queries)) for _ in range(args.search)]
        # Connections are opened one after another: opened all at once, whichever worker
        # wakes first accepts most of them (splits of 30:2 were seen), and a closed loop then
        # measures one busy worker beside an idle one.
        before = sockets_per_child(server)
        for _ in range(CONNECTIONS):
            opener = c.get_nowait()
            await opener.get("/healthz")
            c.put_nowait(opener)
        after = sockets_per_child(server)
        split = sorted((n - before.get(pid, 0) for pid, n in after.items()), reverse=True)
        # Warm-up, not counted, on other posts of the same mix: every worker has loaded what
        # a scan loads on first use (the word-frequency table of each language it meets costs
        # 0.1-0.5 s, once per process), and has seen batches and searches.
        w = len(warm) // 100
        await drive(c, [_scan(client, {"text": t}) for t in warm[:320]], 32)
        await drive(
            c, [_scan(client, {"items": [{"text": t} for t in warm[i::w]]}) for i in range(w)], 4
        )
        await drive(c, [search(q) for q in queries * 6], 32)
        gc.collect()
        return {
            "single scan": await drive(c, singles, 32, server),
            "batch scan (100 posts)": await drive(c, batches, 4, server),
            "term search": await drive(c, searches, 32, server),
            "split": [n for n in split if n > 0],
        }


def in_process(scanner: Scanner, posts: list[str], workers: int) -> tuple[float, float]:
    """Posts/s of `scan_many(workers=…)` over the posts, the best of two full passes after a
    warm-up (so that a first-use cost, word tables or caches, does not flatter the HTTP share),
    and the CPU µs per post of that pass (this process and its helper processes)."""
    items = [{"id": str(i), "text": p} for i, p in enumerate(posts)]
    list(scanner.scan_many(items[:500], workers=workers))  # warm-up (workers start)
    best = (0.0, 0.0)
    for _ in range(2):
        cpu0 = _cpu_with_children()
        t0 = time.perf_counter()
        n = sum(1 for _ in scanner.scan_many(items, workers=workers))
        rate = n / (time.perf_counter() - t0)
        if rate > best[0]:
            best = (rate, (_cpu_with_children() - cpu0) / n * 1e6)
    return best


def _cpu_with_children() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def table(
    results: dict,
    inproc: dict[int, tuple[float, float]],
    args: argparse.Namespace,
    load: tuple[float, float],
) -> str:
    split = results.get("split", [])
    lines = [
        f"`python bench/http_load.py --workers {args.workers}` on {platform.machine()} with "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite, bundled package "
        f"(load generator on the same machine; 1-minute load average {load[0]:.1f} before the "
        f"HTTP runs, {load[1]:.1f} after; the {CONNECTIONS} connections split "
        f"{':'.join(map(str, split)) or 'unknown'} over the workers).",
        "",
        "| scenario | clients | requests | errors | requests/s | posts/s | p50 ms | p95 ms | "
        "p99 ms | server CPU µs/req | client CPU µs/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    clients = {"single scan": 32, "batch scan (100 posts)": 4, "term search": 32}
    for name, r in results.items():
        if name not in clients:
            continue
        posts = r["rps"] * (100 if name.startswith("batch") else 1)
        posts_cell = f"{posts:,.0f}" if "scan" in name else ""
        lines.append(
            f"| {name} | {clients[name]} | {r['requests']:.0f} | {r['errors']:.0f} | "
            f"{r['rps']:,.1f} | {posts_cell} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['server_us']:,.0f} | {r['client_us']:,.0f} |"
        )
    batch = results["batch scan (100 posts)"]
    batch_posts = batch["rps"] * 100
    http_cpu = (batch["server_us"] + batch["client_us"]) / 100
    lines.append("")
    for w, (rate, cpu) in sorted(inproc.items()):
        lines.append(
            f"- in-process `scan_many(workers={w})` on the same posts: {rate:,.0f} posts/s "
            f"({cpu:,.0f} CPU µs a post); HTTP batch throughput = {batch_posts / rate:.0%} of "
            f"it (CPU a post, server and client: {http_cpu:,.0f} µs)"
        )
    return "\n".join(lines)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when installed (it comes with uvicorn[standard]): a cheaper client."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--single", type=int, default=3000, help="single-scan requests")
    ap.add_argument("--batches", type=int, default=150, help="batch requests (100 posts each)")
    ap.add_argument("--search", type=int, default=1500, help="term-search requests")
    ap.add_argument("--readme", type=Path, help="rewrite the table between the markers")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="narcolex-load-") as tmp:
        url_db = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        db = open_db(url_db)
        print("loading the bundled package…", file=sys.stderr)
        initialise(db)
        with db.transaction() as s:
            users.add_user(s, "loadtest", "admin")  # the first admin of a fresh database
            _tok, secret = tokens.create_token(s, "loadtest", actor="loadtest")
        with db.reader() as s:
            scanner = Scanner(lexicon_of(latest(s)))
        db.dispose()
        posts = make_posts(scanner, 10_000, random.Random(SEED))
        warm = make_posts(scanner, 3_000, random.Random(SEED + 1))

        port = free_port()
        env = {**os.environ, "NARCOLEX_DATABASE_URL": url_db}
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115 (closed below)
        server = subprocess.Popen(
            [sys.executable, "-m", "narcolex", "serve", "--port", str(port),
             "--workers", str(args.workers), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not become ready")
                time.sleep(0.3)
            time.sleep(2)  # let every worker finish loading its scanner
            print("driving load…", file=sys.stderr)
            before = os.getloadavg()[0]
            gc.freeze()  # the scanner and the posts: no collection walks them while measuring
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                results = runner.run(load(base, secret, posts, warm, args, server.pid))
            machine = (before, os.getloadavg()[0])
        finally:
            server.terminate()
            server.wait(30)
            log.close()
        print("in-process scan_many…", file=sys.stderr)
        inproc = {w: in_process(scanner, posts, w) for w in sorted({1, args.workers})}

    text = table(results, inproc, args, machine)
    print(text)
    if args.readme:
        readme = args.readme.read_text(encoding="utf-8")
        if BEGIN not in readme:
            raise SystemExit(f"{args.readme} has no {BEGIN} … {END} markers")
        new = re.sub(
            re.escape(BEGIN) + r".*?" + re.escape(END),
            lambda _m: f"{BEGIN}\n{text}\n{END}",
            readme,
            flags=re.S,
        )
        args.readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
