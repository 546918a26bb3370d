"""Answers: parsing what a young person typed (on a phone) or chose (on a web page), checking
it against the question, and working out which question comes next. Plain functions.

Stored values: the chosen option's words for single choice and demographics, a list of them for
multiple choice, a whole number for scales and numbers, text for free text, and ``None`` for a
question skipped. The option's words are always its English ones, in whatever language it was
chosen (a localised question, ``definition.localise``, also knows them in its language), and
hints and errors are in the question's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.definition import Question, SurveyDefinition
from surveys.phrases import say

NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
LETTERS = "abcdefghijkl"
SKIP_WORDS = frozenset({"skip", "pass", "next"})
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\s)\s*")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Parsed:
    value: Any = None
    error: str | None = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_WORD.sub(" ", folded).strip()


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Show-if: the earlier answer is one of those listed (any of them, for multiple choice)."""
    if question.show_if is None:
        return True
    given = answers.get(question.show_if.question)
    chosen = set(given) if isinstance(given, list) else {str(given)}
    return bool(chosen & set(question.show_if.any_of))


def may_be_shown(survey: SurveyDefinition, question: Question, answers: Mapping[str, Any]) -> bool:
    """Shown, or not ruled out yet: its show-if rests on an answer not given so far, to a
    question that may itself be shown."""
    if question.show_if is None or question.show_if.question in answers:
        return is_shown(question, answers)
    deciding = survey.question(question.show_if.question)
    return deciding is not None and may_be_shown(survey, deciding, answers)


def position(
    survey: SurveyDefinition, question_id: str, answers: Mapping[str, Any]
) -> tuple[int, int]:
    """Where a question stands for one respondent, as "Question 3 of 8" on the web and "Q3/8"
    by text, from the answers given so far.

    The number counts the questions shown so far, this one included. The total adds every
    question still to come that may be shown, those whose show-if rests on an answer not
    given yet included. So the total is largest at the start and never grows as someone
    answers in order: it only falls, when an answer rules a question out (Q2/8, then Q3/7
    for someone a follow-up does not apply to), never jumps up mid-survey. Going back and
    changing an answer on the web may bring a question back, and the total with it."""
    ids = [q.id for q in survey.questions]
    earlier = set(ids[: ids.index(question_id)])
    counted = [q.id for q in survey.questions if may_be_shown(survey, q, answers)]
    number = 1 + len(earlier.intersection(counted))
    return number, max(number, len(counted))


def next_question(
    survey: SurveyDefinition, answers: Mapping[str, Any], after: str | None = None
) -> Question | None:
    """The first question after ``after`` (or the first of all) that is shown."""
    ids = [q.id for q in survey.questions]
    start = ids.index(after) + 1 if after in ids else 0
    for question in survey.questions[start:]:
        if is_shown(question, answers):
            return question
    return None


def _choice_by_token(question: Question, token: str) -> str | None:
    choices = question.choices
    if question.kind == "scale":
        number = int(token) if token.isdigit() else NUMBER_WORDS.get(token)
        return str(number) if number is not None and str(number) in choices else None
    if token.isdigit():
        position = int(token)
    elif token in NUMBER_WORDS:
        position = NUMBER_WORDS[token]
    elif len(token) == 1 and token in LETTERS:
        position = LETTERS.index(token) + 1
    else:
        return None
    return choices[position - 1] if 1 <= position <= len(choices) else None


def _choice_by_words(question: Question, text: str) -> str | None:
    """The option whose words were typed: all of its name, or a word only it has."""

    def words(choice: str) -> set[str]:
        return {normalise(choice), normalise(question.words_of(choice))}

    named = [c for c in question.choices if text in words(c)]
    if named:
        return named[0]
    having = [
        c
        for c in question.choices
        if len(text) > 2 and any(text in name.split() for name in words(c))
    ]
    return having[0] if len(having) == 1 else None


def _say(question: Question, english: str, **values: object) -> str:
    return say(english, question.language, **values)


def _choose_hint(question: Question) -> str:
    count = len(question.choices)
    if question.kind == "multiple_choice":
        return _say(
            question,
            "Reply with the numbers of all that apply, such as 1 3 (from 1 to {count}).",
            count=count,
        )
    if question.kind == "scale":
        return _say(
            question,
            "Reply with a number from {low} to {high}.",
            low=question.minimum,
            high=question.maximum,
        )
    return _say(question, "Reply with a number from {low} to {high}.", low=1, high=count)


def parse_sms(question: Question, text: str) -> Parsed:
    """What a text message answers, tolerant of "2", "two", "b", the option's words, extra spaces
    and punctuation, and "1 3" or "1,3" for several answers."""
    words = normalise(text)
    if words in SKIP_WORDS:
        if question.required:
            needed = _say(question, "This one needs an answer, sorry. ")
            return Parsed(error=needed + sms_hint(question))
        return Parsed(skipped=True)
    if question.kind == "free_text":
        if not text.strip():
            return Parsed(error=_say(question, "Please type your answer. ") + sms_hint(question))
        return Parsed(text.strip()[: question.max_length])
    if question.kind == "number":
        return check_number(question, words)
    if question.kind == "multiple_choice":
        return _parse_several(question, words)
    chosen = _choice_by_token(question, words) or _choice_by_words(question, words)
    if chosen is None:
        first = words.split()[0] if words else ""
        chosen = _choice_by_token(question, first) if first.isdigit() else None
    if chosen is None:
        return Parsed(error=_not_understood(question))
    return Parsed(int(chosen) if question.kind == "scale" else chosen)


def _not_understood(question: Question) -> str:
    return _say(question, "Sorry, we didn't get that. ") + _choose_hint(question)


def _parse_several(question: Question, words: str) -> Parsed:
    whole = _choice_by_words(question, words)
    if whole is not None:
        return Parsed([whole])
    chosen: list[str] = []
    for token in (t for t in _SPLIT.split(words) if t):
        choice = _choice_by_token(question, token) or _choice_by_words(question, token)
        if choice is None:
            return Parsed(error=_not_understood(question))
        if choice not in chosen:
            chosen.append(choice)
    if not chosen:
        return Parsed(error=_not_understood(question))
    return Parsed([c for c in question.choices if c in chosen])


def check_number(question: Question, words: str) -> Parsed:
    token = words.split()[0] if words else ""
    number = int(token) if token.isdigit() else NUMBER_WORDS.get(token)
    low, high = question.minimum, question.maximum
    error = _say(question, "Please answer with a number from {low} to {high}.", low=low, high=high)
    if number is None:
        return Parsed(error=error)
    if (low is not None and number < low) or (high is not None and number > high):
        return Parsed(error=error)
    return Parsed(number)


def parse_web(question: Question, values: list[str]) -> Parsed:
    """What a web form answers (the values of its radios, boxes or field)."""
    given = [v for v in values if v.strip()]
    if not given:
        if question.required:
            return Parsed(error=web_required_message(question))
        return Parsed(skipped=True)
    if question.kind == "free_text":
        text = given[0].strip()
        if len(text) > question.max_length:
            return Parsed(
                error=_say(
                    question,
                    "Your answer must be {count} characters or fewer",
                    count=question.max_length,
                )
            )
        return Parsed(text)
    if question.kind == "number":
        return check_number(question, normalise(given[0]))
    chosen = [v for v in given if v in question.choices]
    if len(chosen) != len(given):
        return Parsed(error=_say(question, "Choose from the options given"))
    if question.kind == "multiple_choice":
        return Parsed(chosen)
    return Parsed(int(chosen[0]) if question.kind == "scale" else chosen[0])


def web_required_message(question: Question) -> str:
    if question.kind == "multiple_choice":
        return _say(question, "Select at least one answer, or choose the closest one")
    if question.kind in ("free_text", "number"):
        return _say(question, "Enter an answer")
    return _say(question, "Select an answer")


def sms_hint(question: Question) -> str:
    if question.kind == "free_text":
        return _say(question, "Up to {count} characters.", count=question.max_length)
    if question.kind == "number":
        return _say(
            question,
            "A number from {low} to {high}.",
            low=question.minimum,
            high=question.maximum,
        )
    return _choose_hint(question)


def sms_prompt(question: Question, number: int, total: int) -> str:
    """A question as one text: the question, then its numbered choices and how to reply."""
    lines = [f"Q{number}/{total}: {question.text}"]
    if question.kind in ("single_choice", "multiple_choice", "demographic"):
        lines += [
            f"{n} {question.words_of(choice)}" for n, choice in enumerate(question.choices, start=1)
        ]
    elif question.kind == "scale":
        lines += [question.label_of(c) for c in question.choices if int(c) in question.labels]
    ending = sms_hint(question)
    if not question.required:
        ending += _say(question, " Or SKIP.")
    lines.append(ending)
    return "\n".join(lines)
