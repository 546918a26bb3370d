"""The languages young people can use the service in, and how a text falls back to English.

Plain Python (no Flask, no database): the SMS channel, the web survey and the editors all read
the same list. English is the language every text is written in first; a text missing in
another language is shown in English, one text at a time, never a whole message left out.
Why these languages: ``docs/languages.md``.

A translated text is kept beside its English, in the content's own definition (so four eyes
covers a translation like any other change)::

    text: "Reply 1 for signs to look out for"
    translations:
      es: {text: "Responde 1 para ver señales de alerta"}
      pt: {text: "Responde 1 para ver sinais de alerta"}
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ENGLISH = "en"


@dataclass(frozen=True)
class Language:
    code: str  # as the ``lang`` attribute of a page and ``Contact.language`` hold it
    name: str  # in English, for staff
    own_name: str  # in the language itself, for young people
    html_lang: str  # the page's ``lang`` attribute
    # Words a young person texts to choose it, in their own language (as the router reads
    # them: capitals, no accents or spaces)
    keywords: tuple[str, ...]


LANGUAGES: tuple[Language, ...] = (
    Language(ENGLISH, "English", "English", "en-GB", ("ENGLISH", "INGLES")),
    Language("es", "Spanish", "Español", "es", ("ESPANOL", "SPANISH", "CASTELLANO")),
    Language("pt", "Portuguese", "Português", "pt", ("PORTUGUES", "PORTUGUESE")),
)
BY_CODE: Mapping[str, Language] = {language.code: language for language in LANGUAGES}
TRANSLATED: tuple[Language, ...] = tuple(lang for lang in LANGUAGES if lang.code != ENGLISH)
# Words that ask for the list of languages, in each of them ("idioma", "língua")
MENU_WORDS = frozenset({"LANGUAGE", "LANGUAGES", "IDIOMA", "IDIOMAS", "LINGUA", "LANG"})
LANGUAGE_KEYWORDS: Mapping[str, str] = {
    word: language.code for language in LANGUAGES for word in language.keywords
}


def known(code: str | None) -> str:
    """``code`` if the service speaks it, else English."""
    return code if code is not None and code in BY_CODE else ENGLISH


def language_for_word(word: str) -> str | None:
    """The language a keyword chooses ("ESPANOL" → "es"), or ``None``."""
    return LANGUAGE_KEYWORDS.get(word)


def looks_like_a_language_request(word: str) -> bool:
    """A keyword that asks for a language we may not speak ("FRANCAIS", "ENGLISHPLEASE",
    "LANGUAGEFR"): it gets the language menu, never silence or the keyword list."""
    return any(word.startswith(menu) for menu in MENU_WORDS) or word in _OTHER_LANGUAGE_NAMES


# Languages people may ask for by name that the service does not (yet) speak.
_OTHER_LANGUAGE_NAMES = frozenset(
    {
        "FRANCAIS",
        "FRENCH",
        "POLSKI",
        "POLISH",
        "ROMANA",
        "ROMANIAN",
        "ARABIC",
        "ARABI",
        "BENGALI",
        "BANGLA",
        "SOMALI",
        "SOOMAALI",
        "TURKCE",
        "TURKISH",
        "YORUBA",
        "TWI",
        "CHINESE",
        "MANDARIN",
        "CANTONESE",
        "ITALIANO",
        "ITALIAN",
        "LITHUANIAN",
        "RUSSIAN",
        "TIGRINYA",
        "AMHARIC",
        "URDU",
        "TAGALOG",
    }
)


def menu_lines() -> list[str]:
    """The numbered language menu, each language in its own words."""
    return [f"{n} {language.own_name}" for n, language in enumerate(LANGUAGES, start=1)]


def chosen_from_menu(word: str) -> str | None:
    """The language a reply to the menu picks ("2" → "es"), or ``None``."""
    if word.isdigit() and 1 <= int(word) <= len(LANGUAGES):
        return LANGUAGES[int(word) - 1].code
    return language_for_word(word)


class Localised(str):
    """A text with the language it is in, so a page can mark a text shown in English on a page
    in another language (``lang="en"``) for screen readers and translation tools."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Localised:
        made = super().__new__(cls, text)
        made.lang = lang
        return made


def localised(
    english: str, translations: Mapping[str, Any] | None, language: str, field: str = "text"
) -> Localised:
    """``translated``, knowing which language it came out in."""
    return Localised(
        translated(english, translations, language, field),
        language_of(translations, language, field),
    )


def translated(
    english: str, translations: Mapping[str, Any] | None, language: str, field: str = "text"
) -> str:
    """One text in ``language``, or its English where that language has none."""
    if language == ENGLISH or not translations:
        return english
    own = translations.get(language)
    value = own.get(field) if isinstance(own, Mapping) else None
    return str(value) if isinstance(value, str) and value.strip() else english


def language_of(translations: Mapping[str, Any] | None, language: str, field: str = "text") -> str:
    """The language ``translated`` shows: ``language`` when it has the text, else English."""
    if language == ENGLISH or not translations:
        return ENGLISH
    own = translations.get(language)
    value = own.get(field) if isinstance(own, Mapping) else None
    return language if isinstance(value, str) and value.strip() else ENGLISH


def clean_translations(raw: object) -> dict[str, dict[str, Any]]:
    """A ``translations`` block as read from a file or the database: only the languages the
    service speaks, each a set of named texts (non-text values, such as a list of reply words,
    kept as they are); anything else dropped, so an old file or a typo never breaks a flow."""
    if not isinstance(raw, Mapping):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for code, fields in raw.items():
        if str(code) not in BY_CODE or str(code) == ENGLISH or not isinstance(fields, Mapping):
            continue
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if isinstance(value, str):
                if value.strip():
                    values[str(name)] = value.strip()
            elif isinstance(value, list | tuple):
                values[str(name)] = [str(v) for v in value if str(v).strip()]
            elif isinstance(value, Mapping):
                values[str(name)] = {str(k): str(v) for k, v in value.items() if str(v).strip()}
        if values:
            kept[str(code)] = values
    return kept


LANGUAGE_SLOT = "{language}"  # in a ``TranslatableText.path``: where the language code goes


@dataclass(frozen=True)
class TranslatableText:
    """One text of a piece of content, as the translations page lists it: where it is
    (``key``, such as ``step:welcome:text``), a name a person reads, its English and its
    translations by language. ``path`` leads to its translation in the content's plain data,
    with ``LANGUAGE_SLOT`` for the language: ``("steps", "welcome", "translations",
    LANGUAGE_SLOT, "text")``."""

    key: str
    label: str
    english: str
    translations: Mapping[str, str]
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Completeness:
    language: str
    done: int
    total: int
    missing: tuple[str, ...]  # the labels of the texts with no translation

    @property
    def complete(self) -> bool:
        return self.done == self.total

    def describe(self) -> str:
        return f"{BY_CODE[self.language].name}: {self.done} of {self.total} texts"


def completeness(texts: Iterable[TranslatableText]) -> list[Completeness]:
    """How much of a piece of content each language has ("Spanish: 18 of 24 texts")."""
    listed = [text for text in texts if text.english.strip()]
    result = []
    for language in TRANSLATED:
        missing = tuple(
            text.label
            for text in listed
            if not (text.translations.get(language.code) or "").strip()
        )
        result.append(Completeness(language.code, len(listed) - len(missing), len(listed), missing))
    return result


def missing_warning(texts: Iterable[TranslatableText]) -> str | None:
    """The warning a reviewer sees before publishing with translations missing, naming them;
    ``None`` when every language is complete."""
    gaps = [c for c in completeness(texts) if not c.complete]
    if not gaps:
        return None
    parts = [f"{BY_CODE[c.language].name} is missing {', '.join(c.missing)}" for c in gaps]
    return (
        "Some texts have no translation yet: "
        + "; ".join(parts)
        + ". Young people who chose those languages will get those texts in English."
    )


def with_translations(
    data: Mapping[str, Any],
    texts: Iterable[TranslatableText],
    language: str,
    written: Mapping[str, str],
) -> dict[str, Any]:
    """A copy of a piece of content's plain data with the translations into ``language``
    written (``written``: text key → words; empty words take a translation out, so the text
    goes in English)."""
    changed: dict[str, Any] = copy.deepcopy(dict(data))
    for text in texts:
        if text.key not in written or not text.path:
            continue
        steps = [language if step == LANGUAGE_SLOT else step for step in text.path]
        words = written[text.key].strip()
        place: Any = changed
        for step in steps[:-1]:
            if isinstance(place, list):
                place = place[int(step)]
                continue
            if not isinstance(place.get(step), dict | list):
                place[step] = {}  # an empty one is dropped when the content is read
            place = place[step]
        if words:
            place[steps[-1]] = words
        else:
            place.pop(steps[-1], None)
    return changed
