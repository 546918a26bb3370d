"""Surveys as plain data: read, refused with every problem, and written back unchanged."""

from __future__ import annotations

import pytest

from changemakers.content.editing import ContentProblems
from surveys.definition import from_data, to_data
from tests.support.surveys import EVERY_KIND


def test_a_survey_survives_a_round_trip():
    survey = from_data(EVERY_KIND)
    assert from_data(to_data(survey)) == survey


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"questions": []}, "the survey needs questions"),
        (
            {"questions": [{"id": "a", "kind": "single_choice", "text": "?", "options": ["x"]}]},
            "needs at least two options",
        ),
        (
            {"questions": [{"id": "a", "kind": "scale", "text": "?", "min": 5, "max": 1}]},
            "needs a min below its max",
        ),
        (
            {"questions": [{"id": "a", "kind": "demographic", "text": "?", "demographic": "pets"}]},
            "demographic must be one of",
        ),
        (
            {
                "questions": [
                    {
                        "id": "a",
                        "kind": "free_text",
                        "text": "?",
                        "show_if": {"question": "b", "any_of": ["x"]},
                    }
                ]
            },
            "which is not an earlier question",
        ),
        ({"opens": "2026-12-01", "closes": "2026-11-01"}, "closes before it opens"),
        ({"closes": "soon"}, "closes must be a date"),
    ],
)
def test_every_problem_is_named(change, expected):
    with pytest.raises(ContentProblems) as refused:
        from_data({**EVERY_KIND, **change})
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems
