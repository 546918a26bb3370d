"""A conversation kind for tests, beside the flows and surveys the service plugs in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from messages.conversations import Turn


class EchoConversation:
    """Asks a question, echoes answers, ends on "bye"."""

    name = "echo"

    def start(
        self,
        ref: str | None,
        now: datetime,
        participant: str,
        trial: bool = False,
        language: str = "en",
    ) -> Turn:
        return Turn([f"Echo {ref} started. Say something."], {"count": 0}, now + timedelta(days=3))

    def reply(
        self,
        ref: str | None,
        state: dict[str, Any],
        text: str,
        now: datetime,
        participant: str,
        language: str = "en",
    ) -> Turn:
        if text.strip().lower() == "bye":
            return Turn(["Bye!"], None)
        count = state["count"] + 1
        return Turn([f"{count}: {text}"], {"count": count}, now + timedelta(days=3))
