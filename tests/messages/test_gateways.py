"""The Twilio gateway against a test double of Twilio's REST API, and the console gateway."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from messages.gateways import (
    ConsoleGateway,
    Outcome,
    OutgoingSms,
    TwilioGateway,
    outcome_of_error,
)
from tests.support.servers import free_port
from tests.support.sms import PHONE, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN


@pytest.mark.parametrize(
    ("status", "code", "outcome"),
    [
        (429, 20429, Outcome.RETRY),
        (401, 20003, Outcome.RETRY),
        (400, 21611, Outcome.RETRY),
        (500, 20500, Outcome.UNKNOWN),
        (503, None, Outcome.UNKNOWN),
        (400, 21610, Outcome.REJECTED),
        (400, 21211, Outcome.REJECTED),
        (400, 21617, Outcome.REJECTED),
    ],
)
def test_what_each_twilio_error_means(status, code, outcome):
    assert outcome_of_error(status, code) is outcome


def test_a_message_is_sent_with_its_status_callback(gateway, fake_twilio):
    result = gateway.send(OutgoingSms(7, PHONE, "See you tomorrow"))

    assert result.outcome is Outcome.SENT
    [sent] = fake_twilio.state.messages
    assert result.provider_sid == sent.sid
    assert (sent.to, sent.from_, sent.body) == (PHONE, "+15005550006", "See you tomorrow")
    assert sent.status_callback == f"{PUBLIC_BASE_URL}/sms/status?outbox=7"


def test_a_messaging_service_sends_when_configured(fake_twilio):
    service = TwilioGateway(
        TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "MG" + "1" * 32, None, None, fake_twilio.url
    )
    assert service.send(OutgoingSms(1, PHONE, "Hi")).outcome is Outcome.SENT
    [sent] = fake_twilio.state.messages
    assert sent.messaging_service_sid == "MG" + "1" * 32
    assert sent.status_callback is None  # no public address, no callback


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
    ],
)
def test_twilio_refusing_a_number_is_final(gateway, number, code):
    result = gateway.send(OutgoingSms(1, number, "Hi"))
    assert (result.outcome, result.error_code) == (Outcome.REJECTED, code)


def test_too_many_requests_means_try_again(gateway, fake_twilio):
    fake_twilio.state.set_faults(rate_limit=1)
    result = gateway.send(OutgoingSms(1, PHONE, "Hi"))
    assert (result.outcome, result.error_code) == (Outcome.RETRY, 20429)
    assert fake_twilio.state.messages == []


@pytest.mark.parametrize("fault", ["server_error", "server_error_after_accept"])
def test_a_server_error_leaves_the_outcome_unknown(gateway, fake_twilio, fault):
    fake_twilio.state.set_faults(**{fault: 1})
    assert gateway.send(OutgoingSms(1, PHONE, "Hi")).outcome is Outcome.UNKNOWN


def test_a_timeout_leaves_the_outcome_unknown(fake_twilio):
    fake_twilio.state.set_faults(delay=1.5)
    impatient = TwilioGateway(
        TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, None, "+15005550006", None, fake_twilio.url, 0.5
    )
    assert impatient.send(OutgoingSms(1, PHONE, "Hi")).outcome is Outcome.UNKNOWN
    assert len(fake_twilio.state.messages) == 1  # it went, though we could not know


def test_a_refused_connection_means_try_again():
    nowhere = TwilioGateway(
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        None,
        "+15005550006",
        None,
        f"http://127.0.0.1:{free_port()}",
    )
    assert nowhere.send(OutgoingSms(1, PHONE, "Hi")).outcome is Outcome.RETRY


def test_wrong_credentials_are_not_processed(fake_twilio):
    wrong = TwilioGateway(TWILIO_ACCOUNT_SID, "f" * 32, None, "+15005550006", None, fake_twilio.url)
    result = wrong.send(OutgoingSms(1, PHONE, "Hi"))
    assert (result.outcome, result.error_code) == (Outcome.RETRY, 20003)


def test_a_sent_message_can_be_found_again(gateway):
    before = datetime.now(UTC)
    sid = gateway.send(OutgoingSms(1, PHONE, "Hello again")).provider_sid
    assert gateway.find_sent(PHONE, "Hello again", before) == sid
    assert gateway.find_sent(PHONE, "Something else", before) is None
    assert gateway.find_sent("+447700900124", "Hello again", before) is None
    assert gateway.find_sent(PHONE, "Hello again", before + timedelta(minutes=1)) is None


def test_inbound_messages_to_our_number_are_listed(gateway, fake_twilio):
    since = datetime.now(UTC) - timedelta(minutes=1)
    ours = fake_twilio.state.inbound(PHONE, "+15005550006", "HELLO")
    fake_twilio.state.inbound(PHONE, "+15005550000", "for another service")
    gateway.send(OutgoingSms(1, PHONE, "an outgoing message is not inbound"))

    [record] = list(gateway.inbound_since(since))
    assert (record.message_sid, record.number, record.body) == (ours.sid, PHONE, "HELLO")


def test_the_console_gateway_logs_a_reference_not_the_number(db_session, caplog):
    with caplog.at_level(logging.INFO):
        result = ConsoleGateway().send(OutgoingSms(1, PHONE, "Hi there"))
    assert result.outcome is Outcome.SENT
    assert "Hi there" in caplog.text
    assert "7700900123" not in caplog.text


def test_no_test_can_reach_the_real_twilio():
    real = TwilioGateway(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, None, "+15005550006", None)
    with pytest.raises(pytest.fail.Exception, match="real Twilio"):
        real.send(OutgoingSms(1, PHONE, "Hi"))
