"""MYDATA: a young person gets a reference, and staff see what the service holds for it (never
the number), to answer a subject access request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.alerts import services as alert_services
from changemakers.alerts.models import Alert
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from changemakers.subject_access.models import DataReference
from messages import personal_data, texts
from messages.models import Conversation, InboundMessage
from tests.support.contacts import a_contact
from tests.support.sms import PHONE, replies_of
from tests.support.web import post_form

REFERENCE = re.compile(r"Your data reference is ([A-Z2-9]{4}-[A-Z2-9]{4})\.")


def reference_from(send_sms) -> str:
    [reply] = replies_of(send_sms("my data"))
    match = REFERENCE.search(reply)
    assert match, reply
    return match.group(1)


def look_up(client, reference: str):
    return post_form(client, "/mydata/", {"reference": reference}, page="/mydata/")


def test_mydata_gives_the_same_short_reference_each_time(send_sms):
    first = reference_from(send_sms)
    assert reference_from(send_sms) == first
    assert not re.search("[01IO]", first)  # nothing to misread
    [reply] = replies_of(send_sms("MYDATA"))
    assert "we answer within a month" in reply and len(reply) <= 160


def test_staff_see_what_is_held_for_a_reference_but_never_the_number(client, signed_in, send_sms):
    send_sms("FRIEND")
    send_sms("call me on 07700 900123, I'm in danger")
    reference = reference_from(send_sms)
    staff = signed_in(Role.REVIEWER)
    alert = db.session.scalars(select(Alert)).one()
    alert_services.reply(alert.id, staff, "We read your message. Are you safe?", "token-1")
    alert_services.close(alert.id, staff, "Replied with Childline's number.")

    response = look_up(client, reference.lower().replace("-", " "))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "held encrypted, only to text you back; no member of staff can see it" in page
    assert "call me on [phone], I&#39;m in danger" in page  # the text, and its alert
    assert "Safeguarding alerts" in page and "Alert (closed)" in page
    assert "Our team&#39;s reply" in page and "What our team did" in page
    assert "Text waiting to be sent" in page  # the reply, until the worker sends it
    assert reference in page
    for spelling in (PHONE, "07700 900123", "07700900123", "7700900123"):
        assert spelling not in page
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "subject_access.viewed")
    ).one()
    assert (event.actor_id, event.object_id) == (staff.id, reference.replace("-", ""))


def test_an_unknown_reference_says_so(client, signed_in):
    signed_in(Role.ADMIN)
    response = look_up(client, "ABCD-EFGH")
    assert response.status_code == 404
    assert "No young person has that reference" in response.get_data(as_text=True)


def test_delete_erases_the_reference_and_the_replies_that_could_quote_them(
    client, signed_in, send_sms
):
    reference = reference_from(send_sms)
    send_sms("DELETE")
    assert db.session.scalars(select(DataReference)).all() == []
    mydata, delete = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id))
    assert (mydata.pseudonym, mydata.body_redacted, mydata.replies) == (None, None, [])
    assert delete.replies == [texts.DELETED]
    signed_in(Role.REVIEWER)
    assert look_up(client, reference).status_code == 404


@pytest.mark.parametrize("role", [Role.CHANGEMAKER, Role.BOARD])
def test_only_reviewers_and_admins_may_look(client, signed_in, role):
    signed_in(role)
    assert client.get("/mydata/").status_code == 403


def test_answers_typed_into_a_flow_are_listed(db_session):
    contact = a_contact()
    db.session.add(
        Conversation(
            contact_id=contact.id,
            kind="flow",
            ref="FRIEND",
            state={"path": ["welcome"], "answers": {"story": "my mate is scared of him"}},
        )
    )
    db.session.flush()
    section = personal_data.describe(contact.pseudonym)
    assert ("Conversation", "flow FRIEND") in [(item.label, item.detail) for item in section.items]
    assert ("Your answer in it", "my mate is scared of him") in [
        (item.label, item.detail) for item in section.items
    ]
