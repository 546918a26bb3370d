"""Properties of redaction over generated phone numbers, postcodes and emails in the spellings
young people use, and over the ordinary numbers they write, which must stay readable.

Each kind of spelling is split in two: the ``TUNING`` spellings were in view while the patterns
were written, the ``HELD_OUT`` ones were written separately and checked only at the end. Both
run here, so a change that fits the first set by overfitting shows up on the second.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changemakers.redaction import redact

# Phone numbers ---------------------------------------------------------------------------

TUNING_SEPARATORS = [" ", "-", ".", ",", "/", "_", "", "  ", " - ", "(", ")"]
HELD_OUT_SEPARATORS = [" / ", " , ", "__", "\u00a0", "\u2013", ". ", ", ", "\\", "-.", " _ "]
TUNING_PREFIXES = ["0", "+44", "+44 ", "+44 (0)", "0044", "0044 "]
HELD_OUT_PREFIXES = ["(+44) ", "00 44 ", "+44-", "+44 (0) ", "(0)", "+44.", "0044-", "(0044) "]


def national_numbers() -> st.SearchStrategy[str]:
    """UK numbers without their leading 0: mobiles, London, other areas, freephone 0800 ones."""
    digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
    return st.one_of(
        st.lists(digits, min_size=9, max_size=9).map(lambda d: "7" + "".join(d)),
        st.lists(digits, min_size=8, max_size=8).map(lambda d: "20" + "".join(d)),
        st.lists(digits, min_size=6, max_size=6).map(lambda d: "1632" + "".join(d)),
        st.lists(digits, min_size=6, max_size=6).map(lambda d: "800" + "".join(d)),
    )


@st.composite
def phone_spellings(draw, prefixes: list[str], separators: list[str]) -> tuple[str, str]:
    """A number and a spelling of it: a prefix, then its digits cut into groups."""
    national = draw(national_numbers())
    prefix = draw(st.sampled_from(prefixes))
    digits = ("0" if prefix in ("0", "(0)") else "") + national
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    pieces, last = [], 0
    for cut in cuts:
        pieces += [digits[last:cut], draw(st.sampled_from(separators))]
        last = cut
    pieces.append(digits[last:])
    written = "".join(pieces)
    spelled = written if prefix == "0" else prefix + written.removeprefix("0")
    if prefix == "(0)":
        spelled = "(0)" + written[1:]
    return national, spelled


# Words around a number: letters, spaces and the punctuation that ends or opens a phrase. No
# digits, so that every digit left in the result came from the number.
AROUND = st.text(alphabet="abcxyz ABC!?'\":;\n", max_size=15)


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def assert_number_gone(national: str, spelled: str, before: str, after: str) -> None:
    result = redact(f"{before} {spelled} {after}")
    assert digits_of(national)[-6:] not in digits_of(result), result
    assert "[phone]" in result


@settings(max_examples=500)
@given(phone_spellings(TUNING_PREFIXES, TUNING_SEPARATORS), AROUND, AROUND)
def test_no_uk_number_survives_in_the_tuning_spellings(case, before, after):
    assert_number_gone(*case, before, after)


@settings(max_examples=500)
@given(phone_spellings(HELD_OUT_PREFIXES, HELD_OUT_SEPARATORS), AROUND, AROUND)
def test_no_uk_number_survives_in_the_held_out_spellings(case, before, after):
    assert_number_gone(*case, before, after)


@settings(max_examples=300)
@given(
    phone_spellings(TUNING_PREFIXES + HELD_OUT_PREFIXES, TUNING_SEPARATORS + HELD_OUT_SEPARATORS),
    st.sampled_from(["im 14 ", "I'm 14, ", "year 9 ", "on 12/03/2024 ", "at 10:30 ", "£5 "]),
)
def test_a_number_after_an_ordinary_number_is_still_caught(case, ordinary):
    national, spelled = case
    result = redact(f"{ordinary}call {spelled} tonight")
    assert digits_of(national)[-6:] not in digits_of(result), result


# Postcodes -------------------------------------------------------------------------------

AREAS = ["E", "N", "W", "SE", "SW", "NW", "EC", "WC", "CR", "BR", "M", "B", "LS", "G", "EH"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TUNING_POSTCODE_GAPS = ["", " ", "  "]
HELD_OUT_POSTCODE_GAPS = ["   ", "\t", "\u00a0", " \t"]


@st.composite
def postcodes(draw, gaps: list[str]) -> tuple[str, str]:
    """A postcode, and a spelling of it in any case with the given gap."""
    area = draw(st.sampled_from(AREAS))
    district = str(draw(st.integers(1, 20)))
    if len(area) == 2 and len(district) == 1 and draw(st.booleans()):
        district += draw(st.sampled_from("ABCDEFGHJKPSTUW"))
    inward = str(draw(st.integers(0, 9))) + "".join(
        draw(st.lists(st.sampled_from(INWARD_LETTERS), min_size=2, max_size=2))
    )
    written = area + district + draw(st.sampled_from(gaps)) + inward
    case = draw(st.sampled_from([str.upper, str.lower, str.title, str.swapcase]))
    return inward, case(written)


@settings(max_examples=300)
@given(postcodes(TUNING_POSTCODE_GAPS), AROUND, AROUND)
def test_no_postcode_survives_in_the_tuning_spellings(case, before, after):
    inward, spelled = case
    result = redact(f"{before} {spelled} {after}")
    assert "[postcode]" in result and inward.lower() not in result.lower(), result


@settings(max_examples=300)
@given(postcodes(HELD_OUT_POSTCODE_GAPS), AROUND, AROUND)
def test_no_postcode_survives_in_the_held_out_spellings(case, before, after):
    inward, spelled = case
    result = redact(f"{before} {spelled} {after}")
    assert "[postcode]" in result and inward.lower() not in result.lower(), result


# Emails ----------------------------------------------------------------------------------

TUNING_AT = ["@", " at ", " (at) ", "[at]", " @ "]
HELD_OUT_AT = [" AT ", "(at)", " [at] ", " {at} ", " <at> ", " At "]
TUNING_DOT = [".", " dot ", " (dot) ", "[dot]"]
HELD_OUT_DOT = [" DOT ", "(dot)", " . ", " [dot] ", " Dot "]
DOMAINS = [["gmail", "com"], ["hotmail", "co", "uk"], ["school", "sch", "uk"], ["yahoo", "com"]]
LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=3, max_size=12).filter(
    lambda local: not local.isdigit()
)


@st.composite
def spelled_emails(draw, ats: list[str], dots: list[str]) -> tuple[str, bool]:
    """A spelled email, and whether it reads as one address: after a bare "at", a domain with
    plain dots reads as a link ("look at example.com") unless the part before looks like a user
    name or the domain is a mail provider's."""
    local = draw(LOCAL)
    labels = draw(st.sampled_from(DOMAINS))
    at, dot = draw(st.sampled_from(ats)), draw(st.sampled_from(dots))
    link_like = (
        at.strip().lower() == "at"
        and dot == "."
        and local.isalpha()
        and labels[0] not in ("gmail", "hotmail", "yahoo")
    )
    return local + at + dot.join(labels), not link_like


def assert_email_gone(case: tuple[str, bool]) -> None:
    email, one_address = case
    result = redact(f"my email is {email} thanks")
    if one_address:
        assert result == "my email is [email] thanks"
    else:
        assert result.startswith("my email is ") and result.endswith(" at [url] thanks"), result


@settings(max_examples=300)
@given(spelled_emails(TUNING_AT, TUNING_DOT))
def test_emails_in_the_tuning_spellings_are_redacted(case):
    assert_email_gone(case)


@settings(max_examples=300)
@given(spelled_emails(HELD_OUT_AT, HELD_OUT_DOT))
def test_emails_in_the_held_out_spellings_are_redacted(case):
    assert_email_gone(case)


@pytest.mark.parametrize(
    "text",
    [
        "im at home",
        "meet me at 3",
        "look at this",
        "I was at school. Uk is fine",
        "at the park dot dot dot",
        "she laughed at me",
        "we met at the bus stop",
        "i was at my mums (at least i think so)",
        "where are you at",
        "dot dot dot",
        "my name is Dot",
    ],
)
def test_at_and_dot_in_ordinary_sentences_are_kept(text):
    assert redact(text) == text


# Ordinary text ---------------------------------------------------------------------------

# What young people write that holds numbers: ages, counts, times, dates, prices, scores.
ORDINARY_NUMBERS = [
    "im 14",
    "I'm 15",
    "3 days",
    "2 or 3 times",
    "£5",
    "£1,000",
    "£2.50",
    "10:30",
    "9.30am",
    "2024",
    "12/03/2024",
    "12/03/2024 10:30",
    "1/3/24",
    "12.03.2024 10.30",
    "2023/2024",
    "year 9",
    "years 7-11",
    "10/10",
    "5 out of 10",
    "50%",
    "1,000,000 views",
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
    "2024 2025",
    "top 10",
    "room 101",
    "3rd time",
    "age 13-16",
    "from 9 to 5",
    "9-5",
    "24/7",
    "4 weeks",
    "2-1 win",
    "bus 185",
    "1st",
    "5'4",
]
WORDS = ["i", "was", "it", "happened", "about", "the", "and", "my", "mate", "said", "ok", "lol"]


@settings(max_examples=1500)
@given(
    st.lists(
        st.one_of(st.sampled_from(ORDINARY_NUMBERS), st.sampled_from(WORDS)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([" ", ", ", ". ", " - ", "\n"]),
)
def test_ordinary_numbers_young_people_write_stay_readable(pieces, joiner):
    text = joiner.join(pieces)
    assert redact(text) == text
