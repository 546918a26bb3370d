"""``POST /sms/status``: Twilio's delivery reports, signed, in any order, any number of times."""

from __future__ import annotations

import pytest

from changemakers.extensions import db
from messages import outbox
from messages.gateways import Outcome, SendResult
from messages.models import Contact, OutboxPurpose, OutboxStatus
from tests.support.contacts import a_contact
from tests.support.sms import NOON, new_sid, signature

STATUS_URL = "http://localhost/sms/status?outbox={}"


@pytest.fixture
def sent_message(db_session):
    message = outbox.enqueue(a_contact().id, "Hi", OutboxPurpose.STAFF_REPLY, NOON)
    db.session.commit()
    [claimed] = outbox.claim("test-worker", 1, NOON)
    outbox.mark_sent(claimed.id, "SM" + "a" * 32, NOON)
    db.session.commit()
    return message


def callback(client, outbox_id, status, signed=True, **extra):
    url = STATUS_URL.format(outbox_id)
    form = {
        "MessageSid": "SM" + "a" * 32,
        "SmsSid": "SM" + "a" * 32,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": "AC" + "0" * 32,
        "To": "+447700900123",
        "From": "+15005550006",
        "ApiVersion": "2010-04-01",
        **extra,
    }
    headers = {"X-Twilio-Signature": signature(url, form)} if signed else {}
    return client.post(url, data=form, headers=headers)


def status_of(message):
    db.session.refresh(message)
    return message.status


def test_delivery_is_recorded(client, sent_message):
    assert callback(client, sent_message.id, "delivered").status_code == 204
    assert status_of(sent_message) is OutboxStatus.DELIVERED


def test_a_late_sent_does_not_undo_delivered(client, sent_message):
    callback(client, sent_message.id, "delivered")
    callback(client, sent_message.id, "sent")
    callback(client, sent_message.id, "queued")
    assert status_of(sent_message) is OutboxStatus.DELIVERED


def test_a_repeated_callback_changes_nothing(client, sent_message):
    callback(client, sent_message.id, "undelivered", ErrorCode="30003")
    callback(client, sent_message.id, "undelivered", ErrorCode="30003")
    assert status_of(sent_message) is OutboxStatus.UNDELIVERED
    assert sent_message.error_code == 30003


def test_a_callback_settles_an_unknown_outcome(client, db_session):
    message = outbox.enqueue(a_contact().id, "Hi", OutboxPurpose.STAFF_REPLY, NOON)
    db.session.commit()
    [claimed] = outbox.claim("test-worker", 1, NOON)
    outbox.record_result(claimed, SendResult(Outcome.UNKNOWN), NOON)
    db.session.commit()
    assert status_of(message) is OutboxStatus.UNKNOWN
    sid = new_sid()
    callback(client, message.id, "sent", MessageSid=sid)
    assert status_of(message) is OutboxStatus.SENT
    assert message.provider_sid == sid


def test_a_callback_before_the_worker_recorded_the_send(client, db_session):
    message = outbox.enqueue(a_contact().id, "Hi", OutboxPurpose.STAFF_REPLY, NOON)
    db.session.commit()
    [claimed] = outbox.claim("test-worker", 1, NOON)
    callback(client, message.id, "delivered")
    outbox.mark_sent(claimed.id, "SM" + "a" * 32, NOON)
    db.session.commit()
    assert status_of(message) is OutboxStatus.DELIVERED


def test_opted_out_at_twilio_opts_them_out_here(client, sent_message):
    callback(client, sent_message.id, "failed", ErrorCode="21610")
    assert status_of(sent_message) is OutboxStatus.FAILED
    assert db.session.get(Contact, sent_message.contact_id).opted_out


def test_a_forged_callback_is_refused(client, sent_message):
    response = callback(client, sent_message.id, "failed", signed=False)
    assert response.status_code == 403
    assert status_of(sent_message) is OutboxStatus.SENT


@pytest.mark.parametrize("outbox_id", ["", "abc", "-1", "1" * 30, str(2**31), "9" * 5000])
def test_a_callback_without_an_outbox_id_is_refused(client, db_session, outbox_id):
    response = callback(client, outbox_id, "delivered")
    assert response.status_code == 400
    assert "outbox" in response.get_data(as_text=True)


def test_a_callback_without_a_status_is_refused(client, sent_message):
    assert callback(client, sent_message.id, "").status_code == 400


def test_a_callback_for_an_erased_message_is_accepted_and_ignored(client, db_session):
    assert callback(client, 987654, "delivered").status_code == 204
