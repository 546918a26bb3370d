"""A board member reads the summary of the demo survey's findings, one question broken down by
age, and prints the board brief for the board's papers: at most four pages, then an appendix
with every table that ends with the safeguarding desk's figures."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

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
APPENDIX = "Appendix: every table"
BRIEF_HEADINGS = [SURVEY, "Summary", "Key charts", "Method", "How the summary is chosen"]
# Every table, then the safeguarding desk's figures, close every printed brief.
APPENDIX_HEADINGS = [
    APPENDIX,
    *(f"{number}. {text}" for number, text in enumerate(QUESTIONS, 1)),
    "The safeguarding desk",
    "Time to first human response",
    "Alerts by category",
]
BRIEF_PAGES = 4


def squeezed(text: str) -> str:
    return "".join(text.split())


def outline_pages(document: bytes) -> list[tuple[str, int]]:
    """Each outline entry's title and the page (from 0) it points to, in reading order."""
    reader = PdfReader(io.BytesIO(document))
    found: list[tuple[str, int]] = []

    def walk(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                found.append((entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline)
    return found


def test_a_board_member_reads_the_summary_a_breakdown_and_prints_the_brief(journey):
    member = journey()
    member.sign_in("board")
    page = member.page
    member.click(page.get_by_role("link", name="Findings").first)
    # Hundreds of completed responses (synthetic ones, in the demo).
    expect(page.get_by_role("row").filter(has_text=SURVEY)).to_contain_text(re.compile(r"\d{3}"))
    member.click(page.get_by_role("link", name=SURVEY))

    # The summary first: a few findings in sentences, with their figures and bases.
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_be_visible()
    expect(page.get_by_text("these responses are synthetic")).to_be_visible()
    findings = summary.get_by_role("listitem")
    assert 5 <= findings.count() <= 8
    expect(findings.filter(has_text="Young people aged 16 to 17 were more likely")).to_contain_text(
        re.compile(r"\d+% of about \d+0\)")
    )
    expect(page.get_by_role("table")).to_have_count(0)  # no wall of tables

    # One question at a time, with the breakdown the reader picks.
    member.click(page.get_by_role("link", name=QUESTIONS[1]))
    expect(page.get_by_role("heading", name=QUESTIONS[1], level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart of the answers to “How safe")).to_contain_text(
        re.compile(r"5: Very safe, \d+ \(\d+%\)")
    )
    page.get_by_label("Break down by").select_option(label="How old are you?")
    member.click(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("table", name="By how old are you?")).to_be_visible()
    expect(page.get_by_role("table", name="By how do you describe yourself?")).to_have_count(0)
    expect(page.get_by_text("each group counts only those who answered")).to_be_visible()

    # On a phone a breakdown scrolls sideways, and the keyboard can reach it to scroll it.
    page.get_by_label("Break down by").select_option(
        label="Which part of the borough do you live in?"
    )
    member.click(page.get_by_role("button", name="Show"))
    page.set_viewport_size(PHONE)
    by_area = page.get_by_role(
        "region", name="By which part of the borough do you live in? (scrolls sideways)"
    )
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

    member.click(page.get_by_role("link", name=f"Summary of {SURVEY}"))
    member.click(page.get_by_role("link", name="Board brief to print"))
    expect(page.get_by_text("Brief for the safeguarding board")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Brief printed\s*\d{1,2} \w+ 20\d\d"))).to_be_visible()

    page.emulate_media(media="print")
    member.check()  # as printed: black and white, no navigation
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    for heading in BRIEF_HEADINGS + APPENDIX_HEADINGS:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()

    printed = page.pdf(format="A4", outline=True, tagged=True)
    assert printed.startswith(b"%PDF-")
    # Chromium drops the space where a heading's line wraps when it makes the outline.
    titles = [squeezed(t) for t in outline_titles(printed)]
    appendix_at = titles.index(squeezed(APPENDIX))
    assert titles[appendix_at:] == [squeezed(h) for h in APPENDIX_HEADINGS]
    pages = dict((squeezed(title), number) for title, number in outline_pages(printed))
    assert 1 <= pages[squeezed(APPENDIX)] <= BRIEF_PAGES  # the pages before the appendix
    assert pages[squeezed("Summary")] == 0  # the summary shares the cover's page


def test_a_breakdown_is_picked_without_javascript(journey):
    member = journey(javascript=False)
    member.sign_in("board")
    page = member.page
    member.open("/findings/what-matters/questions/worries")
    page.get_by_label("Break down by").select_option(label="How old are you?")
    member.click(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("table", name="By how old are you?")).to_be_visible()
