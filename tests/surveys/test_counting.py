"""The database counts responses for the findings, with the sums of their record keys, exactly
as they are counted in memory (SQLite here, and PostgreSQL's GROUPING SETS when
TEST_DATABASE_URL is set)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import insert, select

from changemakers.extensions import db
from surveys import counting
from surveys.definition import from_data
from surveys.findings import STATUS, Response, count_responses, publish, summary
from surveys.models import SurveyResponse
from tests.support.surveys import EVERY_KIND

SURVEY = from_data(EVERY_KIND)


def random_answers(chooser: random.Random) -> dict:
    answers: dict = {}
    for question in SURVEY.questions:
        roll = chooser.random()
        if roll < 0.1:
            continue  # not asked (show-if)
        if roll < 0.15:
            answers[question.id] = None  # skipped
        elif question.kind == "multiple_choice":
            answers[question.id] = chooser.sample(question.choices, chooser.randint(0, 3))
        elif question.kind == "scale":
            answers[question.id] = chooser.randint(question.minimum, question.maximum)
        elif question.kind == "number":
            answers[question.id] = chooser.choice([0, 1.5, 3, 24, 2.25])
        elif question.kind == "free_text":
            answers[question.id] = chooser.choice(["more clubs", "safer [phone] streets", "🙂"])
        else:
            answers[question.id] = chooser.choice([*question.choices, "an old option"])
    return answers


def test_the_database_counts_what_is_counted_in_memory(every_kind):
    chooser = random.Random(7)
    rows = [
        (random_answers(chooser), chooser.choice(["web", "sms"]), chooser.random() < 0.8)
        for _ in range(400)
    ]
    db.session.execute(
        insert(SurveyResponse),
        [
            {
                "survey_id": every_kind.survey_id,
                "version_id": every_kind.id,
                "channel": channel,
                "answers": answers,
                "started_on": date(2026, 3, 2),
                "completed_on": date(2026, 3, 2) if completed else None,
            }
            for answers, channel, completed in rows
        ],
    )
    db.session.flush()
    stored = db.session.execute(
        select(
            SurveyResponse.answers,
            SurveyResponse.channel,
            SurveyResponse.completed_on,
            SurveyResponse.record_key,
        ).where(SurveyResponse.survey_id == every_kind.survey_id)
    ).all()
    assert len({row.record_key for row in stored}) > 100  # drawn for each response as it is made
    responses = [
        Response(r.answers, str(r.channel), r.completed_on is not None, r.record_key, 1)
        for r in stored
    ]
    counted = counting.count(every_kind.survey_id, SURVEY.questions, {every_kind.id: 1})
    expected = count_responses(responses, SURVEY.questions)
    assert counted.cells.keys() == expected.cells.keys()
    for question, cells in expected.cells.items():
        assert {k: v for k, v in counted.of(question).items() if v.people} == {
            k: v for k, v in cells.items() if v.people
        }, question
    assert counted.of(STATUS)[None, None, None].people == 400
    versions = {1: SURVEY}
    assert summary(publish(SURVEY, versions, counted, 10)) == summary(
        publish(SURVEY, versions, expected, 10)
    )
