"""The flow engine: a participant's reply in, the next messages out. Pure functions over plain
data, so every path can be tested without a database, and fast enough never to be what limits
the webhook (``bench/flow_engine.py``).

State between messages (kept by the channel, never read by it)::

    {"step": "welcome", "misses": 0, "resume_at": None, "expires_at": "…", "path": [...],
     "answers": {"story": "[redacted] text"}}

Messages due now are replies; messages after a ``follow_up`` step go to the outbox with its
delay, and until then the conversation waits (``resume_at``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from changemakers.languages import ENGLISH
from messages.conversations import FollowUp, HandOver, Turn
from messages.flows.definition import FlowDefinition, Option, Step
from messages.signposting import render
from messages.texts import in_language

NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MAX_PATH = 200
MAX_ANSWER = 500
_NOT_WORD = re.compile(r"[^0-9a-z]+")

Redact = Callable[[str], str]


def normalise_reply(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_WORD.sub(" ", folded).strip()


def option_chosen(step: Step, text: str) -> Option | None:
    """The option a reply names: its number ("2", "two", "2."), one of its words, or its label;
    a reply that starts with an option's number ("2 please") counts too."""
    reply = normalise_reply(text)
    if not reply:
        return None
    for position, option in enumerate(step.options, start=1):
        names = {str(position), normalise_reply(option.label)}
        if position <= len(NUMBER_WORDS):
            names.add(NUMBER_WORDS[position - 1])
        names.update(normalise_reply(r) for r in option.replies)
        if reply in names - {""}:
            return option
    first = reply.split()[0]
    for position, option in enumerate(step.options, start=1):
        if first in (str(position), NUMBER_WORDS[position - 1] if position <= 10 else ""):
            return option
    return None


@dataclass
class _Run:
    """What one pass through the steps produces."""

    now: datetime
    signposts: Mapping[str, str]
    replies: list[str] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    delay: timedelta = timedelta(0)

    def say(self, text: str) -> None:
        if not text.strip():
            return
        rendered = render(text, self.signposts)
        if self.delay:
            self.follow_ups.append(FollowUp(self.delay, rendered))
        else:
            self.replies.append(rendered)


def start(flow: FlowDefinition, now: datetime, signposts: Mapping[str, str]) -> Turn:
    """The first messages of a flow, when its keyword arrives."""
    state: dict[str, Any] = {"step": flow.start, "misses": 0, "path": [], "answers": {}}
    return _advance(flow, flow.start, state, _Run(now, signposts))


def reply(
    flow: FlowDefinition,
    state: Mapping[str, Any],
    text: str,
    now: datetime,
    signposts: Mapping[str, str],
    redact: Redact = str,
    language: str = ENGLISH,
) -> Turn:
    """The participant's next message, at the step the conversation waits at (``flow`` as
    ``definition.in_language`` gives it; ``language`` for the engine's own words)."""
    state = {**state, "answers": dict(state.get("answers", {})), "path": list(state["path"])}
    expires_at = _moment(state.get("expires_at"))
    resume_at = _moment(state.get("resume_at"))
    if resume_at is not None and now < resume_at:
        return Turn([in_language("WAITING_FOR_FOLLOW_UP", language)], state, expires_at)
    state["resume_at"] = None
    step = flow.steps.get(state["step"])
    if step is None or not step.waits:
        return Turn([], None, end_reason="flow_broken", record=state)
    run = _Run(now, signposts)
    if step.kind == "free_text":
        if not normalise_reply(text) and not text.strip():
            return _not_understood(step, state, run)
        state["answers"][step.id] = redact(text.strip())[:MAX_ANSWER]
        return _advance(flow, step.next, state, run)
    option = option_chosen(step, text)
    if option is None:
        return _not_understood(step, state, run)
    return _advance(flow, option.next, state, run)


def _not_understood(step: Step, state: dict[str, Any], run: _Run) -> Turn:
    """The step's own hint the first time, then the question and its options again."""
    state["misses"] = state.get("misses", 0) + 1
    run.say(step.hint if state["misses"] == 1 and step.hint else step.text)
    expires_at = run.now + step.expires_after
    state["expires_at"] = expires_at.isoformat()
    return Turn(run.replies, state, expires_at, choices=_choices(step))


def _advance(flow: FlowDefinition, step_id: str | None, state: dict[str, Any], run: _Run) -> Turn:
    seen: set[str] = set()
    while step_id is not None:
        step = flow.steps.get(step_id)
        if step is None or step_id in seen:  # validation forbids both; never loop for ever
            return _ended(run, state, "flow_broken")
        seen.add(step_id)
        if len(state["path"]) < MAX_PATH:
            state["path"].append(step_id)
        if step.kind == "follow_up":
            run.delay += step.after or timedelta(0)
            step_id = step.next
            continue
        if step.kind == "jump":
            run.say(step.text)
            hand_over = HandOver(keyword=step.flow)
            if step.to is not None:
                hand_over = HandOver(kind=step.to.kind, ref=step.to.ref)
            return Turn(
                run.replies,
                None,
                end_reason="handed_over",
                follow_ups=tuple(run.follow_ups),
                hand_over=hand_over,
            )
        run.say(step.text)
        if step.waits:
            expires_at = run.now + run.delay + step.expires_after
            state.update(
                step=step.id,
                misses=0,
                expires_at=expires_at.isoformat(),
                resume_at=(run.now + run.delay).isoformat() if run.delay else None,
            )
            return Turn(
                run.replies,
                state,
                expires_at,
                follow_ups=tuple(run.follow_ups),
                choices=() if run.delay else _choices(step),
            )
        if step.kind == "end":
            break
        step_id = step.next
    return _ended(run, state, "completed")


def _choices(step: Step) -> tuple[str, ...]:
    """The labels of a step's options, which a reply of their number chooses."""
    return tuple(option.label for option in step.options)


def _ended(
    run: _Run, state: dict[str, Any], reason: str, hand_over: HandOver | None = None
) -> Turn:
    return Turn(
        run.replies,
        None,
        end_reason=reason,
        follow_ups=tuple(run.follow_ups),
        hand_over=hand_over,
        record={**state, "step": None, "expires_at": None, "resume_at": None},
    )


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
