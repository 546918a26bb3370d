"""The languages the detector reads, and those it can screen on its own.

The detector reads English, Spanish and Portuguese (each with its text-speak, dictionary and
lemmas: ``language``). A language is *screened* when its rules are trusted to decide alone
whether a text suggests danger: native speakers wrote or reviewed its rules and corpus, and
its recall on messages held out from tuning was measured (``docs/safeguarding.md`` gives the
figures). A text in any other language, or in a language whose rules are not yet trusted,
raises a "not screened" alert whenever its rules catch nothing, so that a person reads it.
"""

from __future__ import annotations

import re

from changemakers.safeguarding.language import ENGLISH

# code → how reviewers read it
READABLE_LANGUAGES = {
    ENGLISH: "English",
    "es": "Spanish (español)",
    "pt": "Portuguese (português)",
}
_OTHER_NAMES = {"und": "undetermined (und)"}

# The languages whose rules screen a text alone. Spanish and Portuguese are read and their
# rules run, but their rules and corpus await a native speaker's review, and they caught about
# half of the messages written after they were tuned: until then every free text in them that
# their rules do not catch is read by a person (``docs/safeguarding.md``).
SCREENED_LANGUAGES = frozenset({ENGLISH})

UNDETERMINED = "und"  # a code that names no language (ISO 639-2): never screened
_LANGUAGE_CODE = re.compile(r"[a-z]{2,8}")


def normalise_language(code: str | None) -> str:
    """A language code as the detector files its rules: "pt-BR" → "pt", "ES" → "es"; English
    when none is given, and ``UNDETERMINED`` for one that names no language ("1!")."""
    if not code or not code.strip():
        return ENGLISH
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if _LANGUAGE_CODE.fullmatch(primary) else UNDETERMINED


def language_name(code: str) -> str:
    """How reviewers read a language code: "Spanish (español)", or the code itself ("fr")."""
    return READABLE_LANGUAGES.get(code) or _OTHER_NAMES.get(code, code)
