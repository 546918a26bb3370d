"""Raising alerts. The caller's transaction carries the alert with the message that caused it."""

from __future__ import annotations

from sqlalchemy import update

from changemakers.alerts.models import Alert
from changemakers.extensions import db


def raise_alert(channel: str, pseudonym: str, excerpt: str, matched: list[str]) -> Alert:
    """Record an alert; ``excerpt`` must already be redacted."""
    alert = Alert(channel=channel, pseudonym=pseudonym, excerpt=excerpt, matched=matched)
    db.session.add(alert)
    return alert


def detach_pseudonym(pseudonym: str) -> None:
    """Unlink a participant who erased their data from their alerts; the text stays."""
    db.session.execute(update(Alert).where(Alert.pseudonym == pseudonym).values(pseudonym=None))
