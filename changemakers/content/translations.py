"""The translations of a piece of content (a flow, a survey, a fixed reply) as its editors see
them: how complete each language is, which still need a native speaker's check, the warning
before publishing with texts missing, and each text beside its English with the SMS it costs
in each language. One way for every kind of content; each domain says what its texts are
(``TranslatableText``) and keeps the edit through its own lifecycle, so four eyes covers a
translation like any other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from changemakers.content.segments import SmsLength, sms_length
from changemakers.languages import (
    BY_CODE,
    TRANSLATED,
    Completeness,
    TranslatableText,
    completeness,
    missing_warning,
    with_translations,
)

# A text as a young person reads it in a language (the helplines inserted, in that language)
AsRead = Callable[[str, str], str]


@dataclass(frozen=True)
class Summary:
    """What an editor page says of a piece of content's languages."""

    completeness: list[Completeness]
    unchecked: tuple[str, ...]  # languages a native speaker has not checked yet
    warning: str | None  # before publishing: the texts that would go in English


def summary(texts: Iterable[TranslatableText], unchecked: Iterable[str]) -> Summary:
    listed = list(texts)
    return Summary(completeness(listed), tuple(unchecked), missing_warning(listed))


@dataclass(frozen=True)
class Row:
    """One text beside its English on the translations page."""

    key: str
    label: str
    english: str
    english_length: SmsLength
    translated: str
    translated_length: SmsLength | None  # None: no translation, the English goes


def rows(texts: Iterable[TranslatableText], language: str, as_read: AsRead) -> list[Row]:
    found = []
    for text in texts:
        translated = text.translations.get(language, "")
        found.append(
            Row(
                text.key,
                text.label,
                text.english,
                sms_length(as_read(text.english, "en")),
                translated,
                sms_length(as_read(translated, language)) if translated else None,
            )
        )
    return found


def segments(found: Iterable[Row]) -> tuple[int, int]:
    """How many SMS all the texts cost in English, and in the language (a text with no
    translation counted at its English cost, since that is what goes)."""
    english = translated = 0
    for row in found:
        english += row.english_length.segments
        translated += (row.translated_length or row.english_length).segments
    return english, translated


def edited(
    data: Mapping[str, Any],
    texts: Iterable[TranslatableText],
    language: str,
    written: Mapping[str, str],
    checked: bool,
) -> dict[str, Any]:
    """A piece of content's plain data with one language's translations as written on the
    page, and that language on or off the list of those a native speaker has not checked
    (``unchecked_translations``), as the editor ticked it."""
    changed = with_translations(data, texts, language, written)
    unchecked = [
        str(code)
        for code in changed.get("unchecked_translations") or ()
        if str(code) in BY_CODE and code != language
    ]
    if not checked:
        unchecked.append(language)
    if unchecked:
        changed["unchecked_translations"] = unchecked
    else:
        changed.pop("unchecked_translations", None)
    return changed


def translated_codes() -> list[str]:
    return [language.code for language in TRANSLATED]


def language_or_first(asked: str | None) -> str:
    """The language the page shows: the one asked for, if it is one we translate into."""
    codes = translated_codes()
    return asked if asked is not None and asked in codes else codes[0]


def page(
    texts: list[TranslatableText],
    unchecked: Iterable[str],
    language: str,
    as_read: AsRead,
    **more: Any,
) -> Mapping[str, Any]:
    """What ``content/translations.html`` needs to show one language beside the English."""
    found = rows(texts, language, as_read)
    english_segments, translated_segments = segments(found)
    return {
        "summary": summary(texts, unchecked),
        "rows": found,
        "language": BY_CODE[language],
        "languages": TRANSLATED,
        "english_segments": english_segments,
        "translated_segments": translated_segments,
        **more,
    }
