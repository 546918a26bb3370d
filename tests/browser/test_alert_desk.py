"""A reviewer picks up, in Chromium, an alert raised by a signed SMS, and replies to the young
person through the service without ever seeing their number."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.extensions import db
from messages.models import OutboundMessage, OutboxPurpose
from tests.browser.test_sign_in import sign_in
from tests.support.sms import post_signed_over_http, twilio_form

pytestmark = pytest.mark.browser

NUMBER = "+447700900777"


def text_the_service(live_server, body: str, sid: str) -> None:
    form = twilio_form(body, NUMBER, sid)
    status, answer = post_signed_over_http(f"{live_server.url}/sms/inbound", form)
    assert status == 200, answer


def test_a_reviewer_picks_up_an_alert_and_replies(page, live_server):
    text_the_service(
        live_server, "my mate says hes carrying a knife to school tmrw", "SM" + "a1" * 16
    )

    sign_in(page, live_server.staff_email(Role.REVIEWER))
    page.get_by_role("link", name="Safeguarding alerts").first.click()
    page.get_by_role("link", name="my mate says hes carrying a knife").click()
    expect(page.get_by_role("heading", name="The conversation")).to_be_visible()
    page.get_by_role("button", name="Pick up this alert").click()
    expect(page.get_by_text("You have this alert in hand.")).to_be_visible()

    reply = "Thanks for telling us. You did the right thing. Is your mate at school now?"
    page.get_by_label("Reply to the young person").fill(reply)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent to the young person's phone")).to_be_visible()
    expect(page.get_by_text(reply).first).to_be_visible()
    for spelling in (NUMBER, "07700 900777", "07700900777", "900777"):
        assert spelling not in page.content()

    with live_server.app.app_context():
        sent = db.session.scalars(
            select(OutboundMessage).where(OutboundMessage.body == reply)
        ).one()
        assert sent.purpose is OutboxPurpose.STAFF_REPLY
        db.session.remove()

    page.get_by_label("What was done").fill("Replied; passed to the school's safeguarding lead.")
    page.get_by_role("button", name="Close the alert").click()
    expect(page.get_by_text("Alert closed.")).to_be_visible()
