"""Each person's home page says what waits for them: a Changemaker sends a change to a flow for
review; a reviewer finds it on their home page and counted in the menu, and returns it with a
comment; the Changemaker finds it returned, with the comment, on theirs. axe-core checks each
page on the way, and both home pages at a phone's width."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser

FLOW = "Online safety"
COMMENT = "Say where to report a worrying post before the tips."


def send_a_change_for_review(changemaker: Journey) -> None:
    page = changemaker.page
    changemaker.click(page.get_by_role("link", name="Message flows").first)
    changemaker.click(page.get_by_role("link", name=FLOW, exact=True))
    changemaker.click(page.get_by_role("button", name="Make changes (a new draft)"))
    changemaker.click(page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Sent for review.")).to_be_visible()


def test_a_reviewer_and_a_changemaker_find_what_waits_for_them_at_home(journey):
    changemaker = journey()
    changemaker.sign_in("changemaker")
    send_a_change_for_review(changemaker)
    changemaker.open("/")
    mine = changemaker.page.get_by_role("heading", name=re.compile(r"you worked on, waiting"))
    expect(mine).to_be_visible()

    reviewer = journey()
    reviewer.sign_in("reviewer")
    page = reviewer.page
    expect(page.get_by_role("heading", name="Waiting for you", exact=True)).to_be_visible()
    menu = page.get_by_role("navigation", name="Main")
    expect(
        menu.get_by_role("link", name=re.compile(r"^Message flows \(\d+ to review\)$"))
    ).to_be_visible()
    to_review = page.get_by_role("heading", name=re.compile(r"flow\(s\) waiting for your review"))
    expect(to_review).to_be_visible()
    reviewer.click(page.get_by_role("link", name=re.compile(rf"^{FLOW}, version \d+$")))
    page.get_by_label("What needs changing").fill(COMMENT)
    reviewer.click(page.get_by_role("button", name="Return with this comment"))
    expect(page.get_by_text("Returned to the author with your comment.")).to_be_visible()

    changemaker.open("/")
    page = changemaker.page
    returned = page.get_by_role("heading", name=re.compile(r"returned to you with a reviewer"))
    expect(returned).to_be_visible()
    entry = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=FLOW))
    expect(entry).to_contain_text(f"Reviewer's comment: {COMMENT}")
    menu = page.get_by_role("navigation", name="Main")
    expect(
        menu.get_by_role("link", name=re.compile(r"^Message flows \(\d+ returned\)$"))
    ).to_be_visible()

    for role in ("changemaker", "reviewer"):  # the home pages at a phone's width, checked too
        journey(viewport=PHONE).sign_in(role)
