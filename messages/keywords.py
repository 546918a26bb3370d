"""Keywords: what each word a participant texts starts, and binding a word to a fixed reply."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from changemakers.cache import forget_cached_tables, read_fresh
from changemakers.extensions import db
from messages.models import Keyword
from messages.router import keyword_of

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


def set_fixed_reply(word: str, reply: str) -> Keyword:
    """Bind a keyword to a fixed reply (the channel on its own, and the demo)."""
    keyword = db.session.get(Keyword, keyword_of(word)) or Keyword(word=keyword_of(word))
    keyword.kind = FIXED_REPLY
    keyword.ref = None
    keyword.reply = reply
    db.session.add(keyword)
    db.session.commit()
    forget_cached_tables()
    return keyword
