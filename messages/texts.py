"""The channel's own messages. Each reads neutrally on a lock screen and fits in two SMS.
``{name}`` inserts an entry of the signposting directory."""

URGENT_HELP_NOW = (
    "If you are in danger now, call {emergency}. Talk to {childline}, free, any time, or {shout}. "
)
# For a concern that is not immediate danger: someone to talk to first, 999 still named.
URGENT_HELP_CONCERN = (
    "What you told us matters. Talk to {childline}, free, any time, or {shout}. "
    "In an emergency call {emergency}. "
)
READ_SOON = "A member of our team will read your message."
URGENT_HELP = URGENT_HELP_NOW + READ_SOON


def urgent_help(when_read: str, immediate: bool = True) -> str:
    """The urgent-help reply, 999 first when the danger may be immediate; out of office hours
    it says when a person will read the message ("at 9am tomorrow")."""
    opening = URGENT_HELP_NOW if immediate else URGENT_HELP_CONCERN
    if not when_read:
        return opening + READ_SOON
    return opening + f"A member of our team will read your message at {when_read}."


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


def default_reply(keywords: list[str]) -> str:
    if not keywords:
        return DEFAULT_NO_KEYWORDS
    return DEFAULT.format(keywords=", ".join(keywords))
