"""The statements every inbound message runs, built once per database kind."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, String, Table, and_, bindparam, case, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert, ReturningInsert, Update

from changemakers.database import insert_for, send_with_next
from changemakers.extensions import db
from messages.models import Contact, Conversation, InboundMessage


@dataclass(frozen=True)
class Statements:
    """Building a statement costs more than running it, so each is built once (``statements_for``)
    and named here: a misspelt name fails the type check, not a message."""

    # A repeat fails on the unique MessageSid, and the whole transaction with it.
    # (inline: no RETURNING of the new id, which nothing reads.)
    insert_handled: Insert
    # ON CONFLICT DO NOTHING: a message kept unhandled is never kept twice.
    insert_unhandled: Insert
    # The same, saying whether the row is new (a sender that cannot be replied to).
    insert_if_new: ReturningInsert[Any]
    # Made if new, seen now, locked until commit; the number is kept only if we may text; the
    # channel a message came on is remembered (``channel`` NULL: not a message, kept as it is).
    upsert_contact: ReturningInsert[Any]
    update_contact_flag: Update
    left_desk_thread: Update
    set_wants_updates: Update
    set_language: Update
    set_language_menu: Update
    opt_in_contact: Update
    opt_out_contact: Update
    forget_bodies: Update
    update_conversation: Update
    end_conversation: Update
    end_conversation_with_state: Update
    open_conversations: Select[Any]
    active_conversation: Select[Any]
    start_conversation: ReturningInsert[Any]


@lru_cache(maxsize=4)
def statements_for(dialect: str) -> Statements:
    """The statements for one kind of database (``postgresql``, ``sqlite``)."""
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
        channel=func.coalesce(bindparam("channel", type_=String), "sms"),
        whatsapp_seen_at=bindparam("whatsapp_seen_at", type_=contacts.c.whatsapp_seen_at.type),
        language_menu_open=False,
        first_seen_at=bindparam("now"),
        last_seen_at=bindparam("now"),
    )
    stored_replies = (
        select(inbound.c.replies)
        .where(inbound.c.message_sid == bindparam("message_sid"))
        .scalar_subquery()
    )

    def change_contact(**values: Any) -> Update:
        return send_with_next(
            update(contacts).where(contacts.c.id == bindparam("contact_id")).values(**values)
        )

    def change_conversation(**values: Any) -> Update:
        return send_with_next(
            update(conversations_)
            .where(conversations_.c.id == bindparam("conversation_id"))
            .values(updated_at=bindparam("now"), **values)
        )

    return Statements(
        insert_handled=send_with_next(insert(inbound).inline()),
        insert_unhandled=insert(inbound).on_conflict_do_nothing(index_elements=["message_sid"]),
        insert_if_new=insert(inbound)
        .on_conflict_do_nothing(index_elements=["message_sid"])
        .returning(inbound.c.id),
        upsert_contact=upsert.on_conflict_do_update(
            index_elements=["pseudonym"],
            set_={
                "last_seen_at": upsert.excluded.last_seen_at,
                # A message remembers the channel it came on; anything else keeps it.
                "channel": func.coalesce(bindparam("channel", type_=String), contacts.c.channel),
                "whatsapp_seen_at": func.coalesce(
                    upsert.excluded.whatsapp_seen_at, contacts.c.whatsapp_seen_at
                ),
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
            contacts.c.language,
            contacts.c.language_menu_open,
        ),
        update_contact_flag=change_contact(in_conversation=bindparam("flag")),
        left_desk_thread=change_contact(in_desk_thread=False),
        set_wants_updates=change_contact(wants_updates=bindparam("wanted")),
        set_language=change_contact(language=bindparam("language"), language_menu_open=False),
        set_language_menu=change_contact(language_menu_open=bindparam("offered")),
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


def in_session() -> tuple[Connection, Statements]:
    """The session's connection, and the statements for its kind of database."""
    connection = db.session.connection()
    return connection, statements_for(connection.dialect.name)
