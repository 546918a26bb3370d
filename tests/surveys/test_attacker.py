"""A board member who does arithmetic: everything the board can fetch for the demo survey (the
page for everyone and for each group, the CSV, XLSX and JSON of each, the printed report and
the comparison of its two versions), read into a linear programme that tries to pin down every
count under the threshold, the people outside a group and the differences between waves
included. None may be recovered.

What the attacker knows: every figure shown, that a shown count is within 3 of the truth and at
least the threshold, that "<10" is 0 to 9, that "withheld" is at least the threshold, how each
table adds up, and every mean shown (over counts with the same noise, the hidden ones 0 to 9
or, withheld, at least the threshold). The published tables are each question's answers by one
split (a demographic question, or the version answered), all tied to the same answers for
everyone: any set of such tables that agree on those can be made by some set of responses, so
bounding over the tables is bounding over every set of responses that could have given them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from scipy.optimize import linprog
from sqlalchemy import insert, select

from changemakers import disclosure
from changemakers.accounts.models import Role
from changemakers.cli import cli
from changemakers.content import files
from changemakers.extensions import db
from surveys import findings, services, synthetic
from surveys.definition import Question, SurveyDefinition, from_data
from surveys.demo import DEMO_SURVEYS
from surveys.findings import STATUS, VERSION
from surveys.models import SurveyResponse

THRESHOLD = 10
SLUG = "what-matters"
MISSING = "(no answer)"
NOISE = disclosure.MAX_NOISE  # how far from the truth the attacker knows a shown count may be


def _demo_data() -> dict[str, Any]:
    return files.load((DEMO_SURVEYS / f"{SLUG}.yaml").read_text(), f"{SLUG}.yaml")


@pytest.fixture
def demo_survey(db_session) -> SurveyDefinition:
    """The demo survey with its 800 synthetic responses, and a second version (a reworded
    question) answered by 240 more."""
    first = services.load_published(_demo_data())
    second_data = _demo_data()
    second_data["questions"][1]["text"] = "How safe do you feel where you live?"
    rows = []
    for version, made in (
        (first, synthetic.responses(services.today())),
        (None, synthetic.responses(services.today(), count=240, seed=19)),
    ):
        if version is None:
            version = services.load_published(second_data)
        rows += [{**m, "survey_id": version.survey_id, "version_id": version.id} for m in made]
    db.session.execute(insert(SurveyResponse), rows)
    db.session.commit()
    return from_data(second_data)


class Fetched:
    """Every figure shown, by the cell it counts: (question, split, group, answer)."""

    def __init__(self) -> None:
        self.shown: dict[tuple, Any] = {}
        self.means: dict[tuple, float] = {}

    def add(self, key: tuple, value: Any) -> None:
        if value in ("", None):
            return
        value = int(value) if isinstance(value, str) and value.isdigit() else value
        assert self.shown.setdefault(key, value) == value, (
            f"{key} shows {value} in one place and {self.shown[key]} in another"
        )

    def add_mean(self, key: tuple, value: Any) -> None:
        if value not in ("", None):
            assert self.means.setdefault(key, float(value)) == float(value)


def _choice(question: Question, label: str) -> str:
    return next(c for c in question.choices if question.label_of(c) == label)


def read_export(rows: list[list[Any]], survey: SurveyDefinition, fetched: Fetched) -> list[Any]:
    """The findings CSV (or the XLSX read back as rows) into cells; returns every count."""
    by_text = {q.text: q for q in survey.questions}
    by_caption = {f"by {q.text}": q for q in survey.questions}
    header, *body = rows
    column = {name: n for n, name in enumerate(header)}
    counts = []
    for row in body:
        text, breakdown, group, answer = (row[column[k]] for k in header[:4])
        if breakdown == "everyone":
            split, in_group = None, None
        elif breakdown in by_caption:
            split, in_group = by_caption[breakdown].id, group
        else:
            split, in_group = breakdown, group
        count, base = row[column["count"]], row[column["base"]]
        counts.append(count)
        if text == "Responses":
            names = {
                "started": None,
                "completed": "completed",
                "completed on the web": "web",
                "completed by text": "sms",
            }
            fetched.add((STATUS, split, in_group, names[answer]), count)
            continue
        question = by_text[text]
        fetched.add((question.id, split, in_group, None), base)
        if answer == "all answers":
            fetched.add_mean((question.id, split, in_group), row[column["mean"]])
        else:
            fetched.add((question.id, split, in_group, _choice(question, answer)), count)
    return counts


def read_comparison(data: dict[str, Any], survey: SurveyDefinition, fetched: Fetched) -> None:
    numbers = [int(w["label"].split()[-1]) for w in data["waves"]]
    for wave, number in zip(data["waves"], numbers, strict=True):
        fetched.add((STATUS, VERSION, number, None), wave["responses"])
    for table in data["questions"]:
        question = survey.question(table["id"])
        assert question is not None
        for side, number in zip(("first", "second"), numbers, strict=True):
            fetched.add((question.id, VERSION, number, None), table[side]["base"])
            if table[side].get("mean") is not None:
                fetched.add_mean((question.id, VERSION, number), table[side]["mean"])
            for row in table.get("rows", []):
                if row[side] is not None:
                    where = (question.id, VERSION, number, _choice(question, row["answer"]))
                    fetched.add(where, row[side]["count"])


def page_numbers(page: str) -> set[int]:
    """Every whole number in a table cell or summary of a page."""
    cells = re.findall(r"<(?:td|dd)>([^<]*)", page.replace(f"&lt;{THRESHOLD}", ""))
    return {int(n) for cell in cells for n in re.findall(r"\d+", cell)}


def fetch_everything(client, app, survey: SurveyDefinition) -> Fetched:
    fetched = Fetched()
    runner = app.test_cli_runner()
    groups = [
        f"{q.id}:{choice}"
        for q in survey.questions
        if q.kind == "demographic"
        for choice in q.choices
    ]
    for group in [None, *groups]:
        query = {"group": group} if group else {}
        page = client.get(f"/findings/{SLUG}", query_string=query)
        if page.status_code == 404:  # a group too small to open
            assert "cannot be shown" in page.get_data(as_text=True)
            assert client.get(f"/findings/{SLUG}/findings.csv", query_string=query).status_code
            continue
        assert page.status_code == 200
        assert "slightly adjusted to protect young people" in page.get_data(as_text=True)
        exported = client.get(f"/findings/{SLUG}/findings.csv", query_string=query)
        assert exported.status_code == 200, (group, exported.status_code)
        rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
        counts = read_export(rows, survey, fetched)
        shown_numbers = {int(v) for row in rows for v in row if v.isdigit()}
        assert page_numbers(page.get_data(as_text=True)) <= shown_numbers | {
            int(n) for n in re.findall(r"\d+", survey.title)
        }
        workbook = client.get(f"/findings/{SLUG}/findings.xlsx", query_string=query)
        assert workbook.status_code == 200, (group, workbook.status_code, workbook.location)
        sheet = load_workbook(io.BytesIO(workbook.data))["Findings"]
        xlsx_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        xlsx_counts = [r[4] for r in xlsx_rows[1:]]
        assert [int(c) if c.isdigit() else None for c in counts] == xlsx_counts
        assert all(
            (note is not None) == (c in ("<10", "withheld"))
            for c, note in zip(counts, (r[-1] for r in xlsx_rows[1:]), strict=True)
            if c != ""
        )
        arguments = ["findings", SLUG, "--format", "json"] + (["--group", group] if group else [])
        as_json = json.loads(runner.invoke(cli, arguments).output)
        from_json = Fetched()
        read_export(findings.csv_rows(as_json), survey, from_json)
        for key, value in from_json.shown.items():
            fetched.add(key, value)
        report = client.get(f"/findings/{SLUG}/report", query_string=query)
        assert report.status_code == 200, (group, report.status_code, report.location)
        cover, tables = report.get_data(as_text=True).split("</section>", 1)
        assert "about " in cover and page_numbers(tables) <= shown_numbers
    compared = client.get(f"/findings/{SLUG}/compare", query_string={"first": 1, "second": 2})
    assert compared.status_code == 200
    read_comparison(services.comparison_for(SLUG, 1, 2, THRESHOLD), survey, fetched)
    return fetched


class Attack:
    """The linear programme for one question: for each split (each demographic question, and
    the version), a count for every answer in every group (those who gave no answer to the
    split included), each split adding up to the same count for everyone for each answer."""

    def __init__(self, question: Question, splits: dict[str, list[Any]], answers: list[str]):
        self.question = question
        self.splits = splits
        self.answers = answers
        self.several = question.kind == "multiple_choice"
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.bounds: list[tuple[float, float | None]] = []
        # Per split and group: people who answered (for multiple choice, besides the options).
        for split, groups in splits.items():
            for group in groups:
                for answer in answers:
                    self._variable((split, group, answer))
                if self.several:
                    self._variable((split, group, None))
                    for answer in answers:
                        self.constrain(
                            {
                                self.index[split, group, answer]: 1,
                                self.index[split, group, None]: -1,
                            },
                            None,
                            0,
                        )
        first, *others = splits
        for other in others:
            for answer in [*answers, *([None] if self.several else [])]:
                terms: dict[int, float] = defaultdict(float)
                for group in splits[first]:
                    terms[self.index[first, group, answer]] += 1
                for group in splits[other]:
                    terms[self.index[other, group, answer]] -= 1
                self.constrain(terms, 0, 0)

    def _variable(self, key: tuple, low: float = 0, high: float | None = None) -> int:
        self.index[key] = len(self.bounds)
        self.bounds.append((low, high))
        return self.index[key]

    def constrain(self, terms: dict[int, float], low: float | None, high: float | None) -> None:
        self.rows.append(
            (dict(terms), -math.inf if low is None else low, math.inf if high is None else high)
        )

    def cell(self, split: str | None, group: Any, answer: str | None) -> dict[int, float]:
        """The true count of a published cell as a sum of variables: ``split`` None is
        everyone, ``answer`` None the people who answered."""
        if split is None:
            split = next(iter(self.splits))
            groups = self.splits[split]
        else:
            groups = [MISSING if group is None else group]
        if answer is None:
            answers: list[str | None] = [None] if self.several else list(self.answers)
        else:
            answers = [answer]
        terms: dict[int, float] = defaultdict(float)
        for g in groups:
            for a in answers:
                terms[self.index[split, g, a]] += 1
        return terms

    def published(self, terms: dict[int, float], value: Any) -> None:
        if isinstance(value, int):
            self.constrain(terms, max(THRESHOLD, value - NOISE), value + NOISE)
        elif value == f"<{THRESHOLD}":
            self.constrain(terms, 0, THRESHOLD - 1)
        elif value == disclosure.WITHHELD:
            self.constrain(terms, THRESHOLD, None)

    def mean(self, cells: list[tuple[float, dict[int, float], Any]], mean: float) -> None:
        """A mean shown to two places, over the perturbed counts n of each value v:
        |sum((v - mean) * n)| <= 0.005 * sum(n). A shown count is n; a hidden one's n is a
        variable within 3 of the truth, 0 to 9 ("<10") or at least the threshold."""
        constant, shown_people = 0.0, 0.0
        noisy: dict[int, float] = {}
        for value, truth, shown in cells:
            if isinstance(shown, int):
                constant += (value - mean) * shown
                shown_people += shown
                continue
            low, high = (0, THRESHOLD - 1) if shown != disclosure.WITHHELD else (THRESHOLD, None)
            n = self._variable(("noisy", len(self.bounds)), low, high)
            noisy[n] = value - mean
            self.constrain({**truth, n: -1}, -NOISE, NOISE)
        self.constrain(
            {n: w - 0.005 for n, w in noisy.items()}, None, -constant + 0.005 * shown_people
        )
        self.constrain(
            {n: w + 0.005 for n, w in noisy.items()}, -constant - 0.005 * shown_people, None
        )

    def bounds_of(self, terms: dict[int, float]) -> tuple[float, float]:
        size = len(self.bounds)
        matrix, lows, highs = [], [], []
        for row, low, high in self.rows:
            dense = [0.0] * size
            for i, w in row.items():
                dense[i] = w
            if high != math.inf:
                matrix.append(dense)
                highs.append(high)
            if low != -math.inf:
                matrix.append([-w for w in dense])
                highs.append(-low)
        del lows
        objective = [0.0] * size
        for i, w in terms.items():
            objective[i] = w
        found = []
        for sign in (1, -1):
            result = linprog(
                [sign * w for w in objective],
                A_ub=matrix,
                b_ub=highs,
                bounds=self.bounds,
                method="highs",
            )
            assert result.status == 0, result.message
            found.append(sign * result.fun)
        return found[0], found[1]


def attack(
    question: Question, survey: SurveyDefinition, fetched: Fetched, truth: findings.Counts
) -> Iterator[tuple[tuple, int, float, float]]:
    """(cell, true count, least, most) of every count from 1 to 9 the attacker bounds."""
    demographics = [q for q in survey.questions if q.kind == "demographic" and q.id != question.id]
    splits: dict[str, list[Any]] = {d.id: [*d.choices, MISSING] for d in demographics}
    splits[VERSION] = [1, 2]
    if question.id == STATUS:
        answers = ["web", "sms", "incomplete"]
    else:
        answers = list(question.choices) if question.kind != "free_text" else []
    if not answers:
        return
    lp = Attack(question, splits, answers)
    qid = question.id

    def terms_of(split: str | None, group: Any, answer: str | None) -> dict[int, float]:
        if answer == "completed":
            web, sms = lp.cell(split, group, "web"), lp.cell(split, group, "sms")
            return {i: web.get(i, 0) + sms.get(i, 0) for i in {*web, *sms}}
        return lp.cell(split, group, answer)

    for (q, split, group, answer), value in fetched.shown.items():
        if q == qid:
            lp.published(terms_of(split, group, answer), value)
    for (q, split, group), mean in fetched.means.items():
        if q == qid:
            cells = [
                (float(a), terms_of(split, group, a), fetched.shown.get((q, split, group, a)))
                for a in answers
            ]
            lp.mean(cells, mean)
    targets = {}
    for (split, group, answer), cell in truth.of(qid).items():
        if 0 < cell.people < THRESHOLD and answer in (None, *answers):
            name = MISSING if group is None and split is not None else group
            if split is not None and name not in splits[split]:
                continue
            targets[split, name, answer] = cell.people
    for (split, group, answer), people in targets.items():
        least, most = lp.bounds_of(terms_of(split, group, answer))
        yield (qid, split, group, answer), people, least, most


def recovered_counts(app, client, survey: SurveyDefinition) -> tuple[int, list]:
    """(counts from 1 to 9 attacked, those pinned down) over all the board can fetch."""
    fetched = fetch_everything(client, app, survey)
    survey_id = db.session.scalar(select(SurveyResponse.survey_id).limit(1))
    rows = db.session.execute(
        select(
            SurveyResponse.answers,
            SurveyResponse.channel,
            SurveyResponse.completed_on,
            SurveyResponse.record_key,
            SurveyResponse.version_id,
        ).where(SurveyResponse.survey_id == survey_id)
    ).all()
    versions = {v.version_id: v.number for v in services.answerable_versions(survey_id)}
    truth = findings.count_responses(
        [
            findings.Response(
                r.answers,
                str(r.channel),
                r.completed_on is not None,
                r.record_key,
                versions[r.version_id],
            )
            for r in rows
        ],
        survey.questions,
    )
    recovered = []
    attempted = 0
    for question in [findings.STATUS_QUESTION, *survey.questions]:
        for cell, people, least, most in attack(question, survey, fetched, truth):
            attempted += 1
            assert least <= people + 1e-6 and people - 1e-6 <= most, (cell, people, least, most)
            if math.ceil(least - 1e-6) == math.floor(most + 1e-6):
                recovered.append((cell, people))
    return attempted, recovered


def test_no_small_count_can_be_worked_out_from_all_the_board_can_fetch(
    app, client, demo_survey, signed_in
):
    signed_in(Role.BOARD)
    attempted, recovered = recovered_counts(app, client, demo_survey)
    assert attempted > 50  # the demo has many small counts to try
    assert recovered == [], recovered


def test_the_attacker_pins_small_counts_when_they_are_only_hidden(
    app, client, demo_survey, signed_in, monkeypatch
):
    """Against counts shown exactly, with only the small ones hidden (no noise, nothing
    withheld), the same attack recovers small counts: it is a real attack."""
    monkeypatch.setattr(disclosure, "perturb", lambda cells, threshold: [c.people for c in cells])
    monkeypatch.setattr(sys.modules[__name__], "NOISE", 0)
    monkeypatch.setattr(
        disclosure,
        "suppress",
        lambda values, equations, threshold, never_shown=frozenset(), hide_last=frozenset(): (
            {k for k, v in values.items() if v < threshold and k not in never_shown},
            set(),
        ),
    )
    signed_in(Role.BOARD)
    _, recovered = recovered_counts(app, client, demo_survey)
    assert len(recovered) >= 10
