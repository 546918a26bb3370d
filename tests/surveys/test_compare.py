"""Comparing two versions (waves) of a survey: hand-worked tables, each wave suppressed on its
own; the board's comparison page and the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import insert

from changemakers import disclosure
from changemakers.accounts.models import Role
from changemakers.cli import cli
from changemakers.extensions import db
from surveys.definition import from_data
from surveys.findings import Response, compare, count_responses, publish
from surveys.models import SurveyResponse

FIRST = {
    "title": "Waves",
    "slug": "waves",
    "keyword": "WAVES",
    "questions": [
        {
            "id": "colour",
            "kind": "single_choice",
            "text": "Favourite colour?",
            "options": ["Red", "Green", "Blue sky"],
        },
        {"id": "safe", "kind": "scale", "text": "How safe do you feel?", "min": 1, "max": 5},
        {"id": "hours", "kind": "number", "text": "Hours online a day?", "min": 0, "max": 24},
        {"id": "old", "kind": "single_choice", "text": "Asked once?", "options": ["Yes", "No"]},
    ],
}
SECOND = {
    **FIRST,
    "questions": [
        {
            "id": "colour",
            "kind": "single_choice",
            "text": "Favourite colour now?",
            "options": ["Red", "Green", "Purple"],  # Blue sky dropped, Purple new
        },
        {"id": "safe", "kind": "scale", "text": "How safe do you feel?", "min": 1, "max": 5},
        {
            "id": "hours",
            "kind": "single_choice",
            "text": "Hours online a day?",
            "options": ["Under 2", "2 or more"],
        },
        {"id": "new", "kind": "free_text", "text": "Anything else?", "required": False},
    ],
}


def first_answers() -> list[dict]:
    # colour: Red 30, Green 20, Blue sky 0 (base 50); safe: ten 2s and ten 4s (mean 3.0)
    return (
        [{"colour": "Red", "safe": 2}] * 10
        + [{"colour": "Red", "safe": 4}] * 10
        + [{"colour": "Red"}] * 10
        + [{"colour": "Green"}] * 20
    )


def second_answers() -> list[dict]:
    # colour: Red 12, Green 25, Purple 3 (base 40); safe: ten 4s and ten 5s (mean 4.5)
    return (
        [{"colour": "Red", "safe": 4}] * 10
        + [{"colour": "Red"}] * 2
        + [{"colour": "Green", "safe": 5}] * 10
        + [{"colour": "Green"}] * 15
        + [{"colour": "Purple"}] * 3
    )


def compared(first: list[dict], second: list[dict], second_survey: dict = SECOND) -> dict:
    survey = from_data(second_survey)
    responses = [
        Response(answers, "web", True, (7 * n) % 256, version)
        for version, answer_sets in ((1, first), (2, second))
        for n, answers in enumerate(answer_sets)
    ]
    counted = count_responses(responses, survey.questions)
    versions = {1: from_data(FIRST), 2: survey}
    return compare(publish(survey, versions, counted, 10), 1, 2)


def test_answers_line_up_and_a_changed_option_is_not_asked_never_zero():
    colour = compared(first_answers(), second_answers())["questions"][0]
    assert colour["text"] == "Favourite colour now?"
    assert colour["earlier_text"] == "Favourite colour?"
    answers = [row["answer"] for row in colour["rows"]]
    assert answers == ["Red", "Green", "Purple", "Blue sky"]
    purple, blue = colour["rows"][2], colour["rows"][3]
    assert purple["first"] is None and purple["second"]["count"] == "<10"
    assert blue["second"] is None and blue["first"]["count"] == "<10"
    truth = {
        ("Red", "first"): 30,
        ("Green", "first"): 20,
        ("Red", "second"): 12,
        ("Green", "second"): 25,
    }
    for row in colour["rows"][:2]:
        for side in ("first", "second"):
            shown = row[side]["count"]
            assert shown == disclosure.WITHHELD or abs(shown - truth[row["answer"], side]) <= 3
        if row["first"]["percent"] is not None and row["second"]["percent"] is not None:
            assert row["change"] == row["second"]["percent"] - row["first"]["percent"]


def test_averages_change_only_where_both_bases_allow():
    safe = compared(first_answers(), second_answers())["questions"][1]
    assert abs(safe["first"]["mean"] - 3.0) < 0.5 and abs(safe["second"]["mean"] - 4.5) < 0.5
    assert safe["mean_change"] == round(safe["second"]["mean"] - safe["first"]["mean"], 2)
    few = compared(first_answers(), [{"colour": "Red", "safe": 4}] * 5 + [{"colour": "Green"}] * 30)
    assert few["questions"][1]["second"]["mean"] is None
    assert few["questions"][1]["mean_change"] is None


def test_questions_in_one_wave_only_or_asked_differently_are_listed_not_compared():
    comparison = compared(first_answers(), second_answers())
    assert [q["id"] for q in comparison["questions"]] == ["colour", "safe"]
    assert comparison["only_first"] == [{"id": "old", "text": "Asked once?"}]
    assert comparison["only_second"] == [{"id": "new", "text": "Anything else?"}]
    assert comparison["asked_differently"] == [{"id": "hours", "text": "Hours online a day?"}]


def test_a_wave_never_gives_away_a_small_count_of_the_other():
    """Everyone's Green is 25 and version 1's is 20: version 2's Green (5) must not be
    worked out, so version 1's is withheld or hidden too."""
    first = [{"colour": "Red"}] * 30 + [{"colour": "Green"}] * 20
    second = [{"colour": "Red"}] * 25 + [{"colour": "Green"}] * 5
    green = compared(first, second)["questions"][0]["rows"][1]
    assert green["second"]["count"] == "<10"
    assert green["first"]["count"] in ("<10", disclosure.WITHHELD)
    assert green["change"] is None


# The board's page, over two published versions with responses stored as the web keeps them.


def add_responses(version, answer_sets: list[dict]) -> None:
    day = date(2026, 3, 2)
    db.session.execute(
        insert(SurveyResponse),
        [
            {
                "survey_id": version.survey_id,
                "version_id": version.id,
                "channel": "web",
                "answers": answers,
                "started_on": day,
                "completed_on": day,
            }
            for answers in answer_sets
        ],
    )
    db.session.commit()


@pytest.fixture
def two_waves(db_session):
    from surveys import services

    first = services.load_published(FIRST)
    add_responses(first, first_answers())
    second = services.load_published(SECOND)
    add_responses(second, second_answers())
    return first, second


def numbers_in_cells(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"<(?:td|dd)>(\d+)</(?:td|dd)>", page)]


def test_the_board_compares_two_versions(client, two_waves, signed_in):
    signed_in(Role.BOARD)
    survey_page = client.get("/findings/waves").get_data(as_text=True)
    assert "/findings/waves/compare?first=1&amp;second=2" in survey_page
    response = client.get("/findings/waves/compare?first=1&second=2")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Compare versions: Waves" in page
    assert re.search(r"<td>[+-]\d+</td>", page)  # a change in whole points
    assert '<td colspan="2">—<span class="visually-hidden"> not asked</span></td>' in page
    assert "Asked only in version 1" in page and "Asked once?" in page
    assert "Asked in a different way in each version" in page
    assert "a change of +" in page
    assert "slightly adjusted to protect young people" in page
    assert page.count('class="chart" role="img"') == 2
    assert all(n >= 10 for n in numbers_in_cells(page))


def test_with_no_versions_chosen_the_latest_two_are_compared(client, two_waves, signed_in):
    signed_in(Role.REVIEWER)
    page = client.get("/findings/waves/compare").get_data(as_text=True)
    assert '<option value="1" selected>' in page and '<option value="2" selected>' in page


def test_unknown_versions_are_not_found_politely(client, two_waves, signed_in):
    signed_in(Role.BOARD)
    response = client.get("/findings/waves/compare?first=1&second=7")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "“Waves” has no version 7 that young people could answer." in page
    assert "Choose two versions from the lists below" in page
    wrong = client.get("/findings/waves/compare?first=one&second=2")
    assert wrong.status_code == 404
    assert "has no version called “one”" in wrong.get_data(as_text=True)
    assert client.get("/findings/nothing/compare?first=1&second=2").status_code == 404


def test_the_same_version_twice_says_so(client, two_waves, signed_in):
    signed_in(Role.BOARD)
    response = client.get("/findings/waves/compare?first=2&second=2")
    assert response.status_code == 400
    assert "That is version 2 twice, so there is nothing to compare." in response.get_data(
        as_text=True
    )
    half = client.get("/findings/waves/compare?first=2")
    assert half.status_code == 400
    assert "Two versions are needed to compare." in half.get_data(as_text=True)


def test_a_version_with_no_responses_yet(client, two_waves, signed_in):
    from surveys import services

    services.load_published({**SECOND, "title": "Waves again"})
    signed_in(Role.BOARD)
    response = client.get("/findings/waves/compare?first=2&second=3")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Version 3 has no responses yet" in page
    assert "<table" not in page


def test_one_answered_version_has_nothing_to_compare(client, db_session, signed_in):
    from surveys import services

    first = services.load_published(FIRST)
    add_responses(first, first_answers())
    signed_in(Role.BOARD)
    assert "compare versions" not in client.get("/findings/waves").get_data(as_text=True)
    page = client.get("/findings/waves/compare").get_data(as_text=True)
    assert "fewer than two versions of this survey so far" in page


def test_changemakers_do_not_compare(client, two_waves, signed_in):
    signed_in(Role.CHANGEMAKER)
    assert client.get("/findings/waves/compare?first=1&second=2").status_code == 403


def test_the_command_line_compares_two_versions(app, two_waves):
    runner = app.test_cli_runner()
    as_json = runner.invoke(cli, ["findings", "waves", "--compare", "1", "2"])
    assert as_json.exit_code == 0, as_json.output
    colour = json.loads(as_json.output)["questions"][0]
    assert colour["rows"][2] == {
        "answer": "Purple",
        "first": None,
        "second": {"count": "<10", "percent": None},
        "change": None,
    }
    as_csv = runner.invoke(cli, ["findings", "waves", "--compare", "1", "2", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    green = rows[2]
    assert green[:2] == ["Favourite colour now?", "Green"]
    assert green[2] == disclosure.WITHHELD or abs(int(green[2]) - 20) <= disclosure.MAX_NOISE
    unknown = runner.invoke(cli, ["findings", "waves", "--compare", "1", "9"])
    assert unknown.exit_code == 1
    assert "has no version 9" in unknown.output


def test_the_summary_names_a_change_between_the_two_latest_waves(client, db_session, signed_in):
    """Red falls from 60% of 200 to 30% of 160, far beyond chance; the page says so."""
    from surveys import services

    add_responses(services.load_published(FIRST), first_answers() * 4)
    add_responses(services.load_published(SECOND), second_answers() * 4)
    signed_in(Role.BOARD)
    page = client.get("/findings/waves").get_data(as_text=True)
    summary = page.split('id="summary-heading"', 1)[1].split("</section>", 1)[0]
    said = re.search(
        r"“Red” as an answer to “Favourite colour now\?” went down from (\d+)%", summary
    )
    assert said and 55 <= int(said.group(1)) <= 65
    assert "of about 200 in version 1 to" in summary and "of about 160 in version 2." in summary
