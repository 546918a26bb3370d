"""A reviewer on a phone finds, on the detector's rules page, which languages are screened and
how the Spanish and Portuguese rules fare on their held-out messages. axe-core checks the page."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE

pytestmark = pytest.mark.browser


def test_a_reviewer_reads_which_languages_are_screened(journey):
    reviewer = journey(viewport=PHONE)
    reviewer.sign_in("reviewer")
    page = reviewer.page
    reviewer.click(page.get_by_role("link", name="Detector rules").first)
    expect(page.get_by_role("heading", name="Languages")).to_be_visible()
    expect(page.get_by_text("Screened: English.")).to_be_visible()
    expect(page.get_by_text("Not screened alone: Spanish (español) and Portuguese")).to_be_visible()
    table = page.get_by_role("table", name="How each language is screened")
    spanish = table.get_by_role("row", name="Spanish (español)")
    expect(spanish).to_contain_text("Not screened alone: every text its rules miss alerts")
    expect(spanish).to_contain_text(re.compile(r"catches \d+ of \d+ disclosures"))
