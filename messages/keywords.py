"""Keywords: what each word a participant texts starts. A fixed reply's keyword is bound when a
version of it is published (``messages.fixed_replies``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from changemakers.cache import read_fresh
from changemakers.extensions import db
from messages.models import Keyword

FIXED_REPLY = "reply"


@dataclass(frozen=True)
class KeywordBinding:
    word: str
    kind: str
    ref: str | None
    reply: str | None


def current_keywords() -> dict[str, KeywordBinding]:
    def read() -> dict[str, KeywordBinding]:
        rows = db.session.connection().execute(
            select(Keyword.word, Keyword.kind, Keyword.ref, Keyword.reply)
        )
        return {row.word: KeywordBinding(*row) for row in rows}

    return read_fresh("keywords", read)
