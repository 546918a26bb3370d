"""A Changemaker codes what young people wrote in the demo survey and suggests a quote; a
reviewer approves the quote; a board member reads the themes and the quote."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

QUESTION = "What one thing should the safeguarding board change for young people?"
PLACES = re.compile(r"clubs|places|youth workers", re.IGNORECASE)
ANSWERS_TO_CODE = 30


def test_free_text_is_coded_a_quote_approved_and_the_board_reads_them(journey):
    changemaker = journey()
    changemaker.sign_in("changemaker")
    page = changemaker.page
    changemaker.click(page.get_by_role("link", name="Coding").first)
    changemaker.click(page.get_by_role("link", name=QUESTION))
    expect(page.get_by_text("Add a theme to the codebook below before you code.")).to_be_visible()
    for theme in ("Places to go", "Safer streets"):
        page.get_by_label("New theme").fill(theme)
        changemaker.click(page.get_by_role("button", name="Add theme"))
        expect(page.get_by_text(f"Theme “{theme}” added to the codebook.")).to_be_visible()

    quoted = None
    for _ in range(ANSWERS_TO_CODE):
        answer = page.locator("blockquote.quote").inner_text().strip()
        theme = "Places to go" if PLACES.search(answer) else "Safer streets"
        page.get_by_label(theme).check()
        if quoted is None and theme == "Safer streets":
            page.get_by_label("Suggest it as a quote").select_option(label=f"Yes, under “{theme}”")
            quoted = answer
        changemaker.click(page.get_by_role("button", name="Save and next"))
        expect(page.get_by_text("Coded. Here is the next answer.")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(f"Coded{ANSWERS_TO_CODE}")
    assert quoted is not None

    reviewer = journey()
    reviewer.sign_in("reviewer")
    reviewer.open("/coding")
    reviewer.click(reviewer.page.get_by_role("link", name="1 quote waiting for a reviewer"))
    expect(reviewer.page.get_by_text(quoted)).to_be_visible()
    reviewer.click(reviewer.page.get_by_role("button", name="Approve quote"))
    expect(reviewer.page.get_by_text("Quote approved.")).to_be_visible()

    member = journey()
    member.sign_in("board")
    member.click(member.page.get_by_role("link", name="Findings").first)
    member.click(member.page.get_by_role("link", name="What matters to you?"))
    # The summary names the theme with most answers; the question's page has them all.
    expect(
        member.page.get_by_role("region", name="Summary").get_by_text("The most common theme")
    ).to_be_visible()
    member.click(member.page.get_by_role("link", name=QUESTION))
    themes = member.page.get_by_role("table", name="Themes the Changemakers found in the answers")
    expect(themes).to_be_visible()
    expect(themes.get_by_role("row", name=re.compile(r"^Safer streets \d\d"))).to_be_visible()
    expect(member.page.get_by_text(f"“{quoted}”")).to_be_visible()
    expect(
        member.page.get_by_text("slightly adjusted to protect young people").first
    ).to_be_visible()
