"""A young person worried about a friend texts FRIEND in the demo's phone simulator and goes
through the peer-support flow on child sexual exploitation to its close: the flow's last reply
today, and its check-in two days later waiting to be sent."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser


def text(journey: Journey, body: str) -> None:
    """Type a text into the pretend phone and send it, as the young person does."""
    journey.page.get_by_role("textbox", name="Message").fill(body)
    journey.click(journey.page.get_by_role("button", name="Send"))


def test_a_young_person_worried_about_a_friend_texts_friend(journey):
    young_person = journey(viewport=PHONE)
    page = young_person.page
    young_person.open("/sms/simulator")
    expect(page.get_by_role("heading", name="Phone simulator")).to_be_visible()
    page.get_by_label("Pretend phone number").fill("07700 900321")
    messages = page.locator(".phone__messages li")

    text(young_person, "FRIEND")
    expect(messages.first).to_have_text("You sent: FRIEND")
    expect(messages.last).to_contain_text("Please don't text us their name")
    expect(messages.last).to_contain_text("Reply 1 for signs to look out for")

    text(young_person, "maybe")  # an unclear reply gets the hint
    expect(messages.last).to_have_text("Reply: Just reply 1, 2 or 3. Text STOP any time to stop.")

    text(young_person, "1")
    expect(messages.nth(-2)).to_contain_text("Some signs someone is being pressured or used")
    expect(messages.last).to_contain_text("Want to know more?")

    text(young_person, "talk")
    expect(messages.nth(-3)).to_contain_text("Pick a calm, private moment")
    expect(messages.nth(-2)).to_contain_text("Try not to confront the person")
    expect(messages.last).to_contain_text("Want to know more?")

    text(young_person, "3")
    expect(messages.nth(-2)).to_contain_text("Childline on 0800 1111")
    expect(messages.last).to_contain_text("Want to know more?")

    text(young_person, "4")
    expect(page.locator(".bubble--received").last).to_have_text(
        "Reply: Thanks for being a good friend. We'll check in with you in a couple of days."
    )
    # The check-in two days later waits in the outbox; the phone shows it as still to come.
    expect(page.locator(".bubble--scheduled")).to_have_count(1)
    expect(page.locator(".bubble--scheduled")).to_contain_text("Changemakers checking in")

    # Until then the conversation only says that a text is on its way.
    text(young_person, "are you there")
    expect(page.locator(".bubble--received").last).to_contain_text("We'll text you again soon")

    young_person.click(page.get_by_role("link", name="Check for new messages"))
    expect(page.get_by_text("You sent: FRIEND")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
