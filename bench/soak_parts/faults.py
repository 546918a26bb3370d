"""The soak's restarts: a web worker killed and the outbox worker restarted while it sends,
then PostgreSQL restarted; each opens a restart window until the service answers again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bench.soak_parts.measures import Clock, Events, Window
from bench.soak_parts.processes import Memory, children_of
from bench.soak_parts.service import OutboxWorker, Run, ready

DEFAULT_RESTART = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart"


def wait_for_sending(engine: Engine, timeout: float) -> int:
    """Wait (up to ``timeout``) until the outbox worker is in the middle of sending; how many
    messages it holds then."""
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM outbox WHERE status = 'sending'")
    while time.monotonic() < deadline:
        try:
            with engine.connect() as connection:
                sending = connection.execute(query).scalar_one()
        except SQLAlchemyError:
            sending = 0
        if sending:
            return sending
        time.sleep(0.02)
    return 0


def kill_web_worker_and_restart_outbox(
    master: int,
    web_workers: int,
    worker: OutboxWorker,
    how: str,
    memory: Memory,
    clock: Clock,
    grace: float,
    events: Events,
    engine: Engine,
    wait: float,
) -> None:
    """Kill a web worker and restart the outbox worker, when the latter is mid-batch (or
    after ``wait`` seconds if it never is)."""
    in_hand = wait_for_sending(engine, wait)
    window = Window("web worker killed, outbox worker restarted", clock.now())
    events.windows.append(window)
    before = children_of(master)
    if not before:
        events.problems.append("no gunicorn worker to kill")
        window.end = clock.now() + grace
        return
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    worker.stop(how)
    worker.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = children_of(master)
        if len(now) >= web_workers and victim not in now:
            break
        time.sleep(0.1)
    else:
        events.problems.append("gunicorn did not start a new worker within 60 s")
    for pid in children_of(master):
        memory.track("web worker", pid)
    window.end = clock.now() + grace
    events.notes.append(
        f"at {window.start:.0f} s: web worker {victim} killed (SIGKILL), outbox worker "
        f"{'killed (SIGKILL)' if how == 'kill' else 'stopped (SIGTERM)'} while sending "
        f"({in_hand} messages 'sending') and started again; gunicorn's new worker up in "
        f"{window.end - grace - window.start:.1f} s"
    )


def restart_postgres(command: str, base: str, clock: Clock, grace: float, events: Events) -> None:
    window = Window("PostgreSQL restarted", clock.now())
    events.windows.append(window)
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        events.problems.append(
            f"--restart-postgres failed ({done.returncode}): {(done.stderr or done.stdout).strip()}"
        )
    restarted = clock.now()
    deadline = time.monotonic() + 120
    while not ready(base) and time.monotonic() < deadline:
        time.sleep(0.1)
    back = clock.now()
    if not ready(base):
        events.problems.append("the service was not ready 120 s after PostgreSQL restarted")
    window.end = back + grace
    events.notes.append(
        f"at {window.start:.0f} s: PostgreSQL restarted (command took "
        f"{restarted - window.start:.1f} s, /readyz answered after {back - window.start:.1f} s)"
    )


async def restart_on_schedule(run: Run, seconds: float, master: int) -> None:
    """At a third of the run, a web worker killed and the outbox worker restarted; at two
    thirds, PostgreSQL restarted."""
    args = run.args
    await asyncio.sleep(max(seconds / 3 - run.clock.now(), 0))
    await asyncio.to_thread(
        kill_web_worker_and_restart_outbox,
        master,
        args.web_workers,
        run.worker,
        args.worker_stop,
        run.memory,
        run.clock,
        args.grace,
        run.events,
        run.engine,
        args.broadcast_every + 5,
    )
    await asyncio.sleep(max(2 * seconds / 3 - run.clock.now(), 0))
    await asyncio.to_thread(
        restart_postgres, args.restart_postgres, run.base, run.clock, args.grace, run.events
    )
