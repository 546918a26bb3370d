"""The signposting directory as messages insert it, read at most every couple of seconds."""

from __future__ import annotations

from sqlalchemy import select

from changemakers.cache import read_fresh
from changemakers.extensions import db
from changemakers.languages import BY_CODE, ENGLISH, translated
from messages.models import Signpost


def current_signposts(language: str = ENGLISH) -> dict[str, str]:
    """The signposting directory as messages insert it, in ``language`` (each entry falling
    back to its English): name → text."""

    def read() -> dict[str, dict[str, str]]:
        rows = list(
            db.session.connection().execute(
                select(Signpost.name, Signpost.text, Signpost.translations)
            )
        )
        return {
            code: {row.name: translated(row.text, row.translations, code) for row in rows}
            for code in BY_CODE
        }

    by_language = read_fresh("signposts", read)
    return by_language.get(language, by_language[ENGLISH])
