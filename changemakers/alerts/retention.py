"""Closed safeguarding alerts are kept for ``ALERT_RETENTION_DAYS`` after closing, then deleted
with the reviewers' replies and the conversation, which the foreign key cascades
(``changemakers.retention``). Open alerts are never deleted. Notifications sent go after the same
time (a digest belongs to no alert)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from changemakers.alerts.models import Alert, AlertStatus, Notification, NotificationStatus
from changemakers.retention.services import deleting


def _closed_long_ago(now: datetime, config: Mapping[str, Any]) -> Select[Any]:
    cutoff = now - timedelta(days=config["ALERT_RETENTION_DAYS"])
    return select(Alert.id).where(Alert.status == AlertStatus.CLOSED, Alert.closed_at < cutoff)


CLOSED_ALERTS = deleting("closed_alerts", Alert.id, _closed_long_ago)


def _notified_long_ago(now: datetime, config: Mapping[str, Any]) -> Select[Any]:
    cutoff = now - timedelta(days=config["ALERT_RETENTION_DAYS"])
    return select(Notification.id).where(
        Notification.status == NotificationStatus.SENT, Notification.sent_at < cutoff
    )


SENT_NOTIFICATIONS = deleting("alert_notifications", Notification.id, _notified_long_ago)
