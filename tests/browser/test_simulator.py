"""The phone simulator, as someone trying the service in the demo uses it."""

import pytest
from playwright.sync_api import expect

from messages import texts

pytestmark = pytest.mark.browser


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
