"""Reconcile with Twilio: handle the inbound messages it holds that never reached us."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from changemakers import privacy
from changemakers.extensions import db
from messages import whatsapp
from messages.gateways import Gateway, InboundRecord
from messages.inbound import ReceivedSms, receive_from_unreachable_sender, receive_sms
from messages.models import InboundMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcileReport:
    listed: int
    missing: int
    unreadable: int


def reconcile(gateway: Gateway, since: datetime, chunk: int = 500) -> ReconcileReport:
    """Handle every inbound message the provider has since ``since`` that never reached us
    (the replies go into the outbox). Safe to run at any time, and more than once."""
    listed = missing = unreadable = 0
    for records in _chunks(gateway.inbound_since(since), chunk):
        listed += len(records)
        known = set(
            db.session.scalars(
                select(InboundMessage.message_sid).where(
                    InboundMessage.message_sid.in_([r.message_sid for r in records])
                )
            )
        )
        db.session.rollback()
        for record in records:
            if record.message_sid in known:
                continue
            channel, sent_from = whatsapp.split_address(record.number)
            try:
                number = privacy.normalise_number(sent_from)
            except privacy.InvalidNumber:
                if not record.number.strip():
                    unreadable += 1
                    log.warning("reconcile: message %s has no usable sender", record.message_sid)
                    continue
                receive_from_unreachable_sender(
                    record.message_sid, record.number.strip(), record.body, record.num_media
                )
                missing += 1
                continue
            sms = ReceivedSms(
                record.message_sid, number, record.body, record.num_media, channel=channel
            )
            receive_sms(sms, reply_later=True)
            missing += 1
    return ReconcileReport(listed, missing, unreadable)


def _chunks(records: Iterable[InboundRecord], size: int) -> Iterable[list[InboundRecord]]:
    batch: list[InboundRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
