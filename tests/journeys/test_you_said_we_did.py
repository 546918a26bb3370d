"""You said, we did: a young person texts UPDATES in the phone simulator; a board member writes
the board's response to a finding of "What matters to you?" and an action, and sends it for
review; a reviewer (not the author) approves it, then approves and sends the update it made;
the public results page shows the response and the action, on a phone with no JavaScript; the
young person's phone gets the update with the page's link. Every page is checked with
axe-core."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser

NUMBER = "07700 900555"
RESPONSE = "Online safety came top. Every secondary school will run a session this year."
ACTION = "Online safety sessions in every secondary school"


def text(journey: Journey, body: str) -> None:
    journey.page.get_by_label("Pretend phone number").fill(NUMBER)
    journey.page.get_by_role("textbox", name="Message").fill(body)
    journey.click(journey.page.get_by_role("button", name="Send"))


def check_phone(journey: Journey, expected: str) -> None:
    """Look again until a text containing ``expected`` has arrived (the demo's dispatcher
    writes a broadcast to the outbox, then sends it, every second or so)."""
    page = journey.page
    for _ in range(40):
        if page.locator(".bubble--received", has_text=expected).count():
            break
        page.wait_for_timeout(500)
        journey.click(page.get_by_role("link", name="Check for new messages"))
    expect(page.locator(".bubble--received", has_text=expected).first).to_be_visible()


def board_writes(board: Journey) -> None:
    page = board.page
    board.sign_in("board")
    board.click(page.get_by_role("navigation").get_by_role("link", name="You said, we did"))
    board.click(page.get_by_role("link", name="What matters to you?"))
    board.click(page.get_by_role("button", name="Start writing the response"))
    page.get_by_label("Which of these worry you most?").fill(RESPONSE)
    board.click(page.get_by_role("button", name="Save responses"))
    expect(page.get_by_text("Responses saved.")).to_be_visible()
    add = page.get_by_role("group", name="Add an action")
    add.get_by_label("What the board will do").fill(ACTION)
    add.get_by_label("Who owns it").fill("Education safeguarding lead")
    add.get_by_label("Due by (optional)").fill("2027-03-31")
    board.click(page.get_by_role("button", name="Add this action"))
    expect(page.get_by_text(f"Action saved: {ACTION}")).to_be_visible()
    board.click(page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    expect(
        page.get_by_text("Waiting for a reviewer who did not work on this version.")
    ).to_be_visible()


def test_the_board_says_what_it_will_do_and_young_people_hear_of_it(journey):
    young_person = journey(viewport=PHONE)
    phone = young_person.page
    young_person.open("/sms/simulator")
    text(young_person, "UPDATES")
    expect(phone.locator(".bubble--received", has_text="the odd text with news")).to_be_visible()

    board_writes(journey())

    reviewer = journey()
    desk = reviewer.page
    reviewer.sign_in("reviewer")
    menu = desk.get_by_role("navigation")
    reviewer.click(menu.get_by_role("link", name="You said, we did (1 to review)"))
    reviewer.click(desk.get_by_role("link", name="What matters to you?"))
    expect(desk.get_by_text(RESPONSE)).to_be_visible()
    reviewer.click(desk.get_by_role("button", name="Approve and publish"))
    expect(desk.get_by_text("Approved and published on the results page.")).to_be_visible()
    expect(desk.get_by_text("waiting for approval at Broadcasts")).to_be_visible()

    reviewer.click(menu.get_by_role("link", name="Broadcasts"))
    reviewer.click(desk.get_by_role("link", name="Changemakers: the board has answered"))
    reviewer.click(desk.get_by_role("button", name="Approve"))
    expect(desk.get_by_text("Approved. It can be sent now.")).to_be_visible()
    reviewer.click(desk.get_by_role("button", name="Send to 1 person"))

    reader = journey(viewport=PHONE, javascript=False)
    results = reader.page
    reader.open("/s/what-matters/results")
    expect(
        results.get_by_role("heading", name="You said, we did: What matters to you?")
    ).to_be_visible()
    expect(results.get_by_text(RESPONSE)).to_be_visible()
    action = results.locator(".action", has_text=ACTION)
    expect(action).to_contain_text("Planned")
    expect(action).to_contain_text("Education safeguarding lead")
    expect(action).to_contain_text("31 March 2027")
    assert results.locator("html").get_attribute("lang") == "en-GB"
    csv = results.request.get(results.url + ".csv")
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")

    check_phone(young_person, "the board has answered what young people told us")
    update = phone.locator(".bubble--received", has_text="the board has answered").first
    expect(update).to_contain_text("/s/what-matters/results")
