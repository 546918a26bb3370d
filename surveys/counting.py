"""The database counts a survey's responses for its findings (``findings.Counts``), so a
survey of 100,000 responses is not fetched row by row: one pass over the answers with
``json_each``, grouped by each answer beside every demographic answer and the version
answered at once, then added up here by each in turn, each count with the sum of its
responses' record keys for the disclosure gate. Free-text answers are only
counted. ``findings.count_responses`` counts the same from responses in memory; the tests hold
the two to the same figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text

from changemakers.disclosure import Cell
from changemakers.extensions import db
from surveys.definition import Question
from surveys.findings import STATUS, VERSION, Counts, Where, status_of


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
    if dialect == "postgresql":
        # Each response's demographic answers read in one pass over its document (a function
        # in FROM runs once a response), not once for each of its answers.
        quoted = ['"' + d.replace('"', '""') + '"' for d in demographics]
        fields = ", ".join(f"{name} text" for name in quoted) or '"-" text'
        read = "".join(
            f", d.{name} AS {column}" for name, column in zip(quoted, columns, strict=False)
        )
        within = f"CROSS JOIN LATERAL json_to_record(r.answers) AS d({fields}) "
    else:
        read = "".join(
            f", {_answer_of(dialect, 'r.answers', f':{name}')} AS {column}"
            for name, column in zip(demographic_names, columns, strict=False)
        )
        within = ""
    responses = (
        "(SELECT r.answers, r.record_key, r.version_id, r.channel, "
        f"r.completed_on IS NOT NULL AS done{read} "
        f"FROM survey_responses r {within}WHERE r.survey_id = :survey_id AND NOT r.is_test) r"
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
    totals: dict[str, dict[Where, list[int]]] = {}
    options_of: dict[tuple[Any, ...], tuple[str | None, ...]] = {}
    for leading, where in queries:
        width = len(leading)
        for row in _grouped(leading, where, columns, parameters):
            lead, groups, people, keys = row[:width], row[width:-2], int(row[-2]), int(row[-1] or 0)
            if lead not in options_of:
                if width == 2:  # a response: how it went
                    options_of[lead] = (None, status_of(str(lead[0]), bool(lead[1])))
                else:
                    given, json_kind = lead[1], lead[2]
                    listed = json.loads(given) if json_kind == "array" else [given]
                    chosen = dict.fromkeys(str(o) for o in listed if str(o) != "")
                    options_of[lead] = (None, *chosen)
            cells = totals.setdefault(STATUS if width == 2 else str(lead[0]), {})
            version = groups[-1]
            views: list[tuple[str | None, Any]] = [
                (None, None),
                *((s, None if g is None else str(g)) for s, g in zip(splits, groups, strict=True)),
            ]
            views[-1] = (VERSION, version_numbers.get(int(version)) if version else None)
            for split, group in views:
                for option in options_of[lead]:
                    entry = cells.get((split, group, option))
                    if entry is None:
                        cells[split, group, option] = [people, keys]
                    else:
                        entry[0] += people
                        entry[1] += keys
    counted = Counts(
        {q: {where: Cell(*entry) for where, entry in cells.items()} for q, cells in totals.items()}
    )
    return counted


def _grouped(
    leading: list[str], source: str, columns: list[str], parameters: dict[str, Any]
) -> Any:
    """Rows counted by ``leading`` beside every one of ``columns`` at once, with the sum of
    their record keys: one GROUP BY (a hash aggregate PostgreSQL shares among its parallel
    workers), whose few thousand rows ``count`` then adds up by each column in turn, which is
    cheaper than GROUPING SETS over every answer (never run in parallel)."""
    every = [*leading, *columns]
    sql = (
        f"SELECT {', '.join(every)}, count(*), sum(r.record_key) {source} "
        f"GROUP BY {', '.join(str(n + 1) for n in range(len(every)))}"
    )
    return db.session.execute(text(sql), parameters)
