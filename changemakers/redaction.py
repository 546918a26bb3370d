"""Redaction of personal details in free text.

Young people type all sorts into free-text answers and messages: their own number, a friend's
Snapchat, an address. Free text is redacted before it reaches the database (``docs/dpia.md``,
"The nature of the processing"): phone numbers, email addresses, UK postcodes, URLs and social
handles are replaced by the tags ``[phone]``, ``[email]``, ``[postcode]``, ``[url]`` and
``[handle]``; everything else, spacing and punctuation included, is kept as it was.
``RedactingFilter`` does the same for phone numbers and emails in log records, so a number never
reaches a log.

Phone numbers are found by a regular expression for a run of digits joined by the separators
people use, and those they use to slip a number past a filter (spaces, dots, commas, dashes,
underscores, slashes, brackets, a leading ``+``, up to three at a time), then by the digits
(``_phone_start``). Dates standing on their own are set aside first. A run is a phone number
from the first group of digits that starts 9 or more shaped like a UK number (0, 44, or a
mobile's ten without the 0), or 7 or more after a ``+``; otherwise, as a whole, when it has 9 to
15 digits grouped like a number, with no comma, underscore or slash and no year among its words.
``phonenumbers.PhoneNumberMatcher`` is not used: at its default leniency it skips numbers that
are not allocated (Ofcom's drama range ``07700 900xxx``, a mistyped digit), it is much slower,
and here over-redaction is the safe side. Ordinary numbers survive: "I'm 14", "year 9", "2 or 3
times", "at 10:30", "£20", "1,000,000,000", "12/03/2024 10:30", "2023/2024/2025", "1, 2, 3, 4,
5, 6, 7, 8, 9, 10".

Emails spelled out to dodge a filter ("bob at gmail dot com", "bob (at) gmail (dot) co (dot)
uk", "bob @ gmail . com", "bob at hotmail") are found by a second expression, tried only when
the text holds a hint of one (the word "dot", a bracketed "at", a spaced "@" or a mail
provider's name). It needs a known top-level domain or provider after the "at", so "I'm at
home", "meet at 3" and "look at this" stay.

All five kinds are one compiled pattern, applied left to right as ``re.sub`` would, but tried
only from the start of a word that holds a trigger character (a digit, "@", "/", or a "." before
a letter or digit), found by a fast scan: most of a message is never looked at twice. Each
alternative can only start at the beginning of a run (a look-behind refuses the middle of one)
and has no nested ambiguity, so the time stays linear even on hostile input such as ``"1 " *
5000``.

Handles given after the app's name rather than an "@" ("snap: bob99", "my insta is bob_99") are
found by a third expression, tried only where an app's name is.

Known limitations: numbers written in words ("oh seven seven...") or split by letters, handles
given with neither an "@" nor an app's name ("add bob99"), a foreign number written without its
``+`` and ending in a year-like group ("415 555 2024"), and "bob at example.com" (read as "look
at example.com": the link is tagged, "bob" kept) are not caught whole. A short number typed
right next to a phone number is usually kept ("I'm 14 07700 900123") but may be swallowed into
the ``[phone]`` tag; long plain numbers that are not phone numbers (an order number) may be
tagged ``[phone]``.
"""

from __future__ import annotations

import itertools
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

# Between digits, up to three separators, and up to two brackets each followed by up to three
# more: "07700 - 900123", "07700/900/123", "07700_900_123", "+44 (0)7700", "(0) / 7700". A
# leading "(" is part of the number only when its ")" comes before more digits, so
# "(07700 900123)" keeps both brackets around the tag.
_GAP_CHARACTERS = r" \t.,_/\\\-\u00a0\u2010-\u2015\u2212"  # inside [...]: a backslash, a dash
_GAP = rf"[{_GAP_CHARACTERS}]{{0,3}}"
_PHONE = (
    rf"(?<!\d)(?:\(\+?(?=\d[\d{_GAP_CHARACTERS}]*\)[{_GAP_CHARACTERS}]*\d)|\+)?"
    rf"\d(?:{_GAP}(?:[()]{_GAP}){{0,2}}\d)*"
)

# Checked in code rather than in the pattern (a case-insensitive alternation of 120 areas is
# slow): the outward code starts with one of the UK's postcode areas, so "u18 1st team" is not a
# postcode, and the inward code never uses C, I, K, M, O or V.
_POSTCODE = r"(?<!\w)[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t\u00a0]{0,3}\d[A-Za-z]{2}(?!\w)"
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

# An email spelled to slip past a filter: "@" with spaces round it, "at" in brackets or as a
# word; "." with spaces round it, "dot" in brackets or as a word. After a bare "at" the dots must
# be spelled too, or the part before look like a user name (a digit, "_" or "."), so that "look
# at example.com" stays a link; a mail provider's name needs no top-level domain ("bob at
# hotmail"). The local part is the word before the "at", or up to four joined by "dot". Tried
# only where the hint is found.
_AT_SIGN = r"(?:[ \t]*@[ \t]*|[ \t]*[(\[{<][ \t]*at[ \t]*[)\]}>][ \t]*)"
_AT_WORD = r"[ \t]+at[ \t]+"
_DOT_WORD = r"(?:[ \t]+dot[ \t]+|[ \t]*[(\[{<][ \t]*dot[ \t]*[)\]}>][ \t]*|[ \t]+\.[ \t]+)"
_DOT_ANY = rf"(?:\.|{_DOT_WORD})"
_MAIL_PROVIDERS = "gmail|googlemail|hotmail|outlook|yahoo|ymail|icloud|aol|btinternet|protonmail"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_LOCAL = rf"[\w.%+-]*\w(?:{_DOT_WORD}[\w.%+-]*\w){{0,3}}"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.%+-])(?:"
    rf"{_LOCAL}{_AT_SIGN}{_LABEL}(?:{_DOT_ANY}{_LABEL})*{_DOT_ANY}(?:{_TLDS})"
    rf"|{_LOCAL}{_AT_WORD}{_LABEL}(?:{_DOT_WORD}{_LABEL})*{_DOT_WORD}(?:{_TLDS})"
    rf"|(?=[\w.%+-]*[\d_.])[\w.%+-]*\w{_AT_WORD}{_LABEL}(?:\.{_LABEL})*\.(?:{_TLDS})"
    rf"|{_LOCAL}(?:{_AT_SIGN}|{_AT_WORD})(?:{_MAIL_PROVIDERS})(?:{_DOT_ANY}(?:{_TLDS})){{0,2}}"
    rf")(?![\w-])",
    re.IGNORECASE,
)
_SPELLED_EMAIL_HINT = re.compile(
    rf"\bdot\b|[(\[{{<][ \t]*at[ \t]*[)\]}}>]|\s@|@\s|\s\.\s|\bat[ \t]+[a-z0-9-]+\.[a-z]"
    rf"|\b(?:{_MAIL_PROVIDERS})\b",
    re.IGNORECASE,
)

# A handle given after the app's name rather than an "@": "snap: bob99", "insta - bob.smith",
# "my tiktok is bob_99". After "is" the name must hold a letter and a digit, "_" or "." (so "my
# insta is private" stays); after ":", "-" or "=" any name of two or more characters.
_PLATFORMS = r"snap(?:chat)?|sc|insta(?:gram)?|ig|tik[ \t]?tok|tt|twitter|discord|kik|telegram"
_NAMED_HANDLE = re.compile(
    rf"\b(?P<platform>(?:{_PLATFORMS})(?:[ \t]+(?:name|username|user|handle))?)"
    rf"(?P<gap>[ \t]*[:=\-][ \t]*(?=@?[A-Za-z0-9_.]{{2}})"
    rf"|[ \t]+is[ \t]+(?=@?[A-Za-z0-9_.]*[A-Za-z])(?=@?[A-Za-z0-9_.]*[\d_.]))"
    r"@?[A-Za-z0-9_.]*[A-Za-z0-9_](?![\w@])",
    re.IGNORECASE,
)
_NAMED_HANDLE_HINT = re.compile(rf"\b(?:{_PLATFORMS})\b", re.IGNORECASE)
# Substrings, in lower case, without one of which neither hint can match.
_SPELLED_EMAIL_NEEDLES = ("dot", "@", "(", "[", "{", "<", " . ", *_MAIL_PROVIDERS.split("|"))
_PLATFORM_NEEDLES = ("snap", "sc", "insta", "ig", "tik", "tt", "twitter", "discord", "kik", "tele")

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

# A run of digits may hold a number and the ordinary numbers around it ("I'm 14, 07700 900123",
# "on 12/03/2024 10:30"). Dates are set aside first: day and month (either way round, one of
# them 12 or less), then a year of four digits (or two after slashes), standing on its own
# (spaces, or the ends of the run, around it), so a number spelled in pairs is not mistaken for
# one. The separators that join counts and dates more often than numbers make a run need the
# shape of a UK number.
_DIGIT_GROUP = re.compile(r"\d+")
_DATE = re.compile(r"(?<!\d)(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
_STRICT_GAPS = re.compile(r"[,_/\\]")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A short number just after a complete UK mobile number ("07700900123 2 times") is not part of it.
_TRAILING_NUMBER = re.compile(r"[ \t.,\-\u00a0]+\d{1,3}$")
_UK_MOBILE_DIGITS = re.compile(r"(?:0|44|440|0044|00440)7\d{9}")


def _digits(text: str) -> str:
    """The digits of ``text``, each as an ASCII digit (a full-width "０" counts as "0")."""
    return "".join(ch if ch.isascii() else str(int(ch)) for ch in text if ch.isdecimal())


def _has_space(text: str) -> bool:
    return any(ch.isspace() for ch in text)


def _is_date(run: str, match: re.Match[str], since: int) -> bool:
    """Whether a date-shaped match in a run is a date: a real day and month, a year of this
    century or the last (two digits only after slashes), standing on its own, and not after the
    start of a number ("0 7-1-2000 0000", "+44 7-1-2000 0000")."""
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    if not (1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12):
        return False
    if len(year) == 2 and match.group(2) != "/" or len(year) == 4 and year[:2] not in ("19", "20"):
        return False
    before, after = run[since : match.start()], run[match.end() :]
    digits_before = _digits(before)
    if digits_before and len(digits_before) < 9:
        if "+" in before or digits_before.startswith(("0", "44")):
            return False
    last_digit = max((i for i, ch in enumerate(before) if ch.isdecimal()), default=-1)
    next_digit = next((i for i, ch in enumerate(after) if ch.isdecimal()), len(after))
    return (last_digit < 0 or _has_space(before[last_digit + 1 :])) and (
        next_digit == len(after) or _has_space(after[:next_digit])
    )


def _phone_start(run: str) -> int | None:
    """Where the phone number in a run of digits (with no date in it) starts, or ``None``.

    It starts at the first group of digits from which there are 9 or more digits shaped like a
    UK number (starting 0 or 44, or a mobile's ten without the 0: "7700 900123"), or 7 or more
    after a "+"; a later
    group only after a space, so that "I'm 14 07700 900123" keeps its 14 and "1,000,000,000" is
    not cut in two. Failing that, the whole run, if it has 9 to 15 digits (the most a number
    has), no comma, underscore or slash, and is one word or grouped like a number ("415 555
    2671", "415.555.2671" and "20 7946 0018" go; "1,000,000,000", "2023/2024/2025",
    "1, 2, 3, ... 10" and "14 2024 9-5 9-5" stay).
    """
    groups = list(_DIGIT_GROUP.finditer(run))
    digits = _digits(run)
    offsets, total = [], 0  # where each group's digits start in ``digits``
    for group in groups:
        offsets.append(total)
        total += len(group.group())
    for k, group in enumerate(groups):
        left = total - offsets[k]
        if left < 7:
            break
        start = group.start()
        if k and not _has_space(run[groups[k - 1].end() : start]):
            continue  # joined to the group before without a space
        while start > 0 and run[start - 1] in "(+":
            start -= 1
        if run.startswith(("+", "(+"), start):
            return start
        if left >= 9 and (
            digits.startswith(("0", "44"), offsets[k])
            or (left == 10 and digits[offsets[k]] == "7" and len(group.group()) >= 3)
        ):
            return start
    if 9 <= total <= 15 and not _STRICT_GAPS.search(run) and _grouped_like_a_number(run, groups):
        start = groups[0].start()
        while start > 0 and run[start - 1] in "(+":
            start -= 1
        return start
    return None


def _grouped_like_a_number(run: str, groups: list[re.Match[str]]) -> bool:
    """One word, or up to four where each after the first is a group of 3 or 4 digits, and
    none a year ("im 14 2024 2025" is not a number)."""
    words = [[groups[0]]]
    for previous, group in itertools.pairwise(groups):
        if _has_space(run[previous.end() : group.start()]):
            words.append([group])
        else:
            words[-1].append(group)
    if len(words) == 1:
        return True
    if len(words) > 4 or any(len(w) == 1 and _YEAR.fullmatch(w[0].group()) for w in words):
        return False
    return all(len(w) == 1 and 3 <= len(w[0].group()) <= 4 for w in words[1:])


def _redact_run(run: str) -> str:
    start = _phone_start(run) if len(run) >= 7 else None
    if start is None:
        return run
    before, number, after = run[:start], run[start:], ""
    trailing = _TRAILING_NUMBER.search(number)
    if trailing and _UK_MOBILE_DIGITS.fullmatch(_digits(number[: trailing.start()])):
        after = trailing.group()
    return f"{before}[phone]{after}"


def _redact_phone(candidate: str) -> str:
    if len(candidate) < 7:  # too few digits, the common case: "14", "10", "2024"
        return candidate
    pieces: list[str] = []
    done = 0
    for date in _DATE.finditer(candidate):
        if date.start() >= done and _is_date(candidate, date, done):
            pieces += (_redact_run(candidate[done : date.start()]), date.group())
            done = date.end()
    pieces.append(_redact_run(candidate[done:]))
    return "".join(pieces)


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
    return _substitute(_PII, _PII_TRIGGER, _redact_spelled_out(text))


def _redact_spelled_out(text: str) -> str:
    """Emails spelled with "at" and "dot", and handles given after the app's name.

    Most messages hold neither: a few substring searches (fast, in C) rule them out before any
    hint's regular expression (slow to scan for an alternation) is tried."""
    lowered = text.lower()
    if (
        any(needle in lowered for needle in _SPELLED_EMAIL_NEEDLES)
        or ("at " in lowered and "." in lowered)
    ) and _SPELLED_EMAIL_HINT.search(text) is not None:
        text = _SPELLED_EMAIL.sub("[email]", text)
    if any(needle in lowered for needle in _PLATFORM_NEEDLES) and _NAMED_HANDLE_HINT.search(text):
        text = _NAMED_HANDLE.sub(r"\g<platform>\g<gap>[handle]", text)
    return text


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
