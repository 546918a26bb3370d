"""The board's findings pages and exports, over the demo's synthetic responses."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from surveys import services
from surveys.findings import EXPORT_HEADER, csv_rows
from tests.support.surveys import EVERY_KIND


@pytest.fixture
def demo(db_session):
    from surveys.demo import load_demo_content

    load_demo_content()


def test_the_board_reads_the_summary_first_then_one_question_at_a_time(client, demo, signed_in):
    signed_in(Role.BOARD)
    listing = client.get("/findings").get_data(as_text=True)
    assert "What matters to you?" in listing
    page = client.get("/findings/what-matters").get_data(as_text=True)
    summary = page.split('id="summary-heading"', 1)[1].split("</section>", 1)[0]
    # The demo's young people of 16 to 17 worry more about knife crime.
    assert "Young people aged 16 to 17 were more likely to choose “Knife crime”" in summary
    # Its scale's top answers are within a count or two, so the noise may make a tie of them.
    found = services.findings_for("what-matters", 10)
    safe = next(t for t in found["questions"] if t["id"] == "safe_where_you_live")
    top = max(row["percent"] for row in safe["rows"])
    leaders = [row["answer"] for row in safe["rows"] if row["percent"] == top]
    said = next(s for s in summary.split("<li>") if re.search("(answered|answers to) “How safe", s))
    assert ("tie as the most common answers" in said) == (len(leaders) > 1)
    assert all(f"“{answer}”" in said for answer in leaders) and f"{top}%" in said
    assert "How old are you?”" not in summary  # who answered is not a finding
    assert "How the summary is chosen" in page and "Holm" in page
    assert 'role="img"' not in page and "<table" not in page  # the tables are a click away
    link = "/findings/what-matters/questions/safe_where_you_live"
    assert f'href="{link}"' in page

    question = client.get(link).get_data(as_text=True)
    assert question.count('class="chart" role="img"') == 1
    assert "By how old are you?" not in question
    assert "Break down by" in question
    by_age = client.get(link, query_string={"by": "age"}).get_data(as_text=True)
    assert by_age.count("<caption>By ") == 1 and "By how old are you?" in by_age
    assert "each group counts only those who answered “How old are you?”" in by_age
    when = client.get("/findings/what-matters/questions/unsafe_when").get_data(as_text=True)
    assert "asked only of those who answered “1: Very unsafe” or “2”" in when
    assert client.get("/findings/what-matters/questions/nonsense").status_code == 404


def test_a_chart_holds_its_figures_in_its_text_alternative(client, demo, signed_in):
    signed_in(Role.BOARD)
    page = client.get("/findings/what-matters/questions/help_from").get_data(as_text=True)
    found = services.findings_for("what-matters", 10)
    table = next(t for t in found["questions"] if t["id"] == "help_from")
    alternative = page.split('id="chart-help_from-title">', 1)[1].split("</p>", 1)[0]
    for row in table["rows"]:
        shown = f"{row['count']} ({row['percent']}%)" if row["percent"] is not None else ""
        assert f"{row['answer']}, {shown or row['count']}" in alternative


def test_a_filter_hides_small_numbers_again(client, demo, signed_in, app):
    signed_in(Role.BOARD)
    page = client.get("/findings/what-matters?group=age:Under 12").get_data(as_text=True)
    assert "Showing only: Under 12" in page
    narrow = services.findings_for("what-matters", 10, ("age", "Under 12"))
    everyone = services.findings_for("what-matters", 10)
    assert narrow["responses"]["completed"] < everyone["responses"]["completed"]
    nobody = client.get("/findings/what-matters?group=age:22 or over")
    assert nobody.status_code == 404  # a group under the threshold cannot be opened
    assert "so its findings cannot be shown" in nobody.get_data(as_text=True)
    assert "22 or over (fewer than 10)" in page
    assert client.get("/findings/what-matters/findings.csv?group=age:22 or over").status_code == (
        404
    )


def test_a_made_up_filter_shows_everyone(client, demo, signed_in):
    signed_in(Role.REVIEWER)
    page = client.get("/findings/what-matters?group=nonsense:x")
    assert page.status_code == 200
    assert "Showing only" not in page.get_data(as_text=True)


def test_exports_match_the_page_and_are_logged(client, demo, signed_in):
    user = signed_in(Role.BOARD)
    exported = client.get("/findings/what-matters/findings.csv?group=gender:Non-binary")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    expected = csv_rows(services.findings_for("what-matters", 10, ("gender", "Non-binary")))
    assert rows == [[str(cell) for cell in row] for row in expected]
    assert all(
        cell == "<10" or not cell.isdigit() or int(cell) == 0 or int(cell) >= 10
        for row in rows[1:]
        for cell in row[2:3]
    )
    workbook = load_workbook(io.BytesIO(client.get("/findings/what-matters/findings.xlsx").data))
    sheet = workbook["Findings"]
    assert [c.value for c in sheet[1]] == [*EXPORT_HEADER, "note"]
    counts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(c is None or isinstance(c, int) for c in counts) and any(counts)
    hidden = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[4] is None]
    assert any("fewer than 10" in (row[-1] or "") for row in hidden)
    assert any(isinstance(row[7], float) for row in sheet.iter_rows(min_row=2, values_only=True))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "findings.export").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.details["format"]) for e in events] == [
        (user.id, "csv"),
        (user.id, "xlsx"),
    ]


def test_the_brief_has_a_dated_cover_a_summary_a_method_and_every_table(client, demo, signed_in):
    signed_in(Role.BOARD)
    page = client.get("/findings/what-matters/report").get_data(as_text=True)
    assert "Brief for the safeguarding board" in page
    cover = page.split("</section>", 1)[0]
    assert "Brief printed" in cover and "Completed responses" in cover and "about " in cover
    assert "slightly adjusted to protect young people" in cover
    assert "Method" in page and "is shown as “&lt;10”" in page
    brief, appendix = page.split('id="appendix-heading"', 1)
    assert "Young people aged 16 to 17 were more likely" in brief and "<table" not in brief
    assert brief.count('class="chart" role="img"') <= 3
    assert "Actions" not in brief  # none recorded
    found = services.findings_for("what-matters", 10)
    assert appendix.count("<caption>By ") == len(found["crosstabs"])
    assert "The safeguarding desk" in appendix


def test_changemakers_do_not_read_findings(client, demo, signed_in):
    signed_in(Role.CHANGEMAKER)
    assert client.get("/findings/what-matters").status_code == 403


def test_the_board_sees_how_many_responses_wait_in_the_pool(client, demo, signed_in):
    from tests.surveys.test_web import complete

    services.load_published(EVERY_KIND)
    complete(client)
    signed_in(Role.BOARD)
    page = client.get("/findings/every-kind").get_data(as_text=True)
    assert "1 more response is waiting to join these findings" in page


@pytest.mark.parametrize("slug", ["flows", "desk"])
def test_the_board_pages_addresses_are_kept_and_no_survey_can_take_them(db_session, slug):
    from surveys.definition import from_data as survey_from_data

    survey = survey_from_data(
        {
            "title": "F",
            "slug": slug,
            "questions": [{"id": "q", "kind": "free_text", "text": "?"}],
        }
    )
    assert services.problems_of(survey) == [
        f"The address name {slug!r} is kept for the board's pages."
    ]
