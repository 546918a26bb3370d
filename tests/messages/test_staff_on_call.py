"""The optional text to the staff on-call phone (``ALERT_SMS_TO``) when a young person may be
in immediate danger, and again when nobody picks the alert up: through the outbox, to the test
double of Twilio, with a link only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from changemakers import privacy
from changemakers.alerts import notifications
from changemakers.alerts import services as alert_services
from changemakers.alerts.models import AlertSeverity
from changemakers.database import utcnow
from changemakers.extensions import db
from messages.models import Contact, OutboundMessage, OutboxPurpose
from messages.worker import Dispatcher
from tests.support.sms import PUBLIC_BASE_URL

ON_CALL = "+447700900777"
EXCERPT = "my stepdad hit me again"


class NoMail:
    def send(self, recipient: str, subject: str, body: str) -> None:
        raise OSError("no mail server in this test")


@pytest.fixture
def on_call(app, monkeypatch):
    monkeypatch.setitem(app.config, "ALERT_SMS_TO", ON_CALL)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)


def texts_to_staff() -> list[OutboundMessage]:
    return list(
        db.session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.purpose == OutboxPurpose.STAFF_ALERT)
            .order_by(OutboundMessage.id)
        )
    )


def test_an_immediate_danger_texts_the_on_call_phone_a_link_only(
    app, db_session, on_call, gateway, fake_twilio
):
    alert = alert_services.raise_alert(
        "sms", None, EXCERPT, ["hit me"], "violence_weapons", AlertSeverity.IMMEDIATE
    )
    db.session.commit()
    now = utcnow()
    notifications.plan(now)
    [queued] = texts_to_staff()
    assert queued.body == (
        f"Changemakers desk: an alert needs a person now. {PUBLIC_BASE_URL}/alerts/{alert.id}"
    )
    assert not queued.hold_in_quiet_hours
    contact = db.session.get(Contact, queued.contact_id)
    assert contact.pseudonym == privacy.pseudonym(ON_CALL)
    assert privacy.decrypt_number(contact.number_encrypted) == ON_CALL  # only encrypted

    worker = Dispatcher(app, gateway, name="test-worker", mailer=NoMail())
    try:
        assert worker.send_due(now) == 1
    finally:
        worker.close()
    [sent] = fake_twilio.state.messages
    assert (sent.to, sent.body) == (ON_CALL, queued.body)

    escalation = timedelta(minutes=app.config["ALERT_ESCALATE_MINUTES"])
    notifications.plan(now + escalation)
    assert texts_to_staff()[-1].body.startswith("Changemakers desk: an alert still needs")
    assert len(texts_to_staff()) == 2


def test_concerns_and_a_service_without_an_on_call_phone_text_nobody(app, db_session, on_call):
    alert_services.raise_alert("sms", None, EXCERPT, [], "neglect_home", AlertSeverity.CONCERN)
    db.session.commit()
    notifications.plan(utcnow() + timedelta(days=1))  # the digest: by email only
    assert texts_to_staff() == []
    app.config["ALERT_SMS_TO"] = None
    alert_services.raise_alert("sms", None, EXCERPT, [], "missing", AlertSeverity.IMMEDIATE)
    db.session.commit()
    notifications.plan(utcnow())
    assert texts_to_staff() == []


def test_an_on_call_phone_that_texted_stop_is_not_texted(app, db_session, monkeypatch, send_sms):
    send_sms("STOP", from_=ON_CALL)
    monkeypatch.setitem(app.config, "ALERT_SMS_TO", ON_CALL)
    alert_services.raise_alert("sms", None, EXCERPT, [], "missing", AlertSeverity.IMMEDIATE)
    db.session.commit()
    notifications.plan(utcnow())
    assert texts_to_staff() == []
