"""A young person texts that they do not feel safe at home, in the demo's phone simulator; the
alert is on the reviewer's desk; the reviewer writes, the young person answers, the answer shows
in the alert's thread; the reviewer closes the alert, and the young person's next text goes to
the service's keywords again."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser

NUMBER = "07700 900432"


def text(journey: Journey, body: str) -> None:
    """Type a text into the pretend phone and send it, as the young person does."""
    journey.page.get_by_label("Pretend phone number").fill(NUMBER)
    journey.page.get_by_role("textbox", name="Message").fill(body)
    journey.click(journey.page.get_by_role("button", name="Send"))


def check_phone(journey: Journey, expected: str) -> None:
    """Look again until a text from the service containing ``expected`` has arrived (the
    demo's dispatcher sends the outbox every second or so)."""
    page = journey.page
    for _ in range(20):
        if page.locator(".bubble--received", has_text=expected).count():
            return
        page.wait_for_timeout(500)
        journey.click(page.get_by_role("link", name="Check for new messages"))
    expect(page.locator(".bubble--received", has_text=expected).first).to_be_visible()


def test_a_reviewer_holds_a_conversation_with_a_young_person(journey):
    young_person = journey(viewport=PHONE)
    phone = young_person.page
    young_person.open("/sms/simulator")
    messages = phone.locator(".phone__messages li")

    text(young_person, "i dont feel safe at home")
    expect(phone.locator(".bubble--received", has_text="What you told us matters")).to_be_visible()

    reviewer = journey()
    desk = reviewer.page
    reviewer.sign_in("reviewer")
    reviewer.click(desk.get_by_role("link", name="Safeguarding alerts (1 new)"))
    reviewer.click(desk.get_by_role("link", name="i dont feel safe at home").first)
    expect(desk.get_by_role("heading", name="The conversation")).to_be_visible()
    desk.get_by_label("Reply to the young person").fill("Hi, it's the team. Can you tell us more?")
    reviewer.click(desk.get_by_role("button", name="Send reply"))
    expect(desk.get_by_text("Open: the young person's texts come here")).to_be_visible()

    # The young person gets, first, who is reading and how to stop; then the reviewer's words.
    check_phone(young_person, "Can you tell us more?")
    expect(
        phone.locator(".bubble--received", has_text="A person from our team is reading")
    ).to_be_visible()
    text(young_person, "my step dad shouts and throws things")
    expect(messages.last).not_to_contain_text("Text one of these words")  # no keyword menu

    reviewer.open(desk.url)
    expect(desk.locator(".timeline--participant").last).to_contain_text(
        "my step dad shouts and throws things"
    )
    desk.get_by_label("What was done").fill("Talked it through; referred to the MASH.")
    reviewer.click(desk.get_by_role("button", name="Close the alert"))
    expect(desk.get_by_text("Alert closed.")).to_be_visible()

    check_phone(young_person, "Our team has ended this chat")
    text(young_person, "thank you")
    expect(messages.last).to_contain_text("Text one of these words")

    # The rota, and the board's figures, which now count this alert's response.
    reviewer.open("/alerts/rota")
    reviewer.click(desk.get_by_role("button", name="I am on duty"))
    expect(desk.get_by_text("You are on duty")).to_be_visible()
    reviewer.open("/findings/desk")
    expect(desk.get_by_role("heading", name="Time to first human response")).to_be_visible()
    reviewer.open("/findings/desk?print=1")
