"""Parsing answers, as plain functions: tolerant of how people text, strict on the web."""

from __future__ import annotations

import pytest

from surveys.answers import (
    is_shown,
    may_be_shown,
    next_question,
    parse_sms,
    parse_web,
    position,
    sms_prompt,
)
from surveys.definition import PREFER_NOT_TO_SAY, from_data
from tests.support.surveys import EVERY_KIND

SURVEY = from_data(EVERY_KIND)
COLOUR, WORRIES, SAFE, WHEN, HOURS, CHANGE, AGE = SURVEY.questions


@pytest.mark.parametrize(
    "text", ["2", " 2. ", "two", "TWO!", "b", "B)", "green", "Green", "2 please"]
)
def test_a_single_choice_by_number_word_letter_or_name(text):
    assert parse_sms(COLOUR, text).value == "Green"


def test_a_distinctive_word_of_an_option_chooses_it():
    assert parse_sms(COLOUR, "sky").value == "Blue sky"


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("1 3", ["Knife crime", "Exams"]),
        ("1,3", ["Knife crime", "Exams"]),
        ("3, 1", ["Knife crime", "Exams"]),
        ("1 and 3 and 3", ["Knife crime", "Exams"]),
        ("exams money", ["Exams", "Money"]),
        ("knife crime", ["Knife crime"]),
        ("a d", ["Knife crime", "Money"]),
    ],
)
def test_several_answers_for_multiple_choice(text, chosen):
    assert parse_sms(WORRIES, text).value == chosen


@pytest.mark.parametrize("text", ["7", "0", "purple", "", "   ", "🙂", "x" * 1000])
def test_an_answer_that_fits_no_option_gets_a_hint(text):
    parsed = parse_sms(COLOUR, text)
    assert not parsed.ok
    assert "Reply with a number from 1 to 3." in parsed.error


def test_a_scale_takes_its_points_only():
    assert parse_sms(SAFE, "4").value == 4
    assert parse_sms(SAFE, "four").value == 4
    assert not parse_sms(SAFE, "6").ok


def test_numbers_in_range():
    assert parse_sms(HOURS, "3 hours").value == 3
    assert "from 0 to 24" in parse_sms(HOURS, "25").error
    assert parse_web(HOURS, ["99"]).error == "Please answer with a number from 0 to 24."


def test_skip_only_for_optional_questions():
    assert parse_sms(CHANGE, "SKIP").skipped
    assert "needs an answer" in parse_sms(COLOUR, "skip").error
    assert parse_web(CHANGE, [""]).skipped
    assert parse_web(COLOUR, []).error == "Select an answer"


def test_free_text_is_kept_to_its_limit_by_sms_and_refused_over_it_on_the_web():
    assert len(parse_sms(CHANGE, "a" * 10_000).value) == 200
    assert parse_web(CHANGE, ["a" * 10_000]).error == "Your answer must be 200 characters or fewer"


def test_the_web_refuses_an_option_that_was_never_offered():
    assert parse_web(COLOUR, ["Purple"]).error == "Choose from the options given"
    assert parse_web(WORRIES, ["Exams", "Money"]).value == ["Exams", "Money"]


def test_demographics_offer_prefer_not_to_say():
    assert AGE.choices[-1] == PREFER_NOT_TO_SAY
    assert parse_sms(AGE, str(len(AGE.choices))).value == PREFER_NOT_TO_SAY


def test_show_if_follows_earlier_answers():
    assert not is_shown(WHEN, {"safe": 4})
    assert is_shown(WHEN, {"safe": 2})
    assert next_question(SURVEY, {"safe": 4}, after="safe") is HOURS
    assert next_question(SURVEY, {"safe": 1}, after="safe") is WHEN


def test_the_count_of_questions_never_grows_as_someone_answers():
    """WHEN follows SAFE only for those who feel unsafe: it counts until SAFE rules it out."""
    assert position(SURVEY, "colour", {}) == (1, 7)
    answers = {"colour": "Red", "worries": ["Money"]}
    assert position(SURVEY, "safe", answers) == (3, 7)
    assert position(SURVEY, "when", {**answers, "safe": 2}) == (4, 7)
    assert position(SURVEY, "hours", {**answers, "safe": 2, "when": None}) == (5, 7)
    assert position(SURVEY, "hours", {**answers, "safe": 4}) == (4, 6)
    assert position(SURVEY, "age", {**answers, "safe": 4, "hours": 3, "change": None}) == (6, 6)


def test_a_follow_up_to_a_follow_up_counts_until_either_rules_it_out():
    chained = from_data(
        {
            **EVERY_KIND,
            "questions": [
                *EVERY_KIND["questions"][:4],
                {
                    "id": "where",
                    "kind": "free_text",
                    "text": "Where?",
                    "show_if": {"question": "when", "any_of": ["Night"]},
                },
            ],
        }
    )
    where = chained.question("where")
    assert where is not None
    assert may_be_shown(chained, where, {})
    assert may_be_shown(chained, where, {"safe": 1})
    assert not may_be_shown(chained, where, {"safe": 5})  # WHEN is not asked, so nor is WHERE
    assert not may_be_shown(chained, where, {"safe": 1, "when": "Day"})
    assert may_be_shown(chained, where, {"safe": 1, "when": "Night"})
    assert position(chained, "safe", {"colour": "Red", "worries": []}) == (3, 5)
    assert position(chained, "safe", {"colour": "Red", "worries": [], "safe": 5}) == (3, 3)


def test_a_question_as_one_text():
    prompt = sms_prompt(COLOUR, 1, 7)
    assert prompt.splitlines() == [
        "Q1/7: Favourite colour?",
        "1 Red",
        "2 Green",
        "3 Blue sky",
        "Reply with a number from 1 to 3.",
    ]
    assert sms_prompt(CHANGE, 6, 7).endswith("Or SKIP.")
