"""A board member reads the demo survey's findings in Chromium, filters by an age band and
downloads the CSV; every page with charts is checked with axe, on a laptop and a phone."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from changemakers.accounts.models import Role
from surveys.findings import EXPORT_HEADER
from tests.browser.test_sign_in import sign_in
from tests.support.accessibility import check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_survey(live_server):
    from surveys.demo import load_demo_content

    with live_server.app.app_context():
        load_demo_content()


def test_a_board_member_reads_filters_and_downloads(page, live_server, demo_survey):
    sign_in(page, live_server.staff_email(Role.BOARD))
    page.get_by_role("link", name="Findings").first.click()
    page.get_by_role("link", name="What matters to you?").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    page.get_by_role("link", name="How safe do you feel in the area where you live?").click()
    expect(page.get_by_role("img", name="Bar chart of the answers to “How safe")).to_be_visible()
    page.get_by_role("link", name="Summary of What matters to you?").click()

    page.get_by_label("Show only").select_option(label="14 to 15")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Showing only: 14 to 15.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "what-matters-findings-14-to-15.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == EXPORT_HEADER
    assert {row[1:3] == ["age", "14 to 15"] for row in rows[1:]} == {True}
    counts = [row[4] for row in rows[1:] if row[4]]
    assert all(c in ("<10", "withheld") or int(c) >= 10 for c in counts)


LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# The smallest size, in screen pixels, of any word or figure shown in the page's charts (an SVG
# drawing scaled down to fit shrinks its text with it); null when the page has no chart text.
SMALLEST_CHART_TEXT = """() => {
  const sizes = [...document.querySelectorAll(".chart *")]
    .filter((e) => !e.closest(".visually-hidden"))
    .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((e) => parseFloat(getComputedStyle(e).fontSize) * (e.getScreenCTM?.().a ?? 1));
  return sizes.length ? Math.min(...sizes) : null;
}"""


def chart_and_table(page, question_id: str) -> tuple[list[str], list[str], list[str]]:
    """A question's chart labels, its table's answers and their counts, in the page's order,
    from the question's own page."""
    page.goto(f"/findings/what-matters/questions/{question_id}")
    finding = page.locator("section.finding")
    labels = finding.locator(".chart__label").all_inner_texts()
    answers = finding.locator("table").first.locator("tbody th").all_inner_texts()
    counts = finding.locator("table").first.locator("tbody td:nth-child(2)").all_inner_texts()
    return labels, answers, counts


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_findings_read_well_on_a_laptop_and_a_phone(
    browser, live_server, demo_survey, viewport
):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.staff_email(Role.BOARD))
    page.goto("/findings/what-matters")
    check_page(page)

    group, show = (
        page.get_by_label("Show only").bounding_box(),
        page.get_by_role("button", name="Show").bounding_box(),
    )
    if show["y"] < group["y"] + group["height"]:  # on one line: the bottoms meet
        assert abs((show["y"] + show["height"]) - (group["y"] + group["height"])) <= 2
    else:  # wrapped below, on a narrow screen: at the left edge
        assert abs(show["x"] - group["x"]) <= 1
    assert LAPTOP != viewport or show["y"] < group["y"] + group["height"]
    assert page.evaluate(SMALLEST_CHART_TEXT) is None  # the summary is sentences, no charts

    # What worries young people, largest first: the options have no order of their own.
    labels, answers, counts = chart_and_table(page, "worries")
    check_page(page)
    assert (page.evaluate(SMALLEST_CHART_TEXT) or 0) >= 14
    assert labels == answers and len(labels) == 7
    shown = [int(count) for count in counts if count.isdigit()]
    assert shown == sorted(shown, reverse=True) and len(shown) == 7
    page.get_by_label("Break down by").select_option(label="How old are you?")
    page.get_by_role("button", name="Show").click()
    by_age = page.get_by_role("table", name="By how old are you?")
    assert by_age.locator("tbody th").all_inner_texts() == [*labels, "Answered"]
    check_page(page)
    # A scale and the age bands keep their order.
    labels, answers, _ = chart_and_table(page, "safe_where_you_live")
    assert labels == answers and labels[0] == "1: Very unsafe" and labels[-1] == "5: Very safe"
    labels, _, _ = chart_and_table(page, "age")
    assert labels[:3] == ["Under 12", "12 to 13", "14 to 15"]

    page.goto("/findings/what-matters")
    page.get_by_role("link", name="Board brief to print").click()
    expect(page.get_by_text("Brief for the safeguarding board")).to_be_visible()
    check_page(page)
    assert (page.evaluate(SMALLEST_CHART_TEXT) or 0) >= 14
    context.close()


def test_the_comparison_and_the_flows_charts_are_readable(page, live_server):
    """The other pages with charts: two versions of a survey side by side, and how the
    message flows ended."""
    from messages.flows import services as flows
    from surveys import services
    from tests.support.flows import SMALL, add_conversations
    from tests.surveys import test_compare as waves

    with live_server.app.app_context():
        waves.add_responses(services.load_published(waves.FIRST), waves.first_answers())
        waves.add_responses(services.load_published(waves.SECOND), waves.second_answers())
        add_conversations(
            flows.load_published(SMALL),
            [(["ask", "tips"], "completed")] * 20 + [(["ask"], "expired")] * 12,
        )
    sign_in(page, live_server.staff_email(Role.BOARD))
    page.set_viewport_size(PHONE)
    page.goto("/findings/waves/compare?first=1&second=2")
    expect(page.get_by_role("img", name="Bar chart of the percentages answering")).to_have_count(2)
    check_page(page)
    assert (page.evaluate(SMALLEST_CHART_TEXT) or 0) >= 14
    page.goto("/findings/flows")
    expect(page.get_by_role("img", name="Bar chart of how conversations")).to_have_count(1)
    check_page(page)
    assert (page.evaluate(SMALLEST_CHART_TEXT) or 0) >= 14
