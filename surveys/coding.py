"""The Changemakers' coding of free-text answers, and what of it reaches the board.

Each free-text question has a codebook: themes the Changemakers name themselves. A coder reads
the answers one at a time, in random order, redacted and without the rest of the response, and
ticks the themes each answer speaks to; a second coder may read the answers another has coded,
on their own. A coder may propose an answer as a quote under one of its themes; a reviewer who
did not propose it approves or refuses it. The board sees each theme's count through the
disclosure gate, and approved quotes only from themes with at least the threshold of answers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, func, select

from changemakers import disclosure
from changemakers.accounts.models import StaffUser
from changemakers.audit import services as audit
from changemakers.extensions import db
from changemakers.languages import BY_CODE
from changemakers.redaction import redact
from surveys import findings
from surveys.definition import Question, SurveyDefinition
from surveys.findings import VERSION, Counts, add_answer
from surveys.models import Coding, Quote, QuoteStatus, SurveyResponse, Theme

NAME_LIMIT = 80
STOP_WORDS = frozenset(
    """a about all also am an and any are as at be because been but by can could do does
    don't for from get got had has have he her him his how i i'm if in into is it it's its
    just like me more most my no not of on one or our out people really she so some that the
    their them then there they this to too up us very was we were what when where which who
    why will with would you your young""".split()
)
_TAG = re.compile(r"\[[a-z_]+\]")
_WORD = re.compile(r"[a-z][a-z']+")


class CodingProblem(Exception):
    """Why a theme or a coding was not kept, in words for the coder."""


@dataclass(frozen=True)
class Progress:
    coded: int  # answers read by at least one coder
    to_code: int  # answers nobody has read yet
    second: int  # answers read by two coders or more


def _answered(survey_id: int, question_id: str) -> Any:
    """Responses with a written answer to the question (SQL condition); the staff
    simulator's are tests, never coded or counted."""
    answer = SurveyResponse.answers[question_id].as_string()
    return and_(
        SurveyResponse.survey_id == survey_id,
        SurveyResponse.is_test.is_(False),
        answer.is_not(None),
        answer != "",
    )


def _coded_by(question_id: str, coder: StaffUser | None = None) -> Any:
    condition = and_(Coding.response_id == SurveyResponse.id, Coding.question_id == question_id)
    if coder is not None:
        condition = and_(condition, Coding.coder_id == coder.id)
    return exists().where(condition)


def progress(survey_id: int, question_id: str) -> Progress:
    answered = _answered(survey_id, question_id)
    total = db.session.scalar(select(func.count()).where(answered)) or 0
    coders = (
        select(Coding.response_id, func.count(func.distinct(Coding.coder_id)).label("coders"))
        .join(SurveyResponse, SurveyResponse.id == Coding.response_id)
        .where(and_(Coding.question_id == question_id, SurveyResponse.survey_id == survey_id))
        .group_by(Coding.response_id)
        .subquery()
    )
    coded, second = db.session.execute(
        select(func.count(), func.count().filter(coders.c.coders >= 2)).select_from(coders)
    ).one()
    return Progress(int(coded), int(total) - int(coded), int(second))


def codebook(survey_id: int, question_id: str) -> list[Theme]:
    return list(
        db.session.scalars(
            select(Theme)
            .where(and_(Theme.survey_id == survey_id, Theme.question_id == question_id))
            .order_by(Theme.name)
        )
    )


def add_theme(survey_id: int, question_id: str, name: str, actor: StaffUser) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise CodingProblem("Give the theme a name.")
    if len(name) > NAME_LIMIT:
        raise CodingProblem(f"Keep the theme's name to {NAME_LIMIT} characters.")
    if any(theme.name.lower() == name.lower() for theme in codebook(survey_id, question_id)):
        raise CodingProblem(f"The codebook already has a theme called “{name}”.")
    theme = Theme(survey_id=survey_id, question_id=question_id, name=name)
    db.session.add(theme)
    db.session.flush()
    audit.record(actor, "coding.theme", "survey", survey_id, question=question_id, name=name)
    db.session.commit()
    return theme


@dataclass(frozen=True)
class Answer:
    response_id: int
    text: str
    language: str | None = None  # the code of the language it was written in, where known

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def language_name(code: str | None) -> str:
    """A free-text answer's language for the coder ("Spanish"); an SMS answer's is not kept
    with the response (``SurveyResponse.language``), nor a web one's before languages were
    offered."""
    return BY_CODE[code].name if code is not None and code in BY_CODE else "not recorded"


def next_answer(
    survey_id: int, question_id: str, coder: StaffUser, second: bool = False
) -> Answer | None:
    """An answer for this coder to read, picked at random: one nobody has coded, or (as a
    second coder) one another has coded and this coder has not. Only the answer, redacted."""
    condition = _answered(survey_id, question_id)
    if second:
        condition = and_(condition, _coded_by(question_id), ~_coded_by(question_id, coder))
    else:
        condition = and_(condition, ~_coded_by(question_id))
    row = db.session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.answers[question_id].as_string(),
            SurveyResponse.language,
        )
        .where(condition)
        .order_by(func.random())
        .limit(1)
    ).first()
    return None if row is None else Answer(row[0], redact(str(row[1])), row[2])


def code(
    survey_id: int,
    question_id: str,
    response_id: int,
    coder: StaffUser,
    theme_ids: Sequence[int],
    quote_theme: int | None = None,
) -> None:
    """Keep a coder's reading of an answer (replacing an earlier one of theirs), and propose
    it as a quote under one of the themes ticked."""
    response = db.session.get(SurveyResponse, response_id)
    if response is None or response.survey_id != survey_id:
        raise CodingProblem("That answer is no longer there.")
    known = {theme.id for theme in codebook(survey_id, question_id)}
    chosen = sorted(set(theme_ids))
    if any(theme_id not in known for theme_id in chosen):
        raise CodingProblem("Choose themes from this question's codebook.")
    if quote_theme is not None and quote_theme not in chosen:
        raise CodingProblem("A quote goes under one of the themes ticked for it.")
    db.session.execute(
        delete(Coding).where(
            and_(
                Coding.response_id == response_id,
                Coding.question_id == question_id,
                Coding.coder_id == coder.id,
            )
        )
    )
    readings: list[int | None] = list(chosen) or [None]  # no theme is a reading too
    for theme_id in readings:
        db.session.add(
            Coding(
                response_id=response_id,
                question_id=question_id,
                coder_id=coder.id,
                theme_id=theme_id,
            )
        )
    if (
        quote_theme is not None
        and db.session.scalar(
            select(Quote.id).where(
                and_(Quote.response_id == response_id, Quote.question_id == question_id)
            )
        )
        is None
    ):
        db.session.add(
            Quote(
                response_id=response_id,
                question_id=question_id,
                theme_id=quote_theme,
                proposed_by=coder.id,
            )
        )
    audit.record(coder, "coding.code", "survey", survey_id, question=question_id)
    db.session.commit()


@dataclass(frozen=True)
class ProposedQuote:
    id: int
    text: str
    theme: str
    question: str
    proposed_by: int
    language: str | None = None

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def proposed_quotes() -> list[ProposedQuote]:
    rows = db.session.execute(
        select(Quote, Theme.name, SurveyResponse.answers, SurveyResponse.language)
        .join(Theme, Theme.id == Quote.theme_id)
        .join(SurveyResponse, SurveyResponse.id == Quote.response_id)
        .where(Quote.status == QuoteStatus.PROPOSED)
        .order_by(Quote.id)
    )
    return [
        ProposedQuote(
            quote.id,
            redact(str(answers.get(quote.question_id, ""))),
            theme,
            quote.question_id,
            quote.proposed_by,
            language,
        )
        for quote, theme, answers, language in rows
    ]


def review_quote(quote_id: int, reviewer: StaffUser, approve: bool) -> None:
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.status is not QuoteStatus.PROPOSED:
        raise CodingProblem("That quote has already been reviewed.")
    if quote.proposed_by == reviewer.id:
        raise CodingProblem("Someone else must review a quote you proposed.")
    quote.status = QuoteStatus.APPROVED if approve else QuoteStatus.REFUSED
    quote.reviewed_by = reviewer.id
    audit.record(reviewer, f"quote.{quote.status.value}", "quote", quote.id)
    db.session.commit()


def themes_for(
    survey_id: int,
    survey: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
    version_numbers: Mapping[int, int],
    threshold: int,
    only: tuple[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each free-text question's themes as the board sees them, for everyone or ``only`` one
    group: the answers coded under each theme, through the disclosure gate (as percentages of
    the answers coded), and for everyone the approved quotes of themes with at least the
    threshold of answers."""
    found: dict[str, list[dict[str, Any]]] = {}
    demographics = [q.id for q in survey.questions if q.kind == "demographic"]
    for question in survey.questions:
        if question.kind != "free_text":
            continue
        book = codebook(survey_id, question.id)
        if not book:
            continue
        names = {theme.id: theme.name for theme in book}
        counted = Counts()
        rows = db.session.execute(
            select(
                SurveyResponse.id,
                SurveyResponse.answers,
                SurveyResponse.record_key,
                SurveyResponse.version_id,
                Coding.theme_id,
            )
            .join(Coding, Coding.response_id == SurveyResponse.id)
            .where(
                and_(
                    SurveyResponse.survey_id == survey_id,
                    SurveyResponse.is_test.is_(False),
                    Coding.question_id == question.id,
                )
            )
        )
        coded: dict[int, tuple[Mapping[str, Any], int, int, set[str]]] = {}
        for response_id, answers, key, version_id, theme_id in rows:
            entry = coded.setdefault(response_id, (answers, key, version_id, set()))
            if theme_id is not None:
                entry[3].add(names[theme_id])
        for answers, key, version_id, themes in coded.values():
            splits: list[tuple[str | None, Any]] = [
                (None, None),
                (VERSION, version_numbers.get(version_id)),
            ]
            for demographic in demographics:
                given = answers.get(demographic)
                splits.append((demographic, None if given is None else str(given)))
            for split, group in splits:
                add_answer(counted, question.id, split, group, themes, 1, key)
        as_choices = Question(question.id, "multiple_choice", question.text, tuple(names.values()))
        cells, equations, never, totals = findings.system_of(
            as_choices, counted.of(question.id), survey, versions
        )
        table = disclosure.protect(cells, equations, threshold, never, totals)
        split, group = only if only else (None, None)
        quotes = {} if only else _approved_quotes(survey_id, question.id)
        found[question.id] = [
            {
                "theme": name,
                "count": table.show((split, group, name)),
                "percent": table.percent((split, group, name), (split, group, None)),
                "quotes": quotes.get(theme_id, [])
                if isinstance(table.show((split, group, name)), int)
                else [],
            }
            for theme_id, name in names.items()
        ]
    return found


def _approved_quotes(survey_id: int, question_id: str) -> dict[int, list[str]]:
    quotes: dict[int, list[str]] = {}
    for theme_id, answers in db.session.execute(
        select(Quote.theme_id, SurveyResponse.answers)
        .join(SurveyResponse, SurveyResponse.id == Quote.response_id)
        .where(
            and_(
                SurveyResponse.survey_id == survey_id,
                Quote.question_id == question_id,
                Quote.status == QuoteStatus.APPROVED,
            )
        )
        .order_by(Quote.id)
    ):
        quotes.setdefault(theme_id, []).append(redact(str(answers.get(question_id, ""))))
    return quotes


def frequent_words(survey_id: int, question_id: str, limit: int = 15) -> list[tuple[str, int]]:
    """A help for coders only, never shown to the board: the words and two-word phrases most
    answers use (each answer counted once, stop words and redaction tags left out)."""
    answer = SurveyResponse.answers[question_id].as_string()
    people: Counter[str] = Counter()
    for text, writers in db.session.execute(
        select(answer, func.count()).where(_answered(survey_id, question_id)).group_by(answer)
    ):
        words = [w for w in _WORD.findall(_TAG.sub(" ", str(text).lower())) if w not in STOP_WORDS]
        terms = {w for w in words if len(w) > 2}
        terms |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        people.update(dict.fromkeys(terms, int(writers)))
    return people.most_common(limit)
