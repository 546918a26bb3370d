"""The soak's checks: nothing lost or handled twice, no error outside the restart windows, memory
flat; each that fails, in words."""

from __future__ import annotations

import urllib.parse
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from bench.soak_parts.measures import TWILIO_TIMEOUT, Failure
from bench.soak_parts.processes import MIB
from bench.soak_parts.run import Outcome, web_responses
from bench.soak_parts.service import Run
from bench.webhook import check_exactly_once


def checks(run: Run, outcome: Outcome, logs: Path) -> list[str]:
    """Print what each check found; the checks that failed, in words."""
    args = run.args
    events = run.events
    traffic, webhooks, callbacks = outcome.traffic, outcome.webhooks, outcome.callbacks
    respondents, board, broadcaster = outcome.respondents, outcome.board, outcome.broadcaster
    problems = events.problems + outcome.lost_at_setup + memory_check(run)
    outside: list[Failure] = [
        failure
        for failure in run.tally.failures
        if not events.in_window(failure.started, failure.ended)
    ]
    slow = [
        latency
        for kind in ("inbound", "status")
        for latency in events.steady(run.tally.answered[kind])
        if latency > TWILIO_TIMEOUT
    ]

    print("checks:")
    exactly_once = check_exactly_once(args.database_url, traffic)
    print(f"  inbound exactly once: {exactly_once}")
    if not exactly_once.startswith("OK"):
        problems.append(f"inbound: {exactly_once}")
    if webhooks.lost:
        problems.append(f"{len(webhooks.lost)} webhooks or callbacks never answered as expected")
        problems += [f"  {line}" for line in webhooks.lost[:10]]
    problems += outbox_check(run, args.subscribers, broadcaster.made, callbacks.delivered)
    writing, pending = outcome.outbox_left
    if (writing, pending) != (0, 0):
        problems.append(
            f"outbox: not settled {args.drain_timeout:.0f} s after the traffic stopped "
            f"({writing} broadcasts being written, {pending} messages due and unsettled)"
        )

    stored = web_responses(run.engine) - outcome.surveys_before
    print(
        f"  web survey: {stored} responses stored for {respondents.completed} completed "
        f"({respondents.unsure} sends unanswered)"
    )
    if not respondents.completed <= stored <= respondents.completed + respondents.unsure:
        problems.append(
            f"web survey: {stored} responses stored for {respondents.completed} completed"
        )

    server_errors = Counter(f.outcome for f in outside if f.outcome.startswith("5"))
    unexpected = Counter(
        (f.kind, f.outcome) for f in outside if f.outcome not in ("no answer", "timeout")
    )
    no_answer = Counter(f.kind for f in outside if f.outcome in ("no answer", "timeout"))
    print(
        f"  outside restart windows: 5xx {dict(server_errors)}, other unexpected answers "
        f"{dict((f'{k} {s}', n) for (k, s), n in unexpected.items() if not s.startswith('5'))}, "
        f"no answer {dict(no_answer)}, webhooks slower than 15 s {len(slow)}"
    )
    if unexpected:
        problems.append(
            "unexpected answers outside the restart windows: "
            + ", ".join(f"{kind} {status} ×{n}" for (kind, status), n in unexpected.items())
        )
        first = min(
            (f for f in outside if f.outcome not in ("no answer", "timeout")),
            key=lambda f: f.started,
        )
        problems.append(f"  first at {first.started:.1f} s")
    if no_answer:
        problems.append(
            "requests unanswered outside the restart windows: "
            + ", ".join(f"{kind} ×{n}" for kind, n in no_answer.items())
        )
    if slow:
        problems.append(f"{len(slow)} webhooks answered after more than 15 s outside the windows")
    if board.viewed == 0 or respondents.completed == 0 or len(callbacks.delivered) == 0:
        problems.append("a kind of traffic never got through (board, survey or callbacks)")

    worker_log = (logs / "worker.log").read_text(errors="replace")
    print(
        f"  outbox messages left 'sending' by the killed worker and settled from Twilio's "
        f"records: {worker_log.count(': sent before')} sent before, "
        f"{worker_log.count('not sent; queued again')} queued again"
    )
    for name in ("app.log", "worker.log"):
        lines = (logs / name).read_text(errors="replace").splitlines()
        errors = [line for line in lines if " ERROR " in line or "Traceback" in line]
        print(
            f"  {name}: {len(errors)} ERROR lines"
            + (f" (first: {errors[0][:160]})" if errors else "")
        )
    return problems


def memory_check(run: Run) -> list[str]:
    """No process still running grew by more than ``--max-growth-mib`` MiB and
    ``--max-growth-percent`` % both, from the end of its warm-up."""
    args = run.args
    problems = []
    for process in run.memory.tracked.values():
        span = run.memory.span(process)
        if span is None or process.ended is not None:
            continue
        (started, start), (ended, end) = span
        growth = end - start
        bound = max(args.max_growth_mib * MIB, start * args.max_growth_percent / 100)
        if growth > bound:
            problems.append(
                f"memory: {process.label} {process.pid} grew {growth / MIB:.1f} MiB "
                f"({growth / start * 100:.1f} %) in {ended - started:.0f} s"
            )
    return problems


def outbox_check(run: Run, subscribers: int, broadcasts: int, delivered: set[str]) -> list[str]:
    """Every broadcast message sent once, none left, each one's delivery recorded."""
    problems = []
    with run.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, status, provider_sid FROM outbox WHERE purpose = 'broadcast'")
        ).all()
        due_later = connection.execute(
            text("SELECT count(*) FROM outbox WHERE due_at > now()")
        ).scalar_one()
    with run.fake.lock:
        sent = [
            (m.sid, urllib.parse.parse_qs(urllib.parse.urlsplit(m.status_callback).query))
            for m in run.fake.messages
            if m.direction == "outbound-api" and m.status_callback
        ]
    per_id = Counter(query["outbox"][0] for _, query in sent)
    sid_of = {query["outbox"][0]: sid for sid, query in sent}
    by_status = Counter(row.status for row in rows)
    twice = [i for i, count in per_id.items() if count > 1]
    unknown = set(per_id) - {str(row.id) for row in rows}
    unsent = [row.id for row in rows if str(row.id) not in per_id]
    wrong_sid = [
        row.id
        for row in rows
        if str(row.id) in sid_of and row.provider_sid not in (None, sid_of[str(row.id)])
    ]
    undelivered = [row.id for row in rows if row.status != "delivered"]
    expected = subscribers * broadcasts
    print(
        f"  outbox: {broadcasts} broadcasts to {subscribers} subscribers = {expected} messages; "
        f"{len(rows)} written, statuses {dict(sorted(by_status.items()))}; the double took "
        f"{len(sent)} for {len(per_id)} outbox ids; {due_later} follow-ups due later"
    )
    if len(rows) != expected:
        problems.append(f"outbox: {len(rows)} broadcast messages written, {expected} expected")
    if twice:
        problems.append(f"outbox: {len(twice)} messages sent more than once (e.g. {twice[:5]})")
    if unknown:
        problems.append(f"outbox: the double took {len(unknown)} messages the outbox never had")
    if unsent:
        problems.append(f"outbox: {len(unsent)} messages never sent (e.g. {unsent[:5]})")
    if wrong_sid:
        problems.append(f"outbox: {len(wrong_sid)} messages record another MessageSid")
    if undelivered:
        problems.append(
            f"outbox: {len(undelivered)} messages not recorded as delivered after their "
            f"callbacks (e.g. {undelivered[:5]}; {len(delivered)} answered both callbacks)"
        )
    return problems
