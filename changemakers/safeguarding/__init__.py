"""Spotting messages where a young person may be in danger or disclosing harm.

``docs/safeguarding.md``: every inbound text passes the detector before anything else answers
it. The detector reads young people's writing (slang, text-speak, misspellings, lemmas:
``language``) and applies concept rules that reviewers can read and edit (``detector``,
``rules.yaml``); its labelled corpus (``corpus.tsv``) is re-run on every change
(``evaluation``). It reads English, Spanish and Portuguese; a text in a language it cannot
screen alone raises a "not screened" alert for a person to read (``languages``). Nothing here
knows Flask or the database.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from changemakers.safeguarding.detector import (
    CONCERN,
    IMMEDIATE,
    NO_ALERT,
    NOT_SCREENED,
    Detector,
    RulesError,
    Verdict,
)
from changemakers.safeguarding.evaluation import (
    HELD_OUT,
    TUNE,
    CorpusError,
    Evaluation,
    Example,
    evaluate,
    languages_of,
    read_corpus,
    report,
    report_by_language,
    select,
)
from changemakers.safeguarding.language import ENGLISH, Vocabulary
from changemakers.safeguarding.languages import (
    READABLE_LANGUAGES,
    SCREENED_LANGUAGES,
    UNDETERMINED,
    language_name,
    normalise_language,
)

__all__ = [
    "CONCERN",
    "HELD_OUT",
    "TUNE",
    "UNDETERMINED",
    "IMMEDIATE",
    "NOT_SCREENED",
    "NO_ALERT",
    "READABLE_LANGUAGES",
    "SCREENED_LANGUAGES",
    "CorpusError",
    "Detector",
    "Evaluation",
    "Example",
    "RulesError",
    "Verdict",
    "compile_rules",
    "load_rules",
    "evaluate",
    "language_name",
    "normalise_language",
    "languages_of",
    "read_corpus",
    "report",
    "report_by_language",
    "select",
    "shipped_corpus",
    "shipped_detector",
    "shipped_rules_text",
]

MAX_RULES_LENGTH = 200_000


def _data(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def vocabulary(language: str = ENGLISH) -> Vocabulary:
    """The text-speak and slang of ``language`` (``vocabulary.yaml``, ``vocabulary.es.yaml``…)."""
    name = "vocabulary.yaml" if language == ENGLISH else f"vocabulary.{language}.yaml"
    return Vocabulary.from_data(yaml.safe_load(_data(name)))


def shipped_rules_text() -> str:
    return _data("rules.yaml")


def parse_rules(text: str) -> dict[str, Any]:
    """The rules in ``text`` (YAML), or ``RulesError`` saying what is wrong, for a reviewer."""
    if len(text) > MAX_RULES_LENGTH:
        raise RulesError(
            f"The rules are too long: keep them under {MAX_RULES_LENGTH:,} characters."
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise RulesError(f"The rules cannot be read{where}: {problem}.") from None
    if not isinstance(data, dict):
        raise RulesError(
            "The rules must be sections: categories, concepts, quiet, rules, languages."
        )
    return data


def compile_rules(text: str) -> Detector:
    """Every language's rules compiled now, so that any mistake in them is said at once."""
    vocabularies = {code: vocabulary(code) for code in READABLE_LANGUAGES}
    return Detector(parse_rules(text), vocabularies, SCREENED_LANGUAGES)


def load_rules(text: str) -> Detector:
    """Rules already known to compile (shipped, or approved), each language other than English
    compiled when a text in it first comes."""
    vocabularies = {code: vocabulary(code) for code in READABLE_LANGUAGES}
    return Detector(parse_rules(text), vocabularies, SCREENED_LANGUAGES, lazy=True)


@functools.cache
def shipped_detector() -> Detector:
    """The shipped rules, compiled once and shared (a ``Detector`` never changes)."""
    return load_rules(shipped_rules_text())


def shipped_corpus(categories: Any = None) -> list[Example]:
    detector_categories = categories or shipped_detector().categories
    return read_corpus(_data("corpus.tsv").splitlines(), detector_categories)
