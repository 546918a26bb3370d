"""Surveys in Chromium: a young person answers the demo survey on a small phone with the
keyboard alone; a Changemaker adds a question in the editor."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.database import utcnow
from changemakers.extensions import db
from surveys import services
from surveys.models import SurveyResponse
from tests.browser.test_sign_in import sign_in
from tests.support.accessibility import check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_survey(live_server):
    from surveys.demo import load_demo_content

    with live_server.app.app_context():
        load_demo_content()


def tab_to(page, selector: str) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user does."""
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, label: str) -> None:
    tab_to(page, "input[name=answer]")
    for _ in range(12):
        focused = page.evaluate("() => document.activeElement.value")
        if focused == label:
            break
        kind = page.evaluate("() => document.activeElement.type")
        page.keyboard.press("ArrowDown" if kind == "radio" else "Tab")
    page.keyboard.press("Space")
    submit(page)


def submit(page) -> None:
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_young_person_answers_on_a_small_phone_with_the_keyboard(
    browser, live_server, demo_survey
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/s/what-matters")
    expect(page.get_by_role("heading", name="What matters to you?")).to_be_visible()
    expect(page.get_by_role("link", name="Exit this page")).to_be_visible()
    tab_to(page, "button[value=start]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Which of these worry you most?")).to_be_visible()
    expect(page.get_by_text("Question 1 of 8")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    choose(page, "Staying safe online")
    expect(page.get_by_role("heading", name="How safe do you feel")).to_be_visible()
    submit(page)  # nothing chosen: the error summary takes the focus
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    choose(page, "4")
    expect(page.get_by_text("Question 3 of 7")).to_be_visible()  # not asked when least safe
    choose(page, "A youth worker")
    tab_to(page, "textarea")
    page.keyboard.type("More youth clubs open late")
    submit(page)
    choose(page, "14 to 15")
    choose(page, "Prefer not to say")
    choose(page, "North")
    expect(page.get_by_role("heading", name="Send your answers")).to_be_visible()
    tab_to(page, "button[value=send]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Thank you")).to_have_count(1)
    check_page(page)
    context.close()

    with live_server.app.app_context():
        services.release_due_pools(utcnow() + timedelta(days=1))  # as the worker will
        [answers] = [
            answers
            for answers in db.session.scalars(select(SurveyResponse.answers))
            if answers.get("one_change") == "More youth clubs open late"
        ]
        db.session.remove()
    assert answers["worries"] == ["Staying safe online"]
    assert answers["one_change"] == "More youth clubs open late"
    assert "unsafe_when" not in answers  # not asked: they feel safe


def test_a_follow_up_question_counts_from_the_start(browser, live_server, demo_survey):
    """Someone who feels unsafe is asked when: the count said 8 from the first question."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/s/what-matters")
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Knife crime").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Question 2 of 8")).to_be_visible()
    page.get_by_label("1: Very unsafe").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="When do you feel least safe?")).to_be_visible()
    expect(page.get_by_text("Question 3 of 8 (you can skip this one)")).to_be_visible()
    check_page(page)
    context.close()


def test_a_changemaker_adds_a_question(page, live_server):
    sign_in(page, live_server.staff_email(Role.CHANGEMAKER))
    page.goto("/surveys")
    page.get_by_label("Title").fill("After-school clubs")
    page.get_by_label("Web address name").fill("clubs")
    page.get_by_role("button", name="Create survey").click()
    page.get_by_label("New question").fill("Which clubs do you go to?")
    page.get_by_label("Kind of question").select_option("multiple_choice")
    page.get_by_role("button", name="Add question").click()
    page.get_by_label("Options, one a line").fill("Football\nDrama\nCoding")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Football · Drama · Coding")).to_be_visible()
