"""What the SMS channel deletes once the retention settings no longer allow it to be kept
(``changemakers.retention``).

- The words of texts: after ``RETENTION_DAYS`` an inbound message keeps only its bare row
  (``MessageSid``, when, status), so a repeat of it still changes nothing; its stored replies
  go too, as they can quote the young person's words back.
- Answers captured in conversations: a conversation that ended more than ``RETENTION_DAYS``
  ago keeps where it went (for the flow analytics) but not the words typed into it.
- Silent participants: a contact not seen for ``CONTACT_RETENTION_DAYS`` is erased in every
  area, as if they had texted DELETE (``subject_access.erase_everywhere``).
- MYDATA references whose participant is gone (erased some other way) and which are older than
  ``CONTACT_RETENTION_DAYS``. The channel owns this check because only it knows whether a
  pseudonym still has a contact; a reference's age alone would also drop the reference of
  someone still texting.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Text, cast, delete, exists, or_, select, update

from changemakers.extensions import db
from changemakers.retention.services import BATCH_SIZE, RetentionTask, count_of, deleting
from changemakers.subject_access.models import DataReference
from changemakers.subject_access.services import erase_everywhere
from messages.models import Contact, Conversation, InboundMessage


def _old_words(now: datetime, config: Mapping[str, Any]) -> Select[int]:
    cutoff = now - timedelta(days=config["RETENTION_DAYS"])
    return select(InboundMessage.id).where(
        InboundMessage.received_at < cutoff,
        or_(
            InboundMessage.body_redacted.is_not(None),
            # The JSON as stored: "[]" is no replies (the same text on SQLite and PostgreSQL).
            cast(InboundMessage.replies, Text) != "[]",
        ),
    )


def forget_old_words(now: datetime, config: Mapping[str, Any]) -> int:
    """One batch of inbound messages past ``RETENTION_DAYS`` loses its body and replies."""
    ids = db.session.scalars(
        _old_words(now, config).order_by(InboundMessage.id).limit(BATCH_SIZE)
    ).all()
    if ids:
        db.session.execute(
            update(InboundMessage)
            .where(InboundMessage.id.in_(ids))
            .values(body_redacted=None, replies=[])
        )
    return len(ids)


def _old_answers(now: datetime, config: Mapping[str, Any]) -> Select[int]:
    cutoff = now - timedelta(days=config["RETENTION_DAYS"])
    return select(Conversation.id).where(
        Conversation.ended_at < cutoff,
        # The JSON as stored (json.dumps on SQLite and PostgreSQL alike): answers not empty.
        cast(Conversation.state, Text).like('%"answers": {"%'),
    )


def forget_old_answers(now: datetime, config: Mapping[str, Any]) -> int:
    """One batch of conversations ended before ``RETENTION_DAYS`` loses its typed answers."""
    conversations = db.session.scalars(
        select(Conversation)
        .where(Conversation.id.in_(_old_answers(now, config).limit(BATCH_SIZE)))
        .order_by(Conversation.id)
    ).all()
    for conversation in conversations:
        conversation.state = {**conversation.state, "answers": {}}
    return len(conversations)


def _silent(now: datetime, config: Mapping[str, Any]) -> Select[str]:
    cutoff = now - timedelta(days=config["CONTACT_RETENTION_DAYS"])
    return select(Contact.pseudonym).where(Contact.last_seen_at < cutoff)


def erase_silent_participants(now: datetime, config: Mapping[str, Any]) -> int:
    """Up to a batch of participants unseen for ``CONTACT_RETENTION_DAYS``, each erased
    everywhere. Their contact rows are locked first, skipping any that a message being handled
    holds, so someone texting in just now is kept (on PostgreSQL; SQLite has one writer)."""
    pseudonyms = db.session.scalars(
        _silent(now, config)
        .order_by(Contact.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
    ).all()
    for pseudonym in pseudonyms:
        erase_everywhere(pseudonym)
    if pseudonyms:  # erased with the rest already; this makes sure the next batch moves on
        db.session.execute(delete(Contact).where(Contact.pseudonym.in_(pseudonyms)))
    return len(pseudonyms)


def _stray_references(now: datetime, config: Mapping[str, Any]) -> Select[str]:
    cutoff = now - timedelta(days=config["CONTACT_RETENTION_DAYS"])
    return select(DataReference.reference).where(
        DataReference.created_at < cutoff,
        ~exists().where(Contact.pseudonym == DataReference.pseudonym),
    )


TASKS = (
    RetentionTask(
        "inbound_words", forget_old_words, lambda now, config: count_of(_old_words(now, config))
    ),
    RetentionTask(
        "conversation_answers",
        forget_old_answers,
        lambda now, config: count_of(_old_answers(now, config)),
    ),
    RetentionTask(
        "silent_participants",
        erase_silent_participants,
        lambda now, config: count_of(_silent(now, config)),
    ),
    deleting("stray_mydata_references", DataReference.reference, _stray_references),
)
