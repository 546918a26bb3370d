"""Fixtures for the SMS channel: the test double of Twilio's REST API and the real gateway
talking to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from messages.gateways import TwilioGateway
from tests.support.sms import PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.support.twilio_double import RunningFakeTwilio, running_fake_twilio


@pytest.fixture(scope="session")
def fake_twilio_server() -> Iterator[RunningFakeTwilio]:
    with running_fake_twilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def fake_twilio(fake_twilio_server: RunningFakeTwilio) -> RunningFakeTwilio:
    """Twilio's REST API as a test double, emptied for each test."""
    fake_twilio_server.state.reset()
    return fake_twilio_server


@pytest.fixture
def gateway(fake_twilio: RunningFakeTwilio) -> TwilioGateway:
    """The real Twilio gateway, talking to the test double."""
    return TwilioGateway(
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        messaging_service_sid=None,
        sender="+15005550006",
        public_base_url=PUBLIC_BASE_URL,
        api_url=fake_twilio.url,
        timeout=2,
    )
