"""Receiving a text: the webhook's one short transaction, exactly once per ``MessageSid``.

Receiving is one short transaction, so that nothing is handled twice and nothing is lost. It
starts by upserting the sender's contact row, which locks it until commit: messages from one
phone are handled one after the other, and a repeat of a ``MessageSid`` (always from the same
phone) waits for the first to finish. The same statement brings back the replies stored for
that ``MessageSid``, if any: a repeat of a message handled earlier is answered with them at
once, and nothing changes. Otherwise the message is routed, and the inbound row inserted with
its replies under its unique ``MessageSid``. A repeat that came while the first was being
handled fails on that unique ``MessageSid`` instead: the transaction rolls back, undoing
everything the routing did, and the stored replies are sent again. If routing fails, the row
is stored on its own, ``received`` with an apology as its reply, for ``changemakers reconcile``
to pick up; a crash mid-way leaves no row, and reconcile finds the message through Twilio's API.

On PostgreSQL the transaction is ``pipelined``: writes whose answer nothing reads travel with
the next statement, and the inbound row with the ``COMMIT``, so a message costs few round trips.

Messages for later (a conversation's follow-up, the replies to a message found by reconcile)
go into the outbox in the same transaction.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from changemakers import privacy
from changemakers.database import end_transaction, pipelined, utcnow
from changemakers.extensions import db
from changemakers.office_hours import LONDON
from changemakers.redaction import redact
from messages import outbox, texts, whatsapp
from messages.contacts import lock_contact
from messages.models import InboundMessage, InboundStatus, OutboxPurpose
from messages.router import REPLYLESS_STAGES, Inbound, route
from messages.router_context import DatabaseContext
from messages.statements import statements_for

log = logging.getLogger(__name__)

MAX_BODY = 1600  # Twilio's longest message, in characters
CUT = " [cut]"  # marks a stored body that was longer than MAX_BODY


@dataclass(frozen=True)
class ReceivedSms:
    message_sid: str
    number: str  # E.164
    body: str
    num_media: int = 0
    opt_out_type: str | None = None
    simulated: bool = False  # typed into the staff's phone simulator
    channel: str = whatsapp.SMS  # what it came on: ``sms`` or ``whatsapp``


def within_twilio_limit(body: str) -> str:
    """A body cut to Twilio's longest message (``MAX_BODY`` characters), without the word the cut
    would halve or a trailing run of digits: half a phone number or an email address (too
    short to look like one) must not be kept where redaction would miss it."""
    if len(body) <= MAX_BODY:
        return body
    kept = body[:MAX_BODY]
    if not body[MAX_BODY].isspace():
        kept = kept[: len(kept) - len(kept.split()[-1])] if kept.strip() else ""
    return kept.rstrip("0123456789 \t\r\n.,_/\\()+-")


def without_control_characters(text: str) -> str:
    """A body as a person wrote it: control characters (NUL and the like, which no phone
    shows and PostgreSQL will not store) removed; line breaks and tabs kept."""
    return "".join(ch for ch in text if ch in "\n\r\t" or unicodedata.category(ch) != "Cc")


def _start_of_day(now: datetime) -> datetime:
    """Midnight in London on ``now``'s day, in UTC."""
    return datetime.combine(now.astimezone(LONDON).date(), time(), LONDON).astimezone(UTC)


def receive_sms(sms: ReceivedSms, reply_later: bool = False) -> list[str]:
    """Handle one inbound SMS exactly once; return the replies to send now (the same replies
    again for a repeat of a message already handled). With ``reply_later`` (a message found
    after an outage, whose webhook request is long gone) the replies go into the outbox."""
    pseudonym = privacy.pseudonym(sms.number)
    body, redacted = _body_as_kept(sms.message_sid, sms.body)
    now = utcnow()
    row = {
        "message_sid": sms.message_sid,
        "pseudonym": pseudonym,
        "body_redacted": redacted,
        "num_media": sms.num_media,
        "received_at": now,
    }
    try:
        connection = db.session.connection()
        with pipelined(connection):
            contact = lock_contact(pseudonym, sms.number, now, sms.message_sid, sms.channel)
            if contact.stored_replies is not None:
                end_transaction(db.session, commit=False)
                log.info("repeated message %s answered again", sms.message_sid)
                return list(contact.stored_replies)
            context = DatabaseContext(
                pseudonym,
                contact,
                sms.number,
                now,
                redacted,
                simulated=sms.simulated,
                channel=sms.channel,
            )
            replies = route(Inbound(body, sms.num_media, sms.opt_out_type), context)
            context.finish()
            if (
                sms.num_media
                and body.strip()
                and not (sms.opt_out_type or context.opted_out or context.erased)
            ):
                # Pictures and files are never fetched or kept: say so, after the answer.
                replies = [*replies, texts.MEDIA_NOT_OPENED]
            stored_replies = replies
            if context.erased:
                row.update(pseudonym=None, body_redacted=None)
            elif context.bodies_forgotten:
                row.update(body_redacted=None)
            elif context.withheld_as is not None:
                # Nor when, finer than the day (the times of a survey's answers would order
                # the phones that finished it), nor the replies (which question came next, and
                # out of how many, tells something of the answer): a repeat gets no reply.
                row.update(body_redacted=context.withheld_as, received_at=_start_of_day(now))
                stored_replies = []
            if reply_later and context.contact_id is not None:
                for reply in replies:
                    outbox.enqueue(
                        context.contact_id,
                        reply,
                        OutboxPurpose.LATE_REPLY,
                        now,
                        hold_in_quiet_hours=False,
                    )
            # Whatever routing added goes now: after the row, only the COMMIT may follow (were
            # the row a repeat, the statement after it would find the transaction failed).
            db.session.flush()
            connection.execute(
                statements_for(connection.dialect.name).insert_handled,
                {
                    **row,
                    "status": InboundStatus.HANDLED,
                    "handled_at": row["received_at"],
                    "replies": stored_replies,
                },
            )
            end_transaction(db.session, commit=True)
    except IntegrityError:
        db.session.rollback()
        stored = _stored_replies(sms.message_sid)
        if stored is None:
            raise
        log.info("repeated message %s answered again after waiting for the first", sms.message_sid)
        return stored
    except SQLAlchemyError:
        db.session.rollback()
        raise  # the database is unavailable: Twilio calls the fallback URL
    except Exception:
        db.session.rollback()
        log.exception("inbound message %s kept unhandled for reconcile", sms.message_sid)
        connection = db.session.connection()
        connection.execute(
            statements_for(connection.dialect.name).insert_unhandled,
            {**row, "status": InboundStatus.RECEIVED, "handled_at": None, "replies": [texts.SORRY]},
        )
        db.session.commit()
        return _stored_replies(sms.message_sid) or []
    return replies


def _body_as_kept(message_sid: str, raw: str) -> tuple[str, str]:
    """The body as routing reads it (control characters out, cut to Twilio's limit), and as it
    is stored (redacted, and marked if it was cut)."""
    if len(raw) <= MAX_BODY:
        body = without_control_characters(raw)
        return body, redact(body)
    # Only the start of an over-long body is read at all (a signed 1 MB body costs no more).
    kept = within_twilio_limit(without_control_characters(raw[: 2 * MAX_BODY]))
    log.warning(
        "inbound message %s was %d characters long; the first %d are kept",
        message_sid,
        len(raw),
        len(kept),
    )
    return kept, redact(kept) + CUT


def receive_from_unreachable_sender(
    message_sid: str, sender: str, body: str, num_media: int = 0
) -> None:
    """A message from a sender that no reply can reach: a short code (``85258``) or a name
    (``VODAFONE``). It is kept under a pseudonym of the sender as written, and passes the
    safeguarding check like any other; nothing is sent back, no contact is made (so nothing can
    be queued for it), and a repeat of its ``MessageSid`` changes nothing."""
    pseudonym = privacy.pseudonym(sender)
    text, redacted = _body_as_kept(message_sid, body)
    now = utcnow()
    connection = db.session.connection()
    stored = connection.execute(
        statements_for(connection.dialect.name).insert_if_new,
        {
            "message_sid": message_sid,
            "pseudonym": pseudonym,
            "body_redacted": redacted,
            "num_media": num_media,
            "received_at": now,
            "status": InboundStatus.HANDLED,
            "handled_at": now,
            "replies": [],
        },
    )
    if stored.first() is None:  # a repeat
        db.session.rollback()
        return
    try:
        with db.session.begin_nested():
            context = DatabaseContext(pseudonym, None, "", now, redacted)
            route(Inbound(text, num_media), context, REPLYLESS_STAGES)
    except SQLAlchemyError:
        db.session.rollback()
        raise  # the database is unavailable: Twilio calls the fallback URL
    except Exception:
        log.exception(
            "message %s from a sender that cannot be replied to kept unchecked", message_sid
        )
    db.session.commit()
    log.info("message %s from a sender that cannot be replied to kept, with no reply", message_sid)


def _stored_replies(message_sid: str) -> list[str] | None:
    """The replies stored for a message, ``None`` if it was never stored."""
    replies = db.session.scalar(
        select(InboundMessage.replies).where(InboundMessage.message_sid == message_sid)
    )
    return None if replies is None else list(replies)
