"""WhatsApp through the same signed webhook, the outbox and the desk, against the test double of
Twilio: one participant on both channels, replies on the channel used last, the 24-hour window,
templates, quick-reply buttons and pictures never opened."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from changemakers import privacy
from changemakers.accounts.models import Role
from changemakers.alerts.models import Alert
from changemakers.cli import cli
from changemakers.config import ConfigError, load_settings
from changemakers.database import utcnow
from changemakers.extensions import db
from messages import outbox, texts
from messages.gateways import TwilioGateway
from messages.models import Contact, InboundMessage, OutboundMessage, OutboxPurpose, OutboxStatus
from messages.worker import Dispatcher
from tests.support.contacts import a_contact
from tests.support.flows import published_flow
from tests.support.sms import (
    NOON,
    PHONE,
    PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    post_signed,
    replies_of,
)
from tests.support.web import post_form

ON_WHATSAPP = "whatsapp:" + PHONE
SERVICE_WHATSAPP = "+447700900001"  # the service's WhatsApp sender
STAFF_REPLY_SID = "HX" + "a1" * 16
LATE_REPLY_SID = "HX" + "b2" * 16
QUICK_REPLY_SID = "HX" + "c3" * 16
STAFF_REPLY_TEMPLATE = "A reply from the Changemakers team: {{1}}"
PICTURE = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"
DANGER = "he made me send pics and says he will hurt me"


@pytest.fixture
def whatsapp_on(app, monkeypatch):
    """WhatsApp set up as an operator would: its sender and the approved templates."""
    for name, value in {
        "WHATSAPP_FROM": SERVICE_WHATSAPP,
        "WHATSAPP_TEMPLATE_STAFF_REPLY": STAFF_REPLY_SID,
        "WHATSAPP_TEMPLATE_LATE_REPLY": LATE_REPLY_SID,
        "WHATSAPP_QUICK_REPLY_TEMPLATES": {2: QUICK_REPLY_SID},
    }.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture
def twilio(fake_twilio):
    """The double, holding the approved templates."""
    fake_twilio.state.add_template(STAFF_REPLY_SID, STAFF_REPLY_TEMPLATE)
    fake_twilio.state.add_template(QUICK_REPLY_SID, "Or tap one")
    return fake_twilio


@pytest.fixture
def dispatcher(app, twilio):
    gateway = TwilioGateway(
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        messaging_service_sid=None,
        sender="+15005550006",
        public_base_url=PUBLIC_BASE_URL,
        api_url=twilio.url,
        timeout=2,
        whatsapp_sender=SERVICE_WHATSAPP,
    )
    worker = Dispatcher(app, gateway, concurrency=2, batch_size=10, name="test-worker")
    yield worker
    worker.close()


def the_contact() -> Contact:
    return db.session.scalars(select(Contact)).one()


def status_of(message: OutboundMessage) -> OutboxStatus:
    db.session.refresh(message)
    return message.status


# The webhook


def test_whatsapp_and_sms_from_one_phone_are_one_participant(db_session, send_sms):
    send_sms("HELP", from_=ON_WHATSAPP)
    contact = the_contact()
    assert contact.pseudonym == privacy.pseudonym(PHONE)
    assert contact.channel == "whatsapp"
    seen_on_whatsapp = contact.whatsapp_seen_at
    assert seen_on_whatsapp is not None

    send_sms("HELP")  # the same phone, by SMS
    db.session.refresh(contact)
    assert db.session.scalars(select(Contact)).all() == [contact]
    assert contact.channel == "sms"
    assert contact.whatsapp_seen_at == seen_on_whatsapp  # the window is WhatsApp's own
    senders = set(db.session.scalars(select(InboundMessage.pseudonym)))
    assert senders == {privacy.pseudonym(PHONE)}


def test_a_whatsapp_message_is_answered_in_the_twiml_as_sms_is(db_session, send_sms):
    assert replies_of(send_sms("HELP", from_=ON_WHATSAPP)) == [texts.HELP]


def test_no_number_reaches_the_log_from_a_whatsapp_sender(db_session, send_sms, caplog):
    with caplog.at_level(logging.DEBUG):
        send_sms("HELP", from_=ON_WHATSAPP)
        send_sms(DANGER, from_=ON_WHATSAPP)
    assert "7700900123" not in caplog.text
    assert "whatsapp:" not in caplog.text


def test_a_whatsapp_message_with_only_a_picture_gets_the_acknowledgement(db_session, send_sms):
    response = send_sms(
        "", from_=ON_WHATSAPP, NumMedia="1", MediaUrl0=PICTURE, MediaContentType0="image/jpeg"
    )
    assert replies_of(response) == [texts.MEDIA_ONLY]


def test_a_picture_with_words_is_never_opened_kept_or_logged(db_session, send_sms, caplog):
    with caplog.at_level(logging.DEBUG):
        response = send_sms("HELP", from_=ON_WHATSAPP, NumMedia="1", MediaUrl0=PICTURE)
    assert replies_of(response) == [texts.HELP, texts.MEDIA_NOT_OPENED]
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.num_media == 1
    assert PICTURE not in json.dumps([row.body_redacted, row.replies])
    assert PICTURE not in caplog.text


def test_no_acknowledgement_follows_stop(db_session, send_sms):
    response = send_sms("STOP", from_=ON_WHATSAPP, NumMedia="1", MediaUrl0=PICTURE)
    assert replies_of(response) == [texts.STOPPED]


def test_a_tapped_button_answers_as_its_number_would(db_session, send_sms):
    published_flow()
    send_sms("SMALL", from_=ON_WHATSAPP)
    response = send_sms("Tips", from_=ON_WHATSAPP, ButtonText="Tips", ButtonPayload="1")
    assert replies_of(response) == ["Tip: talk to Childline on 0800 1111."]


def test_a_menu_on_whatsapp_offers_buttons_after_the_numbered_text(
    db_session, send_sms, whatsapp_on
):
    published_flow()
    response = send_sms("SMALL", from_=ON_WHATSAPP)
    assert replies_of(response) == ["Hi. Reply 1 for tips or 2 to hear from us later."]
    buttons = db.session.scalars(select(OutboundMessage)).one()
    assert buttons.purpose is OutboxPurpose.BUTTONS
    assert buttons.choices == ["Tips", "Later"]
    assert buttons.hold_in_quiet_hours is False
    assert buttons.due_at > buttons.created_at  # after the numbered text


def test_a_menu_by_sms_or_with_no_quick_reply_template_has_no_buttons(
    db_session, send_sms, whatsapp_on, app, monkeypatch
):
    published_flow()
    send_sms("SMALL")
    monkeypatch.setitem(app.config, "WHATSAPP_QUICK_REPLY_TEMPLATES", {3: QUICK_REPLY_SID})
    send_sms("SMALL", from_=ON_WHATSAPP)
    assert db.session.scalars(select(OutboundMessage)).all() == []


# The outbox


def test_inside_the_window_a_follow_up_goes_on_whatsapp(
    db_session, dispatcher, twilio, whatsapp_on
):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=NOON - timedelta(hours=2))
    twilio.state.open_whatsapp_window(ON_WHATSAPP)
    message = outbox.enqueue(contact.id, "A day later", OutboxPurpose.FOLLOW_UP, NOON)
    db.session.commit()

    assert dispatcher.send_due(NOON) == 1

    assert status_of(message) is OutboxStatus.SENT
    [sent] = twilio.state.messages
    assert (sent.to, sent.from_, sent.body) == (
        ON_WHATSAPP,
        "whatsapp:" + SERVICE_WHATSAPP,
        "A day later",
    )
    assert sent.status == "delivered"


def test_replies_go_on_the_channel_they_used_last(db_session, dispatcher, twilio, whatsapp_on):
    contact = a_contact(channel="sms", whatsapp_seen_at=NOON - timedelta(hours=2))
    outbox.enqueue(contact.id, "By text", OutboxPurpose.FOLLOW_UP, NOON)
    db.session.commit()
    dispatcher.send_due(NOON)
    assert [m.to for m in twilio.state.messages] == [PHONE]


def test_outside_the_window_a_follow_up_with_no_template_is_recorded_as_not_sent(
    db_session, dispatcher, twilio, whatsapp_on
):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=NOON - timedelta(hours=25))
    message = outbox.enqueue(contact.id, "A day later", OutboxPurpose.FOLLOW_UP, NOON)
    db.session.commit()

    dispatcher.send_due(NOON)

    assert status_of(message) is OutboxStatus.FAILED
    assert message.error_code == 63016
    assert twilio.state.messages == []


def test_outside_the_window_a_desk_reply_goes_as_its_approved_template(
    db_session, dispatcher, twilio, whatsapp_on
):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=NOON - timedelta(days=2))
    message = outbox.enqueue(contact.id, "We're here for you.", OutboxPurpose.STAFF_REPLY, NOON)
    db.session.commit()

    dispatcher.send_due(NOON)

    assert status_of(message) is OutboxStatus.SENT
    [sent] = twilio.state.messages
    assert sent.content_sid == STAFF_REPLY_SID
    assert json.loads(sent.content_variables) == {"1": "We're here for you."}
    assert sent.body == "A reply from the Changemakers team: We're here for you."
    assert sent.status == "delivered"


def test_buttons_go_as_the_quick_reply_template(db_session, dispatcher, twilio, whatsapp_on):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=NOON - timedelta(minutes=1))
    twilio.state.open_whatsapp_window(ON_WHATSAPP)
    message = outbox.enqueue(contact.id, "Or tap one", OutboxPurpose.BUTTONS, NOON)
    message.choices = ["Tips", "Talk to someone about it now"]
    db.session.commit()

    dispatcher.send_due(NOON)

    assert status_of(message) is OutboxStatus.SENT
    [sent] = twilio.state.messages
    assert sent.content_sid == QUICK_REPLY_SID
    assert json.loads(sent.content_variables) == {"1": "Tips", "2": "Talk to someone abo…"}


def test_twilio_saying_the_window_closed_sends_the_desk_reply_again_as_a_template(
    client, db_session, dispatcher, twilio, whatsapp_on
):
    """Our clock says the window is open; Twilio says it is not (63016, in the callback)."""
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=NOON - timedelta(hours=23))
    # As the desk queues a reply: never held in quiet hours.
    message = outbox.enqueue(
        contact.id, "Still there?", OutboxPurpose.STAFF_REPLY, NOON, hold_in_quiet_hours=False
    )
    db.session.commit()
    dispatcher.send_due(NOON)
    [free_form] = twilio.state.messages
    assert (free_form.status, free_form.error_code) == ("failed", 63016)

    callback = {
        "MessageSid": free_form.sid,
        "MessageStatus": "failed",
        "ErrorCode": "63016",
        "To": free_form.to,
    }
    url = f"http://localhost/sms/status?outbox={message.id}"
    assert post_signed(client, callback, url).status_code == 204

    assert status_of(message) is OutboxStatus.FAILED
    db.session.refresh(contact)
    assert contact.whatsapp_seen_at is None
    again = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.id != message.id)
    ).one()
    assert (again.body, again.purpose) == ("Still there?", OutboxPurpose.STAFF_REPLY)

    dispatcher.send_due(utcnow())  # queued when the callback came
    assert status_of(again) is OutboxStatus.SENT
    assert twilio.state.messages[-1].content_sid == STAFF_REPLY_SID
    # A second callback of the same failure sends nothing more.
    post_signed(client, callback, url)
    assert db.session.scalars(select(OutboundMessage)).all() == [message, again]


def test_the_on_call_phone_is_always_texted(db_session, dispatcher, twilio, whatsapp_on):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=None)
    outbox.enqueue(contact.id, "An alert needs you", OutboxPurpose.STAFF_ALERT, NOON)
    db.session.commit()
    dispatcher.send_due(NOON)
    assert [m.to for m in twilio.state.messages] == [PHONE]


def test_with_whatsapp_off_everything_goes_by_sms(db_session, dispatcher, twilio):
    contact = a_contact(channel="whatsapp", whatsapp_seen_at=None)
    outbox.enqueue(contact.id, "Hello", OutboxPurpose.FOLLOW_UP, NOON)
    db.session.commit()
    dispatcher.send_due(NOON)
    assert [m.to for m in twilio.state.messages] == [PHONE]


# Settings and the worker


def test_a_missing_template_stops_the_worker_with_one_clear_line(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    monkeypatch.setitem(app.config, "WHATSAPP_FROM", SERVICE_WHATSAPP)
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATE_STAFF_REPLY", STAFF_REPLY_SID)
    result = app.test_cli_runner().invoke(cli, ["worker"])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "WHATSAPP_TEMPLATE_LATE_REPLY" in line
    assert "WHATSAPP_TEMPLATE_STAFF_REPLY" not in line


def settings(**values: str) -> dict:
    base = {
        "SECRET_KEY": "s",
        "PSEUDONYM_KEY": "p",
        "CONTACT_KEY": "x6G3yaoVr3Nq7cJ7C5HgE5h2m3Xw0f8nqGmS6zYV4Xk=",
        "SMS_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_FROM": "+447700900000",
    }
    return {**base, **values}


def test_the_whatsapp_sender_may_be_written_as_twilio_writes_it():
    loaded = load_settings(settings(WHATSAPP_FROM="whatsapp:+44 7700 900001"), {})
    assert loaded["WHATSAPP_FROM"] == SERVICE_WHATSAPP
    assert load_settings(settings(), {})["WHATSAPP_FROM"] is None


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WHATSAPP_TEMPLATE_STAFF_REPLY", "HX123", "WHATSAPP_TEMPLATE_STAFF_REPLY must be"),
        ("WHATSAPP_QUICK_REPLY_TEMPLATES", "4:" + QUICK_REPLY_SID, "2:HX…,3:HX…"),
        ("WHATSAPP_FROM", "whatsapp:hello", "WHATSAPP_FROM must be"),
    ],
)
def test_a_malformed_whatsapp_setting_is_named(name, value, problem):
    with pytest.raises(ConfigError, match=problem):
        load_settings(settings(**{name: value}), {})


# The desk and the simulator


def test_the_desk_shows_until_when_a_reviewer_can_reply_on_whatsapp(
    client, db_session, signed_in, send_sms, whatsapp_on
):
    send_sms(DANGER, from_=ON_WHATSAPP)
    alert = db.session.scalars(select(Alert)).one()
    signed_in(Role.REVIEWER)
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "You can reply on WhatsApp until" in page

    contact = the_contact()
    contact.whatsapp_seen_at = contact.whatsapp_seen_at - timedelta(hours=25)
    db.session.commit()
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "outside WhatsApp&#39;s 24-hour window: only a template can be sent" in page


def test_the_desk_says_nothing_of_whatsapp_for_a_text(
    client, db_session, signed_in, send_sms, whatsapp_on
):
    send_sms(DANGER)
    alert = db.session.scalars(select(Alert)).one()
    signed_in(Role.REVIEWER)
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "WhatsApp" not in page


def test_the_simulator_plays_a_whatsapp_sender(client, db_session, signed_in):
    signed_in(Role.CHANGEMAKER)
    form = {"number": "07700 900321", "body": "HELP", "on_whatsapp": "y"}
    response = post_form(client, "/sms/simulator", form, page="/sms/simulator")
    assert response.status_code == 302
    contact = the_contact()
    assert contact.channel == "whatsapp"
    assert contact.pseudonym == privacy.pseudonym("+447700900321")
    html = client.get("/sms/simulator").get_data(as_text=True)
    assert texts.HELP.split(".")[0] in html
    box = re.search(r'<input[^>]*id="on_whatsapp"[^>]*>', html).group(0)
    assert "checked" in box  # the box stays ticked for the next message

    form = {"number": "07700 900321", "body": "HELP"}
    post_form(client, "/sms/simulator", form, page="/sms/simulator")
    db.session.refresh(contact)
    assert contact.channel == "sms"


def test_buttons_not_yet_sent_when_the_answer_comes_are_not_sent(db_session, send_sms, whatsapp_on):
    published_flow()
    send_sms("SMALL", from_=ON_WHATSAPP)
    send_sms("1", from_=ON_WHATSAPP)
    buttons = db.session.scalars(select(OutboundMessage)).one()
    assert buttons.status is OutboxStatus.CANCELLED


def test_a_missed_whatsapp_message_is_found_by_reconcile_for_the_same_participant(
    app, db_session, fake_twilio, send_sms, whatsapp_on, monkeypatch
):
    monkeypatch.setitem(app.config, "TWILIO_API_URL", fake_twilio.url)
    send_sms("HELP")  # known by SMS
    missed = fake_twilio.state.inbound(ON_WHATSAPP, "whatsapp:" + SERVICE_WHATSAPP, "HELP")

    result = app.test_cli_runner().invoke(cli, ["reconcile", "--since", "1h"])

    assert result.exit_code == 0, result.output
    contact = the_contact()  # one participant still
    assert contact.channel == "whatsapp"
    row = db.session.scalars(
        select(InboundMessage).where(InboundMessage.message_sid == missed.sid)
    ).one()
    assert row.pseudonym == contact.pseudonym
    late = db.session.scalars(select(OutboundMessage)).one()
    assert (late.purpose, late.body) == (OutboxPurpose.LATE_REPLY, texts.HELP)
