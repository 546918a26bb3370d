"""A young person answers the demo survey "What matters to you?" on a small phone, with the
keyboard alone (Tab, Space, Enter and the arrow keys; never a click), to the thank-you page."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser


def focused(journey: Journey, selector: str) -> bool:
    return journey.page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(journey: Journey, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(40):
        journey.page.keyboard.press("Tab")
        if focused(journey, selector):
            return
    raise AssertionError(f"the keyboard never reached {selector}")


def continue_(journey: Journey) -> None:
    tab_to(journey, "button[type=submit]")
    journey.press("Enter")


def tick(journey: Journey, *labels: str) -> None:
    """Tick checkboxes by moving through them with Tab and pressing Space on each wanted one."""
    wanted = set(labels)
    tab_to(journey, "input[type=checkbox]")
    while focused(journey, "input[type=checkbox]"):
        if journey.page.evaluate("() => document.activeElement.value") in wanted:
            journey.page.keyboard.press("Space")
        journey.page.keyboard.press("Tab")
    checked = journey.page.locator("input[type=checkbox]:checked")
    assert sorted(checked.evaluate_all("(boxes) => boxes.map((b) => b.value)")) == sorted(wanted)


def pick(journey: Journey, value: str) -> None:
    """Choose a radio button: Tab into the group, Space on the first, arrows to the one wanted."""
    tab_to(journey, "input[type=radio]")
    journey.page.keyboard.press("Space")
    for _ in range(12):
        if journey.page.evaluate("() => document.activeElement.value") == value:
            break
        journey.page.keyboard.press("ArrowDown")
    expect(journey.page.locator("input[type=radio]:checked")).to_have_value(value)


def test_a_young_person_answers_the_survey_on_a_phone_with_the_keyboard(journey):
    young_person = journey(viewport=PHONE)
    page = young_person.page
    young_person.open("/s/what-matters")
    expect(page.get_by_role("heading", name="What matters to you?")).to_be_visible()
    expect(page.get_by_role("link", name="Exit this page")).to_be_visible()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(young_person, "button[value=start]")
    young_person.press("Enter")

    expect(page.get_by_role("heading", name="Which of these worry you most?")).to_be_visible()
    expect(page.get_by_text("Question 1 of 8")).to_be_visible()
    tick(young_person, "Knife crime", "Staying safe online")
    continue_(young_person)

    expect(page.get_by_role("heading", name="How safe do you feel")).to_be_visible()
    expect(page.get_by_text("Question 2 of 8")).to_be_visible()
    continue_(young_person)  # nothing chosen: the error summary says so and takes the focus
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    pick(young_person, "4")
    continue_(young_person)

    expect(page.get_by_role("heading", name="who would you go to first?")).to_be_visible()
    # Feeling safe, they are not asked when they feel least safe: one question fewer.
    expect(page.get_by_text("Question 3 of 7")).to_be_visible()
    pick(young_person, "A youth worker")
    continue_(young_person)

    expect(page.get_by_role("heading", name="What one thing should")).to_be_visible()
    tab_to(young_person, "textarea")
    page.keyboard.type("Somewhere safe to go after school")
    continue_(young_person)

    pick(young_person, "16 to 17")
    continue_(young_person)
    pick(young_person, "Prefer not to say")
    continue_(young_person)
    expect(page.get_by_text("Question 7 of 7")).to_be_visible()
    pick(young_person, "South")
    continue_(young_person)

    expect(page.get_by_role("heading", name="Send your answers")).to_be_visible()
    tab_to(young_person, "button[value=send]")
    young_person.press("Enter")
    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Thank you", exact=False)).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
