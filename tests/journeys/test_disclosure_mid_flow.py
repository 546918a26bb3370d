"""A young person in the STRESS flow answers "tell us what's on your mind" with an overdose
taken: the phone gets urgent help with 999 first, never the flow's thanks; a reviewer finds the
alert at the top of the desk with its category, its severity and why it fired."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE
from tests.journeys.test_peer_support_by_text import text

pytestmark = pytest.mark.browser

DISCLOSURE = "ngl i took a whole packet of my mums pills like an hour ago"


def test_a_disclosure_mid_flow_gets_urgent_help_and_reaches_the_desk(journey):
    young_person = journey(viewport=PHONE)
    page = young_person.page
    young_person.open("/sms/simulator")
    page.get_by_label("Pretend phone number").fill("07700 900654")
    received = page.locator(".bubble--received")

    text(young_person, "STRESS")
    expect(received.last).to_contain_text("Reply 1 for quick ways to calm down")
    text(young_person, "3")
    expect(received.last).to_contain_text("we're listening")

    text(young_person, DISCLOSURE)
    expect(received.last).to_contain_text("If you are in danger now, call 999.")
    expect(received.last).to_contain_text("Childline on 0800 1111")
    expect(page.get_by_text("Thanks for telling us")).to_have_count(0)
    expect(page.get_by_text("Text one of these words")).to_have_count(0)

    reviewer = journey()
    reviewer.sign_in("reviewer")
    reviewer.click(reviewer.page.get_by_role("link", name="Safeguarding alerts").first)
    row = reviewer.page.get_by_role("row").filter(has_text="whole packet")
    expect(row).to_contain_text("Immediate danger")
    expect(row).to_contain_text("Self-harm or suicide")
    reviewer.click(row.get_by_role("link").first)
    desk = reviewer.page
    expect(desk.get_by_text("Self-harm or suicide")).to_be_visible()
    expect(desk.get_by_text("Immediate danger").first).to_be_visible()
    expect(desk.locator(".alert-reasons")).to_contain_text("an overdose taken")
    expect(desk.locator(".alert-reasons")).to_contain_text("whole packet")
    expect(desk.get_by_text("07700")).to_have_count(0)
