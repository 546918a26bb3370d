"""The router's view of one sender, backed by the database (``DatabaseContext``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from changemakers import privacy
from changemakers.alerts import services as alerts
from changemakers.alerts.rules import detector_in_force
from changemakers.languages import ENGLISH
from changemakers.safeguarding import Verdict
from changemakers.subject_access import services as subject_access
from messages import conversations, outbox, signposting, statements, texts, whatsapp
from messages.contacts import ContactState, erase_participant, lock_contact, opt_out_participant
from messages.conversation_ends import end_conversation, end_open_conversations
from messages.keywords import FIXED_REPLY, current_keywords
from messages.models import OutboxPurpose
from messages.router import keyword_of
from messages.signpost_directory import current_signposts

log = logging.getLogger(__name__)

MAX_HAND_OVERS = 3  # flows jumping to flows: never round in a circle within one message
BUTTONS_AFTER = timedelta(seconds=3)  # the numbered text (in the webhook's answer) goes first


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
        channel: str = whatsapp.SMS,
    ) -> None:
        self._contact: ContactState | None = contact
        self._stored_flag = contact is not None and contact.in_conversation
        self.pseudonym = pseudonym
        self.number = number
        self.now = now
        self.redacted_text = redacted_text
        self.simulated = simulated
        self.channel = channel
        self.erased = False
        self.bodies_forgotten = False
        self.withheld_as: str | None = None  # the tag kept in place of an anonymous answer
        self._hand_overs = 0

    def _ensure_contact(self) -> ContactState:
        if self._contact is None:  # erased earlier in this same message
            self._contact = lock_contact(
                self.pseudonym, self.number, self.now, channel=self.channel
            )
            self._stored_flag = self._contact.in_conversation
        return self._contact

    @property
    def opted_out(self) -> bool:
        return self._contact is not None and self._contact.opted_out

    @property
    def language(self) -> str:
        return ENGLISH if self._contact is None else self._contact.language

    @property
    def language_menu_open(self) -> bool:
        return self._contact is not None and self._contact.language_menu_open

    def choose_language(self, code: str) -> None:
        contact = self._ensure_contact()
        connection, sql = statements.in_session()
        connection.execute(sql.set_language, {"contact_id": contact.id, "language": code})
        contact.language = code
        contact.language_menu_open = False

    def offer_language_menu(self, offered: bool) -> None:
        contact = self._ensure_contact()
        connection, sql = statements.in_session()
        connection.execute(sql.set_language_menu, {"contact_id": contact.id, "offered": offered})
        contact.language_menu_open = offered

    @property
    def contact_id(self) -> int | None:
        return None if self._contact is None else self._contact.id

    def finish(self) -> None:
        """Write the ``in_conversation`` flag if routing changed it."""
        contact = self._contact
        if contact is not None and contact.in_conversation != self._stored_flag:
            connection, sql = statements.in_session()
            connection.execute(
                sql.update_contact_flag, {"contact_id": contact.id, "flag": contact.in_conversation}
            )
            self._stored_flag = contact.in_conversation

    def opt_out(self) -> None:
        contact = self._ensure_contact()
        opt_out_participant(contact.id, self.pseudonym, self.now, contact.in_desk_thread)
        contact.opted_out = True
        contact.in_conversation = self._stored_flag = False
        self.bodies_forgotten = True

    def want_updates(self, wanted: bool) -> None:
        contact_id = self._ensure_contact().id
        connection, sql = statements.in_session()
        connection.execute(sql.set_wants_updates, {"contact_id": contact_id, "wanted": wanted})

    def opt_in(self) -> None:
        contact = self._ensure_contact()
        connection, sql = statements.in_session()
        connection.execute(
            sql.opt_in_contact,
            {"contact_id": contact.id, "number_encrypted": privacy.encrypt_number(self.number)},
        )
        contact.opted_out = False

    def erase(self) -> None:
        erase_participant(self.pseudonym)
        self._contact = None
        self.erased = True

    def check_safeguarding(self, text: str) -> Verdict:
        return detector_in_force().check(text, self.language)

    def when_read(self) -> str:
        return alerts.office_hours().when_read(self.now, self.language)

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
            connection, sql = statements.in_session()
            connection.execute(sql.left_desk_thread, {"contact_id": contact.id})
            contact.in_desk_thread = False
            return None
        return [self.signposted(reply) for reply in replies]

    def is_keyword(self, word: str) -> bool:
        return word in current_keywords()

    def keywords(self) -> list[str]:
        return sorted(current_keywords())

    def signposted(self, text: str) -> str:
        return signposting.render(text, current_signposts(self.language))

    def start_keyword(self, word: str) -> list[str] | None:
        keyword = current_keywords().get(word)
        if keyword is None:
            return None
        if keyword.kind == FIXED_REPLY:
            return [self.signposted(keyword.reply_in(self.language))]
        return self._start(keyword.kind, keyword.ref)

    def _start(self, kind_name: str | None, ref: str | None) -> list[str] | None:
        kind = conversations.kind_named(kind_name or "")
        if kind is None:
            log.error("no conversation kind %s is registered", kind_name)
            return None
        contact = self._ensure_contact()
        self._end_conversations("replaced")
        turn = kind.start(
            ref, self.now, self.pseudonym, trial=self.simulated, language=self.language
        )
        ended = turn.state is None
        connection, sql = statements.in_session()
        conversation_id = connection.execute(
            sql.start_conversation,
            {
                "contact_id": contact.id,
                "kind": kind.name,
                "ref": ref,
                "initial_state": (
                    conversations.without_links(turn.record or {}) if ended else turn.state
                ),
                "now": self.now,
                "expiry": turn.expires_at,
                "ended_at": self.now if ended else None,
                "reason": turn.end_reason if ended else None,
            },
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
        self._offer_buttons(turn.choices, conversation_id)
        hand_over = turn.hand_over
        if hand_over is not None and self._hand_overs < MAX_HAND_OVERS:
            self._hand_overs += 1
            if hand_over.keyword:
                replies += self.start_keyword(keyword_of(hand_over.keyword)) or []
            else:
                replies += self._start(hand_over.kind, hand_over.ref) or []
        return replies

    def _offer_buttons(self, choices: tuple[str, ...], conversation_id: int) -> None:
        """On WhatsApp, a menu's options also go as quick-reply buttons, when a quick-reply
        template has room for them: a moment after the numbered text, which always goes."""
        if self.channel != whatsapp.WHATSAPP or not choices:
            return
        config = current_app.config
        templates = whatsapp.Templates({}, config["WHATSAPP_QUICK_REPLY_TEMPLATES"])
        buttons = whatsapp.buttons_for(choices, templates)
        if not (config["WHATSAPP_FROM"] and buttons):
            return
        message = outbox.enqueue(
            self._ensure_contact().id,
            texts.BUTTONS.format(choices=" / ".join(map(whatsapp.button_title, buttons))),
            OutboxPurpose.BUTTONS,
            self.now,
            delay=BUTTONS_AFTER,
            hold_in_quiet_hours=False,
            conversation_id=conversation_id,
        )
        message.choices = list(buttons)

    def continue_conversation(self, text: str) -> list[str] | None:
        conversation = self._active_conversation()
        if conversation is None:
            return None
        kind = conversations.kind_named(conversation.kind)
        if kind is None:
            self._end(conversation.id, "kind_unavailable", conversation.state)
            return None
        if self.channel == whatsapp.WHATSAPP:
            outbox.cancel_buttons(self._ensure_contact().id, self.now)
        turn = kind.reply(
            conversation.ref,
            dict(conversation.state),
            text,
            self.now,
            self.pseudonym,
            language=self.language,
        )
        self.withheld_as = turn.withheld_as
        if turn.state is None:
            self._end(conversation.id, turn.end_reason, turn.record or conversation.state)
        else:
            connection, sql = statements.in_session()
            connection.execute(
                sql.update_conversation,
                {
                    "conversation_id": conversation.id,
                    "new_state": turn.state,
                    "new_expiry": turn.expires_at,
                    "now": self.now,
                },
            )
        return self._after(turn, conversation.id)

    def _active_conversation(self) -> OpenConversation | None:
        contact = self._contact
        if contact is None or not contact.in_conversation:
            return None  # most messages: no need to look
        connection, sql = statements.in_session()
        row = connection.execute(sql.active_conversation, {"contact_id": contact.id}).first()
        if row is None:
            contact.in_conversation = False
            return None
        if row.expires_at is not None and row.expires_at <= self.now:
            self._end(row.id, "expired", row.state)
            return None
        return OpenConversation(row.id, row.kind, row.ref, row.state, row.expires_at)

    def _end(self, conversation_id: int, reason: str, state: dict[str, Any] | None) -> None:
        end_conversation(conversation_id, reason, state, self.now)
        self._ensure_contact().in_conversation = False

    def _end_conversations(self, reason: str) -> None:
        contact = self._contact
        if contact is None or not contact.in_conversation:
            return
        outbox.cancel_follow_ups_of_open_conversations(contact.id, self.now)
        end_open_conversations(contact.id, reason, self.now)
        contact.in_conversation = False
