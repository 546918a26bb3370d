"""Benchmark of the flow engine: a reply in, the next messages out, as pure functions.

    python bench/flow_engine.py [--steps 200] [--seconds 5]

Builds a flow of ``--steps`` steps (questions with three options, messages between them) and
replays conversations through it on one core; prints turns per second, a turn being one
message in (the keyword that starts a conversation, or a reply) and what the engine sends back.
It has no target (none is documented), so it only prints the figure.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from messages.flows import engine  # noqa: E402
from messages.flows.definition import from_data  # noqa: E402

DIRECTORY = {"childline": "Childline on 0800 1111", "emergency": "999"}


def long_flow(size: int) -> dict:
    steps: dict[str, dict] = {}
    for n in range(size):
        if n % 2:
            steps[f"s{n}"] = {
                "kind": "message",
                "text": f"Step {n}: {{childline}}.",
                "next": f"s{n + 1}",
            }
        else:
            choices = [f"s{min(n + k, size - 1)}" for k in (1, 2, 3)]
            steps[f"s{n}"] = {
                "kind": "question",
                "text": f"Question {n}: reply 1, 2 or 3.",
                "options": [
                    {"label": label, "replies": [label.lower()], "next": target}
                    for label, target in zip(("Yes", "No", "Maybe"), choices, strict=True)
                ],
                "hint": "Reply 1, 2 or 3.",
            }
    steps[f"s{size - 1}"] = {"kind": "end", "text": "The end."}
    return {"name": "Long", "keyword": "LONG", "start": "s0", "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    flow = from_data(long_flow(args.steps))
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    replies = ["1", "two", "maybe", "3", "what?", "Yes"]
    chooser = random.Random(7)
    turns = conversations = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        turn = engine.start(flow, now, DIRECTORY)
        conversations += 1
        turns += 1
        while turn.state is not None:
            turn = engine.reply(flow, turn.state, chooser.choice(replies), now, DIRECTORY)
            turns += 1
    elapsed = time.perf_counter() - started
    print(
        f"flow engine: {turns:,} turns in {elapsed:.1f} s = {turns / elapsed:,.0f} turns/s "
        f"on one core ({conversations:,} conversations through a flow of {args.steps} steps)"
    )


if __name__ == "__main__":
    main()
