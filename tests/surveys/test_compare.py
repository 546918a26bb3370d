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

from changemakers.accounts.models import Role
from changemakers.cli import cli
from changemakers.extensions import db
from surveys.definition import from_data
from surveys.findings import Response, Wave, compare, comparison_csv_rows, summary
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


def responses(*answer_sets: dict) -> list[Response]:
    return [Response(answers, "web", True) for answers in answer_sets]


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


def waves(first: list[dict], second: list[dict]) -> tuple[Wave, Wave]:
    return (
        Wave("Version 1", from_data(FIRST), responses(*first)),
        Wave("Version 2", from_data(SECOND), responses(*second)),
    )


def test_answers_line_up_and_a_changed_option_is_not_asked_never_zero():
    found = compare(*waves(first_answers(), second_answers()), 10)
    colour = found["questions"][0]
    assert (colour["text"], colour["earlier_text"]) == (
        "Favourite colour now?",
        "Favourite colour?",
    )
    assert (colour["first"]["base"], colour["second"]["base"]) == (50, 40)
    assert colour["rows"] == [
        # Purple (3) is hidden, and Red (12) with it so that it cannot be worked out
        {
            "answer": "Red",
            "first": {"count": 30, "percent": 60.0},
            "second": {"count": "<10", "percent": None},
            "change": None,
        },
        {
            "answer": "Green",
            "first": {"count": 20, "percent": 40.0},
            "second": {"count": 25, "percent": 62.5},
            "change": 22.5,
        },
        {
            "answer": "Purple",
            "first": None,
            "second": {"count": "<10", "percent": None},
            "change": None,
        },
        {
            "answer": "Blue sky",
            "first": {"count": 0, "percent": 0.0},
            "second": None,
            "change": None,
        },
    ]


def test_each_wave_is_suppressed_exactly_as_its_own_findings_are():
    first, second = waves(first_answers(), second_answers())
    found = compare(first, second, 10)
    for side, wave in (("first", first), ("second", second)):
        own = summary(wave.definition, wave.responses, 10)["questions"][0]["rows"]
        shown = [row[side] for row in found["questions"][0]["rows"] if row[side] is not None]
        assert shown == [{"count": r["count"], "percent": r["percent"]} for r in own]


def test_scale_averages_change_only_where_both_bases_allow():
    found = compare(*waves(first_answers(), second_answers()), 10)
    safe = found["questions"][1]
    assert (safe["first"]["mean"], safe["second"]["mean"], safe["mean_change"]) == (3.0, 4.5, 1.5)
    few = second_answers()[:9] + [{"colour": "Green"}] * 31  # only 9 answered the scale
    safe = compare(*waves(first_answers(), few), 10)["questions"][1]
    assert (safe["second"]["base"], safe["second"]["mean"], safe["mean_change"]) == (
        "<10",
        None,
        None,
    )
    assert {row["second"]["count"] for row in safe["rows"]} <= {"<10", 0}
    assert all(row["change"] is None for row in safe["rows"])


def test_averages_of_a_scale_whose_points_changed_are_not_compared():
    wider = {**SECOND, "questions": [{**SECOND["questions"][1], "max": 7}]}
    first = Wave("Version 1", from_data(FIRST), responses(*first_answers()))
    second = Wave("Version 2", from_data(wider), responses(*second_answers()))
    safe = compare(first, second, 10)["questions"][0]
    assert (safe["first"]["mean"], safe["second"]["mean"], safe["mean_change"]) == (3.0, 4.5, None)
    assert [row["answer"] for row in safe["rows"] if row["first"] is None] == ["6", "7"]


def test_questions_in_one_wave_only_are_listed_not_compared():
    found = compare(*waves(first_answers(), second_answers()), 10)
    assert [q["id"] for q in found["questions"]] == ["colour", "safe"]
    assert found["only_first"] == [{"id": "old", "text": "Asked once?"}]
    assert found["only_second"] == [{"id": "new", "text": "Anything else?"}]
    assert found["asked_differently"] == [{"id": "hours", "text": "Hours online a day?"}]


def test_a_small_wave_shows_nothing_under_the_threshold():
    found = compare(*waves(first_answers(), second_answers()[:6]), 10)
    assert [wave["responses"] for wave in found["waves"]] == [50, "<10"]
    colour = found["questions"][0]
    assert colour["second"]["base"] == "<10"
    assert [row["change"] for row in colour["rows"]] == [None, None, None, None]
    text = json.dumps(found)
    numbers = [int(n) for n in re.findall(r'"(?:count|base|responses)": (\d+)', text)]
    assert all(n == 0 or n >= 10 for n in numbers)


def test_the_spreadsheet_says_not_asked_and_leaves_unknown_changes_empty():
    rows = comparison_csv_rows(compare(*waves(first_answers(), second_answers()), 10))
    assert rows[0] == [
        "question",
        "answer",
        "Version 1 count",
        "Version 1 percent",
        "Version 2 count",
        "Version 2 percent",
        "change (points)",
    ]
    assert rows[1:5] == [
        ["Favourite colour now?", "Red", 30, 60.0, "<10", "", ""],
        ["Favourite colour now?", "Green", 20, 40.0, 25, 62.5, 22.5],
        ["Favourite colour now?", "Purple", "not asked", "", "<10", "", ""],
        ["Favourite colour now?", "Blue sky", 0, 0.0, "not asked", "", ""],
    ]
    assert ["How safe do you feel?", "mean", 3.0, "", 4.5, "", 1.5] in rows


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
    assert "<td>+22.5</td>" in page  # Green: 40.0% then 62.5%
    assert '<td colspan="2">—<span class="visually-hidden"> not asked</span></td>' in page
    assert "Asked only in version 1" in page and "Asked once?" in page
    assert "Asked in a different way in each version" in page
    assert "a change of +1.5" in page
    assert page.count('<svg class="chart" role="img"') == 2
    assert "<td>3</td>" not in page and "<td>12</td>" not in page  # Purple, and Red with it
    assert all(n == 0 or n >= 10 for n in numbers_in_cells(page))


def test_with_no_versions_chosen_the_latest_two_are_compared(client, two_waves, signed_in):
    signed_in(Role.REVIEWER)
    page = client.get("/findings/waves/compare").get_data(as_text=True)
    assert "<td>+22.5</td>" in page
    assert '<option value="2" selected>' in page


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
    assert rows[2] == ["Favourite colour now?", "Green", "20", "40.0", "25", "62.5", "22.5"]
    unknown = runner.invoke(cli, ["findings", "waves", "--compare", "1", "9"])
    assert unknown.exit_code == 1
    assert "has no version 9" in unknown.output


def test_a_wave_never_gives_away_a_small_count_of_the_other_through_the_survey_page():
    """The survey's page counts both versions together: Green 25. Version 1 alone shows Green
    20, so version 2's Green must not be 5 for anyone to work out."""
    first = [{"colour": "Red"}] * 30 + [{"colour": "Green"}] * 20
    second = [{"colour": "Red"}] * 25 + [{"colour": "Green"}] * 5
    on_its_own = compare(*waves(first, second), 10)
    colour = on_its_own["questions"][0]
    assert colour["rows"][1]["first"]["count"] == 20  # suppressed wave by wave only: 25 - 20

    definition_1, definition_2 = from_data(FIRST), from_data(SECOND)
    with_the_rest = compare(
        Wave("Version 1", definition_1, responses(*first), responses(*second)),
        Wave("Version 2", definition_2, responses(*second), responses(*first)),
        10,
    )
    colour = with_the_rest["questions"][0]
    assert colour["rows"][1]["answer"] == "Green"
    assert colour["rows"][1]["first"]["count"] == "<10"
    assert colour["rows"][1]["second"]["count"] == "<10"
    assert colour["rows"][1]["change"] is None
