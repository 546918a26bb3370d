"""A Changemaker writes a fixed reply, naming a helpline from the signposting directory, and
sends it for review; a reviewer approves it; a young person texts its keyword in the phone
simulator and gets the reply with the helpline written out."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser

REPLY = "Exams soon? Short breaks help, and so does sleep. Feeling low? Talk to {childline}."
AS_READ = (
    "Exams soon? Short breaks help, and so does sleep. Feeling low? Talk to Childline on 0800 1111."
)


def click_and_check(journey: Journey, role: str, name: str) -> None:
    journey.click(journey.page.get_by_role(role, name=name).first)


def write_fixed_reply(changemaker: Journey) -> str:
    """The Changemaker's part: the keyword and reply, read back as a young person would see
    it, then sent for review."""
    page = changemaker.page
    click_and_check(changemaker, "link", "Fixed replies")
    expect(page.get_by_role("row").filter(has_text="HELLO")).to_contain_text("Published")
    click_and_check(changemaker, "link", "Write a new fixed reply")
    page.get_by_label("Keyword").fill("revise")
    page.get_by_label("Reply").fill(REPLY)
    expect(page.locator("[data-sms-length]")).to_contain_text("1 text (GSM-7)")
    click_and_check(changemaker, "button", "Save draft")
    expect(page.get_by_role("heading", name="Fixed reply: REVISE")).to_be_visible()
    expect(page.locator(".bubble")).to_have_text(AS_READ)
    expect(page.get_by_text("No problems found: it can go for review.")).to_be_visible()

    click_and_check(changemaker, "button", "Send for review")
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    expect(
        page.get_by_text("Waiting for a reviewer who did not work on this version.")
    ).to_be_visible()
    return page.url


def test_a_changemaker_writes_a_fixed_reply_a_reviewer_approves_it_and_it_answers(journey):
    changemaker = journey()
    changemaker.sign_in("changemaker")
    reply_url = write_fixed_reply(changemaker)

    reviewer = journey()
    reviewer.sign_in("reviewer")
    page = reviewer.page
    click_and_check(reviewer, "link", "Fixed replies")
    row = page.get_by_role("row").filter(has_text="REVISE")
    expect(row).to_contain_text("In review")
    reviewer.click(row.get_by_role("link", name="REVISE"))
    assert page.url == reply_url
    expect(page.get_by_text("this would be its first published version")).to_be_visible()
    click_and_check(reviewer, "button", "Approve and publish")
    expect(page.get_by_text("Approved: young people who text the keyword")).to_be_visible()

    young_person = journey(viewport=PHONE)
    phone = young_person.page
    young_person.open("/sms/simulator")
    phone.get_by_label("Pretend phone number").fill("07700 900432")
    phone.get_by_role("textbox", name="Message").fill("Revise")
    young_person.click(phone.get_by_role("button", name="Send"))
    expect(phone.locator(".bubble--received").last).to_have_text(f"Reply: {AS_READ}")
