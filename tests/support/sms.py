"""Texting the service as Twilio does, and what the service answers.

Signed webhooks use twilio's own ``RequestValidator`` with the test credentials; no request ever
reaches Twilio (a guard in ``tests/conftest.py`` fails any test that tries).
"""

from __future__ import annotations

import itertools
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from xml.etree import ElementTree

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

# Shaped like Twilio's, and used only to sign test webhooks: no request ever reaches Twilio.
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
SERVICE_NUMBER = "+447700900000"  # the service's own number (TWILIO_FROM)
PUBLIC_BASE_URL = "https://changemakers.example"  # where Twilio reaches the service
PHONE = "+447700900123"  # a young person's phone
# Noon in London in winter: outside quiet hours.
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

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

_sids = itertools.count(1)


def new_sid() -> str:
    """A MessageSid no other text of this run has."""
    return f"SM{next(_sids):032x}"


def twilio_form(body: str, from_: str = PHONE, sid: str | None = None, **extra: str) -> dict:
    """The form Twilio posts for an incoming SMS (the fields the app reads, and a few more)."""
    return {
        "MessageSid": sid or new_sid(),
        "SmsSid": sid or "",
        "AccountSid": TWILIO_ACCOUNT_SID,
        "From": from_,
        "To": SERVICE_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def signature(url: str, form: Mapping[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """``X-Twilio-Signature`` for a POST of ``form`` to ``url``, as Twilio computes it."""
    return RequestValidator(token).compute_signature(url, dict(form))


def post_signed(
    client: FlaskClient, form: Mapping[str, str], url: str = "http://localhost/sms/inbound"
) -> TestResponse:
    """POST ``form`` to the webhook through the test client, signed as Twilio signs it."""
    return client.post(url, data=dict(form), headers={"X-Twilio-Signature": signature(url, form)})


def post_signed_over_http(
    url: str, form: Mapping[str, str], timeout: float = 10
) -> tuple[int, str]:
    """POST ``form``, signed, to a server running in another process or thread: the status and
    the body of its answer (an error status too)."""
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature(url, form)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def replies_of(response: TestResponse) -> list[str]:
    """The texts of the <Message> elements of a TwiML answer, in order."""
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    return [message.text or "" for message in root.findall("Message")]
