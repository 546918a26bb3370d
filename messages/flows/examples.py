"""Example conversations: "they text FRIEND, reply 2, then 'yes' → they get …", run through
the engine exactly as the channel would run them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from messages.flows import engine
from messages.flows.definition import Example, FlowDefinition
from messages.router import keyword_of

# A fixed, ordinary moment: examples never depend on the clock.
EXAMPLE_TIME = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    received: list[str]  # every message they would get, now or later, in order
    failure: str | None  # why it failed, in words; None when it passed

    @property
    def passed(self) -> bool:
        return self.failure is None


def run_example(
    flow: FlowDefinition, example: Example, signposts: Mapping[str, str]
) -> ExampleResult:
    received: list[str] = []
    state = None
    now = EXAMPLE_TIME
    for text in example.texts:
        if state is None:
            if keyword_of(text) != keyword_of(flow.keyword):
                return ExampleResult(
                    example, received, f"{text!r} does not start the flow ({flow.keyword})"
                )
            turn = engine.start(flow, now, signposts)
        else:
            turn = engine.reply(flow, state, text, now, signposts)
        received += turn.replies + [follow_up.text for follow_up in turn.follow_ups]
        now += max((f.after for f in turn.follow_ups), default=timedelta(0))
        state = turn.state
    position = 0
    for phrase in example.expect:
        while position < len(received) and phrase.lower() not in received[position].lower():
            position += 1
        if position == len(received):
            return ExampleResult(example, received, f"no message says {phrase!r} where expected")
        position += 1
    return ExampleResult(example, received, None)


def run_examples(flow: FlowDefinition, signposts: Mapping[str, str]) -> list[ExampleResult]:
    return [run_example(flow, example, signposts) for example in flow.examples]
