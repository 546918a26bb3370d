"""A board member reads the demo survey's findings in Chromium, filters by an age band and
downloads the CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from changemakers.accounts.models import Role
from surveys.findings import EXPORT_HEADER
from tests.browser.test_sign_in import sign_in

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
    expect(page.get_by_role("heading", name="Top findings")).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart of the answers to “How safe")).to_be_visible()

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
