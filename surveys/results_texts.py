"""The update sent to those who asked for news of a survey's results. Each text reads
neutrally on a lock screen (it never names the survey, whose title may say what it is about)
and fits in one SMS with its link (no character outside the GSM alphabet, which would halve
what an SMS holds). Plain keyed texts, English the fallback: a translation adds its
language's texts."""

from __future__ import annotations

from collections.abc import Mapping

from changemakers.languages import ENGLISH

RESULTS_PUBLISHED = (
    "Changemakers: the board has answered what young people told us, and says what it will "
    "do: {link}"
)
ACTIONS_CHANGED = "Changemakers: news on what the board said it would do: {link}"

# The Spanish and Portuguese still need a native speaker's check (docs/languages.md).
TEXTS: Mapping[str, Mapping[str, str]] = {
    ENGLISH: {"results_published": RESULTS_PUBLISHED, "actions_changed": ACTIONS_CHANGED},
    "es": {
        "results_published": (
            "Changemakers: la junta ha contestado a lo que nos contaste y explica sus planes: "
            "{link}"
        ),
        "actions_changed": "Changemakers: novedades sobre los planes de la junta: {link}",
    },
    "pt": {
        "results_published": (
            "Changemakers: o conselho respondeu ao que os jovens nos disseram e explica os "
            "seus planos: {link}"
        ),
        "actions_changed": "Changemakers: novidades sobre os planos do conselho: {link}",
    },
}


def update_texts(key: str, link: str) -> dict[str, str]:
    """The update ``key`` in every language it is written in, with the page's ``link``."""
    return {language: texts[key].format(link=link) for language, texts in TEXTS.items()}
