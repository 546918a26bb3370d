"""The channel's own messages. Each reads neutrally on a lock screen and fits in two SMS.
``{name}`` inserts an entry of the signposting directory.

Each text here is the English; ``messages.text_translations`` holds the same texts by language
code, and ``in_language`` picks one, falling back to the English text by text.
"""

from __future__ import annotations

from changemakers.languages import ENGLISH, menu_lines
from messages.text_translations import TRANSLATIONS

URGENT_HELP_NOW = (
    "If you are in danger now, call {emergency}. Talk to {childline}, free, any time, or {shout}. "
)
# For a concern that is not immediate danger: someone to talk to first, 999 still named.
URGENT_HELP_CONCERN = (
    "What you told us matters. Talk to {childline}, free, any time, or {shout}. "
    "In an emergency call {emergency}. "
)
READ_SOON = "A member of our team will read your message."
READ_AT = "A member of our team will read your message at {when}."
URGENT_HELP = URGENT_HELP_NOW + READ_SOON


def urgent_help(when_read: str, immediate: bool = True, language: str = ENGLISH) -> str:
    """The urgent-help reply, 999 first when the danger may be immediate; out of office hours
    it says when a person will read the message ("at 9am tomorrow")."""
    opening = in_language("URGENT_HELP_NOW" if immediate else "URGENT_HELP_CONCERN", language)
    if not when_read:
        return opening + in_language("READ_SOON", language)
    return opening + in_language("READ_AT", language).replace("{when}", when_read)


HELP = (
    "Changemakers: texts for young people, by young people. We never ask your name; your "
    "number is kept encrypted and staff never see it. Text MYDATA to ask what we hold, DELETE "
    "to erase it, STOP to stop. Urgent? Call 999 or Childline 0800 1111."
)

STOPPED = "You won't get any more texts from us. Text START if you want to come back."

STARTED = "Welcome back. Text HELP to find out what we do."

MYDATA = (
    "Your data reference is {reference}. Give it to the Changemakers team to ask what we hold "
    "about you: we answer within a month. Text DELETE to erase it all."
)

DELETED = (
    "Done: we have deleted your data. A message that worried us is kept with nothing to link "
    "it to you. You can text us again any time."
)

UPDATES_ON = (
    "You'll get the odd text with news from Changemakers (never late at night). "
    "Text UPDATES OFF to stop them, or STOP to stop all texts."
)

UPDATES_OFF = "OK, no more news texts. Text UPDATES if you change your mind."

STILL_OPTED_OUT = "You asked us not to text you. Text START if you want to use this service again."

SORRY = (
    "Sorry, something went wrong our end. We will look at your message. "
    "If you are in danger, call 999."
)

MEDIA_ONLY = "Sorry, we can only read text, not pictures or files. Please type your message."

# A message with words and a picture or file: the words are read, the rest never opened.
MEDIA_NOT_OPENED = "We can't open pictures or files here, so we only read your words."

# Sent after a menu on WhatsApp, with the options as quick-reply buttons.
BUTTONS = "Or tap one: {choices}"

DEFAULT = "Hi! Text one of these words to start: {keywords}. Text HELP for info, STOP to stop."

DEFAULT_NO_KEYWORDS = "Hi! Text HELP to find out about this service, or STOP to stop."


LANGUAGE_CHOSEN = "OK, we'll text you in English. Text LANGUAGE any time to change."

# A flow's own words: a text while it waits to follow up, and a keyword whose flow is gone
WAITING_FOR_FOLLOW_UP = "Thanks. We'll text you again soon. Text STOP any time to stop."
FLOW_UNAVAILABLE = "Sorry, that isn't available right now. Text HELP to see what you can do."


def language_menu() -> str:
    """The numbered list of languages, each in its own words; the same in every language,
    since whoever asks for it may not read the one we have been using."""
    return "Language / Idioma / Língua:\n" + "\n".join(menu_lines()) + "\nReply 1, 2 or 3."


def default_reply(keywords: list[str], language: str = ENGLISH) -> str:
    if not keywords:
        return in_language("DEFAULT_NO_KEYWORDS", language)
    return in_language("DEFAULT", language).format(keywords=", ".join(keywords))


def in_language(name: str, language: str) -> str:
    """The text called ``name`` (``"HELP"``) in ``language``, or in English where that language
    has no such text."""
    english = globals()[name]
    if language == ENGLISH:
        return str(english)
    return TRANSLATIONS.get(language, {}).get(name, str(english))


TRANSLATABLE = (
    "URGENT_HELP_NOW",
    "URGENT_HELP_CONCERN",
    "READ_SOON",
    "READ_AT",
    "HELP",
    "STOPPED",
    "STARTED",
    "MYDATA",
    "DELETED",
    "UPDATES_ON",
    "UPDATES_OFF",
    "STILL_OPTED_OUT",
    "SORRY",
    "MEDIA_ONLY",
    "DEFAULT",
    "DEFAULT_NO_KEYWORDS",
    "LANGUAGE_CHOSEN",
    "WAITING_FOR_FOLLOW_UP",
    "FLOW_UNAVAILABLE",
)
