"""Fixed replies: a keyword answered with one text (HELLO, TIPS), written by Changemakers and
published with four eyes through the content lifecycle (``changemakers.content.lifecycle``).

Publishing a version binds its keyword to its reply (a newer published version takes its
place); taking it out of use unbinds it. The router answers the keyword from the binding
(``messages.keywords``), with the signposting directory's entries inserted, as in a flow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from changemakers import cache
from changemakers.accounts.models import StaffUser
from changemakers.content import lifecycle, translations
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus
from changemakers.content.segments import SmsLength, sms_length
from changemakers.extensions import db
from changemakers.languages import (
    BY_CODE,
    ENGLISH,
    LANGUAGE_SLOT,
    TranslatableText,
    clean_translations,
)
from messages import conversations, keywords, signposting
from messages import signpost_services as directory
from messages.keywords import FIXED_REPLY
from messages.models import FixedReply, FixedReplyVersion, Keyword
from messages.router import RESERVED_WORDS
from messages.signpost_directory import current_signposts

KIND = FIXED_REPLY
MAX_SEGMENTS = 3  # a fixed reply longer than this is a flow's work, or a page's
MAX_KEYWORD = 32  # as ``Keyword.word``
KEYWORD = re.compile(r"[A-Z0-9]+")


def content_of(
    keyword: str, reply: str, translations: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A version's content, as typed: the keyword in capitals, the reply without stray space,
    and its translations, by language (``{"es": {"reply": …}}``), if it has any."""
    content: dict[str, Any] = {"keyword": keyword.strip().upper(), "reply": reply.strip()}
    kept = clean_translations(translations)
    if kept:
        content["translations"] = kept
    return content


def translatable_texts(content: Mapping[str, Any]) -> list[TranslatableText]:
    """The reply, for the translations page."""
    return [
        TranslatableText(
            "reply",
            "Reply",
            content["reply"],
            reply_translations(content),
            ("translations", LANGUAGE_SLOT, "reply"),
        )
    ]


def unchecked_translations(content: Mapping[str, Any]) -> list[str]:
    """The languages of a version a native speaker has not checked yet."""
    return [str(code) for code in content.get("unchecked_translations") or ()]


def reply_translations(content: Mapping[str, Any]) -> dict[str, str]:
    """A version's reply by language, for those it has been translated into."""
    return {
        code: fields["reply"]
        for code, fields in clean_translations(content.get("translations")).items()
        if isinstance(fields.get("reply"), str)
    }


def _taken_by(keyword: str, fixed_reply_id: int | None) -> str | None:
    """What else this keyword starts ("a message flow"), if anything; the same rule as a
    flow's keyword: any keyword bound to something other than this fixed reply."""
    bound = db.session.get(Keyword, keyword)
    if bound is not None and not (bound.kind == KIND and bound.ref == str(fixed_reply_id)):
        kind = conversations.kind_named(bound.kind)
        return kind.label if kind else "another fixed reply"
    other = db.session.scalar(select(FixedReply.id).where(FixedReply.keyword == keyword))
    if other is not None and other != fixed_reply_id:
        return "another fixed reply"
    return None


def keyword_problems(keyword: str, fixed_reply_id: int | None = None) -> list[str]:
    """Why young people could not text this keyword for this fixed reply; empty when fine."""
    if not keyword:
        return ["Choose a keyword, such as TIPS."]
    if not KEYWORD.fullmatch(keyword):
        return [
            f"{keyword} has a space or punctuation in it: a keyword is letters (A to Z) and "
            "numbers only, such as TIPS or TIPS2."
        ]
    if len(keyword) > MAX_KEYWORD:
        return [f"Please keep the keyword to {MAX_KEYWORD} letters or numbers."]
    if keyword in RESERVED_WORDS:
        return [f"{keyword} is kept for the service itself (STOP, HELP, …): pick another."]
    taken_by = _taken_by(keyword, fixed_reply_id)
    if taken_by == "another fixed reply":
        return [f"There is already a fixed reply for {keyword}: please change that one instead."]
    if taken_by:
        return [f"The keyword {keyword} already starts {taken_by}: pick another."]
    return []


def as_read(reply: str) -> str:
    """The reply as a young person reads it: the signposting directory's entries inserted."""
    return signposting.render(reply, current_signposts())


def length_of(reply: str) -> SmsLength:
    """How many texts the reply costs, as a young person reads it."""
    return sms_length(as_read(reply))


def reply_problems(reply: str, language: str = ENGLISH) -> list[str]:
    if not reply.strip():
        return ["Please write the reply young people get when they text the keyword."]
    found = []
    signposts = current_signposts(language)
    for name in signposting.names_in(reply):
        if name not in signposts:
            found.append(f"The reply names {{{name}}}, which is not in the signposting directory.")
    length = sms_length(signposting.render(reply, signposts))
    if length.segments > MAX_SEGMENTS:
        holds = MAX_SEGMENTS * (153 if length.encoding == "GSM-7" else 67)
        because = f" when it has a character such as “{length.forced_by}” in it"
        found.append(
            f"Please shorten the reply so it fits in {MAX_SEGMENTS} texts: as young people "
            f"would read it, it has {length.characters} characters and needs {length.segments} "
            f"texts; {MAX_SEGMENTS} texts hold {holds} characters"
            f"{because if length.forced_by else ''}."
        )
    return found


def problems_of(content: dict[str, Any], fixed_reply_id: int | None = None) -> list[str]:
    """What stops a version going for review (and live): a translation is held to the same
    length as the English, in the texts it costs in its own language."""
    found = keyword_problems(content["keyword"], fixed_reply_id) + reply_problems(content["reply"])
    for code, reply in reply_translations(content).items():
        name = BY_CODE[code].name
        found += [f"In {name}: {problem}" for problem in reply_problems(reply, code)]
    return found


def live_problems_of(content: dict[str, Any]) -> list[str]:
    """What stops a version being published, though not being written or sent for review: the
    signposting entries it names that are past their review date."""
    return signposting.overdue_problems(
        [content["reply"]], directory.review_dates(), directory.today()
    )


def _bind_keyword(version: FixedReplyVersion) -> None:
    """The published version's keyword answers with its reply, in place of the one before."""
    fixed_reply = db.session.get_one(FixedReply, version.fixed_reply_id)
    fixed_reply.keyword = version.content["keyword"]
    _unbind_keyword(version)
    keywords.bind_keyword(
        fixed_reply.keyword,
        KIND,
        str(fixed_reply.id),
        reply=version.content["reply"],
        reply_translations=reply_translations(version.content),
    )


def _unbind_keyword(version: FixedReplyVersion) -> None:
    keywords.unbind_keywords(KIND, str(version.fixed_reply_id))


FIXED_REPLIES = lifecycle.Catalogue(
    "fixed_reply",
    FixedReplyVersion,
    "fixed_reply_id",
    problems=lambda version: problems_of(version.content, version.fixed_reply_id),
    went_live=_bind_keyword,
    went_out=_unbind_keyword,
    changed=cache.forget_cached_tables,
    live_problems=lambda version: live_problems_of(version.content),
)
submit = FIXED_REPLIES.submit
approve = FIXED_REPLIES.approve
return_for_changes = FIXED_REPLIES.return_for_changes
archive = FIXED_REPLIES.archive


def _new_version(
    fixed_reply: FixedReply | None,
    content: dict[str, Any],
    actor: StaffUser | None,
    action: str,
) -> FixedReplyVersion:
    if fixed_reply is None:
        fixed_reply = FixedReply(keyword=content["keyword"])
        db.session.add(fixed_reply)
        db.session.flush()
    version: FixedReplyVersion = FIXED_REPLIES.new_version(fixed_reply.id, content, actor, action)
    return version


def create(keyword: str, reply: str, actor: StaffUser) -> FixedReplyVersion:
    """A new fixed reply, as a draft; refused (``ContentProblems``) when its keyword cannot be
    used. What is wrong with the reply is shown beside the draft, and stops it going for
    review."""
    content = content_of(keyword, reply)
    found = keyword_problems(content["keyword"])
    if found:
        raise ContentProblems(found)
    version = _new_version(None, content, actor, "create")
    db.session.commit()
    return version


def save(version: FixedReplyVersion, keyword: str, reply: str, actor: StaffUser) -> None:
    """Keep an edit of a draft. A new keyword must be one young people can text for it."""
    lifecycle.check_edit(version.status)
    content = content_of(keyword, reply, version.content.get("translations"))
    if version.content.get("unchecked_translations"):
        content["unchecked_translations"] = version.content["unchecked_translations"]
    changed = [field for field in ("keyword", "reply") if content[field] != version.content[field]]
    if "keyword" in changed:
        found = keyword_problems(content["keyword"], version.fixed_reply_id)
        if found:
            raise ContentProblems(found)
        if published_version(version.fixed_reply_id) is None:
            db.session.get_one(FixedReply, version.fixed_reply_id).keyword = content["keyword"]
    FIXED_REPLIES.save(version, content, actor, " and ".join(changed) or "nothing")


def save_translations(
    version: FixedReplyVersion,
    language: str,
    written: Mapping[str, str],
    checked: bool,
    actor: StaffUser,
) -> None:
    """Keep the reply's translation into one language, as written beside the English, and
    whether a native speaker has checked it; reviewed with the rest of the version."""
    texts = translatable_texts(version.content)
    content = translations.edited(version.content, texts, language, written, checked)
    FIXED_REPLIES.save(version, content, actor, f"the {BY_CODE[language].name} translation")


def new_draft(fixed_reply: FixedReply, actor: StaffUser) -> FixedReplyVersion:
    """A draft to edit, copied from the published (or latest) version; the open draft if
    there is one."""
    latest = latest_version(fixed_reply.id)
    if latest is not None and latest.status is ContentStatus.DRAFT:
        return latest
    source = published_version(fixed_reply.id) or latest
    content = dict(source.content) if source else content_of(fixed_reply.keyword, "")
    version = _new_version(fixed_reply, content, actor, "draft")
    db.session.commit()
    return version


def load_published(
    keyword: str,
    reply: str,
    translated: Mapping[str, Any] | None = None,
    unchecked: tuple[str, ...] = (),
) -> FixedReplyVersion:
    """Shipped content (the demo's HELLO and TIPS), published as it stands once it has no
    problems; left as it is when the same reply is live already. ``unchecked``: languages of
    ``translated`` a native speaker has not checked yet."""
    content = content_of(keyword, reply, translated)
    if unchecked:
        content["unchecked_translations"] = list(unchecked)
    fixed_reply = db.session.scalar(
        select(FixedReply).where(FixedReply.keyword == content["keyword"])
    )
    version: FixedReplyVersion = FIXED_REPLIES.load_shipped(
        fixed_reply.id if fixed_reply else None,
        content,
        lambda: _new_version(fixed_reply, content, None, "import"),
    )
    return version


def published_version(fixed_reply_id: int) -> FixedReplyVersion | None:
    return next(iter(FIXED_REPLIES.published(fixed_reply_id)), None)


def latest_version(fixed_reply_id: int) -> FixedReplyVersion | None:
    version: FixedReplyVersion | None = FIXED_REPLIES.latest(fixed_reply_id)
    return version


def version_of(fixed_reply_id: int, number: int) -> FixedReplyVersion | None:
    version: FixedReplyVersion | None = db.session.scalar(
        select(FixedReplyVersion).where(
            FixedReplyVersion.fixed_reply_id == fixed_reply_id,
            FixedReplyVersion.number == number,
        )
    )
    return version


def versions_of(fixed_reply_id: int) -> list[FixedReplyVersion]:
    return list(
        db.session.scalars(
            select(FixedReplyVersion)
            .where(FixedReplyVersion.fixed_reply_id == fixed_reply_id)
            .order_by(FixedReplyVersion.number.desc())
        )
    )


@dataclass(frozen=True)
class Listed:
    """A fixed reply as the list shows it: its keyword (the live one, if any), its live version,
    its newest, and how long the newest is as a young person reads it."""

    id: int
    keyword: str
    published: FixedReplyVersion | None
    latest: FixedReplyVersion
    length: SmsLength


def listing() -> list[Listed]:
    found = []
    for fixed_reply in db.session.scalars(select(FixedReply).order_by(FixedReply.keyword)):
        latest = latest_version(fixed_reply.id)
        if latest is None:
            continue
        found.append(
            Listed(
                fixed_reply.id,
                fixed_reply.keyword,
                published_version(fixed_reply.id),
                latest,
                length_of(latest.content["reply"]),
            )
        )
    return found
