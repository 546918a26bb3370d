"""Redaction of personal details in free text.

Young people type all sorts into free-text answers and messages: their own number, a friend's
Snapchat, an address. Free text is redacted before it reaches the database (DESIGN.md,
"Anonymity"): phone numbers, email addresses, UK postcodes, URLs and social handles are replaced
by the tags ``[phone]``, ``[email]``, ``[postcode]``, ``[url]`` and ``[handle]``; everything else,
spacing and punctuation included, is kept as it was. ``RedactingFilter`` does the same for phone
numbers and emails in log records, so a number never reaches a log.

Phone numbers are found by a regular expression for a run of digits joined by the usual
separators (spaces, dots, dashes, brackets, a leading ``+``), then a digit count: a run is a phone
number when it has 9 or more digits, or 7 or more after a ``+``. ``phonenumbers.PhoneNumberMatcher``
is not used: at its default leniency it skips numbers that are not allocated (Ofcom's drama range
``07700 900xxx``, a mistyped digit), it is much slower, and here over-redaction is the safe side.
Shorter numbers survive: "I'm 14", "year 9", "2 or 3 times", "at 10:30", "£20", "1,000".

All five kinds are one compiled pattern, applied left to right as ``re.sub`` would, but tried
only from the start of a word that holds a trigger character (a digit, "@", "/", or a "." before
a letter or digit), found by a fast scan: most of a message is never looked at twice. Each
alternative can only start at the beginning of a run (a look-behind refuses the middle of one)
and has no nested ambiguity, so the time stays linear even on hostile input such as
``"1 " * 5000``.

Known limitations: numbers written in words ("oh seven seven...") or split by letters, emails
written as "bob at gmail dot com", and handles given without an ``@`` ("my snap is bob99") are
not caught. A short number typed right next to a phone number is usually kept ("I'm 14
07700 900123") but may be swallowed into the ``[phone]`` tag; long plain numbers that are not
phone numbers (an order number, a date and time written with dots) may be tagged ``[phone]``.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactingFilter", "redact", "redact_contacts"]

# A local part, then a domain with a dot and an alphabetic top-level domain. The look-behind keeps
# a match from starting inside a run, so a long run without an "@" is scanned once, not once per
# character.
_EMAIL = r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"

# Top-level domains that make a bare "name.tld" a URL. Two-letter ones that are everyday words
# ("me", "it", "to", "so", "in", "at", "be", "us", "no") are left out, so "tell.me" and
# "sad.so what" (a missing space after a full stop) are kept; any top-level domain followed by
# a path ("t.me/bob", "wa.me/447...") is a URL.
_TLDS = (
    "com|net|org|co|uk|io|ly|gg|tv|app|dev|xyz|info|biz|online|site|live|link|store|shop|club"
    "|blog|news|fm|eu|ie|de|fr|es|nl|ru|ca|au|nz|cc|ws|gl|gd|tk|page|social|chat|games"
)
# A path ends on a character that is not closing punctuation, so "see insta.com/bob." keeps its
# full stop.
_TAIL_CHAR = r"[^\s<>\"'.,;:!?)\]}]"
_PATH = rf"/(?:[^\s<>\"]*{_TAIL_CHAR})?"
_URL = (
    rf"(?<![\w@/])(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww]{{3}}\.(?=[A-Za-z0-9]))[^\s<>\"]*{_TAIL_CHAR}"
    r"|(?<![\w.@/-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    rf"(?:\.(?=[A-Za-z])(?:{_TLDS})(?![\w-])(?:{_PATH})?|\.[A-Za-z]{{2,}}{_PATH})"
)

# Up to three separators between digits: "07700 - 900123", "+44 (0)7700", "(020) 7946". A
# leading "(" is part of the number only when its ")" comes before more digits, so
# "(07700 900123)" keeps both brackets around the tag.
_PHONE_SEPARATOR = r"[ \t.\-\u00a0\u2010-\u2015()]"
_PHONE = (
    r"(?<!\d)(?:\(\+?(?=\d[\d \t.\-]*\)[ \t.\-]*\d)|\+)?"
    rf"\d(?:{_PHONE_SEPARATOR}{{0,3}}\d)*"
)

# Checked in code rather than in the pattern (a case-insensitive alternation of 120 areas is
# slow): the outward code starts with one of the UK's postcode areas, so "u18 1st team" is not a
# postcode, and the inward code never uses C, I, K, M, O or V.
_POSTCODE = r"(?<!\w)[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]?\d[A-Za-z]{2}(?!\w)"
_POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN"
    " DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L"
    " LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA"
    " SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS"
    " WV YO ZE".split()
)
_INWARD_LETTERS = frozenset("ABDEFGHJLNPQRSTUWXYZ")

# "@" at the start of a word (so never the "@" inside an email), with at least one letter or
# underscore ("@07700 900123" is a phone number); dots only between characters.
_HANDLE = r"(?<![\w@.])@(?=[\d.]*[A-Za-z_])(?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_]))+"

# At one position the alternatives are tried in this order: an email before a URL or a handle.
_PII = re.compile(
    rf"(?P<email>{_EMAIL})|(?P<url>{_URL})|(?P<phone>{_PHONE})"
    rf"|(?P<postcode>{_POSTCODE})|(?P<handle>{_HANDLE})"
)
_CONTACTS = re.compile(rf"(?P<email>{_EMAIL})|(?P<phone>{_PHONE})")

# Every match contains one of these at or after its start, in the same whitespace-delimited word
# as its start: an email's "@", a URL's "/" or "." before a letter or digit, a phone number's or a
# postcode's first digit, a handle's "@". Searching for them is a fast scan in C; the full
# pattern is then tried only from the start of that word, not at every character of the text.
_PII_TRIGGER = re.compile(r"[\d@/]|\.(?=[A-Za-z0-9])")
_CONTACTS_TRIGGER = re.compile(r"[\d@]")

# A short number just before a number that starts with 0 ("I'm 14 07700 900123"), and a short
# number just after a complete UK mobile number ("07700900123 2 times"), are not part of it.
_LEADING_NUMBER = re.compile(r"[1-9]\d{0,2}[ \t.\-\u00a0]+(?=\(?0)")
_TRAILING_NUMBER = re.compile(r"[ \t.\-\u00a0]+\d{1,3}$")
_UK_MOBILE_DIGITS = re.compile(r"(?:0|44|440|0044|00440)7\d{9}")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdecimal())


def _redact_phone(candidate: str) -> str:
    if len(candidate) < 7:  # too few digits, the common case: "14", "10", "2024"
        return candidate
    digits = _digits(candidate)
    if len(digits) < (7 if candidate.lstrip("(").startswith("+") else 9):
        return candidate
    before = after = ""
    leading = _LEADING_NUMBER.match(candidate)
    if leading and len(_digits(candidate[leading.end() :])) >= 9:
        before, candidate = leading.group(), candidate[leading.end() :]
    trailing = _TRAILING_NUMBER.search(candidate)
    if trailing and _UK_MOBILE_DIGITS.fullmatch(_digits(candidate[: trailing.start()])):
        candidate, after = candidate[: trailing.start()], trailing.group()
    return f"{before}[phone]{after}"


def _redact_postcode(candidate: str) -> str:
    upper = candidate.upper()
    area = upper[:2] if upper[1].isalpha() else upper[:1]
    if area in _POSTCODE_AREAS and set(upper[-2:]) <= _INWARD_LETTERS:
        return "[postcode]"
    return candidate


def _replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "phone":
        return _redact_phone(match.group())
    if kind == "postcode":
        return _redact_postcode(match.group())
    return f"[{kind}]"


def _substitute(pattern: re.Pattern[str], trigger: re.Pattern[str], text: str) -> str:
    """``pattern.sub(_replacement, text)``, but trying the pattern only near trigger characters.

    Same result as the plain substitution (matches found left to right, the first alternative
    that matches at the leftmost position wins), many times faster on ordinary text, where most
    characters cannot start a match.
    """
    pieces: list[str] = []
    done = pos = 0  # text[:done] is in pieces; no match starts before pos
    while (found := trigger.search(text, pos)) is not None:
        hit = found.start()
        # The start of the word holding the trigger (a tab or other space only makes it earlier,
        # which is safe). Between there and the trigger no character is a trigger, so a match
        # can only start after a non-word character, or at a "(" or "+" (a phone number).
        start = max(text.rfind(" ", pos, hit), text.rfind("\n", pos, hit), pos - 1) + 1
        for at in range(start, hit + 1):
            if start < at < hit and text[at] not in "(+":
                before = text[at - 1]
                if before.isalnum() or before == "_":
                    continue
            match = pattern.match(text, at)
            if match is not None:
                original = match.group()
                replacement = _replacement(match)
                if replacement != original:
                    pieces += (text[done:at], replacement)
                    done = match.end()
                pos = match.end()
                break
        else:
            pos = hit + 1
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def redact(text: str) -> str:
    """Replace phone numbers, emails, UK postcodes, URLs and social handles with tags."""
    return _substitute(_PII, _PII_TRIGGER, text)


def redact_contacts(text: str) -> str:
    """Replace phone numbers and emails only (for logs, where a URL or a path is useful)."""
    return _substitute(_CONTACTS, _CONTACTS_TRIGGER, text)


_TRACEBACK_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Redact phone numbers and emails from every record that passes, and let it through.

    Attach it to handlers (``handler.addFilter(RedactingFilter())``): a filter on a logger does
    not see records that propagate from its child loggers. The message is formatted with its
    arguments first, so a number passed as an argument is caught too; tracebacks and stack
    information are redacted as well.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, still redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact_contacts(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_contacts(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_contacts(record.stack_info)
        return True
