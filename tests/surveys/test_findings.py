"""Findings: hand-worked tables, suppressed before they leave the module."""

from __future__ import annotations

import json

import pytest

from changemakers.cli import cli
from surveys.definition import from_data
from surveys.findings import Response, crosstab, question_table, summary, themes
from tests.surveys.conftest import EVERY_KIND, released_responses

SURVEY = from_data(EVERY_KIND)
COLOUR, WORRIES, SAFE, WHEN, HOURS, CHANGE, AGE = SURVEY.questions


def responses(*answer_sets: dict, channel: str = "web", completed: bool = True) -> list[Response]:
    return [Response(answers, channel, completed) for answers in answer_sets]


def colours(red: int, green: int, blue: int) -> list[Response]:
    return responses(
        *(
            [{"colour": "Red"}] * red
            + [{"colour": "Green"}] * green
            + [{"colour": "Blue sky"}] * blue
        )
    )


def test_counts_and_percentages_of_those_who_answered():
    table = question_table(COLOUR, colours(10, 20, 30) + responses({"colour": None}), 10)
    assert table["base"] == 60
    assert table["rows"] == [
        {"answer": "Red", "count": 10, "percent": 16.7},
        {"answer": "Green", "count": 20, "percent": 33.3},
        {"answer": "Blue sky", "count": 30, "percent": 50.0},
    ]


def test_a_small_count_and_the_next_smallest_are_hidden():
    table = question_table(COLOUR, colours(4, 14, 12), 10)
    assert table["base"] == 30
    assert table["rows"] == [
        {"answer": "Red", "count": "<10", "percent": None},
        {"answer": "Green", "count": 14, "percent": 46.7},
        {"answer": "Blue sky", "count": "<10", "percent": None},
    ]


def test_a_base_under_the_threshold_shows_nothing():
    table = question_table(COLOUR, colours(3, 0, 0), 10)
    assert table["base"] == "<10"
    assert {row["count"] for row in table["rows"]} == {"<10"}
    assert {row["percent"] for row in table["rows"]} == {None}


def test_the_threshold_in_force_is_the_one_shown():
    table = question_table(COLOUR, colours(4, 14, 12), 5)
    assert table["rows"][0]["count"] == "<5"


def test_multiple_choice_counts_each_option_chosen():
    answers = [{"worries": ["Exams", "Money"]}] * 12 + [{"worries": ["Exams"]}] * 3
    table = question_table(WORRIES, responses(*answers), 10)
    assert table["base"] == 15
    counts = {row["answer"]: row["count"] for row in table["rows"]}
    assert counts == {"Knife crime": 0, "Online safety": 0, "Exams": 15, "Money": 12}
    assert table["rows"][3]["percent"] == 80.0


def test_a_scale_has_its_distribution_mean_and_median():
    answers = [{"safe": 1}] * 10 + [{"safe": 4}] * 10 + [{"safe": 5}] * 20
    table = question_table(SAFE, responses(*answers), 10)
    assert [row["answer"] for row in table["rows"]][0] == "1: Very unsafe"
    assert (table["mean"], table["median"]) == (3.75, 4.5)
    few = question_table(SAFE, responses(*answers[:9]), 10)
    assert (few["mean"], few["median"]) == (None, None)


def test_a_question_nobody_answered():
    table = question_table(HOURS, responses({"colour": "Red"}), 10)
    assert (table["base"], table["mean"], table["median"]) == (0, None, None)


def test_free_text_themes_drop_rare_terms_stop_words_and_tags():
    texts = ["More youth clubs please [phone]"] * 12 + ["youth clubs"] * 3 + ["🙂🙂"] * 5
    found = {t["term"]: t["people"] for t in themes(texts, 10)}
    assert found == {"youth": 15, "clubs": 15, "youth clubs": 15, "please": 12, "clubs please": 12}
    assert themes(["🙂"] * 50, 10) == []


def test_a_crosstab_by_a_demographic_question_is_suppressed_as_a_whole():
    answers = (
        [{"colour": "Red", "age": "12 to 13"}] * 20
        + [{"colour": "Green", "age": "12 to 13"}] * 3
        + [{"colour": "Green", "age": "14 to 15"}] * 25
    )
    table = crosstab(COLOUR, AGE, responses(*answers), 10)
    rows = {row["answer"]: row for row in table["rows"]}
    ages = [column["group"] for column in table["columns"]]
    green = dict(zip(ages, rows["Green"]["cells"], strict=True))
    assert green["12 to 13"] == "<10"
    assert table["total"] == 48
    shown_numbers = [c for row in table["rows"] for c in row["cells"] if isinstance(c, int)]
    assert all(n == 0 or n >= 10 for n in shown_numbers)


def test_the_summary_has_completion_and_channels():
    done = responses(*[{"colour": "Red"}] * 20) + responses(*[{}] * 12, channel="sms")
    partial = responses(*[{}] * 8, channel="sms", completed=False)
    found = summary(SURVEY, done + partial, 10)
    assert found["responses"] == {
        "started": 40,
        "completed": 32,
        "completion_percent": 80.0,
        "channels": {"web": 20, "sms": 12},
    }
    assert len(found["crosstabs"]) == 3  # colour, safe and when, each by age


def test_the_command_line_prints_hidden_counts_as_text(app, db_session, send_sms, monkeypatch):
    from surveys import services

    services.load_published(EVERY_KIND)
    for n in range(3):
        for text in ("KINDS", "1", "1, 3", "four", "3", "SKIP", "Prefer not to say"):
            send_sms(text, from_=f"+4477009001{n:02d}")
    released_responses()
    result = app.test_cli_runner().invoke(cli, ["findings", "every-kind"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    colour = data["questions"][0]
    assert colour["base"] == "<10"
    assert colour["rows"][0] == {"answer": "Red", "count": "<10", "percent": None}
    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", 2)
    as_csv = app.test_cli_runner().invoke(cli, ["findings", "every-kind", "--format", "csv"])
    assert as_csv.output.splitlines()[:2] == [
        "question,answer,count,percent,base",
        "Favourite colour?,Red,3,100.0,3",
    ]


def test_findings_of_an_unknown_survey_say_so(app, db_session):
    result = app.test_cli_runner().invoke(cli, ["findings", "nothing"])
    assert result.exit_code == 1
    assert "no survey is live at /s/nothing" in result.output


@pytest.mark.parametrize("threshold", [1, 10])
def test_no_number_under_the_threshold_is_ever_shown(threshold):
    found = summary(SURVEY, colours(4, 14, 12), threshold)
    text = json.dumps(found)
    for table in found["questions"]:
        for row in table.get("rows", []):
            assert row["count"] == f"<{threshold}" or row["count"] == 0 or row["count"] >= threshold
    assert "<" not in text or threshold > 1


def test_a_group_view_hides_what_would_give_away_the_few_outside_it():
    def people(red: int, green: int, age: str) -> list[Response]:
        return responses(
            *([{"colour": "Red", "age": age}] * red + [{"colour": "Green", "age": age}] * green)
        )

    group, rest = people(20, 15, "14 to 15"), people(30, 5, "16 to 17")
    everyone = summary(SURVEY, group + rest, 10)
    assert [row["count"] for row in everyone["questions"][0]["rows"]] == [50, 20, 0]

    alone = summary(SURVEY, group, 10)  # suppressed on its own, Green 15 would show...
    assert [row["count"] for row in alone["questions"][0]["rows"]] == [20, 15, 0]
    within = summary(SURVEY, group, 10, rest=rest)  # ...and 20 - 15 = 5 outside the group
    rows = within["questions"][0]["rows"]
    assert rows[1]["count"] == "<10" and rows[1]["percent"] is None
    assert within["crosstabs"] == [] and within["within_group"]
    assert within["responses"]["completed"] == 35


def test_a_group_view_with_few_people_outside_it_shows_no_figures():
    group = responses(*[{"colour": "Red", "age": "14 to 15"}] * 40)
    rest = responses({"colour": "Red", "age": "16 to 17"}, {"colour": "Green", "age": "16 to 17"})
    within = summary(SURVEY, group, 10, rest=rest)
    assert within["responses"]["started"] == "<10" and within["responses"]["completed"] == "<10"
    table = within["questions"][0]
    assert table["base"] == "<10" and {row["count"] for row in table["rows"]} == {"<10"}
