"""The inbound router: an ordered list of stages, each a plain function.

A stage looks at the message and the participant and either passes (``None``) or answers with
replies; a final answer stops the routing. The participant is an interface: the database-backed
one lives in ``router_context``, and tests use a plain one.

Order (a safeguarding reply always comes first among the replies):
1. unreadable: a picture with no text
2. reserved keywords: STOP and Twilio's other opt-out words, START/UNSTOP, HELP/INFO, DELETE,
   MYDATA (a reference for asking what we hold), UPDATES / UPDATES OFF (news from the
   Changemakers, sent as broadcasts)
3. safeguarding: urgent help and an alert, and nothing else: never a flow's next step or the
   keyword menu after it (the conversation waits where it was for the next text); in a desk
   conversation a concern goes to the reviewer reading it (the alert flagged), while immediate
   danger still gets urgent help at once; a text in a language the detector cannot
   screen raises an alert for a person to read and goes on to be answered as usual
4. opted out: someone who texted STOP is only told how to come back
5. language: a language's name in its own words (ESPANOL, PORTUGUES, ENGLISH) chooses it; LANGUAGE,
   IDIOMA, LINGUA or a language we do not speak (FRANCAIS) gets the numbered menu, and a
   number right after the menu chooses from it. Every reply is in the contact's language,
   text by text falling back to English (``messages.texts.in_language``)
6. the safeguarding desk: once a reviewer has written, the young person's texts go to the
   thread of their alert (never to a keyword or the menu) until the thread ends
7. keywords: a keyword starts a flow, survey or fixed reply, even mid-conversation
8. the active conversation takes the message
9. the default reply
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from changemakers import languages
from changemakers.safeguarding import IMMEDIATE, Verdict
from messages import texts

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
DELETE_WORDS = frozenset({"DELETE"})
MYDATA_WORDS = frozenset({"MYDATA"})
UPDATES_ON_WORDS = frozenset({"UPDATES"})
UPDATES_OFF_WORDS = frozenset({"UPDATESOFF", "NOUPDATES"})
LANGUAGE_WORDS = languages.MENU_WORDS | frozenset(languages.LANGUAGE_KEYWORDS)
RESERVED_WORDS = (
    OPT_OUT_WORDS
    | OPT_IN_WORDS
    | HELP_WORDS
    | DELETE_WORDS
    | MYDATA_WORDS
    | UPDATES_ON_WORDS
    | UPDATES_OFF_WORDS
    | LANGUAGE_WORDS
)

_NOT_A_LETTER_OR_DIGIT = re.compile(r"[^0-9A-Z]+")


def keyword_of(text: str) -> str:
    """The whole message as a keyword: any case, stray spaces and punctuation ignored
    (" Stop. " → "STOP", "opt-out" → "OPTOUT")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_A_LETTER_OR_DIGIT.sub("", folded.upper())


@dataclass(frozen=True)
class Inbound:
    text: str
    num_media: int = 0
    opt_out_type: str | None = None  # set when Twilio's Advanced Opt-Out already answered

    @cached_property
    def word(self) -> str:
        """The whole message as a keyword (see ``keyword_of``)."""
        return keyword_of(self.text)


class RouterContext(Protocol):
    """The sender of one message as the stages see it, and what they may do about it."""

    @property
    def opted_out(self) -> bool: ...

    @property
    def language(self) -> str:
        """The language the sender chose (``Contact.language``), English until they choose."""
        ...

    @property
    def language_menu_open(self) -> bool:
        """The language menu was the last thing sent: a number now chooses from it."""
        ...

    def choose_language(self, code: str) -> None: ...

    def offer_language_menu(self, offered: bool) -> None: ...

    def opt_out(self) -> None: ...

    def opt_in(self) -> None: ...

    def erase(self) -> None: ...

    def want_updates(self, wanted: bool) -> None: ...

    def check_safeguarding(self, text: str) -> Verdict:
        """The detector's verdict on ``text`` (truthy when it suggests danger)."""
        ...

    def raise_alert(self, verdict: Verdict) -> bool:
        """Raise the alert ``verdict`` calls for; whether the text went instead into a desk
        conversation a reviewer holds with the young person (the alert is flagged)."""
        ...

    def when_read(self) -> str:
        """When a person will read an alert raised now ("9am tomorrow"); "" in office hours."""
        ...

    def data_reference(self) -> str:
        """The participant's MYDATA reference, issued the first time they ask."""
        ...

    def is_keyword(self, word: str) -> bool: ...

    def start_keyword(self, word: str) -> list[str] | None:
        """Replies if ``word`` is a keyword (starting what it names), else ``None``."""
        ...

    def continue_conversation(self, text: str) -> list[str] | None:
        """Replies from the active conversation, or ``None`` if there is none."""
        ...

    def continue_desk_thread(self, text: str) -> list[str] | None:
        """Replies once the text is in the open thread of the sender's alert (often none: a
        person will answer), or ``None`` if there is no such thread."""
        ...

    def keywords(self) -> list[str]: ...

    def signposted(self, text: str) -> str:
        """``text`` with the signposting directory's entries inserted."""
        ...


@dataclass(frozen=True)
class Answer:
    replies: list[str]
    final: bool = True


Stage = Callable[[Inbound, "RouterContext"], Answer | None]


def unreadable(message: Inbound, context: RouterContext) -> Answer | None:
    if message.num_media and not message.text.strip():
        return Answer([texts.in_language("MEDIA_ONLY", context.language)])
    return None


def reserved_keywords(message: Inbound, context: RouterContext) -> Answer | None:
    word = message.word
    language = context.language  # read first: DELETE forgets it

    def say(name: str) -> Answer:
        return Answer([texts.in_language(name, language)])

    if message.opt_out_type:
        # Twilio has answered already; record what it did and add nothing.
        kind = message.opt_out_type.upper()
        if kind == "STOP":
            context.opt_out()
        elif kind == "START":
            context.opt_in()
        return Answer([])
    if word in OPT_OUT_WORDS:
        context.opt_out()
        return say("STOPPED")
    if word in OPT_IN_WORDS:
        context.opt_in()
        return say("STARTED")
    if word in HELP_WORDS:
        return say("HELP")
    if word in DELETE_WORDS:
        context.erase()
        return say("DELETED")
    if word in MYDATA_WORDS:
        reference = context.data_reference()
        return Answer([texts.in_language("MYDATA", language).format(reference=reference)])
    if word in UPDATES_ON_WORDS | UPDATES_OFF_WORDS and not context.opted_out:
        wanted = word in UPDATES_ON_WORDS
        context.want_updates(wanted)
        return say("UPDATES_ON" if wanted else "UPDATES_OFF")
    return None


def safeguarding(message: Inbound, context: RouterContext) -> Answer | None:
    if context.is_keyword(message.word):
        return None  # the service's own word ("KNIFE") is a request for information
    verdict = context.check_safeguarding(message.text)
    if not verdict:
        return None
    in_desk_thread = context.raise_alert(verdict)
    if not verdict.screened:
        return None  # nothing suggests danger: a person will read it, the service answers it
    immediate = verdict.severity == IMMEDIATE
    if in_desk_thread and not immediate:
        return None  # a person is reading this conversation: the thread takes the text
    reply = texts.urgent_help(context.when_read(), immediate, context.language)
    return Answer([context.signposted(reply)])


def opted_out(message: Inbound, context: RouterContext) -> Answer | None:
    if context.opted_out:
        return Answer([texts.in_language("STILL_OPTED_OUT", context.language)])
    return None


def language(message: Inbound, context: RouterContext) -> Answer | None:
    """Choosing a language, by its name in its own words or from the numbered menu; a word
    that asks for a language we do not speak gets the menu. Any other message closes the
    menu, so a number later answers what it is sent to (a survey's question)."""
    word = message.word
    menu_open = context.language_menu_open
    chosen = languages.language_for_word(word)
    if chosen is None and menu_open:
        chosen = languages.chosen_from_menu(word)
    if chosen is not None:
        context.choose_language(chosen)
        return Answer([texts.in_language("LANGUAGE_CHOSEN", chosen)])
    if word in languages.MENU_WORDS or (
        languages.looks_like_a_language_request(word) and not context.is_keyword(word)
    ):
        context.offer_language_menu(True)
        return Answer([texts.language_menu()])
    if menu_open:
        context.offer_language_menu(False)
    return None


def desk_thread(message: Inbound, context: RouterContext) -> Answer | None:
    replies = context.continue_desk_thread(message.text)
    return None if replies is None else Answer(replies)


def keywords(message: Inbound, context: RouterContext) -> Answer | None:
    replies = context.start_keyword(message.word)
    return None if replies is None else Answer(replies)


def active_conversation(message: Inbound, context: RouterContext) -> Answer | None:
    replies = context.continue_conversation(message.text)
    return None if replies is None else Answer(replies)


def default(message: Inbound, context: RouterContext) -> Answer | None:
    return Answer([texts.default_reply(context.keywords(), context.language)])


STAGES: tuple[Stage, ...] = (
    unreadable,
    reserved_keywords,
    safeguarding,
    opted_out,
    language,
    desk_thread,
    keywords,
    active_conversation,
    default,
)


# A sender that cannot be replied to (a short code, a name): only the safeguarding check.
REPLYLESS_STAGES: tuple[Stage, ...] = (safeguarding,)


def route(
    message: Inbound, context: RouterContext, stages: tuple[Stage, ...] = STAGES
) -> list[str]:
    """The replies to send now, in order."""
    replies: list[str] = []
    for stage in stages:
        answer = stage(message, context)
        if answer is None:
            continue
        replies.extend(answer.replies)
        if answer.final:
            break
    return replies
