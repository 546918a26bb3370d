"""Writing and reading the audit log.

``record`` adds an event to the caller's transaction; the service that made the change commits
both together, so the log never claims a change that did not happen (or misses one that did).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from changemakers.accounts.models import StaffUser
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db

COMMAND_LINE = "command line"


def record(
    actor: StaffUser | None,
    action: str,
    object_type: str,
    object_id: object = None,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else COMMAND_LINE,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    db.session.add(event)
    return event


def recent_events(
    page: int, per_page: int = 50, action: str | None = None
) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and the number of events in all."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
