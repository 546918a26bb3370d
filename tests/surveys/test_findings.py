"""Findings: responses counted, through the gate, into the tables the board reads."""

from __future__ import annotations

import json
import random

import pytest

from changemakers import disclosure
from changemakers.cli import cli
from surveys import findings
from surveys.definition import PREFER_NOT_TO_SAY, from_data
from surveys.findings import Response, count_responses, publish, summary
from tests.support.surveys import EVERY_KIND, released_responses

SURVEY = from_data(EVERY_KIND)
COLOUR, WORRIES, SAFE, WHEN, HOURS, CHANGE, AGE = SURVEY.questions
AGES = AGE.choices


def made(*answer_sets: dict, completed: bool = True, seed: int = 1) -> list[Response]:
    keys = random.Random(seed)
    return [Response(a, "web", completed, keys.randrange(256)) for a in answer_sets]


def published(responses: list[Response], threshold: int = 10) -> findings.Published:
    return publish(SURVEY, {1: SURVEY}, count_responses(responses, SURVEY.questions), threshold)


def colours(red: int, green: int, blue: int, age: str = "14 to 15") -> list[dict]:
    return (
        [{"colour": "Red", "age": age}] * red
        + [{"colour": "Green", "age": age}] * green
        + [{"colour": "Blue sky", "age": age}] * blue
    )


def rows(table: dict) -> list:
    return [row["count"] for row in table["rows"]]


def test_counts_are_within_the_noise_and_percentages_from_the_shown_counts():
    found = summary(published(made(*colours(40, 60, 100))))
    colour = found["questions"][0]
    for shown, true in zip(rows(colour), (40, 60, 100), strict=True):
        assert abs(shown - true) <= disclosure.MAX_NOISE
    assert abs(colour["base"] - 200) <= disclosure.MAX_NOISE
    for row in colour["rows"]:
        assert row["percent"] == round(100 * row["count"] / colour["base"])
    assert found["note"] == "Figures are rounded and slightly adjusted to protect young people."


def test_a_small_count_is_hidden_and_another_withheld_to_protect_it():
    colour = summary(published(made(*colours(4, 30, 40))))["questions"][0]
    assert rows(colour)[0] == "<10" and colour["rows"][0]["percent"] is None
    assert disclosure.WITHHELD in rows(colour)
    assert abs(colour["base"] - 74) <= disclosure.MAX_NOISE


def test_a_zero_looks_like_any_small_count():
    colour = summary(published(made(*colours(0, 30, 40))))["questions"][0]
    assert rows(colour)[0] == "<10"


def test_a_base_under_the_threshold_shows_nothing():
    found = summary(published(made(*colours(3, 2, 0))))
    colour = found["questions"][0]
    assert colour["base"] == "<10" and set(rows(colour)) == {"<10"}
    assert found["responses"]["started"] == "<10"


def test_the_same_cell_shows_the_same_figure_for_everyone_in_a_group_and_in_a_breakdown():
    answers = colours(20, 30, 40, "14 to 15") + colours(25, 35, 45, "16 to 17")
    protected = published(made(*answers))
    everyone, group = summary(protected), summary(protected, ("age", "14 to 15"))
    by_age = next(c for c in everyone["crosstabs"] if c["question"] == "colour")
    column = AGES.index("14 to 15")
    assert [r["cells"][column] for r in by_age["rows"]] == rows(group["questions"][0])
    assert by_age["columns"][column]["total"] == group["questions"][0]["base"]
    assert summary(protected) == everyone  # asking again changes nothing


def test_a_group_under_the_threshold_cannot_be_opened():
    protected = published(made(*colours(20, 30, 40, "14 to 15"), *colours(2, 3, 0, "16 to 17")))
    assert findings.openable(protected, "age", "14 to 15")
    assert not findings.openable(protected, "age", "16 to 17")
    listed = summary(protected)["groups"][0]["answers"]
    assert {"answer": "16 to 17", "openable": False} in listed


def test_a_scale_mean_and_median_come_from_the_perturbed_counts():
    answers = [{"safe": 2}] * 30 + [{"safe": 4}] * 30 + [{"safe": 5}] * 4
    table = summary(published(made(*answers)))["questions"][2]
    assert abs(table["mean"] - (2 * 30 + 4 * 30 + 5 * 4) / 64) < 0.3
    assert table["median"] in (2.0, 3.0, 4.0)
    few = summary(published(made(*answers[:9])))["questions"][2]
    assert few["mean"] is None and few["median"] is None


def test_multiple_choice_counts_each_option_chosen():
    answers = [{"worries": ["Knife crime", "Exams"]}] * 30 + [{"worries": ["Money"]}] * 20
    table = summary(published(made(*answers)))["questions"][1]
    shown = dict(zip([r["answer"] for r in table["rows"]], rows(table), strict=True))
    assert abs(shown["Knife crime"] - 30) <= 3 and abs(shown["Money"] - 20) <= 3
    assert shown["Online safety"] == "<10"


@pytest.mark.parametrize("threshold", [5, 10])
def test_no_number_under_the_threshold_is_ever_shown(threshold):
    chooser = random.Random(threshold)
    answers = [
        {"colour": chooser.choice(COLOUR.choices), "age": chooser.choice(AGES)} for _ in range(150)
    ]
    found = json.loads(json.dumps(summary(published(made(*answers), threshold))))
    counts = [r["count"] for t in found["questions"] for r in t.get("rows", [])]
    counts += [c for x in found["crosstabs"] for r in x["rows"] for c in r["cells"]]
    assert {c for c in counts if isinstance(c, str)} <= {f"<{threshold}", "withheld"}
    assert all(c >= threshold for c in counts if isinstance(c, int))


def test_the_export_holds_the_breakdowns_and_means_in_their_own_columns():
    answers = [{**a, "safe": 3} for a in colours(20, 30, 40)]
    table = findings.csv_rows(summary(published(made(*answers))))
    assert table[0] == findings.EXPORT_HEADER
    assert any(row[1] == "by How old?" and row[2] == "14 to 15" for row in table)
    mean_row = next(r for r in table if r[0] == "How safe do you feel?" and r[3] == "all answers")
    assert mean_row[4] == "" and isinstance(mean_row[7], float)


def test_the_command_line_prints_hidden_counts_as_text(app, db_session, send_sms):
    from surveys import services

    services.load_published(EVERY_KIND)
    for n in range(3):
        for text in ("KINDS", "1", "1, 3", "four", "3", "SKIP", "Prefer not to say"):
            send_sms(text, from_=f"+4477009001{n:02d}")
    released_responses()
    result = app.test_cli_runner().invoke(cli, ["findings", "every-kind"])
    assert result.exit_code == 0, result.output
    colour = json.loads(result.output)["questions"][0]
    assert colour["base"] == "<10"
    assert colour["rows"][0] == {"answer": "Red", "count": "<10", "percent": None}
    as_csv = app.test_cli_runner().invoke(cli, ["findings", "every-kind", "--format", "csv"])
    assert "Favourite colour?,everyone,,Red,<10,,<10,," in as_csv.output.splitlines()
    group = app.test_cli_runner().invoke(cli, ["findings", "every-kind", "--group", "age:16 to 17"])
    assert group.exit_code == 1 and "cannot be shown" in group.output
    wrong = app.test_cli_runner().invoke(cli, ["findings", "every-kind", "--group", "colour:Red"])
    assert wrong.exit_code == 1 and "is not a group" in wrong.output


def test_findings_of_an_unknown_survey_say_so(app, db_session):
    result = app.test_cli_runner().invoke(cli, ["findings", "nothing"])
    assert result.exit_code == 1
    assert "no survey is live at /s/nothing" in result.output


def test_answers_with_no_order_of_their_own_are_shown_largest_first():
    assert findings.has_ordered_answers(SAFE) and findings.has_ordered_answers(AGE)
    assert not findings.has_ordered_answers(COLOUR) and not findings.has_ordered_answers(WORRIES)
    gender = from_data(
        {
            **EVERY_KIND,
            "questions": [
                {"id": "g", "kind": "demographic", "demographic": "gender", "text": "Gender?"}
            ],
        }
    ).questions[0]
    assert not findings.has_ordered_answers(gender)
    rows = [
        {"answer": "Red", "count": 12},
        {"answer": "Green", "count": "<10"},
        {"answer": "Blue", "count": 40},
        {"answer": "Grey", "count": "withheld"},
        {"answer": "Pink", "count": 12},
        {"answer": PREFER_NOT_TO_SAY, "count": 90},
    ]
    order = [row["answer"] for row in findings.largest_first(rows)]
    # Hidden counts follow the shown ones in the question's order, whatever their size.
    assert order == ["Blue", "Red", "Pink", "Green", "Grey", PREFER_NOT_TO_SAY]


def test_the_page_orders_choices_by_size_and_keeps_scales_and_age_bands_in_order():
    responses = made(
        *[{"colour": "Blue sky", "safe": 5, "age": "16 to 17"}] * 30,
        *[{"colour": "Green", "safe": 1, "age": "12 to 13"}] * 20,
        *[{"colour": "Red", "safe": 3, "age": "14 to 15"}] * 12,
    )
    found = summary(published(responses))
    shown = {t["id"]: t for t in findings.in_reading_order(found, SURVEY)["questions"]}
    assert [r["answer"] for r in shown["colour"]["rows"]] == ["Blue sky", "Green", "Red"]
    assert [r["answer"] for r in shown["safe"]["rows"]] == [SAFE.label_of(c) for c in SAFE.choices]
    assert [r["answer"] for r in shown["age"]["rows"]] == list(AGES)
    by_age = findings.in_reading_order(found, SURVEY)["crosstabs"]
    assert [r["answer"] for r in by_age[0]["rows"]] == ["Blue sky", "Green", "Red"]
    # The findings themselves (the exports read them) keep the question's order.
    kept = {t["id"]: t for t in found["questions"]}
    assert [r["answer"] for r in kept["colour"]["rows"]] == ["Red", "Green", "Blue sky"]
    assert [r["answer"] for r in found["crosstabs"][0]["rows"]] == ["Red", "Green", "Blue sky"]
