"""Benchmark of the web survey: young people completing the demo survey over real HTTP.

    python bench/survey.py --database postgres [--respondents 32] [--seconds 30]

Serves the app with ``changemakers serve`` (gunicorn) on its own database with the demo
content, then runs ``--respondents`` concurrent browsers-without-a-browser (asyncio, raw HTTP),
each answering "What matters to you?" page by page (with its session cookie and CSRF token)
again and again, each time as another young person from another address.
Prints completed responses per minute, page times (p50/p95/p99) and each page's weight, and
checks every completed response was stored exactly once. Exits 1, naming the figure and its
target, when a completed response was not stored exactly once, when none was completed, or when
a respondent could not finish (a page over 30 s, an error or a malformed page).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import statistics
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Reply,
    app_environment,
    changemakers,
    completed_responses,
    request,
    verdict,
    workdir,
)
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.servers import free_port, server  # noqa: E402

PAGE_TIMEOUT = 30.0  # seconds; a page slower than this counts as an error
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ANSWERS = {
    "worries": ["Knife crime", "Staying safe online"],
    "safe_where_you_live": ["2"],
    "unsafe_when": ["After dark"],
    "help_from": ["A friend"],
    "one_change": ["More places to go in the evening"],
    "age": ["14 to 15"],
    "gender": ["Prefer not to say"],
    "area": ["North"],
}


class Recorder:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.weights: dict[str, int] = {}
        self.completed = 0
        self.errors = 0

    def page(self, name: str, seconds: float, size: int) -> None:
        self.times.append(seconds)
        self.weights.setdefault(name, size)


class Respondent:
    """A young person's browser: its own address (through the trusted proxy) and cookies."""

    def __init__(self, host: str, port: int, address: str, recorder: Recorder) -> None:
        self.host, self.port, self.address, self.recorder = host, port, address, recorder
        self.cookies: dict[str, str] = {}

    async def visit(
        self, target: str, form: dict[str, Any] | None = None, page: str | None = None
    ) -> Reply:
        """GET ``target``, or POST ``form`` to it; a page's time and weight are recorded."""
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        method = "GET" if form is None else "POST"
        reply = await asyncio.wait_for(
            request(self.host, self.port, method, target, headers, body), PAGE_TIMEOUT
        )
        if page is not None:
            self.recorder.page(page, time.perf_counter() - started, len(reply.body))
        self.cookies.update(reply.cookies)
        return reply

    async def complete_survey(self) -> bool:
        path = "/s/what-matters"
        start = await self.visit(path, page="start")
        token = CSRF.search(start.body.decode()).group(1)  # type: ignore[union-attr]
        answer = await self.visit(path, {"csrf_token": token, "action": "start"})
        while "q=check" not in answer.headers.get("location", ""):
            question = answer.headers["location"].split("q=")[1]
            await self.visit(f"{path}?q={question}", page=question)
            form = {"csrf_token": token, "q": question, "answer": ANSWERS[question]}
            answer = await self.visit(path, form)
        sent = await self.visit(path, {"csrf_token": token, "action": "send"}, page="thanks")
        return sent.status == 200 and b"Thank you" in sent.body


async def respond(
    host: str, port: int, recorder: Recorder, deadline: float, addresses: Iterator[str]
) -> None:
    """Survey after survey, each by another young person (from another address: the flood
    limit is per address, and one person sends a survey once)."""
    while time.perf_counter() < deadline:
        try:
            done = await Respondent(host, port, next(addresses), recorder).complete_survey()
        except (OSError, AttributeError, KeyError, IndexError, ValueError):  # timeouts included
            done = False
        if done:
            recorder.completed += 1
        else:
            recorder.errors += 1


async def load(host: str, port: int, respondents: int, seconds: float) -> Recorder:
    recorder = Recorder()
    deadline = time.perf_counter() + seconds
    addresses = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))
    await asyncio.gather(
        *(respond(host, port, recorder, deadline, addresses) for _ in range(respondents))
    )
    return recorder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--respondents", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with workdir() as work:
        database = fresh_database(args.database, args.postgres_url, work, "changemakers_survey")
        # Respondents' addresses reach the app through one trusted proxy.
        env = {**app_environment(database, work), "TRUSTED_PROXY_COUNT": "1"}
        changemakers("db", "upgrade", env=env)
        changemakers("demo", "--no-serve", env=env)
        port = free_port()
        serve = [sys.executable, "-m", "changemakers.cli", "serve", "--port", str(port)]
        serve += ["--workers", str(args.workers)]
        engine = create_engine(database)
        with engine.connect() as connection:
            before = completed_responses(connection)  # the demo's synthetic ones
        with server(serve, env, port, work / "app.log"):
            started = time.perf_counter()
            recorder = asyncio.run(load("127.0.0.1", port, args.respondents, args.seconds))
            elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            stored = completed_responses(connection) - before
        engine.dispose()

    times = sorted(recorder.times)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    print(f"database: {args.database}; {args.respondents} concurrent respondents, {elapsed:.0f} s")
    print(
        f"completed responses: {recorder.completed} = {recorder.completed / elapsed * 60:,.0f}/min"
    )
    print(
        f"page times: p50 {cuts[49] * 1000:.1f} ms  p95 {cuts[94] * 1000:.1f} ms  "
        f"p99 {cuts[98] * 1000:.1f} ms  ({len(times)} pages)"
    )
    print(
        "page weights (HTML, bytes): " + ", ".join(f"{k} {v}" for k, v in recorder.weights.items())
    )
    print(
        f"check: {stored} responses stored for {recorder.completed} completed, "
        f"{recorder.errors} errors"
    )
    missed = []
    if stored != recorder.completed:
        missed.append(
            f"responses stored: {stored}, the target is exactly one for each of the "
            f"{recorder.completed} completed"
        )
    if recorder.completed == 0:
        missed.append("completed responses: 0, the target is at least one")
    if recorder.errors:
        missed.append(f"respondents who could not finish: {recorder.errors}, the target is none")
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
