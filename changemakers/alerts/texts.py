"""What the desk texts a young person by itself, in words for a reading age of 11 to 13. Each
reads neutrally on a lock screen and fits in two SMS; ``{name}`` inserts an entry of the
signposting directory, ``{privacy}`` where to read how we use their data."""

from __future__ import annotations

# Sent once, just before a reviewer's first text: who is reading, the limits of
# confidentiality, how to stop, and the privacy notice.
THREAD_OPENING = (
    "A person from our team is reading your texts now. We keep what you say private, but if "
    "we think you are in danger we may have to tell someone who can help. We will try to tell "
    "you first. Text STOP to stop. How we use your data: {privacy}"
)

# The young person texts in the thread out of office hours.
THREAD_OUT_OF_HOURS = (
    "Thanks, we got your text. A person from our team will read it at {when}. If you are in "
    "danger now, call {emergency}, or talk to {childline}, free, any time."
)

THREAD_CLOSED = (
    "Our team has ended this chat. Thank you for talking to us. You can talk to {childline}, "
    "free, any time, or {shout}. In danger? Call {emergency}. You can text us again any time."
)

THREAD_QUIET = (
    "We have not heard from you for a while, so this chat has ended. You can text us again any "
    "time, or talk to {childline}, free, any time, or {shout}."
)

PRIVACY_BY_TEXT = "text HELP"  # where no privacy notice is published at an address


def opening(privacy_notice_url: str | None) -> str:
    return THREAD_OPENING.replace("{privacy}", privacy_notice_url or PRIVACY_BY_TEXT)


def out_of_hours(when_read: str) -> str:
    return THREAD_OUT_OF_HOURS.replace("{when}", when_read)
