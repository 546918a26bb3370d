"""Findings for the board: what young people answered, counted, then passed through the
disclosure gate (``changemakers.disclosure``) before anything leaves this module.

Plain functions over plain data. A survey's responses are counted (``Counts``: for everyone,
beside each demographic answer and beside the version answered, each count with the sum of its
responses' record keys), by the database for the board's pages (``surveys.counting``) or here
in memory (``count_responses``), which the tests hold to the same figures. Each question's
counts in every view (everyone, each group, each version) add up to one another, so they go
through the gate together (``publish``): every view of the same people shows the same figure,
and no view can be taken from another to work out a small count. The pages, exports and the
command line then only read what the gate let out (``summary``, ``compare``): a count is a
perturbed number, ``"<10"`` (under the threshold in force) or ``"withheld"``; a percentage,
mean or median that cannot be given is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from changemakers import disclosure
from changemakers.disclosure import Cell, Protected
from surveys.definition import PREFER_NOT_TO_SAY, Question, SurveyDefinition

TABLE_KINDS = ("single_choice", "scale", "demographic", "multiple_choice")
VERSION = "__version__"  # a split by the version of the survey answered (a wave)
STATUS = "__status__"  # a response's own table: completed on the web, by SMS, or not
STATUSES = ("web", "sms", "incomplete")
COMPLETED = "completed"
# (split, group, answer): split None is everyone; answer None is the base (people who
# answered), or for STATUS everyone who started.
Where = tuple[str | None, Any, str | None]
EVERYONE: Where = (None, None, None)


def status_of(channel: str, completed: bool) -> str:
    return channel if completed else "incomplete"


@dataclass(frozen=True)
class Response:
    """One anonymous response, as findings need it."""

    answers: Mapping[str, Any]
    channel: str
    completed: bool
    record_key: int = 0
    version: int = 1


@dataclass
class Counts:
    """A survey's responses counted: question → (split, group, answer) → Cell."""

    cells: dict[str, dict[Where, Cell]] = field(default_factory=dict)

    def of(self, question: str) -> dict[Where, Cell]:
        return self.cells.get(question, {})


def add_answer(
    counted: Counts,
    question: str,
    split: str | None,
    group: Any,
    options: Iterable[Any],
    people: int,
    keys: int,
) -> None:
    """``people`` who gave ``options`` (one answer, or several for multiple choice; a
    free-text answer is ``""``), with the sum of their record keys."""
    cells = counted.cells.setdefault(question, {})
    added = Cell(people, keys)
    where: Where = (split, group, None)
    cells[where] = cells.get(where, Cell()) + added
    for option in dict.fromkeys(str(o) for o in options):
        if option == "":
            continue
        where = (split, group, option)
        cells[where] = cells.get(where, Cell()) + added


def count_responses(responses: Sequence[Response], questions: Sequence[Question]) -> Counts:
    """Responses counted in memory, as the database counts them (``surveys.counting``)."""
    demographics = [q.id for q in questions if q.kind == "demographic"]
    counted = Counts()
    for response in responses:
        splits: list[tuple[str | None, Any]] = [(None, None), (VERSION, response.version)]
        for demographic in demographics:
            given = response.answers.get(demographic)
            splits.append((demographic, None if given is None else str(given)))
        for split, group in splits:
            status = [status_of(response.channel, response.completed)]
            add_answer(counted, STATUS, split, group, status, 1, response.record_key)
            for question in questions:
                value = response.answers.get(question.id)
                if value is None:
                    continue
                options = (
                    [""]
                    if question.kind == "free_text"
                    else value
                    if isinstance(value, list)
                    else [value]
                )
                add_answer(counted, question.id, split, group, options, 1, response.record_key)
    return counted


def _numbers(rows: Iterable[str]) -> dict[float, str]:
    found = {}
    for row in rows:
        try:
            found[float(row)] = row
        except ValueError:
            continue
    return found


@dataclass(frozen=True)
class Published:
    """A survey's counts through the gate: each question's system of tables (``STATUS``
    included), and what the pages need to lay them out."""

    survey: SurveyDefinition
    versions: Mapping[int, SurveyDefinition]  # number → what that version asked
    tables: Mapping[str, Protected]
    threshold: int

    def of(self, question: str) -> Protected:
        return self.tables[question]


def _status_question() -> Question:
    return Question(STATUS, "single_choice", "Responses", options=STATUSES)


def system_of(
    question: Question,
    cells: Mapping[Where, Cell],
    survey: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
) -> tuple[dict[Where, Cell], list[disclosure.Equation], frozenset[Where], frozenset[Where]]:
    """One question's counts in every view, with the sums that tie them: each answer's count
    for everyone is the sum of its counts in each group of a split (the people in no group
    shown included); and, when each person gives one answer, the answers add up to the base.
    Returns the cells, the equations, the entries never shown and the totals (hidden last)."""
    demographics = [q for q in survey.questions if q.kind == "demographic" and q.id != question.id]
    shown_rows = set(question.choices) if question.kind in TABLE_KINDS else set()
    if question.id == STATUS:
        shown_rows = {"web", "sms"}
    rows = list(dict.fromkeys([*shown_rows, *(a for _, _, a in cells if a is not None)]))
    splits: dict[str, dict[Any, set[str] | None]] = {}
    for demographic in demographics:
        splits[demographic.id] = {g: shown_rows for g in demographic.choices}
    version_rows: dict[Any, set[str] | None] = {}
    for number, definition in versions.items():
        asked = STATUS_QUESTION if question.id == STATUS else definition.question(question.id)
        if asked is None or asked.kind != question.kind:
            version_rows[number] = None  # not asked, or asked as another kind of question
        elif question.id == STATUS:
            version_rows[number] = shown_rows
        else:
            version_rows[number] = set(asked.choices) if asked.kind in TABLE_KINDS else set()
    splits[VERSION] = version_rows
    seen_groups: dict[str, set[Any]] = {}
    for split, group, _ in cells:
        if split is not None:
            seen_groups.setdefault(split, set()).add(group)
    values: dict[Where, Cell] = {EVERYONE: cells.get(EVERYONE, Cell())}
    never: set[Where] = set()
    totals: set[Where] = {EVERYONE}
    equations: list[disclosure.Equation] = []
    for row in rows:
        values[None, None, row] = cells.get((None, None, row), Cell())
        totals.add((None, None, row))
        if row not in shown_rows:
            never.add((None, None, row))
    adds_up = question.kind not in ("multiple_choice", "free_text")
    if adds_up and rows:
        equations.append([*(((None, None, row), 1) for row in rows), (EVERYONE, -1)])
    for split, shown_groups in splits.items():
        groups = list(dict.fromkeys([*shown_groups, *seen_groups.get(split, ())]))
        if split != VERSION:
            groups = list(dict.fromkeys([*groups, None]))
        for group in groups:
            offered = shown_groups.get(group)
            total: Where = (split, group, None)
            values[total] = cells.get(total, Cell())
            totals.add(total)
            if offered is None:
                never.add(total)
            for row in rows:
                where: Where = (split, group, row)
                value = cells.get(where, Cell())
                if split == VERSION and offered is not None and row not in offered:
                    if value.people == 0:
                        continue  # not offered in that version: known to be none
                values[where] = value
                if offered is None or row not in offered:
                    never.add(where)
            if adds_up and rows:
                equations.append(
                    [
                        *(((split, group, r), 1) for r in rows if (split, group, r) in values),
                        (total, -1),
                    ]
                )
        for row in rows:
            equations.append(
                [
                    *(((split, g, row), 1) for g in groups if (split, g, row) in values),
                    ((None, None, row), -1),
                ]
            )
        equations.append([*(((split, g, None), 1) for g in groups), (EVERYONE, -1)])
    if question.id == STATUS:  # completed = on the web + by SMS, in every view
        for split, group, answer in list(values):
            if answer is None:
                web, sms = (values.get((split, group, s), Cell()) for s in ("web", "sms"))
                done: Where = (split, group, COMPLETED)
                values[done] = web + sms
                totals.add(done)
                if (split, group, None) in never:
                    never.add(done)
                equations.append(
                    [((split, group, "web"), 1), ((split, group, "sms"), 1), (done, -1)]
                )
    return values, equations, frozenset(never), frozenset(totals)


STATUS_QUESTION = _status_question()


def publish(
    survey: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
    counted: Counts,
    threshold: int,
) -> Published:
    """Every question's counts (and the responses' own) through the gate."""
    tables = {}
    for question in [STATUS_QUESTION, *survey.questions]:
        cells, equations, never, totals = system_of(
            question, counted.of(question.id), survey, versions
        )
        tables[question.id] = disclosure.protect(cells, equations, threshold, never, totals)
    return Published(survey, versions, tables, threshold)


def _mean_and_median(
    table: Protected, split: str | None, group: Any, base: int | str
) -> dict[str, float | None]:
    """From the perturbed counts of every value in the view (the hidden ones too, whose
    perturbed counts are never shown), on a shown base only."""
    if not isinstance(base, int):
        return {"mean": None, "median": None}
    rows = [a for s, g, a in table.perturbed if s == split and g == group and a is not None]
    distribution = table.distribution({v: (split, group, a) for v, a in _numbers(rows).items()})
    return {"mean": disclosure.mean(distribution), "median": disclosure.median(distribution)}


def question_table(
    question: Question,
    published: Published,
    split: str | None = None,
    group: Any = None,
    choices: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One question's table in one view (everyone, a group, or a version): each answer's
    count and percentage of those who answered, the base, a scale's or number's mean and
    median, and a free-text question's themes (added by the caller)."""
    table = published.of(question.id)
    base = table.show((split, group, None))
    found: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "kind": question.kind,
        "base": base,
    }
    if question.kind in ("scale", "number"):
        found.update(_mean_and_median(table, split, group, base))
    if question.kind in TABLE_KINDS:
        found["rows"] = [
            {
                "answer": question.label_of(choice),
                "count": table.show((split, group, choice)),
                "percent": table.percent((split, group, choice), (split, group, None)),
            }
            for choice in (choices if choices is not None else question.choices)
        ]
    return found


def has_ordered_answers(question: Question) -> bool:
    """Whether a question's answers run in an order of their own, which its chart and table
    keep. Survey definitions mark no question as ordinal, so its kind decides: a scale's
    points and the age bands run in order; the options of a choice question, a gender or an
    area do not (nor does a number's table, which has no rows)."""
    return question.kind == "scale" or (
        question.kind == "demographic" and question.demographic == "age_band"
    )


def largest_first(
    rows: Sequence[Mapping[str, Any]], count: str = "count"
) -> list[Mapping[str, Any]]:
    """A table's rows by size (each row's ``count``), the largest first, for answers with no
    order of their own. Only the counts shown are ordered: those too small to show and those
    withheld follow them in the question's own order, so where a hidden count stands tells
    nothing of its size. "Prefer not to say" stays last; ties keep the question's order."""

    def place(row: Mapping[str, Any]) -> tuple[int, int]:
        if row["answer"] == PREFER_NOT_TO_SAY:
            return (2, 0)
        return (0, -row[count]) if isinstance(row[count], int) else (1, 0)

    return sorted(rows, key=place)


def in_reading_order(findings: Mapping[str, Any], survey: SurveyDefinition) -> dict[str, Any]:
    """The findings as the board's pages show them: each question's answers in their own
    order where they have one (``has_ordered_answers``), else ``largest_first``, in its chart,
    its table and its breakdowns alike (a breakdown by everyone's count). The exports keep
    every question's own order."""

    def by_size(question_id: str) -> bool:
        question = survey.question(question_id)
        return question is not None and not has_ordered_answers(question)

    tables = [
        {**table, "rows": largest_first(table["rows"])}
        if table.get("rows") and by_size(table["id"])
        else table
        for table in findings["questions"]
    ]
    crosstabs = [
        {**cross, "rows": largest_first(cross["rows"], count="total")}
        if by_size(cross["question"])
        else cross
        for cross in findings["crosstabs"]
    ]
    return {**findings, "questions": tables, "crosstabs": crosstabs}


def crosstab(question: Question, by: Question, published: Published) -> dict[str, Any]:
    """A question's answers by a demographic question's: each group's counts, the group's
    base, and everyone's (those who did not answer ``by`` included)."""
    table = published.of(question.id)
    return {
        "question": question.id,
        "by": by.id,
        "by_text": by.text,
        "columns": [{"group": g, "total": table.show((by.id, g, None))} for g in by.choices],
        "rows": [
            {
                "answer": question.label_of(a),
                "cells": [table.show((by.id, g, a)) for g in by.choices],
                "total": table.show((None, None, a)),
            }
            for a in question.choices
        ],
        "total": table.show(EVERYONE),
    }


def crosstabbed(questions: Sequence[Question]) -> list[tuple[Question, Question]]:
    """The pairs broken down: each question with a table by each demographic question."""
    demographics = [q for q in questions if q.kind == "demographic"]
    return [
        (q, by)
        for q in questions
        if q.kind in TABLE_KINDS and q.kind != "demographic"
        for by in demographics
    ]


def openable(published: Published, question_id: str, answer: str) -> bool:
    """Whether a group's findings can be shown: at least the threshold of people started."""
    return isinstance(published.of(STATUS).show((question_id, answer, None)), int)


def _responses(published: Published, split: str | None, group: Any) -> dict[str, Any]:
    table = published.of(STATUS)
    return {
        "started": table.show((split, group, None)),
        "completed": table.show((split, group, COMPLETED)),
        "completion_percent": table.percent((split, group, COMPLETED), (split, group, None)),
        "channels": {name: table.show((split, group, name)) for name in ("web", "sms")},
    }


def summary(
    published: Published,
    only: tuple[str, str] | None = None,
    themes: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Every table of a survey's findings as the board sees them: for everyone (with each
    question by each demographic question), or for one group (``only``: a demographic
    question and one of its answers; the group must be ``openable``). ``themes``: each coded
    free-text question's themes, through the gate already."""
    survey = published.survey
    split, group = only if only else (None, None)
    questions = [q for q in survey.questions if not only or q.id != only[0]]
    tables = [question_table(q, published, split, group) for q in questions]
    for table in tables:
        if table["kind"] == "free_text":
            table["themes"] = (themes or {}).get(table["id"], [])
    return {
        "title": survey.title,
        "threshold": published.threshold,
        "note": disclosure.NOTE,
        "group": None if only is None else {"question": only[0], "answer": only[1]},
        "responses": _responses(published, split, group),
        "groups": [
            {
                "question": q.id,
                "text": q.text,
                "answers": [
                    {"answer": choice, "openable": openable(published, q.id, choice)}
                    for choice in q.choices
                ],
            }
            for q in survey.questions
            if q.kind == "demographic"
        ],
        "questions": tables,
        "crosstabs": []
        if only
        else [crosstab(q, by, published) for q, by in crosstabbed(survey.questions)],
    }


def _change(before: float | None, after: float | None, places: int) -> float | None:
    """The difference, only when both figures are shown."""
    if before is None or after is None:
        return None
    return round(after - before, places) if places else round(after - before)


def compare(published: Published, first: int, second: int) -> dict[str, Any]:
    """Two versions (waves) of a survey side by side, each read from the same gate as the
    survey's own findings; the change (in percentage points, or in the average) is given
    only where both waves' figures are shown. Questions asked in only one wave, or asked as a
    different kind of question, are listed rather than compared."""
    earlier_survey, later_survey = published.versions[first], published.versions[second]
    earlier = {q.id: q for q in earlier_survey.questions}
    later = {q.id: q for q in later_survey.questions}
    both = [q for q in later_survey.questions if q.id in earlier]
    live = {q.id: q.kind for q in published.survey.questions}
    same = [q for q in both if earlier[q.id].kind == q.kind == live.get(q.id)]
    status = published.of(STATUS)
    compared = []
    for question in same:
        before_question, table = earlier[question.id], published.of(question.id)
        entry: dict[str, Any] = {
            "id": question.id,
            "text": question.text,
            "earlier_text": before_question.text if before_question.text != question.text else None,
            "kind": question.kind,
        }
        sides = {}
        for side, number, asked in (
            ("first", first, before_question),
            ("second", second, question),
        ):
            found = question_table(asked, published, VERSION, number, choices=())
            sides[side] = {k: v for k, v in found.items() if k in ("base", "mean", "median")}
        entry.update(sides)
        if question.kind in ("scale", "number"):
            alike = question.kind == "number" or before_question.choices == question.choices
            entry["mean_change"] = (
                _change(sides["first"]["mean"], sides["second"]["mean"], 2) if alike else None
            )
        if question.kind in TABLE_KINDS:
            rows = []
            choices = [
                *question.choices,
                *(c for c in before_question.choices if c not in question.choices),
            ]
            for choice in choices:
                cells: dict[str, dict[str, Any] | None] = {}
                for side, number, asked in (
                    ("first", first, before_question),
                    ("second", second, question),
                ):
                    where = (VERSION, number, choice)
                    cells[side] = (
                        {
                            "count": table.show(where),
                            "percent": table.percent(where, (VERSION, number, None)),
                        }
                        if choice in asked.choices
                        else None
                    )
                rows.append(
                    {
                        "answer": (
                            question if choice in question.choices else before_question
                        ).label_of(choice),
                        **cells,
                        "change": _change(
                            (cells["first"] or {}).get("percent"),
                            (cells["second"] or {}).get("percent"),
                            0,
                        ),
                    }
                )
            entry["rows"] = rows
        compared.append(entry)

    def listed(questions: Iterable[Question]) -> list[dict[str, str]]:
        return [{"id": q.id, "text": q.text} for q in questions]

    return {
        "threshold": published.threshold,
        "note": disclosure.NOTE,
        "waves": [
            {"label": f"Version {number}", "responses": status.show((VERSION, number, None))}
            for number in (first, second)
        ],
        "questions": compared,
        "only_first": listed(q for q in earlier_survey.questions if q.id not in later),
        "only_second": listed(q for q in later_survey.questions if q.id not in earlier),
        "asked_differently": listed(
            q for q in both if not earlier[q.id].kind == q.kind == live.get(q.id)
        ),
    }


# A spreadsheet takes a cell starting with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_words(rows: list[list[Any]]) -> list[list[Any]]:
    """Cells of words kept as words in a spreadsheet: question and answer texts are written by
    people, and opening a download must never run one as a formula."""
    return [
        [
            "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
            for cell in row
        ]
        for row in rows
    ]


EXPORT_HEADER = [
    "question",
    "breakdown",
    "group",
    "answer",
    "count",
    "percent",
    "base",
    "mean",
    "median",
]


def _blank(value: Any) -> Any:
    return "" if value is None else value


def csv_rows(findings: Mapping[str, Any]) -> list[list[Any]]:
    """Every table of the findings, as on the page (the breakdowns included), one row per
    figure: a hidden count is "<10" or "withheld" as on the page; means and medians have
    their own columns."""
    group = findings.get("group")
    view = ("everyone", "") if not group else (group["question"], group["answer"])
    rows: list[list[Any]] = [EXPORT_HEADER]
    responses = findings["responses"]
    for label, value, percent in (
        ("started", responses["started"], None),
        ("completed", responses["completed"], responses["completion_percent"]),
        ("completed on the web", responses["channels"]["web"], None),
        ("completed by text", responses["channels"]["sms"], None),
    ):
        rows.append(["Responses", *view, label, value, _blank(percent), "", "", ""])
    for table in findings["questions"]:
        for row in table.get("rows", []):
            rows.append(
                [
                    table["text"],
                    *view,
                    row["answer"],
                    row["count"],
                    _blank(row["percent"]),
                    table["base"],
                    "",
                    "",
                ]
            )
        for theme in table.get("themes", []):
            rows.append(
                [
                    table["text"],
                    *view,
                    theme["theme"],
                    theme["count"],
                    _blank(theme["percent"]),
                    table["base"],
                    "",
                    "",
                ]
            )
        if "mean" in table:
            rows.append(
                [
                    table["text"],
                    *view,
                    "all answers",
                    "",
                    "",
                    table["base"],
                    _blank(table["mean"]),
                    _blank(table["median"]),
                ]
            )
    for cross in findings["crosstabs"]:
        text = next(t["text"] for t in findings["questions"] if t["id"] == cross["question"])
        for column_index, column in enumerate(cross["columns"]):
            for row in cross["rows"]:
                rows.append(
                    [
                        text,
                        f"by {cross['by_text']}",
                        column["group"],
                        row["answer"],
                        row["cells"][column_index],
                        "",
                        column["total"],
                        "",
                        "",
                    ]
                )
    return _as_words(rows)


def comparison_csv_rows(comparison: Mapping[str, Any]) -> list[list[Any]]:
    """The comparison as rows for a spreadsheet: an answer not offered in a wave is "not
    asked", a percentage or change that cannot be given is empty."""
    first, second = (wave["label"] for wave in comparison["waves"])
    rows: list[list[Any]] = [
        [
            "question",
            "answer",
            f"{first} count",
            f"{first} percent",
            f"{second} count",
            f"{second} percent",
            "change (points)",
        ]
    ]
    for table in comparison["questions"]:
        for row in table.get("rows", []):
            cells: list[Any] = [table["text"], row["answer"]]
            for cell in (row["first"], row["second"]):
                if cell is None:
                    cells += ["not asked", ""]
                else:
                    cells += [cell["count"], _blank(cell["percent"])]
            rows.append([*cells, _blank(row["change"])])
        if "mean_change" in table:
            rows.append(
                [
                    table["text"],
                    "mean",
                    _blank(table["first"]["mean"]),
                    "",
                    _blank(table["second"]["mean"]),
                    "",
                    _blank(table["mean_change"]),
                ]
            )
    return _as_words(rows)
