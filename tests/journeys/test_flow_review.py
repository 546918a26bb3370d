"""A Changemaker writes a small message flow in the editor and sends it for review; a reviewer,
signed in with another account, approves it and it goes live."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import Journey

pytestmark = pytest.mark.browser

FLOW = "Exam stress"
WELCOME = (
    "Hi, it's Changemakers. Exams can feel a lot. Reply 1 for tips or 2 for someone to talk to."
)
TIPS = "Short breaks help: 25 minutes on, 5 off. Sleep beats late revision."
TALK = "You can talk to {childline}, free, any time."


def click_and_check(journey: Journey, role: str, name: str) -> None:
    journey.click(journey.page.get_by_role(role, name=name).first)


def write_flow(changemaker: Journey) -> str:
    """The Changemaker's part: a question with two answers, an example, a try, a review."""
    page = changemaker.page
    click_and_check(changemaker, "link", "Message flows")
    page.get_by_label("Name").fill(FLOW)
    page.get_by_label("Keyword").fill("exams")
    click_and_check(changemaker, "button", "Create flow")
    expect(page.get_by_role("heading", name=FLOW)).to_be_visible()

    page.get_by_label("First words of the new step's message").fill("Short breaks help")
    page.get_by_label("What it does").select_option("end")
    click_and_check(changemaker, "button", "Add step")
    page.get_by_label("Message", exact=True).fill(TIPS)
    click_and_check(changemaker, "button", "Save step")
    expect(page.get_by_text("Saved the step “Short breaks help: 25 minutes on,")).to_be_visible()

    click_and_check(changemaker, "link", "Change the step Hi, it's Changemakers.")
    page.get_by_label("What this step does").select_option("question")
    page.get_by_label("Message", exact=True).fill(WELCOME)
    expect(page.locator("[data-sms-length]")).to_contain_text("1 text (GSM-7)")
    page.locator("#options-0-label").fill("Tips")
    page.locator("#options-0-next").select_option(label="Short breaks help: 25 minutes on, 5 off.…")
    page.locator("#options-1-label").fill("Someone to talk to")
    page.locator("#options-1-next").select_option("goodbye")
    click_and_check(changemaker, "button", "Save step")
    expect(page.get_by_text("Saved the step “Hi, it's Changemakers. Exams")).to_be_visible()
    # The demo answers TIPS with a fixed reply, before any conversation: the editor says so.
    expect(page.get_by_text("the option word 'Tips' is also the keyword TIPS")).to_be_visible()
    click_and_check(changemaker, "link", "Change the step Hi, it's Changemakers.")
    page.locator("#options-0-label").fill("Revision tips")
    click_and_check(changemaker, "button", "Save step")
    expect(page.get_by_text("is also the keyword TIPS")).to_have_count(0)

    click_and_check(changemaker, "link", "Change the step Thanks for texting.")
    page.get_by_label("Message", exact=True).fill(TALK)
    click_and_check(changemaker, "button", "Save step")
    expect(page.get_by_text("Saved the step “You can talk to Childline")).to_be_visible()

    page.get_by_label("What the example shows").fill("Asks for tips")
    page.get_by_label("They text (one message a line)").fill("EXAMS\n1")
    page.get_by_label("They get messages saying (one a line, in order)").fill(
        "Reply 1 for tips\nShort breaks help"
    )
    click_and_check(changemaker, "button", "Add example")
    expect(page.get_by_role("heading", name="Asks for tips: passes")).to_be_visible()

    click_and_check(changemaker, "link", "Try it")
    page.get_by_role("textbox", name="Message").fill("EXAMS")
    click_and_check(changemaker, "button", "Send")
    page.get_by_role("textbox", name="Message").fill("2")
    click_and_check(changemaker, "button", "Send")
    expect(page.get_by_text("You can talk to Childline on 0800 1111")).to_be_visible()
    click_and_check(changemaker, "link", "Back to the flow")

    click_and_check(changemaker, "button", "Send for review")
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    expect(
        page.get_by_text("Waiting for a reviewer who did not work on this version.")
    ).to_be_visible()
    return page.url


def test_a_changemaker_writes_a_flow_and_a_reviewer_approves_it(journey):
    changemaker = journey()
    changemaker.sign_in("changemaker")
    flow_url = write_flow(changemaker)

    reviewer = journey()
    reviewer.sign_in("reviewer")
    assert reviewer.demo.account("reviewer").email != changemaker.demo.account("changemaker").email
    page = reviewer.page
    click_and_check(reviewer, "link", "Message flows")
    row = page.get_by_role("row").filter(has_text=FLOW)
    expect(row).to_contain_text("In review")
    reviewer.click(row.get_by_role("link", name=FLOW))
    assert page.url == flow_url
    expect(page.get_by_text("This is the first version: everything is new.")).to_be_visible()
    click_and_check(reviewer, "button", "Approve and publish")
    expect(page.get_by_text("Approved: the flow is live")).to_be_visible()

    click_and_check(reviewer, "link", "Message flows")
    expect(page.get_by_role("row").filter(has_text=FLOW)).to_contain_text("Version 1")
