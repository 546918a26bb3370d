"""A small flow the tests text, as data and published, and conversations that used it."""

from __future__ import annotations

from typing import Any

from changemakers.database import utcnow
from changemakers.extensions import db
from messages.flows import services as flows
from messages.models import Conversation, FlowVersion
from tests.support.contacts import a_contact

# A question, a follow-up a day later, and an example.
SMALL: dict[str, Any] = {
    "name": "Small",
    "keyword": "SMALL",
    "start": "ask",
    "steps": {
        "ask": {
            "kind": "question",
            "text": "Hi. Reply 1 for tips or 2 to hear from us later.",
            "options": [{"label": "Tips", "next": "tips"}, {"label": "Later", "next": "wait"}],
            "hint": "Just reply 1 or 2.",
        },
        "tips": {"kind": "end", "text": "Tip: talk to {childline}."},
        "wait": {"kind": "follow_up", "after": "1d", "next": "later"},
        "later": {"kind": "end", "text": "Here we are, a day later."},
    },
    "examples": [{"name": "Tips", "texts": ["SMALL", "1"], "expect": ["0800 1111"]}],
}


def small_flow(**changes: Any) -> dict[str, Any]:
    """``SMALL`` with some of its fields changed."""
    return {**SMALL, **changes}


def published_flow(**changes: Any) -> FlowVersion:
    """``SMALL`` (with ``changes``) published, its keyword answering texts."""
    return flows.load_published(small_flow(**changes))


def add_conversations(version, rows: list[tuple[list[str], str | None]]) -> None:
    """Conversations of a flow version: (the steps it reached, how it ended; None: going on)."""
    contact = a_contact()
    now = utcnow()
    for path, end_reason in rows:
        db.session.add(
            Conversation(
                contact_id=contact.id,
                kind="flow",
                ref=str(version.flow_id),
                state={"version": version.id, "path": path},
                ended_at=None if end_reason is None else now,
                end_reason=end_reason,
            )
        )
    db.session.commit()
