"""Findings for the board: what young people answered, counted and made safe by disclosure
control before anything leaves this module.

Plain functions over plain data: a survey's definition and its anonymous responses counted
(``Tallies``), by pandas here (``tally``) or by the database for the board's pages
(``surveys.counting``), which the tests hold to the same figures. Every
count, percentage and average comes out already suppressed: a hidden count is the string
``"<10"`` (for the threshold in force), a percentage or average on a base under the threshold
is ``None``. Pages, exports and the command line only ever see this.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from surveys.definition import Question, SurveyDefinition
from surveys.disclosure import one_way, suppress, two_way, within_group

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


@dataclass
class Tally:
    """One question's answers, counted: what its table is made of."""

    base: int = 0  # people who answered
    counts: Counter[str] = field(default_factory=Counter)  # answer as text → people
    texts: Counter[str] = field(default_factory=Counter)  # free text as written → people


@dataclass
class Tallies:
    """A set of responses, counted: all the findings need, and no response itself. Made here
    from responses with pandas (``tally``), or by the database (``surveys.services``)."""

    started: int = 0
    completed: Counter[str] = field(default_factory=Counter)  # channel → completed responses
    questions: dict[str, Tally] = field(default_factory=dict)
    # (question, demographic question) → (answer, group) → people who answered both
    pairs: dict[tuple[str, str], Counter[tuple[str, str]]] = field(default_factory=dict)

    def of(self, question: Question) -> Tally:
        return self.questions.get(question.id) or Tally()


def answers_frame(
    responses: Sequence[Response], survey_questions: Sequence[Question]
) -> pd.DataFrame:
    """One row a response, one column a question (missing and skipped answers are empty)."""
    # Column by column as objects: a whole number stays one (4, not 4.0) beside missing answers.
    return pd.DataFrame(
        {
            q.id: pd.Series([r.answers.get(q.id) for r in responses], dtype=object)
            for q in survey_questions
        },
        columns=[q.id for q in survey_questions],
    )


def crosstabbed(questions: Sequence[Question]) -> list[tuple[Question, Question]]:
    """The pairs broken down: each question with a table by each demographic question."""
    demographics = [q for q in questions if q.kind == "demographic"]
    return [
        (q, by)
        for q in questions
        if q.kind in TABLE_KINDS and q.kind != "demographic"
        for by in demographics
    ]


def tally(responses: Sequence[Response], questions: Sequence[Question]) -> Tallies:
    """Responses counted with pandas, as the database counts them for the board's pages."""
    frame = answers_frame(responses, questions)
    counted = Tallies(
        started=len(responses),
        completed=Counter(r.channel for r in responses if r.completed),
    )
    for question in questions:
        answered = frame[question.id].dropna()
        if question.kind == "free_text":
            counted.questions[question.id] = Tally(
                len(answered), texts=Counter(str(v) for v in answered)
            )
            continue
        values = answered.explode() if question.kind == "multiple_choice" else answered
        counts = values.dropna().astype(str).value_counts()
        counted.questions[question.id] = Tally(
            len(answered), Counter({str(k): int(v) for k, v in counts.items()})
        )
    for question, by in crosstabbed(questions):
        both = frame[question.id].notna() & frame[by.id].notna()
        table = pd.crosstab(frame[question.id][both].astype(str), frame[by.id][both].astype(str))
        counted.pairs[question.id, by.id] = Counter(
            {(str(a), str(g)): int(n) for (a, g), n in table.stack().items() if n}
        )
    return counted


def question_table(
    question: Question, responses: Sequence[Response], threshold: int
) -> dict[str, Any]:
    """Counts and percentages of those who answered, with the base; mean and median for
    scales and numbers when the base allows."""
    return _question_table(question, tally(responses, [question]).of(question), threshold)


BASE = "__base__"


def _numbers(counts: Mapping[str, int]) -> list[tuple[float, int]]:
    """The answers that are numbers, with how many gave each, smallest first."""
    found = []
    for text, people in counts.items():
        try:
            found.append((float(text), people))
        except ValueError:
            continue
    return sorted(found)


def _median(numbers: list[tuple[float, int]], count: int) -> float:
    """The median of ``count`` values given as (value, how many), as pandas reckons it."""
    middle = [(count - 1) // 2, count // 2]
    found: list[float] = []
    seen = 0
    for value, people in numbers:
        found += [value for position in middle if seen <= position < seen + people]
        seen += people
    return (found[0] + found[1]) / 2


def _question_table(
    question: Question, counted: Tally, threshold: int, rest: Tally | None = None
) -> dict[str, Any]:
    """``rest``: the same question counted among everyone outside the group ``counted`` is
    of, when the table is for one group and the table for everyone is shown too."""
    base = counted.base
    table: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "kind": question.kind,
        "base": base if base >= threshold or base == 0 else hidden(threshold),
    }
    if question.kind == "free_text":
        table["themes"] = themes(
            counted.texts, threshold, rest=None if rest is None else rest.texts
        )
        return table
    if question.kind in ("scale", "number"):
        numbers = _numbers(counted.counts)
        count = sum(people for _, people in numbers)
        enough = count >= threshold
        if rest is not None:  # the rest's average must not be worked out from the two shown
            rest_count = sum(people for _, people in _numbers(rest.counts))
            enough = enough and not 0 < rest_count < threshold
        mean = sum(value * people for value, people in numbers) / count if count else 0.0
        table["mean"] = round(mean, 2) if enough else None
        table["median"] = _median(numbers, count) if enough else None
        if question.kind == "number":
            return table
    counts = {choice: counted.counts.get(choice, 0) for choice in question.choices}
    one_answer_each = question.kind != "multiple_choice"
    if rest is not None:
        hide = within_group(
            {**counts, BASE: base},
            {**{c: rest.counts.get(c, 0) for c in question.choices}, BASE: rest.base},
            BASE,
            threshold,
            adds_up=one_answer_each,
        )
        if BASE in hide:
            table["base"] = hidden(threshold)
    elif one_answer_each:
        hide = one_way({**counts, BASE: base}, BASE, threshold)
    else:
        hide = suppress(counts, [], threshold)  # several answers each: no sums to protect
        if 0 < base < threshold:
            hide = set(counts)
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
    pairs = tally(responses, [question, by]).pairs[question.id, by.id]
    return _crosstab(question, by, pairs, threshold)


def _crosstab(
    question: Question, by: Question, pairs: Mapping[tuple[str, str], int], threshold: int
) -> dict[str, Any]:
    rows, columns = list(question.choices), list(by.choices)
    cells = {(a, g): pairs.get((a, g), 0) for a in rows for g in columns}
    row_totals = {a: sum(cells[a, g] for g in columns) for a in rows}
    column_totals = {g: sum(cells[a, g] for a in rows) for g in columns}
    total = sum(pairs.values())
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


def _terms_by_people(texts: Iterable[str] | Mapping[str, int]) -> Counter[str]:
    """Each term and how many people used it; ``texts`` may say how many wrote each text."""
    written = texts if isinstance(texts, Mapping) else Counter(texts)
    people: Counter[str] = Counter()
    for text, writers in written.items():
        words = [w for w in _WORD.findall(_TAG.sub(" ", text.lower())) if w not in STOP_WORDS]
        terms = {w for w in words if len(w) > 2}
        terms |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        people.update(dict.fromkeys(terms, writers))
    return people


def themes(
    texts: Iterable[str] | Mapping[str, int],
    threshold: int,
    limit: int = 20,
    rest: Iterable[str] | Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Frequent words and two-word phrases, counted once per person, stop words and redaction
    tags left out, and any term fewer people used than the threshold dropped. ``rest``: the
    texts of everyone outside this group, when everyone's themes are shown too; a term is then
    also dropped when fewer than the threshold outside the group used it."""
    people = _terms_by_people(texts)
    outside = _terms_by_people(rest) if rest is not None else Counter()
    common = [
        (term, n)
        for term, n in people.most_common()
        if n >= threshold and not 0 < outside[term] < threshold
    ]
    return [{"term": term, "people": n} for term, n in common[:limit]]


def _channel_counts(counted: Tallies) -> dict[str, int]:
    web, sms = counted.completed.get("web", 0), counted.completed.get("sms", 0)
    return {"web": web, "sms": sms, BASE: sum(counted.completed.values())}


def summary(
    survey: SurveyDefinition,
    responses: Sequence[Response],
    threshold: int,
    rest: Sequence[Response] | None = None,
) -> dict[str, Any]:
    """Every table of a survey's findings, suppressed (see ``summary_of``)."""
    return summary_of(
        survey,
        tally(responses, survey.questions),
        threshold,
        None if rest is None else tally(rest, survey.questions),
    )


def summary_of(
    survey: SurveyDefinition, counted: Tallies, threshold: int, rest: Tallies | None = None
) -> dict[str, Any]:
    """Every table of a survey's findings, suppressed: the questions, each question by each
    demographic question, completion and the channels used.

    ``rest``: everyone outside the group ``counted`` is of, for the findings of one group
    while everyone's are shown too. Each table is then suppressed with the rest's in view
    (``disclosure.within_group``), so no count of the rest can be worked out by taking the
    group's figures from everyone's; the breakdowns by demographic are left out.
    """
    started = counted.started
    channels = _channel_counts(counted)
    completed = channels[BASE]
    if rest is None:
        hide = one_way(channels, BASE, threshold)
        started_hidden = 0 < started < threshold
    else:
        hide = within_group(channels, _channel_counts(rest), BASE, threshold)
        started_hidden = 0 < started < threshold or 0 < rest.started < threshold
    return {
        "title": survey.title,
        "threshold": threshold,
        "within_group": rest is not None,
        "responses": {
            "started": _shown(started, started_hidden, threshold),
            "completed": _shown(completed, BASE in hide or 0 < completed < threshold, threshold),
            "completion_percent": (
                round(100 * completed / started, 1)
                if started >= threshold and not started_hidden and BASE not in hide
                else None
            ),
            "channels": {
                name: _shown(channels[name], name in hide, threshold) for name in ("web", "sms")
            },
        },
        "questions": [
            _question_table(q, counted.of(q), threshold, None if rest is None else rest.of(q))
            for q in survey.questions
        ],
        "crosstabs": []
        if rest is not None
        else [
            _crosstab(q, by, counted.pairs.get((q.id, by.id), Counter()), threshold)
            for q, by in crosstabbed(survey.questions)
        ],
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
    return _as_words(rows)


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


class Wave(NamedTuple):
    """One version of a survey as a wave of findings: its name on the page ("Version 2"), what
    it asked and the responses given to it."""

    label: str
    definition: SurveyDefinition
    responses: Sequence[Response]
    # The survey's other responses: its page shows all of them together, so each wave is
    # suppressed with the rest in view (``summary``'s ``rest``).
    rest: Sequence[Response] | None = None


def _change(before: float | None, after: float | None, places: int) -> float | None:
    """The difference, only when both figures are shown."""
    if before is None or after is None:
        return None
    return round(after - before, places)


def _cell(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {"count": row["count"], "percent": row["percent"]}


def _compared(
    first: Question, second: Question, before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, Any]:
    """One question asked in both waves, from each wave's own suppressed table."""
    compared: dict[str, Any] = {
        "id": second.id,
        "text": second.text,
        "earlier_text": first.text if first.text != second.text else None,
        "kind": second.kind,
        "first": {"base": before["base"]},
        "second": {"base": after["base"]},
    }
    if second.kind == "free_text":
        compared["first"]["themes"] = before["themes"]
        compared["second"]["themes"] = after["themes"]
        return compared
    if second.kind in ("scale", "number"):
        for side, table in (("first", before), ("second", after)):
            compared[side].update(mean=table["mean"], median=table["median"])
        # A scale whose points changed (1–5 to 1–7) has averages that do not compare.
        alike = second.kind == "number" or first.choices == second.choices
        compared["mean_change"] = _change(before["mean"], after["mean"], 2) if alike else None
        if second.kind == "number":
            return compared
    # Answers are matched by what was chosen; one offered in a single wave is None ("not
    # asked") in the other, never a count of 0.
    earlier = dict(zip(first.choices, before["rows"], strict=True))
    later = dict(zip(second.choices, after["rows"], strict=True))
    compared["rows"] = [
        {
            "answer": (later.get(choice) or earlier[choice])["answer"],
            "first": _cell(earlier.get(choice)),
            "second": _cell(later.get(choice)),
            "change": _change(
                earlier[choice]["percent"] if choice in earlier else None,
                later[choice]["percent"] if choice in later else None,
                1,
            ),
        }
        for choice in [*second.choices, *(c for c in first.choices if c not in later)]
    ]
    return compared


def compare(first: Wave, second: Wave, threshold: int) -> dict[str, Any]:
    """Two waves of a survey side by side. Each wave is suppressed on its own, exactly as in
    ``summary`` (with the survey's other responses in view, where the wave gives them); the
    change (in percentage points, or in the average) is given only where both waves' figures
    are shown. Questions asked in only one wave, or asked as a different kind
    of question, are listed rather than compared."""
    tables = []
    for wave in (first, second):
        counted = tally(wave.responses, wave.definition.questions)
        rest = None if wave.rest is None else tally(wave.rest, wave.definition.questions)
        tables.append(
            {
                q.id: _question_table(
                    q, counted.of(q), threshold, None if rest is None else rest.of(q)
                )
                for q in wave.definition.questions
            }
        )
    earlier = {q.id: q for q in first.definition.questions}
    later = {q.id: q for q in second.definition.questions}
    both = [q for q in second.definition.questions if q.id in earlier]
    same = [q for q in both if earlier[q.id].kind == q.kind]

    def listed(questions: Iterable[Question]) -> list[dict[str, str]]:
        return [{"id": q.id, "text": q.text} for q in questions]

    return {
        "threshold": threshold,
        "waves": [
            {"label": wave.label, "responses": count_shown(len(wave.responses), threshold)}
            for wave in (first, second)
        ],
        "questions": [_compared(earlier[q.id], q, tables[0][q.id], tables[1][q.id]) for q in same],
        "only_first": listed(q for q in first.definition.questions if q.id not in later),
        "only_second": listed(q for q in second.definition.questions if q.id not in earlier),
        "asked_differently": listed(q for q in both if earlier[q.id].kind != q.kind),
    }


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

    def blank(value: Any) -> Any:
        return "" if value is None else value

    for table in comparison["questions"]:
        for row in table.get("rows", []):
            cells: list[Any] = [table["text"], row["answer"]]
            for cell in (row["first"], row["second"]):
                if cell is None:
                    cells += ["not asked", ""]
                else:
                    cells += [cell["count"], blank(cell["percent"])]
            rows.append([*cells, blank(row["change"])])
        if "mean_change" in table:
            rows.append(
                [
                    table["text"],
                    "mean",
                    blank(table["first"]["mean"]),
                    "",
                    blank(table["second"]["mean"]),
                    "",
                    blank(table["mean_change"]),
                ]
            )
    return _as_words(rows)
