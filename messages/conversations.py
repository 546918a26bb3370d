"""The interface through which flows and SMS surveys plug into the SMS channel.

A conversation kind is registered under a name (``"flow"``, ``"survey"``); a keyword names the
kind and a reference (which flow, which survey). The channel stores the kind's state between
messages and never looks inside it, so ``messages/`` needs to know nothing of surveys. Keys of
the state that start with ``_`` are links a kind may keep only while the conversation runs
(an SMS survey's response): the channel removes them when it ends, however it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from changemakers.languages import ENGLISH


@dataclass(frozen=True)
class FollowUp:
    """A message to send later, through the outbox (held in quiet hours)."""

    after: timedelta
    text: str


@dataclass(frozen=True)
class HandOver:
    """End this conversation and start another: by keyword (a flow), or by a registered kind
    and its reference (a survey)."""

    keyword: str | None = None
    kind: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Turn:
    """What a conversation does with one message: replies now, messages later, and its state
    afterwards (``None`` when the conversation is over)."""

    replies: list[str]
    state: dict[str, Any] | None
    expires_at: datetime | None = None
    end_reason: str = "completed"
    follow_ups: tuple[FollowUp, ...] = ()
    hand_over: HandOver | None = None
    record: dict[str, Any] | None = None  # what an ended conversation keeps, for analytics
    # A tag: the message was an answer that must stay anonymous (a survey's), so its words are
    # not kept with the sender's pseudonym; the message log keeps this tag in their place.
    withheld_as: str | None = None
    # The options of the question the last reply asks, in order ("1" is the first): a channel
    # that can may offer them as buttons too (WhatsApp's quick replies).
    choices: tuple[str, ...] = ()


class ConversationKind(Protocol):
    name: str
    label: str  # what a Changemaker picks a flow's jump by, such as "a survey"

    def exists(self, ref: str) -> bool:
        """Whether ``ref`` names one of this kind that a conversation can start on now."""
        ...

    def start(
        self,
        ref: str | None,
        now: datetime,
        participant: str,
        trial: bool = False,
        language: str = ENGLISH,
    ) -> Turn:
        """Begin, when a keyword naming this kind arrives. ``participant`` is the sender's
        pseudonym; ``trial``: the sender is the staff's phone simulator, not a young person
        (a survey marks its response as a test); ``language``: the one the participant chose,
        which the replies are in, text by text falling back to English."""
        ...

    def reply(
        self,
        ref: str | None,
        state: dict[str, Any],
        text: str,
        now: datetime,
        participant: str,
        language: str = ENGLISH,
    ) -> Turn:
        """Take the participant's next message (in their language now: they may change it
        mid-conversation)."""
        ...


_kinds: dict[str, ConversationKind] = {}


def register(kind: ConversationKind) -> None:
    _kinds[kind.name] = kind


def kind_named(name: str) -> ConversationKind | None:
    return _kinds.get(name)


def jump_targets() -> list[ConversationKind]:
    """The kinds a flow's jump step may start besides a flow, which it names by keyword."""
    return [kind for name, kind in sorted(_kinds.items()) if name != "flow"]


def without_links(state: dict[str, Any]) -> dict[str, Any]:
    """What an ended conversation keeps: its state without the ``_`` links."""
    return {key: value for key, value in state.items() if not key.startswith("_")}
