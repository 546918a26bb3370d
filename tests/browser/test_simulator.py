"""The phone simulator, as someone trying the service in the demo uses it."""

import re

import pytest
from playwright.sync_api import expect

from messages import texts
from tests.support.accessibility import check_page

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PRETEND_NUMBER = re.compile(r"07700 900\d{3}")


def test_texting_the_service_in_the_simulator(page, live_server):
    page.goto("/sms/simulator")
    page.get_by_label("Pretend phone number").fill("07700 900444")
    page.get_by_role("textbox", name="Message").fill("help")
    page.get_by_role("button", name="Send").click()
    messages = page.locator(".phone__messages li")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_have_text("You sent: help")
    expect(messages.nth(1)).to_have_text(f"Reply: {texts.HELP}")

    page.get_by_role("textbox", name="Message").fill("my email is sam@example.org")
    page.get_by_role("button", name="Send").click()
    expect(messages.nth(2)).to_have_text("You sent: my email is [email]")


def test_a_real_looking_number_is_refused(page, live_server):
    page.goto("/sms/simulator")
    page.get_by_label("Pretend phone number").fill("07911 123456")
    page.get_by_role("textbox", name="Message").fill("help")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    expect(page.locator("#number-error")).to_contain_text("Use a pretend number")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_after_each_text_the_phone_shows_the_newest_message(browser, live_server, javascript):
    """On a phone a conversation soon outgrows the screen: after each text the page opens at
    the text just sent, with its reply, and the focus is there, script or no script."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/sms/simulator")
    page.get_by_role("button", name="New pretend number").click()
    expect(page.get_by_text("No messages yet")).to_be_visible()
    sent = page.locator(".bubble--sent")
    for count, body in enumerate(["help", "hello", "help", "tips", "help", "what now"], 1):
        page.get_by_role("textbox", name="Message").fill(body)
        page.get_by_role("button", name="Send").click()
        expect(sent).to_have_count(count)
        expect(sent.last).to_have_text(f"You sent: {body}")
        expect(sent.last).to_be_in_viewport()
        expect(sent.last.locator("xpath=following-sibling::li[1]")).to_be_in_viewport()
        expect(sent.last).to_be_focused()
    assert page.evaluate("() => window.scrollY") > PHONE["height"]  # far down a long page
    expect(sent.first).not_to_be_in_viewport()
    if javascript:  # axe itself needs the page's JavaScript
        check_page(page)
    page.keyboard.press("Tab")  # on from the newest message: the next things on the page
    expect(page.get_by_role("link", name="Check for new messages")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()

    page.get_by_role("link", name="Check for new messages").click()
    expect(sent).to_have_count(6)
    expect(sent.last).to_be_in_viewport()
    context.close()


def test_a_new_pretend_number_in_one_click(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/sms/simulator")
    number = page.get_by_label("Pretend phone number")
    page.get_by_role("textbox", name="Message").fill("help")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".phone__messages li")).not_to_have_count(0)
    used = number.input_value()

    page.get_by_role("button", name="New pretend number").click()
    expect(number).not_to_have_value(used)
    expect(number).to_have_value(PRETEND_NUMBER)
    expect(page.locator(".phone__messages li")).to_have_count(0)
    expect(page.get_by_text("No messages yet")).to_be_visible()
    check_page(page)

    fresh = number.input_value()
    page.get_by_role("textbox", name="Message").fill("hello")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble--sent")).to_have_text(["You sent: hello"])
    expect(number).to_have_value(fresh)
    context.close()


def test_the_simulator_plays_a_whatsapp_sender(page, live_server):
    page.goto("/sms/simulator")
    page.get_by_label("Pretend phone number").fill("07700 900445")
    page.get_by_role("textbox", name="Message").fill("help")
    box = page.get_by_role("checkbox", name="Send it on WhatsApp, not as an SMS")
    box.check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".phone__messages li").nth(1)).to_have_text(f"Reply: {texts.HELP}")
    expect(box).to_be_checked()  # the next message goes on WhatsApp too
    check_page(page)
