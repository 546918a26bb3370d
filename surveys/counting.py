"""The database counts a survey's responses for its findings (``findings.Tallies``), so a
survey of 100,000 responses is not fetched row by row: one pass over the answers with
``json_each``, grouped by each answer and by each demographic answer beside it (GROUPING SETS on
PostgreSQL, a query per grouping on SQLite). Only free-text answers come back as they are, for
their themes. ``findings.tally`` counts the same from responses in memory; the tests hold the
two to the same figures.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from changemakers.extensions import db
from surveys.definition import Question
from surveys.findings import Tallies, Tally, crosstabbed


@dataclass(frozen=True)
class Among:
    """Which responses to count: a survey's, and optionally only those who gave (or did not
    give) one answer to a question, such as an age band."""

    survey_id: int
    question: str | None = None
    answer: str | None = None
    giving_it: bool = True

    def where(self, dialect: str) -> tuple[str, dict[str, Any]]:
        clauses = ["r.survey_id = :survey_id", "NOT r.is_test"]  # the simulator's are tests
        values: dict[str, Any] = {"survey_id": self.survey_id}
        if self.question is not None:
            given = _answer_of(dialect, "r.answers", ":among_question")
            compare = "=" if self.giving_it else _not_equal(dialect)
            clauses.append(f"{given} {compare} :among_answer")
            values.update(among_question=self.question, among_answer=self.answer)
        return " AND ".join(clauses), values


def _answer_of(dialect: str, document: str, key: str) -> str:
    """A top-level answer as text (SQL)."""
    if dialect == "postgresql":
        return f"({document} ->> {key})"
    return f"json_extract({document}, '$.\"' || {key} || '\"')"


def _not_equal(dialect: str) -> str:
    """Differs, a missing answer included."""
    return "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"


def count(questions: Sequence[Question], among: Among) -> Tallies:
    """The responses ``among`` selects, counted for ``questions``."""
    dialect = db.session.get_bind().dialect.name
    where, values = among.where(dialect)
    counted = Tallies()
    for channel, completed, people in db.session.execute(
        text(
            f"SELECT r.channel, r.completed_on IS NOT NULL, count(*) "
            f"FROM survey_responses r WHERE {where} GROUP BY 1, 2"
        ),
        values,
    ):
        counted.started += people
        if completed:
            counted.completed[str(channel)] += people
    for question in questions:
        if question.kind == "free_text":
            answer = _answer_of(dialect, "r.answers", ":question")
            query = (
                f"SELECT {answer}, count(*) FROM survey_responses r "
                f"WHERE {where} AND {answer} IS NOT NULL GROUP BY 1"
            )
            texts = Counter(
                {
                    str(written): people
                    for written, people in db.session.execute(
                        text(query), {**values, "question": question.id}
                    )
                }
            )
            counted.questions[question.id] = Tally(sum(texts.values()), texts=texts)
    _count_answers(dialect, [q for q in questions if q.kind != "free_text"], where, values, counted)
    _count_pairs(dialect, crosstabbed(questions), where, values, counted)
    return counted


def _each_answer(dialect: str, responses: str) -> tuple[str, str, str]:
    """``FROM`` every answer of ``responses`` (SQL), its value as text and its JSON kind."""
    if dialect == "postgresql":
        return (
            f"{responses} CROSS JOIN LATERAL json_each(r.answers) a",
            "(a.value #>> '{}')",
            "json_typeof(a.value)",
        )
    return f"{responses}, json_each(r.answers) a", "a.value", "a.type"


def _keys(questions: Sequence[Question], prefix: str) -> tuple[str, dict[str, str]]:
    names = {f"{prefix}{n}": q.id for n, q in enumerate(questions)}
    return ", ".join(f":{name}" for name in names), names


def _count_answers(
    dialect: str,
    questions: Sequence[Question],
    where: str,
    values: dict[str, Any],
    counted: Tallies,
) -> None:
    """How many gave each answer to each question (each option, for multiple choice)."""
    if not questions:
        return
    listed, keys = _keys(questions, "key")
    source, value, kind = _each_answer(dialect, "survey_responses r")
    query = (
        f"SELECT a.key, {value}, {kind}, count(*) FROM {source} "
        f"WHERE {where} AND a.key IN ({listed}) AND {kind} <> 'null' GROUP BY 1, 2, 3"
    )
    for key, answer, json_kind, people in db.session.execute(text(query), {**values, **keys}):
        tally = counted.questions.setdefault(key, Tally())
        tally.base += people
        options = json.loads(answer) if json_kind == "array" else [answer]
        for option in options:
            tally.counts[str(option)] += people


def _count_pairs(
    dialect: str,
    pairs: Sequence[tuple[Question, Question]],
    where: str,
    values: dict[str, Any],
    counted: Tallies,
) -> None:
    """How many gave each answer to a question beside each answer to a demographic question.
    Each response's demographic answers are read once (a subquery), then grouped by each in
    turn: one pass with GROUPING SETS on PostgreSQL, a query each on SQLite."""
    if not pairs:
        return
    asked = list({q.id: q for q, _ in pairs}.values())
    demographics = list(dict.fromkeys(by.id for _, by in pairs))
    listed, keys = _keys(asked, "key")
    groups = {f"demographic{n}": d for n, d in enumerate(demographics)}
    columns = [f"g{n}" for n in range(len(groups))]
    read = ", ".join(
        f"{_answer_of(dialect, 'r.answers', f':{name}')} AS {column}"
        for name, column in zip(groups, columns, strict=True)
    )
    responses = f"(SELECT r.answers, {read} FROM survey_responses r WHERE {where}) r"
    source, value, _ = _each_answer(dialect, responses)
    parameters = {**values, **keys, **groups}
    base = f"FROM {source} WHERE a.key IN ({listed})"
    wanted = {(q.id, by.id) for q, by in pairs}

    def add(key: str, answer: Any, demographic: str, group: Any, people: int) -> None:
        # A skipped answer (JSON null) comes back as None, and is no answer.
        if answer is not None and group is not None and (key, demographic) in wanted:
            counted.pairs.setdefault((key, demographic), Counter())[str(answer), str(group)] += (
                people
            )

    if dialect == "postgresql":
        sets = ", ".join(f"(a.key, {value}, {column})" for column in columns)
        every = ", ".join(columns)
        query = f"SELECT a.key, {value}, {every}, GROUPING({every}), count(*) {base} "
        query += f"GROUP BY GROUPING SETS ({sets})"
        for key, answer, *grouped, mask, people in db.session.execute(text(query), parameters):
            for n, demographic in enumerate(demographics):
                if not mask & (1 << (len(columns) - 1 - n)):  # grouped by this one
                    add(key, answer, demographic, grouped[n], people)
        return
    for column, demographic in zip(columns, demographics, strict=True):
        query = f"SELECT a.key, {value}, {column}, count(*) {base} GROUP BY 1, 2, 3"
        for key, answer, group, people in db.session.execute(text(query), parameters):
            add(key, answer, demographic, group, people)
