"""What young people read about a survey's results: the texts of the update sent to those
who asked, and the public page's own words. Each text reads neutrally on a lock screen (it
never names the survey, whose title may say what it is about) and fits in one SMS with its
link. Plain keyed texts, English the fallback: a translation adds its language's texts."""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH = "en"
# A language code as the page declares it (``<html lang>``).
LANGUAGE_TAGS = {ENGLISH: "en-GB"}

RESULTS_PUBLISHED = (
    "Changemakers: the board has answered what young people told us, and says what it will "
    "do: {link}"
)
ACTIONS_CHANGED = "Changemakers: news on what the board said it would do: {link}"

TEXTS: Mapping[str, Mapping[str, str]] = {
    ENGLISH: {"results_published": RESULTS_PUBLISHED, "actions_changed": ACTIONS_CHANGED},
}


def update_texts(key: str, link: str) -> dict[str, str]:
    """The update ``key`` in every language it is written in, with the page's ``link``."""
    return {language: texts[key].format(link=link) for language, texts in TEXTS.items()}


def page_language(survey_content: Mapping[str, object]) -> str:
    """The results page's language (its ``lang``), from the survey: English until a survey
    says otherwise."""
    language = str(survey_content.get("language") or ENGLISH)
    return LANGUAGE_TAGS.get(language, LANGUAGE_TAGS[ENGLISH])
