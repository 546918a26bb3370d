"""The SMS channel as the safeguarding desk sees it: the conversation around an alert, and a
reviewer's reply sent through the outbox (the desk never handles a number)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from changemakers.alerts.services import CannotReply, ConversationLine
from changemakers.database import utcnow
from changemakers.extensions import db
from messages import outbox
from messages.models import Contact, InboundMessage, OutboxPurpose
from messages.services import conversation_history


class SmsAlertChannel:
    label = "Text message"
    about = ""
    no_reply = ""

    def conversation(self, pseudonym: str) -> Sequence[ConversationLine]:
        return conversation_history(pseudonym)

    def reply(self, pseudonym: str, body: str) -> int:
        """A reviewer's reply is an answer to someone who reached out: it goes at once, even in
        quiet hours."""
        contact = db.session.scalars(
            select(Contact).where(Contact.pseudonym == pseudonym).with_for_update()
        ).first()
        if contact is None:
            if db.session.scalar(
                select(InboundMessage.id).where(InboundMessage.pseudonym == pseudonym).limit(1)
            ):
                raise CannotReply(
                    "This text came from a short code or a name, not a phone number, so the "
                    "service cannot reply."
                )
            raise CannotReply("This young person erased their data, so the service cannot reply.")
        if contact.opted_out or contact.number_encrypted is None:
            raise CannotReply("This young person texted STOP, so the service must not text them.")
        message = outbox.enqueue(
            contact.id, body, OutboxPurpose.STAFF_REPLY, utcnow(), hold_in_quiet_hours=False
        )
        db.session.flush()
        return message.id
