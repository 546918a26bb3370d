"""The summary's selection rules, on made-up findings whose right answers are known."""

from __future__ import annotations

import random

import pytest

from surveys import summary
from surveys.definition import from_data
from surveys.findings import Response, compare, count_responses, publish
from surveys.findings import summary as findings_summary

SURVEY = from_data(
    {
        "title": "Made up",
        "slug": "made-up",
        "questions": [
            {
                "id": "worries",
                "kind": "multiple_choice",
                "text": "Which of these worry you? Choose all that apply.",
                "options": ["Knife crime", "Money", "Exams"],
            },
            {"id": "safe", "kind": "scale", "text": "How safe do you feel?", "min": 1, "max": 5},
            {
                "id": "when",
                "kind": "single_choice",
                "text": "When do you feel least safe?",
                "options": ["Day", "Night"],
                "show_if": {"question": "safe", "any_of": ["1", "2"]},
                "required": False,
            },
            {"id": "change", "kind": "free_text", "text": "What should change?"},
            {"id": "age", "kind": "demographic", "demographic": "age_band", "text": "Age?"},
        ],
    }
)


def table(question: str, base: int | str, rows: dict[str, int | str]) -> dict:
    """A question's table as the gate lets it out: counts shown and percentages of them."""
    question_of = SURVEY.question(question)
    assert question_of is not None
    return {
        "id": question,
        "text": question_of.text,
        "kind": question_of.kind,
        "base": base,
        "rows": [
            {
                "answer": question_of.label_of(answer),
                "count": count,
                "percent": round(100 * count / base)
                if isinstance(count, int) and isinstance(base, int)
                else None,
            }
            for answer, count in rows.items()
        ],
    }


def crosstab(question: str, total: int, groups: dict[str, int | str], rows: dict) -> dict:
    """``rows``: answer → (each group's count, everyone's count)."""
    return {
        "question": question,
        "by": "age",
        "by_text": "Age?",
        "columns": [{"group": g, "total": t} for g, t in groups.items()],
        "rows": [
            {"answer": answer, "cells": list(cells), "total": everyone}
            for answer, (cells, everyone) in rows.items()
        ],
        "total": total,
    }


def findings(*tables: dict, crosstabs: list | None = None) -> dict:
    return {"questions": list(tables), "crosstabs": crosstabs or []}


AGE_TABLE = table("age", 800, {"Under 12": 100, "12 to 13": 500, "14 to 15": 200})


def test_the_largest_share_is_said_with_its_figure_and_a_rounded_base():
    found = summary.largest_shares(
        SURVEY, findings(table("worries", 803, {"Knife crime": 385, "Money": 200, "Exams": 90}))
    )
    assert [f.sentence for f in found] == [
        "About half of those who answered “Which of these worry you?” (48% of about 800) "
        "chose “Knife crime”."
    ]


def test_a_tie_is_named_not_hidden():
    found = summary.largest_shares(
        SURVEY, findings(table("safe", 300, {"1": 40, "2": 50, "3": 93, "4": 94, "5": 23}))
    )
    [finding] = found
    assert "“3” and “4” tie as the most common answers" in finding.sentence
    assert "31% each of about 300" in finding.sentence


def test_a_demographic_is_never_a_finding():
    found = summary.choose(
        SURVEY,
        findings(AGE_TABLE, table("worries", 800, {"Knife crime": 300, "Money": 200, "Exams": 9})),
    )
    assert [f.question for f in found] == ["worries"]
    assert not any("12 to 13" in f.sentence for f in found)


def test_shares_on_a_small_or_hidden_base_are_not_chosen():
    found = summary.choose(
        SURVEY,
        findings(
            table("worries", 25, {"Knife crime": 20, "Money": "<10", "Exams": "<10"}),
            table("safe", "<10", {"1": "<10", "2": "<10", "3": "<10", "4": "<10", "5": "<10"}),
        ),
    )
    assert found == []


def test_a_question_asked_of_some_says_whom():
    [finding] = summary.largest_shares(
        SURVEY, findings(table("when", 120, {"Day": 30, "Night": 90}))
    )
    assert "asked only of those who answered “1” or “2” to “How safe do you feel?”" in (
        finding.sentence
    )
    assert "said “Night”" in finding.sentence


def test_a_real_difference_between_groups_is_found():
    """Knife crime: 60% of the 14 to 15s against 30% of the others; money alike everywhere."""
    cross = crosstab(
        "worries",
        800,
        {"Under 12": 100, "12 to 13": 500, "14 to 15": 200},
        {
            "Knife crime": ([30, 150, 120], 300),
            "Money": ([25, 125, 50], 200),
            "Exams": ([20, 100, 40], 160),
        },
    )
    found = summary.group_differences(SURVEY, findings(crosstabs=[cross]))
    assert found[0].sentence == (
        "Young people aged 14 to 15 were more likely to choose “Knife crime” to “Which of these "
        "worry you?” (60% of about 200) than the others who answered (30% of about 600)."
    )
    assert found[0].p_value is not None and found[0].p_value < 1e-6
    assert not any("Money" in f.sentence or "Exams" in f.sentence for f in found)


def test_a_difference_that_is_not_significant_is_not_chosen():
    """12 points apart, but on groups of 40 and 60: chance could well do that (p ≈ 0.24)."""
    cross = crosstab(
        "worries",
        100,
        {"14 to 15": 40, "16 to 17": 60},
        {"Knife crime": ([20, 23], 43), "Money": ([10, 15], 25), "Exams": ([10, 15], 25)},
    )
    assert summary.group_differences(SURVEY, findings(crosstabs=[cross])) == []


def test_a_small_group_is_not_compared_however_large_its_difference():
    cross = crosstab(
        "worries",
        820,
        {"Under 12": 20, "12 to 13": 800},
        {"Knife crime": ([20, 160], 180), "Money": ([0, 400], 400), "Exams": ([0, 80], 80)},
    )
    found = summary.group_differences(SURVEY, findings(crosstabs=[cross]))
    assert not any("under 12" in f.sentence for f in found)


def test_hidden_cells_are_never_read():
    cross = crosstab(
        "worries",
        800,
        {"Under 12": "<10", "12 to 13": 500, "14 to 15": 200},
        {"Knife crime": (["<10", "withheld", 120], 300)},
    )
    found = summary.group_differences(SURVEY, findings(crosstabs=[cross]))
    # 120 of 200 against (300 - 120) of (800 - 200): the shown figures only.
    assert [f.sentence.split(" were")[0] for f in found] == ["Young people aged 14 to 15"]


def test_holm_keeps_the_family_wise_error():
    assert summary.holm([0.01, 0.04, 0.03]) == [True, False, False]  # 0.03 > 0.05 / 2
    assert summary.holm([0.001, 0.02, 0.04]) == [True, True, True]
    assert summary.holm([]) == []


def test_the_p_value_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    observed = [[120, 80], [180, 420]]
    chi2, expected_p, _, _ = stats.chi2_contingency(observed, correction=False)
    assert summary.two_proportion_p(120, 200, 180, 600) == pytest.approx(expected_p)


def test_the_themes_with_most_answers_are_chosen_and_ties_named():
    free_text = {
        "id": "change",
        "text": "What should change?",
        "kind": "free_text",
        "base": 300,
        "themes": [
            {"theme": "Youth clubs", "count": 90, "percent": 36, "quotes": []},
            {"theme": "Lighting", "count": 90, "percent": 36, "quotes": []},
            {"theme": "Police", "count": "<10", "percent": None, "quotes": []},
        ],
    }
    [finding] = summary.top_themes(SURVEY, findings(free_text))
    assert finding.sentence == (
        "The most common themes in answers to “What should change?”: “Youth clubs” and "
        "“Lighting” (about 90 answers each, 36% of the answers coded)."
    )


def responses(knife_crime: int, others: int, version: int, seed: int) -> list[Response]:
    keys = random.Random(seed)
    made = [
        {"worries": ["Knife crime"] if n < knife_crime else ["Money"], "age": "14 to 15"}
        for n in range(knife_crime + others)
    ]
    return [Response(a, "web", True, keys.randrange(256), version) for a in made]


def test_a_change_between_waves_through_the_gate():
    """Wave 1: 50 of 200 worry about knife crime; wave 2: 150 of 250."""
    counted = count_responses(
        responses(50, 150, 1, seed=1) + responses(150, 100, 2, seed=2), SURVEY.questions
    )
    published = publish(SURVEY, {1: SURVEY, 2: SURVEY}, counted, 10)
    found = summary.choose(
        SURVEY, findings_summary(published), compare(published, first=1, second=2)
    )
    changes = {f.sentence.split("”")[0][1:]: f.sentence for f in found if f.kind == "change"}
    assert set(changes) == {"Knife crime", "Money"}  # every answer changed, one up, one down
    assert "went down from 7" in changes["Money"]
    change = changes["Knife crime"]
    assert change.startswith(
        "“Knife crime” as an answer to “Which of these worry you?” went up from 2"
    )
    assert "in version 1 to 6" in change and "of about 250 in version 2." in change


def test_at_most_eight_findings_and_no_more_of_a_kind_than_its_limit():
    tables = [
        table("worries", 800, {"Knife crime": 400, "Money": 300, "Exams": 100}),
        table("safe", 800, {"1": 100, "2": 100, "3": 200, "4": 300, "5": 100}),
        table("when", 200, {"Day": 50, "Night": 150}),
    ]
    crosses = [
        crosstab(
            "worries",
            800,
            {"Under 12": 100, "12 to 13": 500, "14 to 15": 200},
            {
                "Knife crime": ([90, 200, 110], 400),
                "Money": ([10, 200, 90], 300),
                "Exams": ([40, 20, 40], 100),
            },
        )
    ]
    found = summary.choose(SURVEY, findings(*tables, crosstabs=crosses))
    assert len(found) <= summary.MOST
    assert [f.kind for f in found].count("difference") == summary.LIMITS["difference"]
    assert [f.kind for f in found].count("share") == 3


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (48, "About half"),
        (33, "About a third"),
        (71, "About seven in ten"),
        (97, "Almost all"),
        (3, "Very few"),
    ],
)
def test_shares_in_words(percent, words):
    assert summary.in_words(percent) == words


@pytest.mark.parametrize(
    ("base", "said"), [(803, "about 800"), (146, "about 150"), (12_345, "about 12,300")]
)
def test_bases_are_rounded(base, said):
    assert summary.about(base) == said
