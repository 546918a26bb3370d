"""The soak's figures: what was handled, errors by kind, latencies, memory and CPU."""

from __future__ import annotations

from collections import Counter

from bench.common import percentile
from bench.soak_parts.measures import EXPECTED, KINDS
from bench.soak_parts.processes import MIB
from bench.soak_parts.run import Outcome
from bench.soak_parts.service import Run


def report(run: Run, outcome: Outcome) -> None:
    """Print the figures of the run."""
    args = run.args
    tally = run.tally
    events = run.events
    traffic, callbacks = outcome.traffic, outcome.callbacks
    respondents, board, broadcaster = outcome.respondents, outcome.board, outcome.broadcaster

    print()
    print(
        f"soak: {args.minutes:g} min on PostgreSQL, gunicorn workers {args.web_workers}, one "
        f"outbox worker; inbound {args.inbound_rate:g}/s, status callbacks {args.status_rate:g}/s, "
        f"{args.respondents} survey respondents, board {args.board_rate:g} page/s"
    )
    for note in events.notes:
        print(f"  {note}")
    for window in events.windows:
        print(f"  restart window: {window.name}, {window.start:.1f}–{window.end:.1f} s")

    inbound_answers = sum(tally.statuses["inbound"][s] for s in EXPECTED["inbound"])
    print(
        f"messages handled: {len(traffic.distinct_sids)} distinct MessageSids "
        f"({inbound_answers} answers, repeats and retries included; {args.subscribers} "
        "UPDATES before the clock started)"
    )
    print(
        f"status callbacks: {callbacks.posted} answered for {len(callbacks.delivered)} messages "
        f"(broadcasts made: {broadcaster.made})"
    )
    print(
        f"surveys completed: {respondents.completed} of {respondents.started} started "
        f"({respondents.abandoned} abandoned, {respondents.unsure} sends unanswered)"
    )
    print(f"board pages viewed: {board.viewed} (signed in {board.sign_ins} time(s))")

    print("errors by HTTP status, or no answer or timeout (all / during the restart windows):")
    by_outcome: Counter[tuple[str, str]] = Counter()
    in_restarts: Counter[tuple[str, str]] = Counter()
    for failure in tally.failures:
        by_outcome[failure.kind, failure.outcome] += 1
        if events.in_window(failure.started, failure.ended):
            in_restarts[failure.kind, failure.outcome] += 1
    if not by_outcome:
        print("  none")
    for (kind, what), count in sorted(by_outcome.items()):
        print(f"  {kind:8} {what:10} {count:6} / {in_restarts[kind, what]}")

    print("latency (p50 / p99 ms, all answers; p99 outside restart windows; answers):")
    for kind in KINDS:
        answered = tally.answered[kind]
        every = [latency for _, latency in answered]
        steady = events.steady(answered)
        print(
            f"  {kind:8} {percentile(every, 50) * 1000:8.1f} / {percentile(every, 99) * 1000:8.1f}"
            f"   {percentile(steady, 99) * 1000:8.1f}   {len(every)}"
        )

    print(
        f"memory (RSS MiB; start after {run.memory.warmup:.0f} s of warm-up or of the process's "
        "life; end at the end of the traffic):"
    )
    for process in run.memory.tracked.values():
        span = run.memory.span(process)
        if span is None:
            print(
                f"  {process.label} {process.pid}: too short-lived to measure "
                f"(CPU {process.cpu:.0f} s)"
            )
            continue
        start, last = span
        growth = last[1] - start[1]
        where = "the end" if process.ended is None else f"{last[0]:.0f} s (then killed)"
        print(
            f"  {process.label} {process.pid}: {start[1] / MIB:.1f} at {start[0]:.0f} s → "
            f"{last[1] / MIB:.1f} at {where} ({growth / MIB:+.1f} MiB, "
            f"{growth / start[1] * 100:+.1f} %); CPU {process.cpu:.0f} s"
        )

    print(f"  (this load generator, for comparison: CPU {outcome.own_cpu:.0f} s)")
