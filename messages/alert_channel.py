"""The SMS channel as the safeguarding desk sees it: the conversation around an alert, and a
reviewer's reply sent through the outbox (the desk never handles a number)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from changemakers import privacy
from changemakers.alerts.services import CannotReply, ConversationLine
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.languages import known
from changemakers.office_hours import LONDON
from messages import outbox, signposting, whatsapp
from messages.contacts import lock_contact
from messages.history import conversation_history
from messages.models import Contact, InboundMessage, OutboxPurpose
from messages.signpost_directory import current_signposts

log = logging.getLogger(__name__)


class SmsAlertChannel:
    label = "Text message"
    about = ""
    no_reply = ""

    def conversation(self, pseudonym: str) -> Sequence[ConversationLine]:
        return conversation_history(pseudonym)

    def hold(self, pseudonym: str) -> None:
        db.session.execute(
            select(Contact.id).where(Contact.pseudonym == pseudonym).with_for_update()
        )

    def language(self, pseudonym: str) -> str:
        return known(
            db.session.scalar(select(Contact.language).where(Contact.pseudonym == pseudonym))
        )

    def reply(self, pseudonym: str, body: str) -> int:
        """A reviewer's reply is an answer to someone who reached out: it goes at once, even in
        quiet hours. ``{childline}`` and the like insert the signposting directory's entries,
        in the young person's language."""
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
        contact.in_desk_thread = True  # their next text looks for the alert's thread
        message = outbox.enqueue(
            contact.id,
            signposting.render(body, current_signposts(known(contact.language))),
            OutboxPurpose.STAFF_REPLY,
            utcnow(),
            hold_in_quiet_hours=False,
        )
        db.session.flush()
        return message.id

    def reply_note(self, pseudonym: str, now: datetime) -> str:
        """On WhatsApp, until when a reply goes as it is written (WhatsApp's 24-hour window),
        and that after it only an approved template can be sent."""
        if not current_app.config["WHATSAPP_FROM"]:
            return ""
        contact = db.session.execute(
            select(Contact.channel, Contact.whatsapp_seen_at).where(Contact.pseudonym == pseudonym)
        ).first()
        if contact is None or contact.channel != whatsapp.WHATSAPP:
            return ""
        ends = whatsapp.window_ends(contact.whatsapp_seen_at)
        if ends is not None and now < ends:
            local = ends.astimezone(LONDON)
            day = "today" if local.date() == now.astimezone(LONDON).date() else "tomorrow"
            return f"They wrote on WhatsApp. You can reply on WhatsApp until {local:%H:%M} {day}."
        return (
            "They wrote on WhatsApp, and it is now outside WhatsApp's 24-hour window: only a "
            "template can be sent. Your reply goes inside the approved template for desk "
            "replies."
        )


def text_staff_on_call(number: str, body: str, now: datetime) -> None:
    """An alert's text to the staff on-call phone, through the outbox like any text, at once
    even in quiet hours. The phone is kept as a contact (its number encrypted, never in
    clear); if it texted STOP, it is not texted."""
    contact = lock_contact(privacy.pseudonym(number), number, now)
    if contact.opted_out:
        log.warning("the staff on-call phone (ALERT_SMS_TO) texted STOP: it is not texted")
        return
    outbox.enqueue(contact.id, body, OutboxPurpose.STAFF_ALERT, now, hold_in_quiet_hours=False)
