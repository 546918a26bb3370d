from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.extensions import db
from messages import texts
from messages.models import InboundMessage
from tests.support.web import post_form


def test_the_simulator_goes_through_the_same_router(client, signed_in):
    signed_in(Role.CHANGEMAKER)
    response = post_form(
        client,
        "/sms/simulator",
        {"number": "07700 900321", "body": "HELP"},
        page="/sms/simulator",
    )
    assert response.status_code == 302
    html = client.get("/sms/simulator").get_data(as_text=True)
    assert "HELP" in html
    assert "Text MYDATA to ask what we hold, DELETE to erase it" in html
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.replies == [texts.HELP]


def test_the_simulator_shows_only_what_is_stored(client, signed_in):
    signed_in(Role.BOARD)
    post_form(
        client,
        "/sms/simulator",
        {"number": "07700 900321", "body": "email me at sam@example.org"},
        page="/sms/simulator",
    )
    html = client.get("/sms/simulator").get_data(as_text=True)
    assert "email me at [email]" in html
    assert "sam@example.org" not in html


def test_the_simulator_takes_only_pretend_numbers(client, signed_in):
    signed_in(Role.REVIEWER)
    response = post_form(
        client, "/sms/simulator", {"number": "07911 123456", "body": "HELP"}, page="/sms/simulator"
    )
    assert "Use a pretend number from 07700 900000 to 07700 900999" in response.get_data(
        as_text=True
    )
    assert db.session.scalars(select(InboundMessage)).all() == []


def test_the_simulator_needs_a_sign_in_outside_the_demo(client, app, monkeypatch):
    assert client.get("/sms/simulator").status_code == 302
    monkeypatch.setitem(app.config, "DEMO", True)
    assert client.get("/sms/simulator").status_code == 200


def test_the_simulator_shows_what_the_outbox_sent_and_will_send(client, signed_in):
    from datetime import timedelta

    from changemakers import privacy
    from changemakers.database import utcnow
    from messages import outbox
    from messages.models import Contact, OutboxPurpose

    signed_in(Role.REVIEWER)
    post_form(
        client, "/sms/simulator", {"number": "07700 900321", "body": "HELLO"}, page="/sms/simulator"
    )
    contact = db.session.scalars(
        select(Contact).where(Contact.pseudonym == privacy.pseudonym("+447700900321"))
    ).one()
    now = utcnow()
    sent = outbox.enqueue(contact.id, "A message already sent", OutboxPurpose.STAFF_REPLY, now)
    outbox.enqueue(
        contact.id,
        "A follow-up for later",
        OutboxPurpose.FOLLOW_UP,
        now,
        delay=timedelta(days=1),
        hold_in_quiet_hours=False,
    )
    db.session.flush()
    outbox.claim("test-worker", 1, now)
    outbox.mark_sent(sent.id, "SM" + "b" * 32, now)
    db.session.commit()

    html = client.get("/sms/simulator").get_data(as_text=True)
    assert html.index("HELLO") < html.index("A message already sent")
    assert html.index("A message already sent") < html.index("A follow-up for later")
    assert "Due " in html
