"""A Changemaker builds a flow in Chromium, tries it and sends it for review; a reviewer
approves it; then a signed SMS conversation runs it end to end."""

import re

import pytest
from playwright.sync_api import expect

from changemakers.accounts.models import Role
from tests.browser.test_sign_in import sign_in, sign_out
from tests.support.sms import new_sid, post_signed_over_http, twilio_form

pytestmark = pytest.mark.browser


def text_the_service(live_server, body: str) -> list[str]:
    form = twilio_form(body, from_="+447700900777", sid=new_sid())
    status, answer = post_signed_over_http(f"{live_server.url}/sms/inbound", form)
    assert status == 200, answer
    return re.findall(r"<Message>(.*?)</Message>", answer, re.S)


def test_a_flow_from_the_editor_to_a_young_persons_phone(page, live_server):
    sign_in(page, live_server.staff_email(Role.CHANGEMAKER))
    page.get_by_role("link", name="Message flows").first.click()
    page.get_by_label("Name").fill("Revision worries")
    page.get_by_label("Keyword").fill("revise")
    page.get_by_role("button", name="Create flow").click()
    expect(page.get_by_role("heading", name="Revision worries")).to_be_visible()

    # The first step becomes a question with two options, written in a form.
    page.get_by_role("link", name="Change the step Hi, it's Changemakers.").click()
    page.get_by_label("What this step does").select_option("question")
    message = page.get_by_label("Message", exact=True)
    message.fill("Hi, it’s Changemakers. Reply 1 for tips or 2 to talk to someone.")
    expect(page.locator("[data-sms-length]")).to_contain_text("because of “’”")
    message.fill("Hi, it's Changemakers. Reply 1 for tips or 2 to talk to someone.")
    expect(page.locator("[data-sms-length]")).to_contain_text("1 text (GSM-7)")
    page.locator("#options-0-label").fill("Tips")
    page.locator("#options-0-next").select_option("goodbye")
    page.locator("#options-1-label").fill("Talk to someone")
    page.locator("#options-1-next").select_option("goodbye")
    page.get_by_role("button", name="Save step").click()
    expect(page.get_by_text("Saved the step “Hi, it's Changemakers. Reply 1 for")).to_be_visible()

    page.get_by_label("What the example shows").fill("Wants tips")
    page.get_by_label("They text (one message a line)").fill("REVISE\n1")
    page.get_by_label("They get messages saying (one a line, in order)").fill("Reply 1\nThanks")
    page.get_by_role("button", name="Add example").click()
    expect(page.get_by_role("heading", name="Wants tips: passes")).to_be_visible()

    page.get_by_role("link", name="Try it").click()
    page.get_by_role("textbox", name="Message").fill("REVISE")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("textbox", name="Message").fill("two")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thanks for texting. Text HELP any time.")).to_be_visible()
    page.get_by_role("link", name="Back to the flow").click()

    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    flow_url = page.url
    sign_out(page)

    sign_in(page, live_server.staff_email(Role.REVIEWER))
    page.goto(flow_url)
    expect(page.get_by_text("This is the first version: everything is new.")).to_be_visible()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved: the flow is live")).to_be_visible()

    replies = text_the_service(live_server, "Revise")
    assert replies == ["Hi, it's Changemakers. Reply 1 for tips or 2 to talk to someone."]
    assert text_the_service(live_server, "tips") == ["Thanks for texting. Text HELP any time."]
