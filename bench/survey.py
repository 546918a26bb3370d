"""Benchmark of the web survey: young people completing the demo survey over real HTTP.

    python bench/survey.py --database postgres [--respondents 32] [--seconds 30]

Serves the app with ``changemakers serve`` (gunicorn) on its own database with the demo
content, then runs ``--respondents`` concurrent browsers-without-a-browser, each answering
"What matters to you?" page by page (with its session cookie and CSRF token) again and again.
Prints completed responses per minute, page times (p50/p95/p99) and each page's weight, and
checks every completed response was stored exactly once.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    app_environment,
    changemakers,
    free_port,
    fresh_database,
    server,
    workdir,
)

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


class Browser(requests.Session):
    """A session that sends its cookie back over plain http too: the app's session cookie is
    marked Secure (production sits behind https), and this benchmark runs on loopback."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(*args, **kwargs)
        for cookie in response.cookies:
            self.headers["Cookie"] = f"{cookie.name}={cookie.value}"
        return response


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.weights: dict[str, int] = {}
        self.completed = 0
        self.errors = 0

    def page(self, name: str, seconds: float, size: int) -> None:
        with self.lock:
            self.times.append(seconds)
            self.weights.setdefault(name, size)


def respond(base: str, recorder: Recorder, deadline: float, address: str) -> None:
    while time.perf_counter() < deadline:
        session = Browser()
        session.headers["X-Forwarded-For"] = address
        try:
            url = f"{base}/s/what-matters"
            started = time.perf_counter()
            page = session.get(url, timeout=30)
            recorder.page("start", time.perf_counter() - started, len(page.content))
            token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
            form: dict[str, object] = {"csrf_token": token, "action": "start"}
            response = session.post(url, data=form, timeout=30, allow_redirects=False)
            while "q=check" not in response.headers.get("Location", ""):
                question = response.headers["Location"].split("q=")[1]
                started = time.perf_counter()
                page = session.get(f"{url}?q={question}", timeout=30)
                recorder.page(question, time.perf_counter() - started, len(page.content))
                form = {"csrf_token": token, "q": question, "answer": ANSWERS[question]}
                response = session.post(url, data=form, timeout=30, allow_redirects=False)
            started = time.perf_counter()
            sent = session.post(url, data={"csrf_token": token, "action": "send"}, timeout=30)
            recorder.page("thanks", time.perf_counter() - started, len(sent.content))
            if sent.status_code == 200 and "Thank you" in sent.text:
                with recorder.lock:
                    recorder.completed += 1
            else:
                recorder.errors += 1
        except (requests.RequestException, AttributeError, KeyError):
            with recorder.lock:
                recorder.errors += 1
        finally:
            session.close()


def main() -> None:
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
        # Each respondent comes from an address of their own, through one trusted proxy.
        env = {**app_environment(database, work), "TRUSTED_PROXY_COUNT": "1"}
        changemakers("db", "upgrade", env=env)
        changemakers("demo", "--no-serve", env=env)
        port = free_port()
        serve = [sys.executable, "-m", "changemakers.cli", "serve", "--port", str(port)]
        serve += ["--workers", str(args.workers)]
        engine = create_engine(database)
        completed_sql = text("SELECT count(*) FROM survey_responses WHERE completed_on IS NOT NULL")
        with engine.connect() as connection:
            before = connection.execute(completed_sql).scalar_one()  # the demo's synthetic ones
        with server(serve, env, port, work / "app.log") as base:
            recorder = Recorder()
            deadline = time.perf_counter() + args.seconds
            started = time.perf_counter()
            with ThreadPoolExecutor(args.respondents) as pool:
                for n in range(args.respondents):
                    pool.submit(respond, base, recorder, deadline, f"10.0.{n // 250}.{n % 250 + 1}")
            elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            stored = connection.execute(completed_sql).scalar_one() - before
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


if __name__ == "__main__":
    main()
