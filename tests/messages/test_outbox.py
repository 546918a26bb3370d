"""The outbox and the dispatcher: every state change, against the test double of Twilio."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from changemakers import cache
from changemakers.extensions import db
from messages import outbox
from messages.conversations import FollowUp, Turn
from messages.models import Contact, OutboundMessage, OutboxPurpose, OutboxStatus
from messages.worker import Dispatcher
from tests.support.contacts import a_contact
from tests.support.sms import NOON, PHONE, replies_of

LATER = NOON + timedelta(hours=1)


@pytest.fixture
def dispatcher(app, gateway):
    worker = Dispatcher(app, gateway, concurrency=4, batch_size=10, name="test-worker")
    yield worker
    worker.close()


def queue(contact: Contact, body: str, now=NOON, **options) -> OutboundMessage:
    message = outbox.enqueue(contact.id, body, OutboxPurpose.STAFF_REPLY, now, **options)
    db.session.commit()
    return message


def status_of(message: OutboundMessage) -> OutboxStatus:
    db.session.refresh(message)
    return message.status


def sent_bodies(fake_twilio) -> list[str]:
    return [message.body for message in fake_twilio.state.messages]


def test_a_due_message_is_sent_and_its_twilio_id_kept(db_session, dispatcher, fake_twilio):
    message = queue(a_contact(), "Thinking of you. Text HELP any time.")

    assert dispatcher.send_due(NOON) == 1

    assert status_of(message) is OutboxStatus.SENT
    [sent] = fake_twilio.state.messages
    assert message.provider_sid == sent.sid
    assert message.attempts == 1
    assert sent.status_callback.endswith(f"/sms/status?outbox={message.id}")


def test_a_message_waits_until_it_is_due(db_session, dispatcher, fake_twilio):
    message = queue(a_contact(), "Tomorrow", delay=timedelta(hours=1))
    assert dispatcher.send_due(NOON) == 0
    assert dispatcher.send_due(LATER) == 1
    assert status_of(message) is OutboxStatus.SENT


def test_scheduled_messages_wait_for_the_morning(db_session, dispatcher, fake_twilio):
    evening = NOON.replace(hour=20)  # 20:00 in London, in November
    contact = a_contact()
    follow_up = queue(contact, "How did it go?", evening, delay=timedelta(hours=2))
    assert follow_up.due_at == NOON.replace(day=27, hour=8)

    late = NOON.replace(hour=23)
    reply = queue(contact, "A reviewer's answer", late, hold_in_quiet_hours=False)
    assert dispatcher.send_due(late) == 1
    assert status_of(reply) is OutboxStatus.SENT
    assert status_of(follow_up) is OutboxStatus.QUEUED


def test_a_message_that_fell_due_before_quiet_hours_still_waits(db_session, dispatcher):
    message = queue(a_contact(), "Sent late by a stopped worker", NOON.replace(hour=20))
    assert dispatcher.send_due(NOON.replace(hour=22)) == 0
    assert dispatcher.send_due(NOON.replace(day=27, hour=8)) == 1
    assert status_of(message) is OutboxStatus.SENT


def test_not_processed_is_retried_after_a_wait(db_session, dispatcher, fake_twilio):
    fake_twilio.state.set_faults(rate_limit=1)
    message = queue(a_contact(), "Hi")

    dispatcher.send_due(NOON)
    assert status_of(message) is OutboxStatus.QUEUED
    assert (message.attempts, message.error_code) == (1, 20429)
    assert dispatcher.send_due(NOON + timedelta(seconds=5)) == 0  # backing off

    assert dispatcher.send_due(message.next_attempt_at) == 1
    assert status_of(message) is OutboxStatus.SENT
    assert sent_bodies(fake_twilio) == ["Hi"]


def test_retries_end_after_the_last_attempt(db_session, dispatcher, fake_twilio):
    fake_twilio.state.set_faults(rate_limit=outbox.MAX_ATTEMPTS)
    message = queue(a_contact(), "Hi")
    now = NOON
    for _ in range(outbox.MAX_ATTEMPTS):
        assert dispatcher.send_due(now) == 1
        db.session.refresh(message)
        now = message.next_attempt_at or now
    assert status_of(message) is OutboxStatus.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS


@pytest.mark.parametrize("fault", ["server_error_after_accept", "delay"])
def test_an_unknown_outcome_is_never_resent_blindly(db_session, app, gateway, fake_twilio, fault):
    fake_twilio.state.set_faults(**{fault: 1 if fault != "delay" else 1.0})
    gateway.timeout = 0.3
    worker = Dispatcher(app, gateway, name="test-worker")
    message = queue(a_contact(), "Hi")
    try:
        worker.send_due(NOON)
        assert status_of(message) is OutboxStatus.UNKNOWN
        fake_twilio.state.set_faults(delay=0)
        assert worker.send_due(NOON + timedelta(minutes=1)) == 0
        # Later, no callback has come: Twilio's records show it went.
        assert worker.settle(NOON + outbox.UNKNOWN_CHECK_AFTER + timedelta(minutes=1)) == 1
    finally:
        worker.close()
    assert status_of(message) is OutboxStatus.SENT
    assert message.provider_sid == fake_twilio.state.messages[0].sid
    assert sent_bodies(fake_twilio) == ["Hi"]


def test_an_unknown_outcome_twilio_never_had_is_sent_again(db_session, dispatcher, fake_twilio):
    fake_twilio.state.set_faults(server_error=1)
    message = queue(a_contact(), "Hi")
    dispatcher.send_due(NOON)
    assert status_of(message) is OutboxStatus.UNKNOWN

    later = NOON + outbox.UNKNOWN_CHECK_AFTER + timedelta(minutes=1)
    dispatcher.settle(later)
    assert status_of(message) is OutboxStatus.QUEUED
    dispatcher.send_due(later)
    assert status_of(message) is OutboxStatus.SENT
    assert sent_bodies(fake_twilio) == ["Hi"]


def test_a_message_left_sending_by_a_stopped_worker_is_checked(db_session, dispatcher, gateway):
    went, lost = a_contact(), a_contact("+447700900124")
    queue(went, "This one reached Twilio")
    queue(lost, "This one did not")
    claimed = outbox.claim("a-worker-that-dies", 10, NOON)
    assert len(claimed) == 2
    from messages.gateways import OutgoingSms

    gateway.send(OutgoingSms(claimed[0].id, claimed[0].number, claimed[0].body))  # then killed

    assert dispatcher.settle(NOON + timedelta(seconds=30)) == 0  # its lease has not run out
    assert dispatcher.settle(NOON + outbox.SENDING_LEASE + timedelta(seconds=1)) == 2
    statuses = {m.body: m.status for m in db.session.scalars(select(OutboundMessage)).all()}
    assert statuses == {
        "This one reached Twilio": OutboxStatus.SENT,
        "This one did not": OutboxStatus.QUEUED,
    }


def test_twilio_saying_they_opted_out_opts_them_out_here(db_session, dispatcher, fake_twilio):
    contact = a_contact("+15005550004")
    first = queue(contact, "First")
    second = queue(contact, "Second")

    dispatcher.send_due(NOON)

    assert status_of(first) is OutboxStatus.FAILED
    assert first.error_code == 21610
    assert status_of(second) is OutboxStatus.CANCELLED
    db.session.refresh(contact)
    assert contact.opted_out and contact.number_encrypted is None


def test_another_final_error_fails_only_that_message(db_session, dispatcher):
    contact = a_contact("+15005550001")
    message = queue(contact, "Hi")
    dispatcher.send_due(NOON)
    assert status_of(message) is OutboxStatus.FAILED
    assert message.error_code == 21211
    db.session.refresh(contact)
    assert not contact.opted_out


def test_a_participants_messages_go_in_order(db_session, dispatcher, fake_twilio):
    contact, other = a_contact(), a_contact("+447700900124")
    fake_twilio.state.set_faults(rate_limit=1)  # the first try of the first message
    for body in ("one", "two", "three"):
        queue(contact, body)
    queue(other, "someone else's")

    now = NOON
    while dispatcher.send_due(now) or now < NOON + timedelta(minutes=5):
        now += timedelta(seconds=31)

    mine = [m.body for m in fake_twilio.state.messages if m.to == PHONE]
    assert mine == ["one", "two", "three"]
    assert "someone else's" in sent_bodies(fake_twilio)


def test_nothing_is_sent_to_someone_who_opted_out(db_session, dispatcher, fake_twilio):
    contact = a_contact(opted_out=True)
    message = queue(contact, "Hi")
    dispatcher.send_due(NOON)
    assert status_of(message) is OutboxStatus.CANCELLED
    assert fake_twilio.state.messages == []


def test_stop_cancels_what_is_waiting(db_session, send_sms, fake_twilio):
    send_sms("HELLO")
    contact = db.session.scalar(select(Contact))
    message = queue(contact, "Tomorrow's check-in", delay=timedelta(days=1))

    assert replies_of(send_sms("STOP"))
    assert status_of(message) is OutboxStatus.CANCELLED


def test_delete_erases_what_is_waiting(db_session, send_sms):
    send_sms("HELLO")
    queue(db.session.scalar(select(Contact)), "Tomorrow's check-in", delay=timedelta(days=1))
    send_sms("DELETE")
    assert db.session.scalars(select(OutboundMessage)).all() == []


def test_a_stopping_worker_puts_back_what_it_has_not_sent(db_session, dispatcher, fake_twilio):
    message = queue(a_contact(), "Hi")
    dispatcher.stop()
    dispatcher.send_due(NOON)
    assert status_of(message) is OutboxStatus.QUEUED
    assert message.attempts == 0
    assert fake_twilio.state.messages == []


class FollowingUp:
    """A conversation kind that asks again the next day, and again two days later."""

    name = "following-up"

    def start(self, ref, now, participant, trial=False, language="en"):
        follow_ups = (FollowUp(timedelta(days=1), "Day one"), FollowUp(timedelta(days=2), "Two"))
        return Turn(["Started"], {"step": 1}, now + timedelta(days=3), follow_ups=follow_ups)

    def reply(self, ref, state, text, now, participant, language="en"):
        return Turn(["Thanks"], None)


@pytest.fixture
def following_up(db_session, monkeypatch):
    from messages import conversations
    from messages.models import Keyword

    monkeypatch.setitem(conversations._kinds, "following-up", FollowingUp())
    db.session.add(Keyword(word="CHECKIN", kind="following-up"))
    db.session.commit()
    cache.forget_cached_tables()


def test_follow_ups_are_written_with_the_conversation(following_up, send_sms):
    assert replies_of(send_sms("CHECKIN")) == ["Started"]
    rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.due_at)).all()
    assert [(r.body, r.purpose, r.status) for r in rows] == [
        ("Day one", OutboxPurpose.FOLLOW_UP, OutboxStatus.QUEUED),
        ("Two", OutboxPurpose.FOLLOW_UP, OutboxStatus.QUEUED),
    ]
    assert rows[0].conversation_id is not None
    assert rows[1].due_at - rows[0].due_at == timedelta(days=1)


def test_starting_something_else_cancels_the_old_follow_ups(following_up, echo_keyword, send_sms):
    send_sms("CHECKIN")
    send_sms("ECHO")
    statuses = {r.status for r in db.session.scalars(select(OutboundMessage))}
    assert statuses == {OutboxStatus.CANCELLED}


def test_an_orphaned_message_waits_as_unknown_while_twilio_cannot_be_asked(app, db_session):
    from messages.gateways import TwilioGateway
    from tests.support.servers import free_port
    from tests.support.sms import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN

    message = queue(a_contact(), "Hi")
    outbox.claim("a-worker-that-dies", 10, NOON)
    unreachable = TwilioGateway(
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        None,
        "+15005550006",
        None,
        f"http://127.0.0.1:{free_port()}",
    )
    worker = Dispatcher(app, unreachable, name="test-worker")
    try:
        worker.settle(NOON + outbox.SENDING_LEASE + timedelta(seconds=1))
    finally:
        worker.close()
    assert status_of(message) is OutboxStatus.UNKNOWN
