import re

from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.extensions import db
from messages import texts, views
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


def test_after_a_text_the_page_opens_at_the_newest_message_sent(client, signed_in):
    signed_in(Role.CHANGEMAKER)
    for body in ("HELP", "what now"):
        response = post_form(
            client, "/sms/simulator", {"number": "07700 900321", "body": body}, "/sms/simulator"
        )
        assert response.headers["Location"] == "/sms/simulator#latest"
    html = client.get("/sms/simulator").get_data(as_text=True)
    assert html.count('id="latest"') == 1
    newest = html[html.index('id="latest"') :]
    assert newest.index("what now") < newest.index("</li>")  # the text just sent is #latest
    assert html.index("HELP") < html.index('id="latest"')


def test_checking_for_new_messages_loads_the_page_afresh(client, signed_in):
    """Each check link has its own address: one that differed from the page's only by
    #latest would merely scroll."""
    signed_in(Role.CHANGEMAKER)
    links = [
        re.search(r'href="([^"]+)">Check for new messages', client.get(page).get_data(as_text=True))
        for page in ("/sms/simulator", "/sms/simulator#latest")
    ]
    first, second = (link.group(1) for link in links if link)
    assert first != second
    assert first.startswith("/sms/simulator?check=") and first.endswith("#latest")


def test_a_new_pretend_number_is_another_with_no_conversation(client, signed_in, monkeypatch):
    signed_in(Role.CHANGEMAKER)
    for number in ("07700 900321", "07700 900322"):
        post_form(client, "/sms/simulator", {"number": number, "body": "HELP"}, "/sms/simulator")
    # The random picks: the number in use, then one with a conversation, then a free one.
    picks = iter([447700900322, 447700900321, 447700900999])
    monkeypatch.setattr(views.secrets, "choice", lambda numbers: next(picks))

    response = post_form(client, "/sms/simulator", {"action": "new-number"}, "/sms/simulator")
    assert response.headers["Location"] == "/sms/simulator"
    html = client.get("/sms/simulator").get_data(as_text=True)
    assert 'value="07700 900999"' in html
    assert "No messages yet" in html
    assert len(db.session.scalars(select(InboundMessage)).all()) == 2  # nothing sent
