"""A survey as plain data, the same shape in the database and in YAML or JSON files::

title: What matters to you?
slug: what-matters
keyword: SURVEY
intro: …
privacy: …            # a short notice in plain words for young people
thanks: …             # what happens next
sensitive: true       # pages carry an "exit this page" button
opens: 2026-01-01     # optional; closes likewise
questions:
  - id: worries
    kind: multiple_choice   # single_choice, multiple_choice, scale, number, free_text,
                            # demographic
    text: Which of these worry you most?
    options: [Knife crime, Online safety]
    required: true
  - id: safe
    kind: scale
    text: How safe do you feel where you live?
    min: 1
    max: 5
    labels: {1: Very unsafe, 5: Very safe}
    show_if: {question: worries, any_of: [Knife crime]}
  - id: age
    kind: demographic
    demographic: age_band   # age_band, gender, area (area lists its own options)

Any text may have translations beside it, by language code (``changemakers.languages``). An
option is stored as its English words whatever language it was chosen in, so the findings pool
answers across languages by the option; its translation only changes what a young person reads::

translations:
  es: {title: ¿Qué te importa?, intro: …, privacy: …, thanks: …}
unchecked_translations: [es]   # a native speaker has not checked these yet
questions:
  - id: worries
    text: Which of these worry you most?
    options: [Knife crime, Online safety]
    translations:
      es:
        text: ¿Cuáles de estas cosas te preocupan más?
        options: {Knife crime: Delitos con cuchillos, Online safety: Seguridad en internet}
        labels: {1: Muy inseguro/a}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from changemakers.content.editing import ContentProblems
from changemakers.languages import (
    BY_CODE,
    ENGLISH,
    LANGUAGE_SLOT,
    Localised,
    TranslatableText,
    clean_translations,
    localised,
)
from surveys.phrases import say

QUESTION_KINDS = (
    "single_choice",
    "multiple_choice",
    "scale",
    "number",
    "free_text",
    "demographic",
)
PREFER_NOT_TO_SAY = "Prefer not to say"
DEMOGRAPHIC_OPTIONS = {
    "age_band": ("Under 12", "12 to 13", "14 to 15", "16 to 17", "18 to 21", "22 or over"),
    "gender": ("Girl or young woman", "Boy or young man", "Non-binary", "In another way"),
}
DEMOGRAPHICS = ("age_band", "gender", "area")
DEFAULT_TEXT_LIMIT = 500


@dataclass(frozen=True)
class ShowIf:
    question: str
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = True
    hint: str = ""
    minimum: int | None = None
    maximum: int | None = None
    labels: Mapping[int, str] = field(default_factory=dict)
    max_length: int = DEFAULT_TEXT_LIMIT
    demographic: str | None = None
    show_if: ShowIf | None = None
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    language: str = ENGLISH  # the language its texts are shown in (``localise``)
    option_labels: Mapping[str, str] = field(default_factory=dict)  # choice → its words here

    @property
    def choices(self) -> tuple[str, ...]:
        """What can be chosen: the options, the scale's points, or a demographic's bands."""
        if self.kind == "scale" and self.minimum is not None and self.maximum is not None:
            return tuple(str(n) for n in range(self.minimum, self.maximum + 1))
        if self.kind == "demographic":
            listed = self.options or DEMOGRAPHIC_OPTIONS.get(self.demographic or "", ())
            return (*listed, PREFER_NOT_TO_SAY)
        return self.options

    def label_of(self, choice: str) -> str:
        if self.kind == "scale" and choice.isdigit() and int(choice) in self.labels:
            label = self.labels[int(choice)]
            own = getattr(label, "lang", None)  # a translated label knows its language
            return Localised(f"{choice}: {label}", own) if own else f"{choice}: {label}"
        return self.words_of(choice)

    def words_of(self, choice: str) -> str:
        """A choice as the reader sees it: its words in their language, or as written."""
        return self.option_labels.get(choice, choice)


@dataclass(frozen=True)
class SurveyDefinition:
    title: str
    slug: str
    keyword: str
    questions: tuple[Question, ...]
    intro: str = ""
    privacy: str = ""
    thanks: str = "Thank you."
    sensitive: bool = False
    opens: date | None = None
    closes: date | None = None
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    unchecked_translations: tuple[str, ...] = ()  # languages a native speaker has not checked
    language: str = ENGLISH  # the language its texts are shown in (``localise``)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def is_open(self, today: date) -> bool:
        return (self.opens is None or self.opens <= today) and (
            self.closes is None or today <= self.closes
        )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _int(value: object, name: str, where: str, problems: list[str]) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except ValueError:
        problems.append(f"{where}: {name} must be a whole number")
        return None


def _date(value: object, name: str, problems: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{name} must be a date such as 2026-12-31")
        return None


def from_data(data: object) -> SurveyDefinition:
    """A survey from plain data; ``ContentProblems`` lists every problem."""
    if not isinstance(data, Mapping):
        raise ContentProblems(["a survey file must be a set of named fields"])
    problems: list[str] = []
    for required in ("title", "slug", "questions"):
        if not data.get(required):
            problems.append(f"the survey needs {required}")
    questions = []
    seen: set[str] = set()
    for number, raw in enumerate(data.get("questions") or [], start=1):
        question = _question(number, raw, problems)
        if question is None:
            continue
        if question.id in seen:
            problems.append(f"two questions are called {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    for question in questions:
        if question.show_if is not None:
            earlier = [q.id for q in questions[: questions.index(question)]]
            if question.show_if.question not in earlier:
                problems.append(
                    f"question {question.id!r} depends on {question.show_if.question!r}, "
                    "which is not an earlier question"
                )
    opens = _date(data.get("opens"), "opens", problems)
    closes = _date(data.get("closes"), "closes", problems)
    if opens and closes and closes < opens:
        problems.append("the survey closes before it opens")
    if problems:
        raise ContentProblems(problems)
    return SurveyDefinition(
        title=_text(data["title"]),
        slug=_text(data["slug"]).lower(),
        keyword=_text(data.get("keyword")).upper(),
        questions=tuple(questions),
        intro=_text(data.get("intro")),
        privacy=_text(data.get("privacy")),
        thanks=_text(data.get("thanks")) or "Thank you.",
        sensitive=bool(data.get("sensitive")),
        opens=opens,
        closes=closes,
        translations=clean_translations(data.get("translations")),
        unchecked_translations=tuple(
            str(code)
            for code in data.get("unchecked_translations") or ()
            if str(code) in BY_CODE and str(code) != ENGLISH
        ),
    )


def _question(number: int, raw: object, problems: list[str]) -> Question | None:
    where = f"question {number}"
    if not isinstance(raw, Mapping) or not raw.get("id") or not _text(raw.get("text")):
        problems.append(f"{where} needs an id and a text")
        return None
    kind = _text(raw.get("kind"))
    if kind not in QUESTION_KINDS:
        problems.append(f"{where}: kind must be one of {', '.join(QUESTION_KINDS)}")
        return None
    options = tuple(_text(o) for o in raw.get("options") or [] if _text(o))
    demographic = _text(raw.get("demographic")) or None
    if kind in ("single_choice", "multiple_choice") and len(options) < 2:
        problems.append(f"{where} needs at least two options")
    if kind == "demographic" and demographic not in DEMOGRAPHICS:
        problems.append(f"{where}: demographic must be one of {', '.join(DEMOGRAPHICS)}")
    if kind == "demographic" and demographic == "area" and len(options) < 2:
        problems.append(f"{where}: list the areas as options")
    minimum = _int(raw.get("min"), "min", where, problems)
    maximum = _int(raw.get("max"), "max", where, problems)
    if kind in ("scale", "number") and (minimum is None or maximum is None or maximum <= minimum):
        problems.append(f"{where} needs a min below its max")
    if kind == "scale" and minimum is not None and maximum is not None and maximum - minimum > 10:
        problems.append(f"{where}: a scale has at most 11 points")
    labels = {}
    for point, label in (raw.get("labels") or {}).items():
        value = _int(point, "a label's point", where, problems)
        if value is not None:
            labels[value] = _text(label)
    show_if = None
    if raw.get("show_if"):
        condition = raw["show_if"]
        any_of = condition.get("any_of") if isinstance(condition, Mapping) else None
        if not isinstance(condition, Mapping) or not condition.get("question") or not any_of:
            problems.append(f"{where}: show_if needs a question and the answers (any_of)")
        else:
            show_if = ShowIf(_text(condition["question"]), tuple(_text(a) for a in any_of))
    max_length = _int(raw.get("max_length"), "max_length", where, problems)
    return Question(
        id=_text(raw["id"]),
        kind=kind,
        text=_text(raw["text"]),
        options=options,
        required=bool(raw.get("required", True)),
        hint=_text(raw.get("hint")),
        minimum=minimum,
        maximum=maximum,
        labels=labels,
        max_length=min(max_length or DEFAULT_TEXT_LIMIT, 2000),
        demographic=demographic,
        show_if=show_if,
        translations=clean_translations(raw.get("translations")),
    )


def to_data(survey: SurveyDefinition) -> dict[str, Any]:
    questions = []
    for q in survey.questions:
        fields: dict[str, Any] = {"id": q.id, "kind": q.kind, "text": q.text}
        if q.options:
            fields["options"] = list(q.options)
        if not q.required:
            fields["required"] = False
        for name, value in (
            ("hint", q.hint),
            ("min", q.minimum),
            ("max", q.maximum),
            ("demographic", q.demographic),
        ):
            if value not in (None, ""):
                fields[name] = value
        if q.labels:
            fields["labels"] = dict(q.labels)
        if q.kind == "free_text" and q.max_length != DEFAULT_TEXT_LIMIT:
            fields["max_length"] = q.max_length
        if q.show_if:
            fields["show_if"] = {"question": q.show_if.question, "any_of": list(q.show_if.any_of)}
        if q.translations:
            fields["translations"] = _plain(q.translations)
        questions.append(fields)
    data: dict[str, Any] = {"title": survey.title, "slug": survey.slug}
    for name in ("keyword", "intro", "privacy", "thanks"):
        if getattr(survey, name):
            data[name] = getattr(survey, name)
    if survey.sensitive:
        data["sensitive"] = True
    for name in ("opens", "closes"):
        if getattr(survey, name):
            data[name] = getattr(survey, name).isoformat()
    if survey.translations:
        data["translations"] = _plain(survey.translations)
    if survey.unchecked_translations:
        data["unchecked_translations"] = list(survey.unchecked_translations)
    data["questions"] = questions
    return data


def _plain(translations: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        code: {
            name: dict(value) if isinstance(value, Mapping) else value
            for name, value in fields.items()
        }
        for code, fields in translations.items()
    }


def _label_translations(question: Question, language: str) -> dict[int, str]:
    own = (question.translations.get(language) or {}).get("labels") or {}
    labels: dict[int, str] = {}
    for point, label in question.labels.items():
        text = own.get(str(point))
        labels[point] = Localised(text, language) if text else Localised(label, ENGLISH)
    return labels


def _option_labels(question: Question, language: str) -> dict[str, str]:
    """Each choice's words in ``language``: the Changemakers' translation of an option, the
    service's own of a demographic band."""
    own = (question.translations.get(language) or {}).get("options") or {}
    labels: dict[str, str] = {}
    for choice in question.choices:
        if own.get(choice):
            labels[choice] = Localised(own[choice], language)
        elif question.kind == "demographic" and not (
            question.options and choice != PREFER_NOT_TO_SAY
        ):
            labels[choice] = say(choice, language)
        else:
            labels[choice] = Localised(choice, ENGLISH)
    return labels


def localise(survey: SurveyDefinition, language: str) -> SurveyDefinition:
    """The survey as someone who chose ``language`` reads it: each text in that language, or
    in English where it has none (and then knowing it is English). The choices stay the
    options' English words, which is what is stored."""
    if language not in BY_CODE:
        language = ENGLISH

    def text(english: str, name: str) -> Localised:
        return localised(english, survey.translations, language, name)

    questions = tuple(
        replace(
            q,
            text=localised(q.text, q.translations, language, "text"),
            hint=localised(q.hint, q.translations, language, "hint"),
            labels=_label_translations(q, language),
            option_labels=_option_labels(q, language),
            language=language,
        )
        for q in survey.questions
    )
    thanks = survey.thanks
    if thanks == "Thank you." and not (survey.translations.get(language) or {}).get("thanks"):
        thanked = say(thanks, language)
    else:
        thanked = text(thanks, "thanks")
    return replace(
        survey,
        title=text(survey.title, "title"),
        intro=text(survey.intro, "intro"),
        privacy=text(survey.privacy, "privacy"),
        thanks=thanked,
        questions=questions,
        language=language,
    )


def translatable_texts(survey: SurveyDefinition) -> list[TranslatableText]:
    """Every text of a survey a young person reads, for the translations page, with where its
    translations go in ``to_data``'s shape."""
    texts: list[TranslatableText] = []

    def add(
        key: str,
        label: str,
        english: str,
        translations: Mapping[str, Mapping[str, Any]],
        place: tuple[Any, ...],
        name: str,
        sub: str = "",
    ) -> None:
        if not english.strip():
            return
        by_language = {}
        for code, fields in translations.items():
            value = fields.get(name)
            if sub and isinstance(value, Mapping):
                value = value.get(sub)
            if isinstance(value, str):
                by_language[code] = value
        path = (*place, "translations", LANGUAGE_SLOT, name, *((sub,) if sub else ()))
        texts.append(TranslatableText(key, label, english, by_language, path))

    for name in ("title", "intro", "privacy", "thanks"):
        english = getattr(survey, name)
        add(f"survey:{name}", name.capitalize(), english, survey.translations, (), name)
    for index, q in enumerate(survey.questions):
        where = ("questions", index)
        add(f"question:{q.id}:text", f"{q.id}: question", q.text, q.translations, where, "text")
        add(f"question:{q.id}:hint", f"{q.id}: hint", q.hint, q.translations, where, "hint")
        for option in q.options:
            key = f"question:{q.id}:option:{option}"
            add(key, f"{q.id}: {option}", option, q.translations, where, "options", option)
        for point, label in q.labels.items():
            key = f"question:{q.id}:label:{point}"
            add(key, f"{q.id}: {point}", label, q.translations, where, "labels", str(point))
    return texts
