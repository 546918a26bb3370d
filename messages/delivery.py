"""Twilio's status callbacks: what became of a message sent from the outbox."""

from __future__ import annotations

from changemakers.database import utcnow
from changemakers.extensions import db
from messages import outbox
from messages.contacts import opted_out_at_twilio


def record_delivery_status(
    outbox_id: int, twilio_status: str, provider_sid: str | None, error_code: int | None
) -> None:
    """A status callback from Twilio, in its own transaction."""
    now = utcnow()
    opted_out_contact = outbox.apply_status(outbox_id, twilio_status, provider_sid, error_code, now)
    if opted_out_contact is not None:
        opted_out_at_twilio(opted_out_contact, now)
    db.session.commit()
