"""Benchmark of the findings' summary page: the demo survey's, over real HTTP, on PostgreSQL.

    python bench/summary_page.py --database postgres [--requests 30]

Loads the demo content (about 800 synthetic responses to "What matters to you?") into a
database of its own, serves the app with ``changemakers serve`` (gunicorn), signs in as a board
member and fetches ``/findings/what-matters`` again and again, one request at a time. Prints the
page's weight (HTML, bytes) and its time from request to last byte (median, p95). Targets: at
most 100 KB (``--max-bytes``) and 95% of fetches in at most 300 ms (``--max-ms``); it exits 1
when either is missed, or when a fetch fails.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import app_environment, changemakers, request, verdict, workdir  # noqa: E402
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.servers import free_port, server  # noqa: E402

EMAIL = "board@bench.changemakers.invalid"
PASSWORD = "Bench-board-reads-findings-1"
PAGE = "/findings/what-matters"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


async def sign_in(port: int) -> dict[str, str]:
    """The board member's session cookies, signed in through the staff sign-in page."""
    cookies: dict[str, str] = {}
    form = await request("127.0.0.1", port, "GET", "/login", {})
    cookies.update(form.cookies)
    token = CSRF.search(form.body.decode())
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD}
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **cookie_header(cookies)}
    signed = await request("127.0.0.1", port, "POST", "/login", headers, body)
    if signed.status != 302:
        raise SystemExit(f"signing in answered {signed.status}")
    cookies.update(signed.cookies)
    return cookies


async def fetch_pages(port: int, count: int) -> tuple[list[float], int, int]:
    """(seconds each fetch took, the page's bytes, fetches that failed)."""
    cookies = await sign_in(port)
    times, size, failed = [], 0, 0
    for _ in range(3):  # warm: each worker's connections and parsed survey
        await request("127.0.0.1", port, "GET", PAGE, cookie_header(cookies))
    for _ in range(count):
        started = time.perf_counter()
        reply = await request("127.0.0.1", port, "GET", PAGE, cookie_header(cookies))
        times.append(time.perf_counter() - started)
        if reply.status != 200 or b"Summary" not in reply.body:
            failed += 1
        size = len(reply.body)
    return times, size, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--max-bytes", type=int, default=100_000)
    parser.add_argument("--max-ms", type=float, default=300)
    args = parser.parse_args()
    with workdir() as work:
        database = fresh_database(args.database, args.postgres_url, work, "changemakers_summary")
        env = app_environment(database, work)
        changemakers("db", "upgrade", env=env)
        changemakers("demo", "--no-serve", env=env)
        subprocess.run(
            [sys.executable, "-m", "changemakers.cli", "users", "create"]
            + ["--email", EMAIL, "--role", "board", "--password-stdin"],
            input=PASSWORD.encode(),
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        serve = [sys.executable, "-m", "changemakers.cli", "serve", "--port", str(port)]
        with server(serve + ["--workers", "1"], env, port, work / "app.log"):
            times, size, failed = asyncio.run(fetch_pages(port, args.requests))
    median = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] * 1000
    print(f"database: {args.database}; {args.requests} fetches of {PAGE}, one at a time")
    print(f"page weight: {size:,} bytes (HTML)")
    print(f"time to last byte: median {median:.0f} ms, p95 {p95:.0f} ms")
    missed = []
    if size > args.max_bytes:
        missed.append(f"page weight {size:,} bytes, target at most {args.max_bytes:,}")
    if p95 > args.max_ms:
        missed.append(f"p95 time {p95:.0f} ms, target at most {args.max_ms:.0f} ms")
    if failed:
        missed.append(f"fetches that failed: {failed}, target none")
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
