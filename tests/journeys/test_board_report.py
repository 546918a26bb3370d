"""A board member reads the findings of the demo survey and prints the report for the board's
papers, which end with the safeguarding desk's figures."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import LAPTOP, PHONE
from tests.journeys.pdf import outline_titles

pytestmark = pytest.mark.browser

SURVEY = "What matters to you?"
QUESTIONS = [
    "Which of these worry you most? Choose all that apply.",
    "How safe do you feel in the area where you live?",
    "When do you feel least safe?",
    "If something was worrying you, who would you go to first?",
    "What one thing should the safeguarding board change for young people?",
    "How old are you?",
    "How do you describe yourself?",
    "Which part of the borough do you live in?",
]
HEADINGS = (
    [SURVEY, "Top findings"]
    + [f"{number}. {text}" for number, text in enumerate(QUESTIONS, 1)]
    + ["Method"]
)
# The safeguarding desk's figures close every printed report.
DESK_HEADINGS = ["The safeguarding desk", "Time to first human response", "Alerts by category"]


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_a_board_member_reads_the_findings_and_prints_the_report(journey):
    member = journey()
    member.sign_in("board")
    page = member.page
    member.click(page.get_by_role("link", name="Findings").first)
    # Hundreds of completed responses (synthetic ones, in the demo).
    expect(page.get_by_role("row").filter(has_text=SURVEY)).to_contain_text(re.compile(r"\d{3}"))
    member.click(page.get_by_role("link", name=SURVEY))
    expect(page.get_by_role("heading", name="Top findings")).to_be_visible()
    expect(page.get_by_text("these responses are synthetic")).to_be_visible()
    for heading in HEADINGS[2:]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart of the answers to “How safe")).to_be_visible()

    # On a phone the breakdowns scroll sideways, and the keyboard can reach them to scroll them.
    page.set_viewport_size(PHONE)
    by_area = page.get_by_role(
        "region", name="By which part of the borough do you live in? (scrolls sideways)"
    ).first
    expect(by_area).to_be_visible()  # the page has taken in its new width
    member.check()
    for _ in range(40):
        page.keyboard.press("Tab")
        if by_area.evaluate("(region) => region === document.activeElement"):
            break
    expect(by_area).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(region) => region.scrollLeft > 0", arg=by_area.element_handle())
    page.set_viewport_size(LAPTOP)

    member.click(page.get_by_role("link", name="Printable report"))
    expect(page.get_by_text("Report to the safeguarding board")).to_be_visible()

    page.emulate_media(media="print")
    member.check()  # as printed: black and white, no navigation
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    for heading in HEADINGS + DESK_HEADINGS:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()

    printed = page.pdf(format="A4", outline=True, tagged=True)
    assert printed.startswith(b"%PDF-")
    # Chromium drops the space where a heading's line wraps when it makes the outline.
    assert [squeezed(t) for t in outline_titles(printed)] == [
        squeezed(h) for h in HEADINGS + DESK_HEADINGS
    ]
