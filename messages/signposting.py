"""The signposting directory: services young people can turn to, inserted into messages by
name (``{childline}``). Its entries live in the ``signposts`` table: migration 0004 writes the
shipped ones (999, Childline, Shout, the NSPCC, Fearless) and reviewers keep them up to date.

The rules here are plain functions over plain data: what makes an entry right, when it is due
for checking, and which content may not go live because it names an entry nobody has checked.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

NAME = re.compile(r"\{([a-z0-9_]+)\}")
VALID_NAME = re.compile(r"[a-z0-9_]+")
SHORT_CODE = re.compile(r"[1-9][0-9]{2,5}")  # 999, 116123, 85258: digits only, no spaces
PHONE_CHARACTERS = re.compile(r"[0-9+()\s-]+")
MAX_TEXT = 160  # an entry goes inside a message: it must leave room for the rest
SOON_DAYS = 30  # "due for review soon" this many days before the review date
CHECK_EVERY_MONTHS = 6  # "mark as checked" sets the next review date this far ahead
LIMITS = {"name": 32, "title": 80, "contact": 80, "hours": 80, "audience": 160}
CONTACT_RULE = (
    "Enter a UK phone number, such as 0800 1111 or 0808 800 5000, "
    "or a short code or text code of 3 to 6 digits with no spaces, such as 999 or 85258."
)


def render(text: str, directory: Mapping[str, str]) -> str:
    """A message with each ``{name}`` replaced by the directory's text for it."""
    return NAME.sub(lambda match: directory.get(match.group(1), match.group(0)), text)


def names_in(text: str) -> list[str]:
    return NAME.findall(text)


_LAST_WORD = re.compile(r"(\w+)\W*$")
_FIRST_WORD = re.compile(r"\W*(\w+)")


def repeated_words(text: str, directory: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Where a ``{name}`` repeats the word written beside it, as the phone shows it: "text
    {shout}" reads "text text SHOUT to 85258" when the entry already says "text SHOUT to
    85258". One ``(name, word, what the phone shows there)`` for each."""
    found = []
    for match in NAME.finditer(text):
        inserted = directory.get(match.group(1))
        if not inserted:
            continue
        before = re.search(r"(\w+)[ \t]*$", text[: match.start()])
        after = re.match(r"[ \t]*(\w+)", text[match.end() :])
        first, last = _FIRST_WORD.match(inserted), _LAST_WORD.search(inserted)
        if before and first and before.group(1).casefold() == first.group(1).casefold():
            found.append((match.group(1), before.group(1), f"{before.group(1)} {inserted}"))
        elif after and last and after.group(1).casefold() == last.group(1).casefold():
            found.append((match.group(1), after.group(1), f"{inserted} {after.group(1)}"))
    return found


@dataclass(frozen=True)
class Entry:
    """An entry as a reviewer writes it."""

    name: str
    title: str
    text: str
    contact: str
    hours: str
    audience: str
    review_by: date | None
    # How it reads inside a message in other languages: {"es": {"text": …}}
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class ReviewState(enum.StrEnum):
    OVERDUE = "review overdue"
    SOON = "due for review soon"
    CHECKED = "checked"


def review_state(review_by: date, today: date) -> ReviewState:
    """Overdue on its review date and after; due soon within ``SOON_DAYS`` of it."""
    if review_by <= today:
        return ReviewState.OVERDUE
    if (review_by - today).days <= SOON_DAYS:
        return ReviewState.SOON
    return ReviewState.CHECKED


def next_review(checked_on: date, months: int = CHECK_EVERY_MONTHS) -> date:
    """The date ``months`` after ``checked_on`` (the month's last day when it is shorter)."""
    index = checked_on.month - 1 + months
    year, month = checked_on.year + index // 12, index % 12 + 1
    return date(year, month, min(checked_on.day, calendar.monthrange(year, month)[1]))


def in_words(day: date) -> str:
    """A date as staff read it, such as "1 Nov 2026"."""
    return f"{day.day} {day:%b %Y}"


def contact_problem(contact: str) -> str | None:
    """Why ``contact`` is neither a short code nor a possible UK phone number; ``None`` if fine."""
    if not contact:
        return "Enter the phone number or text code. " + CONTACT_RULE
    if SHORT_CODE.fullmatch(contact):
        return None
    if re.search(r"[^\W\d_]", contact):
        return (
            f"{contact} has letters in it (an O for a 0, perhaps): write only the number or "
            "code here, in digits; any words around it go in how it reads inside a message. "
            + CONTACT_RULE
        )
    if not PHONE_CHARACTERS.fullmatch(contact):
        return f"{contact} is not a number we can check. {CONTACT_RULE}"
    if not contact.lstrip("(").startswith(("0", "+")):
        return f"{contact} is not a short code, and a UK phone number starts with 0. {CONTACT_RULE}"
    try:
        number = phonenumbers.parse(contact, "GB")
    except phonenumbers.NumberParseException:
        return f"{contact} is not a number we can check. {CONTACT_RULE}"
    if number.country_code != 44:
        return f"{contact} is not a UK number. {CONTACT_RULE}"
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        return f"{contact} looks too short or too long for a UK number. {CONTACT_RULE}"
    return None


def _compact(text: str) -> str:
    return re.sub(r"[\s()-]", "", text)


def problems(entry: Entry, today: date, new: bool = True) -> dict[str, str]:
    """What is wrong with an entry, by field, in words for the reviewer who wrote it; empty
    when it can be saved. ``new``: the name is being chosen (it cannot change later)."""
    found: dict[str, str] = {}
    if new:
        if not entry.name:
            found["name"] = "Choose a name, such as childline: messages use it as {childline}."
        elif len(entry.name) > LIMITS["name"] or not VALID_NAME.fullmatch(entry.name):
            found["name"] = (
                "Use up to 32 lowercase letters, numbers and underscores, with no spaces, "
                "such as childline or young_minds."
            )
    required = {
        "title": "Enter the service's name, such as Childline.",
        "hours": "Say when it is open, such as 24 hours.",
        "audience": "Say who it is for, such as children and young people under 19.",
    }
    for field_name, missing in required.items():
        value = getattr(entry, field_name)
        if not value:
            found[field_name] = missing
        elif len(value) > LIMITS[field_name]:
            found[field_name] = f"Keep it to {LIMITS[field_name]} characters."
    contact_wrong = contact_problem(entry.contact)
    if not contact_wrong and len(entry.contact) > LIMITS["contact"]:
        contact_wrong = f"Keep it to {LIMITS['contact']} characters."
    if contact_wrong:
        found["contact"] = contact_wrong
    if not entry.text:
        found["text"] = "Write the words a message shows, such as Childline on 0800 1111."
    elif len(entry.text) > MAX_TEXT:
        found["text"] = (
            f"Keep it to {MAX_TEXT} characters, so it fits inside a text message "
            f"(it has {len(entry.text)})."
        )
    elif "{" in entry.text or "}" in entry.text:
        found["text"] = "The text cannot contain { or }: write the words themselves."
    elif entry.contact and _compact(entry.contact) not in _compact(entry.text):
        found["text"] = (
            f"Include the number or text code, {entry.contact}, so young people can use it "
            "straight from the message."
        )
    for code, own in entry.translations.items():
        translated = own.get("text", "")
        if len(translated) > MAX_TEXT:
            found[f"text_{code}"] = (
                f"Keep it to {MAX_TEXT} characters, so it fits inside a text message "
                f"(it has {len(translated)})."
            )
        elif "{" in translated or "}" in translated:
            found[f"text_{code}"] = "The text cannot contain { or }: write the words themselves."
        elif entry.contact and _compact(entry.contact) not in _compact(translated):
            found[f"text_{code}"] = f"Include the number or text code, {entry.contact}, here too."
    if entry.review_by is None:
        found["review_by"] = "Enter the date by which someone should check this entry again."
    elif entry.review_by <= today:
        found["review_by"] = (
            "Choose a date after today: it is the date by which someone checks this entry again."
        )
    return found


def overdue_problems(
    texts: Iterable[str], review_dates: Mapping[str, date], today: date
) -> list[str]:
    """One problem for each entry that ``texts`` name whose review date has come: content
    naming it must not go live until a reviewer has checked the entry."""
    overdue: list[str] = []
    for text in texts:
        for name in names_in(text):
            review_by = review_dates.get(name)
            if (
                name not in overdue
                and review_by is not None
                and review_state(review_by, today) is ReviewState.OVERDUE
            ):
                overdue.append(name)
    return [
        f"{{{name}}} is past its review date ({in_words(review_dates[name])}): a reviewer must "
        "check it in the signposting directory before this can be published."
        for name in overdue
    ]
