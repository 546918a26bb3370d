"""The database counts a survey's responses for its findings (``findings.Counts``), so a
survey of 100,000 responses is not fetched row by row: one pass over the answers with
``json_each``, grouped by each answer alone, beside each demographic answer and beside the
version answered (GROUPING SETS on PostgreSQL, a query per grouping on SQLite), each count with
the sum of its responses' record keys for the disclosure gate. Free-text answers are only
counted. ``findings.count_responses`` counts the same from responses in memory; the tests hold
the two to the same figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import text

from changemakers.extensions import db
from surveys.definition import Question
from surveys.findings import STATUS, VERSION, Counts, add_answer, status_of


def _answer_of(dialect: str, document: str, key: str) -> str:
    """A top-level answer as text (SQL)."""
    if dialect == "postgresql":
        return f"({document} ->> {key})"
    return f"json_extract({document}, '$.\"' || {key} || '\"')"


def _each_answer(dialect: str, responses: str) -> tuple[str, str, str]:
    """``FROM`` every answer of ``responses`` (SQL), its value as text and its JSON kind."""
    if dialect == "postgresql":
        return (
            f"{responses} CROSS JOIN LATERAL json_each(r.answers) a",
            "(a.value #>> '{}')",
            "json_typeof(a.value)",
        )
    return f"{responses}, json_each(r.answers) a", "a.value", "a.type"


def _listed(ids: Sequence[str], prefix: str) -> tuple[str, dict[str, str]]:
    names = {f"{prefix}{n}": value for n, value in enumerate(ids)}
    return ", ".join(f":{name}" for name in names) or "NULL", names


def count(
    survey_id: int, questions: Sequence[Question], version_numbers: Mapping[int, int]
) -> Counts:
    """A survey's responses counted for ``questions``, for everyone, by each demographic
    question and by version (``version_numbers``: version id → number)."""
    dialect = db.session.get_bind().dialect.name
    demographics = [q.id for q in questions if q.kind == "demographic"]
    splits = [*demographics, VERSION]
    columns = [f"g{n}" for n in range(len(demographics))] + ["version_id"]
    demographic_names = {f"demographic{n}": d for n, d in enumerate(demographics)}
    read = "".join(
        f", {_answer_of(dialect, 'r.answers', f':{name}')} AS {column}"
        for name, column in zip(demographic_names, columns, strict=False)
    )
    responses = (
        "(SELECT r.answers, r.record_key, r.version_id, r.channel, "
        f"r.completed_on IS NOT NULL AS done{read} "
        "FROM survey_responses r WHERE r.survey_id = :survey_id) r"
    )
    asked, asked_names = _listed([q.id for q in questions], "key")
    texts, text_names = _listed([q.id for q in questions if q.kind == "free_text"], "text")
    source, value, kind = _each_answer(dialect, responses)
    parameters: dict[str, Any] = {
        "survey_id": survey_id,
        **demographic_names,
        **asked_names,
        **text_names,
    }
    answer = f"CASE WHEN a.key IN ({texts}) THEN '' ELSE {value} END"
    queries = (
        (
            ["a.key", answer, kind],
            f"FROM {source} WHERE a.key IN ({asked}) AND {kind} <> 'null'",
        ),
        (["r.channel", "r.done"], f"FROM {responses}"),
    )
    counted = Counts()
    for leading, where in queries:
        for row, split, group, people, keys in _grouped(
            dialect, leading, where, columns, splits, parameters
        ):
            if split == VERSION:
                group = version_numbers.get(int(group)) if group is not None else None
            elif group is not None:
                group = str(group)
            if len(row) == 2:  # a response: how it went
                options = [status_of(str(row[0]), bool(row[1]))]
                question = STATUS
            else:
                question, given, json_kind = row
                options = json.loads(given) if json_kind == "array" else [given]
            add_answer(counted, question, split, group, options, people, keys)
    return counted


def _grouped(
    dialect: str,
    leading: list[str],
    source: str,
    columns: list[str],
    splits: list[str],
    parameters: dict[str, Any],
) -> Iterator[tuple[tuple[Any, ...], str | None, Any, int, int]]:
    """Rows counted by ``leading`` alone and beside each of ``columns`` (the split it stands
    for): (the leading values, the split or None, its group, people, sum of record keys)."""
    first = ", ".join(leading)
    width = len(leading)
    measures = "count(*), sum(r.record_key)"
    if dialect == "postgresql":
        every = ", ".join(columns)
        sets = ", ".join([f"({first})", *(f"({first}, {column})" for column in columns)])
        sql = (
            f"SELECT {first}, GROUPING({every}), {every}, {measures} {source} "
            f"GROUP BY GROUPING SETS ({sets})"
        )
        for row in db.session.execute(text(sql), parameters):
            mask, grouped = row[width], row[width + 1 : width + 1 + len(columns)]
            split, group = None, None
            for n, name in enumerate(splits):
                if not mask & (1 << (len(columns) - 1 - n)):
                    split, group = name, grouped[n]
            yield tuple(row[:width]), split, group, int(row[-2]), int(row[-1] or 0)
        return
    positions = ", ".join(str(n + 1) for n in range(width))
    for split, column in [(None, "NULL"), *zip(splits, columns, strict=True)]:
        sql = f"SELECT {first}, {column}, {measures} {source} GROUP BY {positions}, {width + 1}"
        for row in db.session.execute(text(sql), parameters):
            yield tuple(row[:width]), split, row[width], int(row[-2]), int(row[-1] or 0)
