"""Soak benchmark: the whole service under mixed traffic, through restarts of each part.

Steady traffic for a long while, through a web process killed, the outbox worker restarted and
PostgreSQL restarted.

    python bench/soak.py [--minutes 30] [--postgres-url postgresql+psycopg://…/postgres]
                         [--restart-postgres "COMMAND"]

Serves the app as it runs for real, on PostgreSQL (its own database, ``changemakers_soak``):
``changemakers db upgrade``, the demo content (``changemakers demo --no-serve``), a board member
(``changemakers users create``), ``changemakers serve --workers 2`` and one
``changemakers worker`` sending through the test double of Twilio's REST API
(``tests/support/twilio_double.py``), with ``PUBLIC_BASE_URL`` set so signed webhooks validate.
Before the clock starts, ``--subscribers`` young people text UPDATES. Then, over real HTTP on
loopback:

- inbound SMS, signed, at ``--inbound-rate`` (open loop: the demo's keywords, flow and SMS
  survey replies, 10 % repeated MessageSids, as ``bench/webhook.py`` sends them);
- a broadcast to the subscribers every ``--broadcast-every`` seconds (written as the broadcast
  pages leave one that is approved and sent), which the worker sends through the test double;
- signed status callbacks, ``sent`` then ``delivered``, for each message the double took, at
  ``--status-rate``;
- ``--respondents`` young people answering the web survey "What matters to you?" one after
  another, a page every ``--think`` seconds;
- a signed-in board member reading the findings pages at ``--board-rate`` pages a second.

A webhook or callback that gets an error or no answer (none within Twilio's 15 s) is sent
again a second later, then after 2, 4 … 16 s, the same MessageSid with the same signature (as
Twilio's fallback and ``reconcile`` would bring it back), until it is answered.

At a third of the run, as soon as the outbox worker is in the middle of sending a broadcast, one
gunicorn worker is killed with SIGKILL (gunicorn starts another) and the outbox worker is killed
and started again (``--worker-stop term`` stops it cleanly instead): what it held is settled
from Twilio's records once its lease runs out. At two thirds PostgreSQL is restarted with
``--restart-postgres`` (run by the shell). Each restart window lasts from the event until the
service answers again, plus ``--grace`` seconds.

Prints the messages handled, status callbacks, surveys completed and board pages read; HTTP
errors by kind and status (and how many fell in the restart windows); p50/p99 latency per kind
(all answers, and outside the restart windows); each web process's and the outbox worker's
resident memory after the warm-up (a minute, or 10 % of a long run) and at the end, and the CPU
time each used. Then checks, and exits 1 naming each one that failed:

- every distinct MessageSid stored exactly once, and handled;
- every broadcast message sent exactly once (the double's record), none left unsent, and each
  one's delivery recorded from its callbacks;
- every completed web survey stored (once; twice only where a send went unanswered);
- no 5xx and no other unexpected answer outside the restart windows, no webhook answered later
  than Twilio's 15 s outside them;
- no process grew by more than ``--max-growth-mib`` MiB and ``--max-growth-percent`` % both;
- no web worker or outbox worker died by itself, and every restart came back.

``--minutes 3`` is the short version, fit for CI on a 2-core machine. The default rates (20
inbound SMS/s, 10 callbacks/s, 3 respondents, a board page a second) keep two web workers on
two cores at about half their capacity, so latencies measure the service, not a queue; raise
them with the options to find where it saturates.

This file runs the soak; its parts are in ``bench/soak_parts/``: the traffic (``traffic.py``),
the restarts (``faults.py``), the run (``run.py``), the figures (``report.py``) and the checks
(``checks.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import workdir  # noqa: E402
from bench.soak_parts.checks import checks  # noqa: E402
from bench.soak_parts.faults import DEFAULT_RESTART  # noqa: E402
from bench.soak_parts.measures import Clock  # noqa: E402
from bench.soak_parts.processes import Memory  # noqa: E402
from bench.soak_parts.report import report  # noqa: E402
from bench.soak_parts.run import soak  # noqa: E402
from bench.soak_parts.service import (  # noqa: E402
    OutboxWorker,
    Run,
    environment,
    prepare,
    wait_until_ready,
)
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.servers import free_port, server  # noqa: E402
from tests.support.sms import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN  # noqa: E402
from tests.support.twilio_double import running_fake_twilio  # noqa: E402

DATABASE = "changemakers_soak"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30, help="length of the traffic")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--restart-postgres",
        default=DEFAULT_RESTART,
        help="shell command restarting the PostgreSQL server of --postgres-url",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="changemakers serve --workers")
    parser.add_argument("--inbound-rate", type=float, default=20, help="inbound SMS a second")
    parser.add_argument("--status-rate", type=float, default=10, help="status callbacks a second")
    parser.add_argument("--respondents", type=int, default=3, help="web survey respondents")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between survey pages")
    parser.add_argument("--board-rate", type=float, default=1, help="board pages a second")
    parser.add_argument("--subscribers", type=int, default=100, help="participants on UPDATES")
    parser.add_argument("--broadcast-every", type=float, default=20, help="seconds")
    parser.add_argument(
        "--worker-stop",
        choices=["kill", "term"],
        default="kill",
        help="how the outbox worker is stopped before it is started again",
    )
    parser.add_argument("--grace", type=float, default=5, help="seconds after each restart")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=180,
        help="seconds allowed after the traffic for the outbox to settle",
    )
    parser.add_argument(
        "--max-growth-mib", type=float, default=30, help="memory growth allowed per process…"
    )
    parser.add_argument("--max-growth-percent", type=float, default=20, help="…or this share")
    parser.add_argument("--seed", type=int, default=7, help="of the inbound traffic")
    parser.add_argument(
        "--keep", action="store_true", help="keep the service's logs (the folder is printed)"
    )
    args = parser.parse_args()
    seconds = args.minutes * 60
    clock = Clock()
    memory = Memory(clock, warmup=min(max(60.0, seconds / 10), seconds / 4))

    with (
        workdir() as work,
        running_fake_twilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, latency=0.02) as fake,
    ):
        args.database_url = fresh_database("postgres", args.postgres_url, work, DATABASE)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = environment(args.database_url, work, fake.url, base)
        print("preparing: migrations, demo content, a board member…", flush=True)
        prepare(env)
        engine = create_engine(args.database_url, pool_pre_ping=True)
        worker = OutboxWorker(env, work / "worker.log", memory)
        serve = [sys.executable, "-m", "changemakers.cli", "serve", "--port", str(port)]
        serve += ["--workers", str(args.web_workers)]
        problems: list[str]
        try:
            with server(serve, env, port, work / "app.log"):
                wait_until_ready(base, work / "app.log")
                worker.start()
                run = Run(args, base, engine, fake.state, worker, memory, clock)
                try:
                    outcome = asyncio.run(soak(run))
                finally:
                    worker.stop("term")
            report(run, outcome)
            problems = checks(run, outcome, work)
        finally:
            engine.dispose()
            if args.keep:
                kept = Path(f"/tmp/changemakers-soak-{os.getpid()}")
                kept.mkdir(exist_ok=True)
                for name in ("app.log", "worker.log"):
                    if (work / name).exists():
                        (kept / name).write_bytes((work / name).read_bytes())
                print(f"logs kept in {kept}")

    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
