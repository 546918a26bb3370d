"""Twilio's two webhooks take only what Twilio signed, and a real message is handled once.

Requests are signed with twilio's own ``RequestValidator``. Each attack below is refused with a
403 and leaves every table as it was. Already covered in ``tests/messages``: an unsigned
request, the literal signature "forged" and a signature for another host on ``/sms/inbound``
(test_inbound.py), an unsigned status callback (test_status_callback.py), and a repeat of a
message or a status callback changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from changemakers import privacy
from changemakers.extensions import db
from messages import outbox
from messages.models import (
    Contact,
    Conversation,
    InboundMessage,
    OutboundMessage,
    OutboxPurpose,
    OutboxStatus,
)
from tests.security.conftest import row_counts
from tests.support.contacts import a_contact
from tests.support.sms import NOON, PHONE, new_sid, replies_of, signature, twilio_form

BASE = "http://localhost"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


@dataclass(frozen=True)
class Signed:
    """A request as Twilio would send it: address, form and the signature for both."""

    url: str
    form: dict[str, str]
    signature: str

    def post(self, client: FlaskClient, url: str | None = None, **changes: str) -> TestResponse:
        """Send it, to ``url`` if given, with ``changes`` made to its form."""
        headers = {"X-Twilio-Signature": self.signature} if self.signature else {}
        return client.post(url or self.url, data={**self.form, **changes}, headers=headers)


def inbound_request(body: str = "I want to kill myself") -> Signed:
    """A text from ``PHONE``, as Twilio posts and signs it."""
    url = f"{BASE}/sms/inbound"
    form = twilio_form(body)
    return Signed(url, form, signature(url, form))


def status_request(outbox_id: int, status: str = "delivered") -> Signed:
    """A delivery report for a message of the outbox, as Twilio posts and signs it."""
    url = f"{BASE}/sms/status?outbox={outbox_id}"
    form = {
        "MessageSid": "SM" + "a" * 32,
        "MessageStatus": status,
        "AccountSid": "AC" + "0" * 32,
        "To": PHONE,
        "From": "+447700900000",
        "ApiVersion": "2010-04-01",
    }
    return Signed(url, form, signature(url, form))


@pytest.fixture
def sent(db_session) -> list[int]:
    """Two messages from the outbox, sent and waiting for their status callbacks."""
    ids = []
    for number in (PHONE, "+447700900456"):
        message = outbox.enqueue(a_contact(number).id, "Hi", OutboxPurpose.STAFF_REPLY, NOON)
        db.session.commit()
        [claimed] = outbox.claim("test-worker", 1, NOON)
        outbox.mark_sent(claimed.id, new_sid(), NOON)
        db.session.commit()
        ids.append(message.id)
    return ids


def _changed(request: Signed) -> dict[str, str]:
    """The words of a message, or the status reported, changed."""
    return {"Body": "DELETE"} if "Body" in request.form else {"MessageStatus": "sent"}


def _added(request: Signed) -> dict[str, str]:
    """A field Twilio did not send: an opt-out, or an error that opts the number out."""
    return {"OptOutType": "STOP"} if "Body" in request.form else {"ErrorCode": "21610"}


def _resigned(request: Signed, token: str) -> Signed:
    return Signed(request.url, request.form, signature(request.url, request.form, token))


# How each attack turns a genuine request into a forged one, given another genuine request to
# the same webhook and one to the other webhook: what to post (with which signature), to which
# address, with which form fields changed.
Attack = Callable[[Signed, Signed, Signed], tuple[Signed, str | None, dict[str, str]]]
ATTACKS: dict[str, Attack] = {
    "signed with another auth token": lambda r, same, crossed: (
        _resigned(r, OTHER_TOKEN),
        None,
        {},
    ),
    "made-up signature": lambda r, same, crossed: (Signed(r.url, r.form, "c2lnbmF0dXJl"), None, {}),
    "body changed": lambda r, same, crossed: (r, None, _changed(r)),
    "parameter added": lambda r, same, crossed: (r, None, _added(r)),
    "sent to another address": lambda r, same, crossed: (r, same.url, {}),
    "another request's signature": lambda r, same, crossed: (
        Signed(r.url, r.form, same.signature),
        None,
        {},
    ),
    "the other webhook's request": lambda r, same, crossed: (crossed, r.url, {}),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_or_replayed_inbound_message_is_refused_and_nothing_stored(client, sent, attack):
    """A message Twilio did not sign, as sent, to this address, is a 403 and leaves no trace."""
    genuine = inbound_request()
    same = inbound_request("HELP")
    same = Signed(f"{BASE}/sms/inbound?replayed=1", same.form, signature(same.url, same.form))
    forged, url, changes = ATTACKS[attack](genuine, same, status_request(sent[0], "failed"))
    before = row_counts()
    response = forged.post(client, url, **changes)
    assert response.status_code == 403
    assert row_counts() == before
    assert _statuses(sent) == [OutboxStatus.SENT, OutboxStatus.SENT]
    # The genuine request still works: the refusal was the signature's doing.
    assert genuine.post(client).status_code == 200
    assert db.session.scalar(select(InboundMessage.message_sid)) == genuine.form["MessageSid"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_or_replayed_status_callback_is_refused_and_nothing_changes(client, sent, attack):
    """A forged delivery report cannot fail a message or opt a young person out."""
    first, second = sent
    genuine = status_request(first, "failed")
    forged, url, changes = ATTACKS[attack](genuine, status_request(second), inbound_request())
    before = row_counts()
    response = forged.post(client, url, **changes)
    assert response.status_code == 403
    assert row_counts() == before
    assert _statuses(sent) == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert not any(db.session.scalars(select(Contact.opted_out)))
    # The genuine callback still works: the refusal was the signature's doing.
    assert genuine.post(client).status_code == 204
    assert _statuses(sent) == [OutboxStatus.FAILED, OutboxStatus.SENT]


def _statuses(ids: list[int]) -> list[OutboxStatus]:
    db.session.expire_all()
    return [db.session.get_one(OutboundMessage, i).status for i in ids]


def test_a_status_callback_is_refused_without_a_signature_header_even_if_named_in_the_form(
    client, sent
):
    """A signature smuggled into the form instead of the header does not count."""
    genuine = status_request(sent[0], "failed")
    response = client.post(
        genuine.url, data={**genuine.form, "X-Twilio-Signature": genuine.signature}
    )
    assert response.status_code == 403
    assert _statuses(sent) == [OutboxStatus.SENT, OutboxStatus.SENT]


def test_a_replayed_answer_does_not_move_a_conversation_on_twice(
    client,
    started_conversation,
):
    """Twilio sending the same message again (same MessageSid) gets the same reply; the
    conversation takes the answer once."""
    answer = inbound_request("yes")
    first = answer.post(client)
    again = answer.post(client)
    assert replies_of(first) == replies_of(again) == ["1: yes"]
    assert replies_of(inbound_request("next").post(client)) == ["2: next"]
    conversation = db.session.scalars(select(Conversation)).one()
    assert conversation.state == {"count": 2}


def test_a_replayed_delete_does_not_erase_what_came_after_it(client, db_session):
    """A young person texts DELETE, then texts again; the DELETE arriving a second time must
    not erase their new messages."""
    delete = inbound_request("DELETE")
    assert delete.post(client).status_code == 200
    assert inbound_request("HELP").post(client).status_code == 200
    assert delete.post(client).status_code == 200
    contact = db.session.scalar(
        select(Contact).where(Contact.pseudonym == privacy.pseudonym(PHONE))
    )
    assert contact is not None
    assert db.session.scalars(
        select(InboundMessage.body_redacted).where(InboundMessage.pseudonym == contact.pseudonym)
    ).all() == ["HELP"]
