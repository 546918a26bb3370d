"""Conversation kinds plugged into the channel: start, continue, end, expire, replace."""

from datetime import timedelta

from sqlalchemy import select

from changemakers.database import utcnow
from changemakers.extensions import db
from messages import texts
from messages.models import Conversation
from tests.support.sms import URGENT_HELP_CONCERN, replies_of


def only_conversation() -> Conversation:
    return db.session.scalars(select(Conversation)).one()


def test_a_keyword_starts_a_conversation_that_takes_the_next_messages(echo_keyword, send_sms):
    assert replies_of(send_sms("echo")) == ["Echo one started. Say something."]
    assert replies_of(send_sms("hello")) == ["1: hello"]
    assert replies_of(send_sms("again")) == ["2: again"]
    assert only_conversation().state == {"count": 2}
    assert replies_of(send_sms("bye")) == ["Bye!"]
    assert only_conversation().end_reason == "completed"
    assert replies_of(send_sms("hello")) == [texts.default_reply(["ECHO"])]


def test_an_expired_conversation_ends_quietly(started_conversation, send_sms):
    conversation = only_conversation()
    conversation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert replies_of(send_sms("hello")) == [texts.default_reply(["ECHO"])]
    assert only_conversation().end_reason == "expired"


def test_the_keyword_again_starts_afresh(started_conversation, send_sms):
    send_sms("hello")
    assert replies_of(send_sms("ECHO")) == ["Echo one started. Say something."]
    first, second = db.session.scalars(select(Conversation).order_by(Conversation.id)).all()
    assert first.end_reason == "replaced"
    assert second.ended_at is None


def test_help_mid_conversation_does_not_disturb_it(started_conversation, send_sms):
    assert replies_of(send_sms("help")) == [texts.HELP]
    assert replies_of(send_sms("hi")) == ["1: hi"]


def test_safeguarding_mid_conversation_answers_in_place_of_the_conversation(
    started_conversation, send_sms
):
    assert replies_of(send_sms("i want to kill myself")) == [URGENT_HELP_CONCERN]
    assert replies_of(send_sms("hi")) == ["1: hi"]
