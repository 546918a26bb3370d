"""One soak: the young people subscribe, then the traffic and the restarts run together for
the length of the soak, and the outbox and the status callbacks settle afterwards."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bench.common import completed_responses
from bench.soak_parts.faults import restart_on_schedule
from bench.soak_parts.processes import children_of, sampler
from bench.soak_parts.service import Run, gunicorn_master
from bench.soak_parts.traffic import (
    Board,
    Broadcaster,
    Respondents,
    StatusCallbacks,
    Webhooks,
    subscribe,
    traffic_loop,
)
from bench.webhook import Traffic


def web_responses(engine: Engine) -> int:
    """Completed web survey responses stored (the demo's synthetic ones among them)."""
    with engine.connect() as connection:
        return completed_responses(connection, "web")


def outbox_settled(engine: Engine) -> tuple[int, int]:
    """(broadcasts still being written, due messages not yet settled)."""
    with engine.connect() as connection:
        writing = connection.execute(
            text("SELECT count(*) FROM broadcasts WHERE status = 'sending'")
        ).scalar_one()
        pending = connection.execute(
            text(
                "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending', 'unknown')"
                " AND due_at <= now()"
            )
        ).scalar_one()
    return writing, pending


def wait_for_outbox(engine: Engine, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    left = (-1, -1)
    while time.monotonic() < deadline:
        try:
            left = outbox_settled(engine)
        except SQLAlchemyError:
            left = (-1, -1)
        if left == (0, 0):
            break
        time.sleep(1)
    return left


@dataclass
class Outcome:
    """What a soak leaves to report and check, besides what the run measured."""

    traffic: Traffic
    webhooks: Webhooks
    lost_at_setup: list[str]
    callbacks: StatusCallbacks
    respondents: Respondents
    board: Board
    broadcaster: Broadcaster
    outbox_left: tuple[int, int]
    surveys_before: int
    own_cpu: float  # seconds of CPU this load generator used during the traffic


async def soak(run: Run) -> Outcome:
    """Subscribers first; then the traffic of every kind and the restarts for ``--minutes``;
    then wait for the outbox and the status callbacks to settle."""
    args = run.args
    seconds = args.minutes * 60
    traffic = Traffic(run.base + "/sms/inbound", seed=args.seed)
    lost_at_setup = await subscribe(run, traffic)
    print(f"{args.subscribers} young people texted UPDATES", flush=True)
    webhooks = Webhooks(run.base, run.tally, run.clock)

    master = gunicorn_master()
    for pid in children_of(master):
        run.memory.track("web worker", pid)
    callbacks = StatusCallbacks(run.fake, webhooks, args.status_rate)
    respondents = Respondents(run.base, run.tally, run.clock, args.think)
    board = Board(run.base, run.tally, run.clock)
    broadcaster = Broadcaster(run.engine, args.broadcast_every, run.clock)

    surveys_before = web_responses(run.engine)
    run.clock.start()
    run.memory.born_now()
    cpu_before = sum(os.times()[:2])
    stop_callbacks, stop_sampler = asyncio.Event(), asyncio.Event()
    background = [
        asyncio.create_task(callbacks.run(stop_callbacks)),
        asyncio.create_task(sampler(run.memory, master, stop_sampler)),
    ]
    threads = [threading.Thread(target=board.read, args=(seconds, args.board_rate), daemon=True)]
    threads += [
        threading.Thread(target=respondents.run, args=(n, seconds), daemon=True)
        for n in range(args.respondents)
    ]
    threads.append(threading.Thread(target=broadcaster.run, args=(seconds,), daemon=True))
    for thread in threads:
        thread.start()
    print(f"running for {args.minutes:g} min…", flush=True)
    await asyncio.gather(
        traffic_loop(run, traffic, webhooks, seconds), restart_on_schedule(run, seconds, master)
    )
    await asyncio.sleep(max(seconds - run.clock.now(), 0))
    await asyncio.to_thread(run.memory.sample)
    stop_sampler.set()
    own_cpu = sum(os.times()[:2]) - cpu_before
    web = [p for p in run.memory.tracked.values() if p.label == "web worker"]
    if len(web) > args.web_workers + 1:
        run.events.problems.append(
            f"gunicorn started {len(web) - args.web_workers - 1} web workers besides the one "
            "killed (a worker timed out or crashed: see app.log)"
        )
    if run.worker.process is None or run.worker.process.poll() is not None:
        run.events.problems.append("the outbox worker stopped by itself (see worker.log)")
    for thread in threads:
        await asyncio.to_thread(thread.join, 60)

    print("traffic stopped; waiting for the outbox and the status callbacks…", flush=True)
    left = await asyncio.to_thread(wait_for_outbox, run.engine, args.drain_timeout)
    stop_callbacks.set()
    await asyncio.gather(*background)
    await webhooks.drain()
    return Outcome(
        traffic,
        webhooks,
        lost_at_setup,
        callbacks,
        respondents,
        board,
        broadcaster,
        left,
        surveys_before,
        own_cpu,
    )
