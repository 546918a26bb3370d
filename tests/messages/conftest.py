"""Domain helpers for the SMS channel: signed webhooks as Twilio sends them, contacts, the
test double of Twilio's REST API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from bench.fake_twilio import RunningFakeTwilio, running_fake_twilio
from changemakers import cache, privacy
from changemakers.extensions import db
from messages.gateways import TwilioGateway
from messages.models import Contact
from tests.conftest import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN

# The urgent-help reply, as the shipped signposting directory fills it in.
URGENT_HELP = (
    "If you are in danger now, call 999. Talk to Childline on 0800 1111, free, any time, "
    "or text SHOUT to 85258. A member of our team will read your message."
)
# The reply to a concern that is not immediate danger: someone to talk to first, 999 after.
URGENT_HELP_CONCERN = (
    "What you told us matters. Talk to Childline on 0800 1111, free, any time, or text SHOUT "
    "to 85258. In an emergency call 999. A member of our team will read your message."
)
SHIPPED_SIGNPOSTS = {
    "emergency": "999",
    "childline": "Childline on 0800 1111",
    "shout": "text SHOUT to 85258",
    "nspcc": "the NSPCC on 0808 800 5000",
    "fearless": "Fearless, anonymously, on 0800 555 111 or at fearless.org",
}
# Noon in London in winter: outside quiet hours.
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PUBLIC_BASE_URL = "https://changemakers.example"

PHONE = "+447700900123"
_sids = itertools.count(1)


def new_sid() -> str:
    return f"SM{next(_sids):032x}"


def twilio_form(body: str, from_: str = PHONE, sid: str | None = None, **extra: str) -> dict:
    """The form Twilio posts for an incoming SMS (the fields the app reads, and a few more)."""
    return {
        "MessageSid": sid or new_sid(),
        "SmsSid": sid or "",
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "To": "+447700900000",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def signature(url: str, form: Mapping[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, dict(form))


def post_signed(
    client: FlaskClient, form: Mapping[str, str], url: str = "http://localhost/sms/inbound"
):
    return client.post(url, data=dict(form), headers={"X-Twilio-Signature": signature(url, form)})


@pytest.fixture
def send_sms(client):
    """Text the service: ``send_sms("FRIEND")`` → the TwiML response."""

    def send(body: str, from_: str = PHONE, sid: str | None = None, **extra: str):
        response = post_signed(client, twilio_form(body, from_, sid, **extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    return send


def replies_of(response) -> list[str]:
    """The texts of the <Message> elements of a TwiML answer, in order."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    return [message.text or "" for message in root.findall("Message")]


class EchoConversation:
    """A conversation kind for tests: asks a question, echoes answers, ends on "bye"."""

    name = "echo"

    def start(self, ref, now, participant, trial=False):
        from datetime import timedelta

        from messages.conversations import Turn

        return Turn([f"Echo {ref} started. Say something."], {"count": 0}, now + timedelta(days=3))

    def reply(self, ref, state, text, now, participant):
        from datetime import timedelta

        from messages.conversations import Turn

        if text.strip().lower() == "bye":
            return Turn(["Bye!"], None)
        count = state["count"] + 1
        return Turn([f"{count}: {text}"], {"count": count}, now + timedelta(days=3))


@pytest.fixture
def echo_keyword(db_session, monkeypatch):
    """The keyword ECHO starts an ``EchoConversation``."""
    from changemakers.extensions import db
    from messages import conversations
    from messages.models import Keyword

    monkeypatch.setitem(conversations._kinds, "echo", EchoConversation())
    db.session.add(Keyword(word="ECHO", kind="echo", ref="one"))
    db.session.commit()
    cache.forget_cached_tables()


@pytest.fixture
def started_conversation(echo_keyword, send_sms):
    send_sms("ECHO")


def a_contact(number: str = PHONE, **fields: object) -> Contact:
    """A participant who has texted the service, as their contact row is stored."""
    values = {"number_encrypted": privacy.encrypt_number(number), **fields}
    contact = Contact(pseudonym=privacy.pseudonym(number), **values)
    db.session.add(contact)
    db.session.flush()
    return contact


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
