"""The signposting directory as messages insert it, read at most every couple of seconds."""

from __future__ import annotations

from sqlalchemy import select

from changemakers.cache import read_fresh
from changemakers.extensions import db
from messages.models import Signpost


def current_signposts() -> dict[str, str]:
    """The signposting directory as messages insert it: name → text."""

    def read() -> dict[str, str]:
        rows = db.session.connection().execute(select(Signpost.name, Signpost.text))
        return {row.name: row.text for row in rows}

    return read_fresh("signposts", read)
