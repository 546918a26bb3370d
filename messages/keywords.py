"""Keywords: what each word a participant texts starts. A conversation kind binds its keywords
here (in the caller's transaction) and asks here whether a word is free; a fixed reply's keyword
is bound when a version of it is published (``messages.fixed_replies``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import and_, delete, select

from changemakers.cache import read_fresh
from changemakers.extensions import db
from changemakers.languages import ENGLISH
from messages.models import Keyword
from messages.router import RESERVED_WORDS, keyword_of

FIXED_REPLY = "reply"


@dataclass(frozen=True)
class KeywordBinding:
    word: str
    kind: str
    ref: str | None
    reply: str | None
    reply_translations: Mapping[str, str] | None = None  # a fixed reply's, by language

    def reply_in(self, language: str) -> str:
        """A fixed reply in ``language``, or its English where it has no translation."""
        if language != ENGLISH and self.reply_translations:
            translated = self.reply_translations.get(language)
            if translated:
                return translated
        return self.reply or ""


def current_keywords() -> dict[str, KeywordBinding]:
    def read() -> dict[str, KeywordBinding]:
        rows = db.session.connection().execute(
            select(
                Keyword.word,
                Keyword.kind,
                Keyword.ref,
                Keyword.reply,
                Keyword.reply_translations,
            )
        )
        return {row.word: KeywordBinding(*row) for row in rows}

    return read_fresh("keywords", read)


def taken_keywords(kind: str, ref: str | None) -> set[str]:
    """Words already answered by something other than this kind's ``ref``."""
    rows = db.session.execute(select(Keyword.word, Keyword.kind, Keyword.ref))
    return {row.word for row in rows if not (row.kind == kind and row.ref == ref)}


def keyword_problem(word: str, kind: str, ref: str | None) -> str | None:
    """Why ``word`` cannot start this kind's ``ref`` (kept for the service, or taken), or None."""
    keyword = keyword_of(word)
    if keyword in RESERVED_WORDS:
        return f"{keyword} is kept for the service itself: pick another keyword."
    if keyword in taken_keywords(kind, ref):
        return f"The keyword {keyword} is already used by something else."
    return None


def bind_keyword(
    word: str,
    kind: str,
    ref: str,
    reply: str | None = None,
    reply_translations: Mapping[str, str] | None = None,
) -> str | None:
    """``word`` (as the router reads it) now starts this kind's ``ref`` (a fixed reply: answers
    with ``reply``, or its translation in the sender's language); None if it has no letters or
    numbers."""
    keyword = keyword_of(word)
    if not keyword:
        return None
    db.session.add(
        Keyword(
            word=keyword,
            kind=kind,
            ref=ref,
            reply=reply,
            reply_translations=dict(reply_translations) if reply_translations else None,
        )
    )
    return keyword


def unbind_keywords(kind: str, ref: str) -> None:
    """This kind's ``ref`` answers no keyword any more."""
    db.session.execute(delete(Keyword).where(and_(Keyword.kind == kind, Keyword.ref == ref)))
