"""The SMS channel's transactions: receiving a message, opting out and in, erasure.

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from changemakers import privacy
from changemakers.alerts import services as alerts
from changemakers.alerts.rules import detector_in_force
from changemakers.alerts.services import ConversationLine
from changemakers.cache import forget_cached_tables, read_fresh
from changemakers.database import (
    end_transaction,
    insert_for,
    pipelined,
    send_with_next,
    utcnow,
)
from changemakers.extensions import db
from changemakers.office_hours import LONDON
from changemakers.redaction import redact
from changemakers.safeguarding import Verdict
from changemakers.subject_access import services as subject_access
from messages import conversations, outbox, signposting, texts
from messages.gateways import Gateway, InboundRecord
from messages.models import (
    Contact,
    Conversation,
    InboundMessage,
    InboundStatus,
    Keyword,
    OutboundMessage,
    OutboxPurpose,
    OutboxStatus,
    Signpost,
)
from messages.router import REPLYLESS_STAGES, Inbound, keyword_of, route

log = logging.getLogger(__name__)

FIXED_REPLY = "reply"
ANONYMOUS_ANSWER = "[survey answer]"  # kept instead of the words of an anonymous answer
MAX_HAND_OVERS = 3  # flows jumping to flows: never round in a circle within one message
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
            contact = lock_contact(pseudonym, sms.number, now, sms.message_sid)
            if contact.stored_replies is not None:
                end_transaction(db.session, commit=False)
                log.info("repeated message %s answered again", sms.message_sid)
                return list(contact.stored_replies)
            context = DatabaseContext(
                pseudonym, contact, sms.number, now, redacted, simulated=sms.simulated
            )
            replies = route(Inbound(body, sms.num_media, sms.opt_out_type), context)
            context.finish()
            stored_replies = replies
            if context.erased:
                row.update(pseudonym=None, body_redacted=None)
            elif context.bodies_forgotten:
                row.update(body_redacted=None)
            elif context.anonymous_answer:
                # Nor when, finer than the day (the times of a survey's answers would order
                # the phones that finished it), nor the replies (which question came next, and
                # out of how many, tells something of the answer): a repeat gets no reply.
                row.update(body_redacted=ANONYMOUS_ANSWER, received_at=_start_of_day(now))
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
                _statements(connection.dialect.name).insert_handled,
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
            _statements(connection.dialect.name).insert_unhandled,
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
        _statements(connection.dialect.name).insert_if_new,
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


@lru_cache(maxsize=4)
def _statements(dialect: str) -> SimpleNamespace:
    """The statements every message runs, built once per database kind (building a statement
    costs more than running it)."""
    insert = insert_for(dialect)
    inbound = cast(Table, InboundMessage.__table__)
    contacts = cast(Table, Contact.__table__)
    conversations_ = cast(Table, Conversation.__table__)
    upsert = insert(contacts).values(
        pseudonym=bindparam("pseudonym"),
        number_encrypted=bindparam("number_encrypted"),
        opted_out=False,
        in_conversation=False,
        in_desk_thread=False,
        language="en",
        first_seen_at=bindparam("now"),
        last_seen_at=bindparam("now"),
    )
    stored_replies = (
        select(inbound.c.replies)
        .where(inbound.c.message_sid == bindparam("message_sid"))
        .scalar_subquery()
    )

    def change_contact(**values: Any) -> Any:
        return send_with_next(
            update(contacts).where(contacts.c.id == bindparam("contact_id")).values(**values)
        )

    def change_conversation(**values: Any) -> Any:
        return send_with_next(
            update(conversations_)
            .where(conversations_.c.id == bindparam("conversation_id"))
            .values(updated_at=bindparam("now"), **values)
        )

    return SimpleNamespace(
        # A repeat fails on the unique MessageSid, and the whole transaction with it.
        # (inline: no RETURNING of the new id, which nothing reads.)
        insert_handled=send_with_next(insert(inbound).inline()),
        # ON CONFLICT DO NOTHING: a message kept unhandled is never kept twice.
        insert_unhandled=insert(inbound).on_conflict_do_nothing(index_elements=["message_sid"]),
        # The same, saying whether the row is new (a sender that cannot be replied to).
        insert_if_new=insert(inbound)
        .on_conflict_do_nothing(index_elements=["message_sid"])
        .returning(inbound.c.id),
        # Made if new, seen now, locked until commit; the number is kept only if we may text.
        upsert_contact=upsert.on_conflict_do_update(
            index_elements=["pseudonym"],
            set_={
                "last_seen_at": upsert.excluded.last_seen_at,
                "number_encrypted": case(
                    (contacts.c.opted_out, None),
                    else_=func.coalesce(
                        contacts.c.number_encrypted, upsert.excluded.number_encrypted
                    ),
                ),
            },
        ).returning(
            contacts.c.id,
            contacts.c.opted_out,
            contacts.c.in_conversation,
            contacts.c.in_desk_thread,
            stored_replies.label("stored_replies"),
        ),
        update_contact_flag=change_contact(in_conversation=bindparam("flag")),
        left_desk_thread=change_contact(in_desk_thread=False),
        set_wants_updates=change_contact(wants_updates=bindparam("wanted")),
        opt_in_contact=change_contact(
            opted_out=False, opted_out_at=None, number_encrypted=bindparam("number_encrypted")
        ),
        opt_out_contact=change_contact(
            opted_out=True,
            opted_out_at=bindparam("now"),
            number_encrypted=None,
            in_conversation=False,
            wants_updates=False,
        ),
        forget_bodies=send_with_next(
            update(inbound)
            .where(inbound.c.pseudonym == bindparam("sender"))
            .values(body_redacted=None)
        ),
        update_conversation=change_conversation(
            state=bindparam("new_state"), expires_at=bindparam("new_expiry")
        ),
        end_conversation=change_conversation(
            ended_at=bindparam("now"), end_reason=bindparam("reason")
        ),
        end_conversation_with_state=change_conversation(
            ended_at=bindparam("now"),
            end_reason=bindparam("reason"),
            state=bindparam("final_state"),
        ),
        open_conversations=select(conversations_.c.id, conversations_.c.state).where(
            and_(
                conversations_.c.contact_id == bindparam("contact_id"),
                conversations_.c.ended_at.is_(None),
            )
        ),
        active_conversation=select(
            conversations_.c.id,
            conversations_.c.kind,
            conversations_.c.ref,
            conversations_.c.state,
            conversations_.c.expires_at,
        )
        .where(
            and_(
                conversations_.c.contact_id == bindparam("contact_id"),
                conversations_.c.ended_at.is_(None),
            )
        )
        .order_by(conversations_.c.started_at.desc(), conversations_.c.id.desc())
        .limit(1),
        start_conversation=insert(conversations_)
        .values(
            contact_id=bindparam("contact_id"),
            kind=bindparam("kind"),
            ref=bindparam("ref"),
            state=bindparam("initial_state"),
            started_at=bindparam("now"),
            updated_at=bindparam("now"),
            expires_at=bindparam("expiry"),
            ended_at=bindparam("ended_at"),
            end_reason=bindparam("reason"),
        )
        .returning(conversations_.c.id),
    )


@dataclass
class ContactState:
    """The fields of a locked contact row that routing reads, and the replies already stored
    for the message being handled (``None`` unless it is a repeat)."""

    id: int
    opted_out: bool
    in_conversation: bool
    in_desk_thread: bool = False
    stored_replies: list[str] | None = None


def lock_contact(pseudonym: str, number: str, now: datetime, message_sid: str = "") -> ContactState:
    """The participant's contact row, made if new, seen now, and locked until the transaction
    ends, so two messages from one phone are handled one after the other."""
    connection = db.session.connection()
    row = connection.execute(
        _statements(connection.dialect.name).upsert_contact,
        {
            "pseudonym": pseudonym,
            "number_encrypted": privacy.encrypt_number(number),
            "now": now,
            "message_sid": message_sid,
        },
    ).one()
    return ContactState(
        row.id, row.opted_out, row.in_conversation, row.in_desk_thread, row.stored_replies
    )


def _stored_replies(message_sid: str) -> list[str] | None:
    """The replies stored for a message, ``None`` if it was never stored."""
    replies = db.session.scalar(
        select(InboundMessage.replies).where(InboundMessage.message_sid == message_sid)
    )
    return None if replies is None else list(replies)


@dataclass
class OpenConversation:
    """The fields of a participant's open conversation that routing uses."""

    id: int
    kind: str
    ref: str | None
    state: dict[str, Any]
    expires_at: datetime | None


class DatabaseContext:
    """The router's view of one sender, backed by the database (see ``router.RouterContext``).

    Its contact row is locked for the whole transaction, so two messages from the same phone
    are handled one after the other, in order, even when they arrive together. Conversations
    are read and written with single statements, and the contact's ``in_conversation`` flag is
    written once, by ``finish``, however often routing changed it.
    """

    def __init__(
        self,
        pseudonym: str,
        contact: ContactState | None,
        number: str,
        now: datetime,
        redacted_text: str,
        simulated: bool = False,
    ) -> None:
        self._contact: ContactState | None = contact
        self._stored_flag = contact is not None and contact.in_conversation
        self.pseudonym = pseudonym
        self.number = number
        self.now = now
        self.redacted_text = redacted_text
        self.simulated = simulated
        self.erased = False
        self.bodies_forgotten = False
        self.anonymous_answer = False
        self._hand_overs = 0

    def _ensure_contact(self) -> ContactState:
        if self._contact is None:  # erased earlier in this same message
            self._contact = lock_contact(self.pseudonym, self.number, self.now)
            self._stored_flag = self._contact.in_conversation
        return self._contact

    @property
    def opted_out(self) -> bool:
        return self._contact is not None and self._contact.opted_out

    @property
    def contact_id(self) -> int | None:
        return None if self._contact is None else self._contact.id

    def finish(self) -> None:
        """Write the ``in_conversation`` flag if routing changed it."""
        contact = self._contact
        if contact is not None and contact.in_conversation != self._stored_flag:
            _execute("update_contact_flag", contact_id=contact.id, flag=contact.in_conversation)
            self._stored_flag = contact.in_conversation

    def opt_out(self) -> None:
        contact = self._ensure_contact()
        opt_out_participant(contact.id, self.pseudonym, self.now, contact.in_desk_thread)
        contact.opted_out = True
        contact.in_conversation = self._stored_flag = False
        self.bodies_forgotten = True

    def want_updates(self, wanted: bool) -> None:
        _execute("set_wants_updates", contact_id=self._ensure_contact().id, wanted=wanted)

    def opt_in(self) -> None:
        contact = self._ensure_contact()
        _execute(
            "opt_in_contact",
            contact_id=contact.id,
            number_encrypted=privacy.encrypt_number(self.number),
        )
        contact.opted_out = False

    def erase(self) -> None:
        erase_participant(self.pseudonym)
        self._contact = None
        self.erased = True

    def check_safeguarding(self, text: str) -> Verdict:
        return detector_in_force().check(text)

    def when_read(self) -> str:
        return alerts.office_hours().when_read(self.now)

    def data_reference(self) -> str:
        return subject_access.format_reference(subject_access.issue_reference(self.pseudonym))

    def raise_alert(self, verdict: Verdict) -> bool:
        alert = alerts.raise_alert_for("sms", self.pseudonym, self.redacted_text, verdict)
        log.warning("safeguarding alert raised (%s, %s)", verdict.category, verdict.severity)
        return bool(alert.thread_open)

    def continue_desk_thread(self, text: str) -> list[str] | None:
        contact = self._contact
        if contact is None or not contact.in_desk_thread:
            return None  # most messages: no need to look
        replies = alerts.take_into_thread(self.pseudonym, self.redacted_text, self.now)
        if replies is None:
            _execute("left_desk_thread", contact_id=contact.id)
            contact.in_desk_thread = False
            return None
        return [self.signposted(reply) for reply in replies]

    def is_keyword(self, word: str) -> bool:
        return word in current_keywords()

    def keywords(self) -> list[str]:
        return sorted(current_keywords())

    def signposted(self, text: str) -> str:
        return signposting.render(text, current_signposts())

    def start_keyword(self, word: str) -> list[str] | None:
        keyword = current_keywords().get(word)
        if keyword is None:
            return None
        if keyword.kind == FIXED_REPLY:
            return [keyword.reply or ""]
        return self._start(keyword.kind, keyword.ref)

    def _start(self, kind_name: str | None, ref: str | None) -> list[str] | None:
        kind = conversations.kind_named(kind_name or "")
        if kind is None:
            log.error("no conversation kind %s is registered", kind_name)
            return None
        contact = self._ensure_contact()
        self._end_conversations("replaced")
        turn = kind.start(ref, self.now, self.pseudonym, trial=self.simulated)
        ended = turn.state is None
        conversation_id = _execute(
            "start_conversation",
            contact_id=contact.id,
            kind=kind.name,
            ref=ref,
            initial_state=conversations.without_links(turn.record or {}) if ended else turn.state,
            now=self.now,
            expiry=turn.expires_at,
            ended_at=self.now if ended else None,
            reason=turn.end_reason if ended else None,
        ).scalar_one()
        contact.in_conversation = not ended
        return self._after(turn, conversation_id)

    def _after(self, turn: conversations.Turn, conversation_id: int) -> list[str]:
        """A turn's follow-ups, and whatever it hands over to (a flow's jump)."""
        for follow_up in turn.follow_ups:
            outbox.enqueue(
                self._ensure_contact().id,
                follow_up.text,
                OutboxPurpose.FOLLOW_UP,
                self.now,
                delay=follow_up.after,
                conversation_id=conversation_id,
            )
        replies = list(turn.replies)
        hand_over = turn.hand_over
        if hand_over is not None and self._hand_overs < MAX_HAND_OVERS:
            self._hand_overs += 1
            if hand_over.keyword:
                replies += self.start_keyword(keyword_of(hand_over.keyword)) or []
            else:
                replies += self._start(hand_over.kind, hand_over.ref) or []
        return replies

    def continue_conversation(self, text: str) -> list[str] | None:
        conversation = self._active_conversation()
        if conversation is None:
            return None
        kind = conversations.kind_named(conversation.kind)
        if kind is None:
            self._end(conversation.id, "kind_unavailable", conversation.state)
            return None
        turn = kind.reply(
            conversation.ref, dict(conversation.state), text, self.now, self.pseudonym
        )
        self.anonymous_answer = not turn.keep_text
        if turn.state is None:
            self._end(conversation.id, turn.end_reason, turn.record or conversation.state)
        else:
            _execute(
                "update_conversation",
                conversation_id=conversation.id,
                new_state=turn.state,
                new_expiry=turn.expires_at,
                now=self.now,
            )
        return self._after(turn, conversation.id)

    def _active_conversation(self) -> OpenConversation | None:
        contact = self._contact
        if contact is None or not contact.in_conversation:
            return None  # most messages: no need to look
        row = _execute("active_conversation", contact_id=contact.id).first()
        if row is None:
            contact.in_conversation = False
            return None
        if row.expires_at is not None and row.expires_at <= self.now:
            self._end(row.id, "expired", row.state)
            return None
        return OpenConversation(row.id, row.kind, row.ref, row.state, row.expires_at)

    def _end(self, conversation_id: int, reason: str, state: dict[str, Any] | None) -> None:
        _end_conversation(conversation_id, reason, state, self.now)
        self._ensure_contact().in_conversation = False

    def _end_conversations(self, reason: str) -> None:
        contact = self._contact
        if contact is None or not contact.in_conversation:
            return
        outbox.cancel_follow_ups_of_open_conversations(contact.id, self.now)
        _end_open_conversations(contact.id, reason, self.now)
        contact.in_conversation = False


def _execute(statement: str, **parameters: Any) -> Any:
    """Run one of the prepared ``_statements`` in the session's transaction."""
    connection = db.session.connection()
    return connection.execute(getattr(_statements(connection.dialect.name), statement), parameters)


def _end_conversation(
    conversation_id: int, reason: str, state: dict[str, Any] | None, now: datetime
) -> None:
    if state is None:
        _execute("end_conversation", conversation_id=conversation_id, reason=reason, now=now)
    else:
        _execute(
            "end_conversation_with_state",
            conversation_id=conversation_id,
            reason=reason,
            now=now,
            final_state=conversations.without_links(state),
        )


def _end_open_conversations(contact_id: int, reason: str, now: datetime) -> None:
    for row in _execute("open_conversations", contact_id=contact_id).all():
        _end_conversation(row.id, reason, row.state, now)


def expire_conversations(now: datetime, batch: int = 500) -> int:
    """End conversations whose wait for a reply has run out, dropping their links (an SMS
    survey's response); the worker runs this, so none lingers for want of another message."""
    rows = db.session.execute(
        select(Conversation.id, Conversation.contact_id, Conversation.state)
        .where(and_(Conversation.ended_at.is_(None), Conversation.expires_at < now))
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        _end_conversation(row.id, "expired", row.state, now)
    if rows:
        still_open = (
            select(Conversation.id)
            .where(and_(Conversation.contact_id == Contact.id, Conversation.ended_at.is_(None)))
            .exists()
        )
        db.session.execute(
            update(Contact)
            .where(and_(Contact.id.in_({row.contact_id for row in rows}), ~still_open))
            .values(in_conversation=False)
        )
    db.session.commit()
    return len(rows)


def opt_out_participant(
    contact_id: int, pseudonym: str, now: datetime, in_desk_thread: bool = True
) -> None:
    """STOP: no more texts. The number goes, conversations end, whatever was waiting to be sent
    is cancelled, and the bodies of their messages are forgotten; the pseudonym stays so that
    nobody texts them again. ``in_desk_thread``: the contact's flag that a desk conversation
    may be open (when it is not, there is no thread to end)."""
    _execute("opt_out_contact", contact_id=contact_id, now=now)
    _end_open_conversations(contact_id, "opted_out", now)
    outbox.cancel_pending(contact_id, now)
    _execute("forget_bodies", sender=pseudonym)
    if in_desk_thread:
        alerts.end_threads_of(pseudonym, "opted_out", now)


def opted_out_at_twilio(contact_id: int, now: datetime) -> None:
    """Twilio refused a message because the participant opted out there (error 21610)."""
    pseudonym = db.session.scalar(select(Contact.pseudonym).where(Contact.id == contact_id))
    if pseudonym is not None:
        opt_out_participant(contact_id, pseudonym, now)
        log.info("participant opted out at Twilio (error 21610); their messages are cancelled")


def record_delivery_status(
    outbox_id: int, twilio_status: str, provider_sid: str | None, error_code: int | None
) -> None:
    """A status callback from Twilio, in its own transaction."""
    now = utcnow()
    opted_out_contact = outbox.apply_status(outbox_id, twilio_status, provider_sid, error_code, now)
    if opted_out_contact is not None:
        opted_out_at_twilio(opted_out_contact, now)
    db.session.commit()


@dataclass(frozen=True)
class KeywordBinding:
    word: str
    kind: str
    ref: str | None
    reply: str | None


def current_keywords() -> dict[str, KeywordBinding]:
    def read() -> dict[str, KeywordBinding]:
        rows = db.session.connection().execute(
            select(Keyword.word, Keyword.kind, Keyword.ref, Keyword.reply)
        )
        return {row.word: KeywordBinding(*row) for row in rows}

    return read_fresh("keywords", read)


def current_signposts() -> dict[str, str]:
    """The signposting directory as messages insert it: name → text."""

    def read() -> dict[str, str]:
        rows = db.session.connection().execute(select(Signpost.name, Signpost.text))
        return {row.name: row.text for row in rows}

    return read_fresh("signposts", read)


def erase_participant(pseudonym: str) -> None:
    """Everything linked to the pseudonym, in every area of the service (``subject_access``)."""
    subject_access.erase_everywhere(pseudonym)


def rotate_contact_key(batch_size: int = 500) -> int:
    """Re-encrypt every stored number under the newest ``CONTACT_KEY``, a batch per commit."""
    done = 0
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Contact)
            .where(and_(Contact.id > last_id, Contact.number_encrypted.is_not(None)))
            .order_by(Contact.id)
            .limit(batch_size)
            .with_for_update()
        ).all()
        if not batch:
            return done
        for contact in batch:
            contact.number_encrypted = privacy.reencrypt_number(contact.number_encrypted or b"")
        last_id = batch[-1].id
        done += len(batch)
        db.session.commit()


def set_fixed_reply(word: str, reply: str) -> Keyword:
    """Bind a keyword to a fixed reply (the channel on its own, and the demo)."""
    keyword = db.session.get(Keyword, keyword_of(word)) or Keyword(word=keyword_of(word))
    keyword.kind = FIXED_REPLY
    keyword.ref = None
    keyword.reply = reply
    db.session.add(keyword)
    db.session.commit()
    forget_cached_tables()
    return keyword


_SHOWN_OUTBOX = (
    OutboxStatus.QUEUED,
    OutboxStatus.SENDING,
    OutboxStatus.SENT,
    OutboxStatus.DELIVERED,
    OutboxStatus.UNKNOWN,
)


def conversation_history(pseudonym: str, limit: int = 50) -> list[ConversationLine]:
    """The stored (redacted) messages from a participant, the replies, and what the outbox
    sent or will send them, oldest first."""
    inbound = db.session.scalars(
        select(InboundMessage)
        .where(InboundMessage.pseudonym == pseudonym)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    ).all()
    later = db.session.scalars(
        select(OutboundMessage)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(and_(Contact.pseudonym == pseudonym, OutboundMessage.status.in_(_SHOWN_OUTBOX)))
        .order_by(OutboundMessage.due_at.desc(), OutboundMessage.id.desc())
        .limit(limit)
    ).all()
    lines: list[ConversationLine] = []
    for message in reversed(inbound):
        text = "(deleted)" if message.body_redacted is None else message.body_redacted
        lines.append(ConversationLine(message.received_at, True, text))
        lines.extend(
            ConversationLine(message.received_at, False, reply) for reply in message.replies
        )
    for sent in later:
        queued = sent.status is OutboxStatus.QUEUED
        lines.append(
            ConversationLine(
                sent.due_at if queued else sent.sent_at or sent.status_at, False, sent.body, queued
            )
        )
    return sorted(lines, key=lambda line: line.at)  # stable: a message stays before its replies


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
            try:
                number = privacy.normalise_number(record.number)
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
            sms = ReceivedSms(record.message_sid, number, record.body, record.num_media)
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
