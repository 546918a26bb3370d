"""Findings for the board: what young people answered, counted with pandas and made safe by
disclosure control before anything leaves this module.

Plain functions over plain data (a survey's definition and its anonymous responses). Every
count, percentage and average comes out already suppressed: a hidden count is the string
``"<10"`` (for the threshold in force), a percentage or average on a base under the threshold
is ``None``. Pages, exports and the command line only ever see this.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from surveys.definition import Question, SurveyDefinition
from surveys.disclosure import one_way, suppress, two_way

TABLE_KINDS = ("single_choice", "scale", "demographic")
STOP_WORDS = frozenset(
    """a about all also am an and any are as at be because been but by can could do does
    don't for from get got had has have he her him his how i i'm if in into is it it's its
    just like me more most my no not of on one or our out people really she so some that the
    their them then there they this to too up us very was we were what when where which who
    why will with would you your young""".split()
)
_TAG = re.compile(r"\[[a-z_]+\]")
_WORD = re.compile(r"[a-z][a-z']+")


@dataclass(frozen=True)
class Response:
    """One anonymous response, as findings need it."""

    answers: Mapping[str, Any]
    channel: str
    completed: bool


def hidden(threshold: int) -> str:
    return f"<{threshold}"


def _shown(value: int, is_hidden: bool, threshold: int) -> int | str:
    return hidden(threshold) if is_hidden else int(value)


def count_shown(value: int, threshold: int) -> int | str:
    """A count standing on its own: hidden when it is under the threshold."""
    return _shown(value, 0 < value < threshold, threshold)


def _percent(value: int, base: int, is_hidden: bool, threshold: int) -> float | None:
    if is_hidden or base < threshold or base == 0:
        return None
    return round(100 * value / base, 1)


def answers_frame(
    responses: Sequence[Response], survey_questions: Sequence[Question]
) -> pd.DataFrame:
    """One row a response, one column a question (missing and skipped answers are empty)."""
    columns = [q.id for q in survey_questions]
    frame = pd.DataFrame.from_records([r.answers for r in responses], columns=columns)
    return frame.astype(object).where(frame.notna(), None)


def question_table(
    question: Question, responses: Sequence[Response], threshold: int
) -> dict[str, Any]:
    """Counts and percentages of those who answered, with the base; mean and median for
    scales and numbers when the base allows."""
    return _question_table(question, answers_frame(responses, [question])[question.id], threshold)


def _question_table(question: Question, column: pd.Series, threshold: int) -> dict[str, Any]:
    answered = column.dropna()
    base = len(answered)
    table: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "kind": question.kind,
        "base": base if base >= threshold or base == 0 else hidden(threshold),
    }
    if question.kind == "free_text":
        table["themes"] = themes([str(v) for v in answered], threshold)
        return table
    if question.kind in ("scale", "number"):
        numbers = pd.to_numeric(answered, errors="coerce").dropna()
        enough = len(numbers) >= threshold
        table["mean"] = round(float(numbers.mean()), 2) if enough else None
        table["median"] = float(numbers.median()) if enough else None
        if question.kind == "number":
            return table
    if question.kind == "multiple_choice":
        tally = answered.explode().astype(str).value_counts()
        counts = {c: int(tally.get(c, 0)) for c in question.choices}
        hide = suppress(counts, [], threshold)  # several answers each: no sums to protect
        if 0 < base < threshold:
            hide = set(counts)
    else:
        tally = answered.astype(str).value_counts()
        counts = {c: int(tally.get(c, 0)) for c in question.choices}
        hide = one_way({**counts, "__base__": base}, "__base__", threshold)
    table["rows"] = [
        {
            "answer": question.label_of(choice),
            "count": _shown(counts[choice], choice in hide, threshold),
            "percent": _percent(counts[choice], base, choice in hide, threshold),
        }
        for choice in question.choices
    ]
    return table


def crosstab(
    question: Question, by: Question, responses: Sequence[Response], threshold: int
) -> dict[str, Any]:
    """A question's answers by a demographic question's, among those who answered both."""
    frame = answers_frame(responses, [question, by])
    return _crosstab(question, by, frame[question.id], frame[by.id], threshold)


def _crosstab(
    question: Question, by: Question, answers: pd.Series, groups: pd.Series, threshold: int
) -> dict[str, Any]:
    both = answers.notna() & groups.notna()
    table = pd.crosstab(answers[both].astype(str), groups[both].astype(str))
    rows, columns = list(question.choices), list(by.choices)
    table = table.reindex(index=rows, columns=columns, fill_value=0)
    cells = {(a, g): int(table.at[a, g]) for a in rows for g in columns}
    row_totals = {a: int(table.loc[a].sum()) for a in rows}
    column_totals = {g: int(table[g].sum()) for g in columns}
    total = int(both.sum())
    hide = two_way(cells, row_totals, column_totals, total, threshold)
    return {
        "question": question.id,
        "by": by.id,
        "by_text": by.text,
        "columns": [
            {"group": g, "total": _shown(column_totals[g], ("col", g) in hide, threshold)}
            for g in columns
        ],
        "rows": [
            {
                "answer": question.label_of(a),
                "cells": [_shown(cells[a, g], (a, g) in hide, threshold) for g in columns],
                "total": _shown(row_totals[a], ("row", a) in hide, threshold),
            }
            for a in rows
        ],
        "total": _shown(total, "total" in hide, threshold),
    }


def themes(texts: Iterable[str], threshold: int, limit: int = 20) -> list[dict[str, Any]]:
    """Frequent words and two-word phrases, counted once per person, stop words and redaction
    tags left out, and any term fewer people used than the threshold dropped."""
    people: Counter[str] = Counter()
    for text in texts:
        words = [w for w in _WORD.findall(_TAG.sub(" ", text.lower())) if w not in STOP_WORDS]
        terms = {w for w in words if len(w) > 2}
        terms |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        people.update(terms)
    common = [(term, n) for term, n in people.most_common() if n >= threshold]
    return [{"term": term, "people": n} for term, n in common[:limit]]


def summary(
    survey: SurveyDefinition, responses: Sequence[Response], threshold: int
) -> dict[str, Any]:
    """Every table of a survey's findings, suppressed: the questions, each question by each
    demographic question, completion and the channels used."""
    demographics = [q for q in survey.questions if q.kind == "demographic"]
    frame = answers_frame(responses, survey.questions)
    started = len(responses)
    completed = [r for r in responses if r.completed]
    channels = Counter(r.channel for r in completed)
    channel_counts = {name: channels.get(name, 0) for name in ("web", "sms")}
    hide = one_way({**channel_counts, "__base__": len(completed)}, "__base__", threshold)
    return {
        "title": survey.title,
        "threshold": threshold,
        "responses": {
            "started": count_shown(started, threshold),
            "completed": count_shown(len(completed), threshold),
            "completion_percent": (
                round(100 * len(completed) / started, 1) if started >= threshold else None
            ),
            "channels": {
                name: _shown(count, name in hide, threshold)
                for name, count in channel_counts.items()
            },
        },
        "questions": [_question_table(q, frame[q.id], threshold) for q in survey.questions],
        "crosstabs": [
            _crosstab(q, by, frame[q.id], frame[by.id], threshold)
            for q in survey.questions
            if q.kind in TABLE_KINDS and q.kind != "demographic"
            for by in demographics
        ],
    }


def csv_rows(findings: Mapping[str, Any]) -> list[list[Any]]:
    """The question tables as rows for a spreadsheet (the same suppressed figures)."""
    rows: list[list[Any]] = [["question", "answer", "count", "percent", "base"]]
    for table in findings["questions"]:
        for row in table.get("rows", []):
            percent = "" if row["percent"] is None else row["percent"]
            rows.append([table["text"], row["answer"], row["count"], percent, table["base"]])
        for theme in table.get("themes", []):
            rows.append([table["text"], theme["term"], theme["people"], "", table["base"]])
        if table.get("mean") is not None:
            rows.append([table["text"], "mean", table["mean"], "", table["base"]])
            rows.append([table["text"], "median", table["median"], "", table["base"]])
    return rows


def headlines(findings: Mapping[str, Any], limit: int = 5) -> list[str]:
    """The top findings in plain words, from the suppressed tables only."""
    found = []
    for table in findings["questions"]:
        shown = [row for row in table.get("rows", []) if row["percent"] is not None]
        if not shown:
            continue
        top = max(shown, key=lambda row: row["percent"])
        found.append(
            f"{top['percent']:g}% of the {table['base']} who answered “{table['text']}” "
            f"said {top['answer']}."
        )
    return found[:limit]


def filter_responses(
    responses: Sequence[Response], question_id: str, answer: str
) -> list[Response]:
    """Only those who gave ``answer`` to a (demographic) question."""
    return [r for r in responses if str(r.answers.get(question_id)) == answer]
