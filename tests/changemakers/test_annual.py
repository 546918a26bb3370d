"""The yearly summary for the partnership's annual report: each area's section, every figure
through the disclosure gate, young people reached rounded, and the same summary as a page and
as a Word document (read back here with python-docx)."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.annual.report import Reach, ReportYear, young_people_reached
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from surveys import you_said_services as results
from tests.support.web import sign_in

THRESHOLD = 10


def test_the_reporting_year_runs_april_to_march():
    assert ReportYear.containing(date(2027, 3, 31)) == ReportYear(2026)
    assert ReportYear.containing(date(2027, 4, 1)) == ReportYear(2027)
    assert ReportYear(2016).label == "2016/17"
    assert ReportYear(2016).span == "April 2016 to March 2017"


def test_young_people_reached_are_rounded_and_small_parts_add_nothing():
    parts = [Reach("phones", 734), Reach("web", "<10"), Reach("more web", 18)]
    assert young_people_reached(parts, THRESHOLD) == 750
    assert young_people_reached([Reach("phones", "<10")], THRESHOLD) == "<10"


@pytest.fixture
def year_of_work(app, db_session, make_staff, send_sms):
    """The demo survey's responses, a published "you said, we did" with two actions, a few
    texts (one raising an alert), all in the year running now."""
    from surveys.demo import load_demo_content

    load_demo_content()
    board = make_staff(Role.BOARD, email="board@example.org")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    survey = results.survey_at("what-matters")
    version = results.open_draft(survey, board)
    definition = results.definition_for(survey)
    results.save_responses(version, {"worries": "Schools will act."}, definition, board)
    for what, status, why in (
        ("Online safety sessions", "under_way", ""),
        ("A youth worker at every station", "not_done", "No money this year."),
    ):
        fields = {"what": what, "owner": "Lead", "due": "2027-03-31", "status": status}
        results.save_action(version, None, {**fields, "why_not": why}, board)
    results.submit(version, board)
    with app.test_request_context():  # as a reviewer approves it, on the page
        results.approve(version, reviewer)
    send_sms("FRIEND")
    send_sms("i want to kill myself", from_="+447700900124")
    return reviewer


def _figures(text: str) -> list[str]:
    return re.findall(r"\b\d+\b|<10|withheld", text)


def test_the_page_and_the_word_document_hold_the_same_summary(client, year_of_work):
    assert sign_in(client, year_of_work.email).status_code == 302
    page = html.unescape(client.get("/annual").get_data(as_text=True))
    year = ReportYear.containing(date.today())
    assert f"Young people's voice: {year.label}" in page
    for heading in (
        "Surveys",
        "Text messages and peer-support flows",
        "The safeguarding desk",
        "You said, we did: the board's actions",
    ):
        assert f">{heading}</h2>" in page
    reached = re.search(r"About (\d+)", page)
    assert reached and int(reached.group(1)) % 10 == 0  # rounded to the nearest ten
    assert "Phones that texted the service: <10" in page  # two phones: hidden

    download = client.get(f"/annual/summary.docx?year={year.start_year}")
    assert download.status_code == 200
    assert download.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(download.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Young people reached: about {reached.group(1)}" in text
    tables = {tuple(c.text for c in table.rows[0].cells): table for table in document.tables}
    surveys = [[c.text for c in row.cells] for row in tables["Survey", "Completed responses"].rows]
    assert surveys[1][0] == "What matters to you?"
    completed = surveys[1][1]
    assert completed.isdigit() and int(completed) >= THRESHOLD
    assert f"<td>{completed}</td>" in page
    statuses = {row.cells[0].text: row.cells[1].text for row in tables["Status", "Actions"].rows}
    assert statuses == {
        "Status": "Actions",
        "Planned": "0",
        "Under way": "1",
        "Done": "0",
        "Not done": "1",
    }
    every_action = [
        [c.text for c in row.cells]
        for t in document.tables
        for row in t.rows
        if len(row.cells) == 5
    ]
    assert [
        "What matters to you?",
        "A youth worker at every station",
        "Lead",
        "31 March 2027",
        "Not done: No money this year.",
    ] in every_action
    categories = [[c.text for c in row.cells] for row in tables["Category", "Alerts"].rows]
    assert categories[-1][0] == "All" and categories[-1][1] == "<10"  # one alert: hidden
    for row in categories[1:]:
        assert row[1] in ("<10", "withheld") or int(row[1]) >= THRESHOLD
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "annual.export")
    ).all()
    assert [event.object_id for event in exported] == [year.label]


def test_a_year_with_nothing_in_it_says_so_quietly(client, year_of_work):
    assert sign_in(client, year_of_work.email).status_code == 302
    page = client.get("/annual?year=2020").get_data(as_text=True)
    assert "Young people's voice: 2020/21" in page
    assert "Fewer than 10" in page
    assert ">Surveys</h2>" not in page


def test_only_those_who_read_findings_see_the_summary(client, make_staff):
    changemaker = make_staff(Role.CHANGEMAKER)
    assert sign_in(client, changemaker.email).status_code == 302
    assert client.get("/annual").status_code == 403
    assert client.get("/annual/summary.docx").status_code == 403
