"""The database counts responses for the findings exactly as pandas counts them in memory
(SQLite here, and PostgreSQL's GROUPING SETS when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import insert

from changemakers.extensions import db
from surveys import counting
from surveys.definition import from_data
from surveys.findings import Response, summary, summary_of, tally
from surveys.models import SurveyResponse
from tests.surveys.conftest import EVERY_KIND

SURVEY = from_data(EVERY_KIND)
GENDER = {
    "id": "gender",
    "kind": "demographic",
    "demographic": "gender",
    "text": "Gender?",
}


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


def test_the_database_counts_what_pandas_counts(every_kind):
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
    responses = [Response(answers, channel, completed) for answers, channel, completed in rows]

    counted = counting.count(SURVEY.questions, counting.Among(every_kind.survey_id))
    expected = tally(responses, SURVEY.questions)
    assert counted.started == expected.started == 400
    assert counted.completed == expected.completed
    for question in SURVEY.questions:
        mine, theirs = counted.of(question), expected.of(question)
        assert (mine.base, +mine.counts, sorted(mine.texts)) == (
            theirs.base,
            +theirs.counts,
            sorted(theirs.texts),
        ), question.id
    assert {k: +v for k, v in counted.pairs.items()} == {k: +v for k, v in expected.pairs.items()}
    assert summary_of(SURVEY, counted, 10) == summary(SURVEY, responses, 10)

    group = counting.Among(every_kind.survey_id, "age", "14 to 15")
    rest = counting.Among(every_kind.survey_id, "age", "14 to 15", giving_it=False)
    in_group = [r for r in responses if r.answers.get("age") == "14 to 15"]
    outside = [r for r in responses if r.answers.get("age") != "14 to 15"]
    assert summary_of(
        SURVEY, counting.count(SURVEY.questions, group), 10, counting.count(SURVEY.questions, rest)
    ) == summary(SURVEY, in_group, 10, rest=outside)
