"""Redaction of personal details in free text and in log records: plain functions, no app."""

import io
import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changemakers.redaction import RedactingFilter, redact, redact_contacts

PHONE_NUMBERS = [
    "07700 900123",
    "07700900123",
    "07700 900 123",
    "07700-900-123",
    "07700.900.123",
    "(07700) 900123",
    "0 7 7 0 0 9 0 0 1 2 3",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "+44 (0) 7700 900 123",
    "+44-7700-900-123",
    "+44.7700.900.123",
    "(+44) 7700 900123",
    "0044 7700 900123",
    "00 44 7700 900123",
    "(020) 7946 0018",
    "020 7946 0018",
    "0207 946 0018",
    "020-7946-0018",
    "+44 20 7946 0018",
    "+1 415 555 2671",
    "+1 (415) 555-2671",
    "+1-415-555-2671",
    "415.555.2671",
    "+33 6 12 34 56 78",
    "+33612345678",
    "07700\u00a0900123",
    "07700 \u2013 900123",
    "07700/900/131",
    "07700,900,132",
    "07700_900_133",
    "07700 / 900 / 134",
    "07700, 900, 135",
    "0044 (0) 7700-900_136",
    "(0)7700.900,137",
    "07700\\900\\138",
]

EMAILS = [
    "bob@example.com",
    "bob at gmail dot com",
    "bob (at) gmail (dot) co (dot) uk",
    "bob[at]example[dot]com",
    "bob @ example . com",
    "bob99 at hotmail",
    "bob_99 at example.org",
    "Bob.Smith+tag@mail.example.co.uk",
    "BOB_99@Example.ORG",
    "first.last@school.sch.uk",
    "a-b@sub-domain.example.io",
]

POSTCODES = [
    "SW1A 1AA",
    "sw1a1aa",
    "Sw1A 1aA",
    "E1 6AN",
    "e16an",
    "CR0 2RH",
    "cr0 2rh",
    "M1 1AE",
    "B33 8TH",
    "DN55 1PT",
    "EC1A 1BB",
    "W1A 0AX",
    "N1 9GU",
    "SE1  7PB",
    "se17pb",
    "se1   7pb",
    "Se1\t7Pb",
]

URLS = [
    "https://example.com",
    "https://example.com/path/to?x=1&y=2#top",
    "http://bit.ly/abc123",
    "HTTPS://Example.com/Page",
    "www.example.org",
    "WWW.EXAMPLE.COM/thing",
    "insta.com/foo",
    "example.co.uk",
    "example.co.uk/page.html",
    "tiktok.com/@someone",
    "t.me/somebody",
    "wa.me/447700900123",
    "my-site.net",
    "discord.gg/abcd",
]

HANDLES = ["@someone_99", "@some.one", "@SomeOne", "@_underscore", "@99problems"]


@pytest.mark.parametrize("number", PHONE_NUMBERS)
def test_phone_numbers_in_their_usual_spellings_are_redacted(number):
    assert redact(f"call me on {number} tonight") == "call me on [phone] tonight"
    assert redact(number) == "[phone]"


@pytest.mark.parametrize("email", EMAILS)
def test_emails_are_redacted(email):
    assert redact(f"email {email} please") == "email [email] please"


@pytest.mark.parametrize("postcode", POSTCODES)
def test_postcodes_in_any_case_with_or_without_the_space_are_redacted(postcode):
    assert redact(f"I live at {postcode} near the park") == "I live at [postcode] near the park"


@pytest.mark.parametrize("url", URLS)
def test_urls_are_redacted(url):
    assert redact(f"look at {url} now") == "look at [url] now"


@pytest.mark.parametrize("handle", HANDLES)
def test_social_handles_are_redacted(handle):
    assert redact(f"add me {handle} on snap") == "add me [handle] on snap"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("snap: bob99", "snap: [handle]"),
        ("my snap is bob_99", "my snap is [handle]"),
        ("my insta is @bob.smith x", "my insta is [handle] x"),
        ("Insta - bob.smith", "Insta - [handle]"),
        ("ig=@bob", "ig=[handle]"),
        ("my snapchat username is b0b.x", "my snapchat username is [handle]"),
        ("TikTok: sam", "TikTok: [handle]"),
        ("my insta is private", "my insta is private"),
        ("add me on snap", "add me on snap"),
        ("snap me later", "snap me later"),
        ("my snap is 14", "my snap is 14"),
        ("the ig is 2 good", "the ig is 2 good"),
    ],
)
def test_a_handle_given_after_the_apps_name_is_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring me on 07700 900123, ok?", "ring me on [phone], ok?"),
        ("my number (07700 900123) is new", "my number ([phone]) is new"),
        ("number:07700900123!", "number:[phone]!"),
        ("call07700900123pls", "call[phone]pls"),
        ("email: bob@example.com.", "email: [email]."),
        ("see www.example.com!", "see [url]!"),
        ("see https://insta.com/bob.", "see [url]."),
        ("(link: example.co.uk)", "(link: [url])"),
        ("I'm at SW1A 1AA.", "I'm at [postcode]."),
        ("follow @bob_1, then DM", "follow [handle], then DM"),
        ("  spaced\tout  07700 900123  \n", "  spaced\tout  [phone]  \n"),
        (
            "I'm at SW1A 1AA, text 07700900123 or @bob_1 / bob@x.com / insta.com/bob",
            "I'm at [postcode], text [phone] or [handle] / [email] / [url]",
        ),
        ("I'm 14 07700900123", "I'm 14 [phone]"),
        ("ring 07700900123 2day", "ring [phone] 2day"),
    ],
)
def test_the_text_around_a_tag_is_kept(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm 14",
        "I am 14 and in year 9",
        "year 9",
        "it happened 2 or 3 times",
        "at 10:30",
        "£20",
        "it cost £1,000",
        "1,000",
        "1,000,000 views",
        "on 12/03/2024",
        "12.03.2024",
        "back at 9.30",
        "3.5 out of 5",
        "room 101",
        "on 12/03/2024 at 10:30",
        "12.03.2024 10.30",
        "1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        "1,000,000,000 views",
        "2023/2024/2025",
        "im at home",
        "look at this",
        "text 85258",
        "childline 0800 1111",
        "2+2=4",
        "top 10",
        "u18 1st team",
        "tell.me about it",
        "i was sad.so sad",
        "i.e. e.g. etc.",
        "me@home",
        "the @ sign",
        "hello.world",
        "Mr. Smith",
        "",
        "no personal details here at all!",
    ],
)
def test_ordinary_text_and_numbers_survive(text):
    assert redact(text) == text


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_is_never_turned_into_a_handle(email):
    result = redact(f"{email} and {email.upper()}")
    assert "[handle]" not in result
    assert result == "[email] and [email]"


def test_redaction_is_idempotent():
    text = "I'm at SW1A 1AA, text 07700900123 or @bob_1 / bob@x.com / insta.com/bob"
    assert redact(redact(text)) == redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 5000,
        "a@" * 3000,
        "a." * 3000,
        "1." * 5000,
        "@a" * 3000,
        "a" * 5000 + ".",
        "(1 " * 3000,
        "www." * 1000,
        "+" * 5000,
        "+1" * 3000,
        "/" * 5000,
        "1a" * 4000,
        "a((" * 3000 + "1",
        ("x" * 50 + "@") * 100,
        "snap is a1 " * 2000,
        "snap: " * 3000,
        "bob at " * 2000 + "gmail dot " * 2000,
        "aa." * 2000 + "@",
    ],
)
def test_adversarial_input_is_handled(text):
    result = redact(text)
    assert isinstance(result, str)
    assert redact_contacts(text) is not None


def test_a_long_run_of_spaced_digits_is_not_a_phone_number():
    assert redact("1 " * 5000) == "1 " * 5000
    assert redact("0 " * 5000) == "[phone] "
    assert redact("a@" * 3000) == "a@" * 3000


# The substitution is sped up by trying the pattern only near characters that can be part of a
# match; it must give exactly what the plain substitution gives.
@settings(max_examples=400)
@given(st.text(alphabet="0123456789 +()-./@_:aAbcEksSwWmo\n\t\u00a0", max_size=60))
def test_the_fast_scan_gives_the_same_result_as_a_plain_substitution(text):
    from changemakers import redaction

    plain = redaction._PII.sub(redaction._replacement, redaction._redact_spelled_out(text))
    assert redact(text) == plain
    assert redact_contacts(text) == redaction._CONTACTS.sub(redaction._replacement, text)


def _uk_mobile_spelling(draw, national_significant_number: str) -> str:
    prefix = draw(
        st.sampled_from(
            ["0", "+44", "+44 ", "+44 (0)", "+44 (0) ", "0044 ", "0044", "(+44) ", "+44-", "00 44 "]
        )
    )
    digits = ("0" if prefix == "0" else "") + national_significant_number
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    separators = st.sampled_from([" ", "-", ".", "", "  ", " - "])
    pieces, last = [], 0
    for cut in cuts:
        pieces += [digits[last:cut], draw(separators)]
        last = cut
    pieces.append(digits[last:])
    return ("" if prefix == "0" else prefix) + "".join(pieces)


@st.composite
def uk_mobile_in_text(draw):
    nsn = "7" + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    number = _uk_mobile_spelling(draw, nsn)
    around = st.text(alphabet="abcXYZ ,.!?'\"()-:;@/#\n", max_size=20)
    return nsn, number, draw(around), draw(around)


@settings(max_examples=300)
@given(uk_mobile_in_text())
def test_the_digits_of_a_uk_mobile_number_never_survive(case):
    nsn, number, before, after = case
    result = redact(before + number + after)
    assert nsn not in re.sub(r"\D", "", result)


@settings(max_examples=200)
@given(uk_mobile_in_text(), st.text(alphabet="abcdefgh XYZ", max_size=20))
def test_a_uk_mobile_number_between_words_becomes_one_tag(case, words):
    _, number, _, _ = case
    assert redact(f"{words} {number} {words}") == f"{words} [phone] {words}"


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args or None, exc_info)


def test_the_logging_filter_redacts_a_record_with_args():
    record = _record("texted %s from %s at %s", "07700 900123", "bob@example.com", "10:30")
    assert RedactingFilter().filter(record) is True
    assert record.msg == "texted [phone] from [email] at 10:30"
    assert record.args is None
    assert record.getMessage() == "texted [phone] from [email] at 10:30"


def test_the_logging_filter_keeps_urls_and_ordinary_numbers():
    record = _record("GET https://example.com/sms/inbound took %d ms for %d rows", 12, 3)
    RedactingFilter().filter(record)
    assert record.getMessage() == "GET https://example.com/sms/inbound took 12 ms for 3 rows"


def test_the_logging_filter_survives_a_bad_format_string():
    record = _record("number %d", "07700900123")
    assert RedactingFilter().filter(record) is True
    assert "07700900123" not in record.getMessage()
    assert "[phone]" in record.getMessage()


def test_a_number_never_reaches_the_log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("reply to %s failed", "+44 7700 900123")
        try:
            raise ValueError("bad number 07700 900123")
        except ValueError:
            logger.exception("while handling %s", "bob@example.com")
        # A second handler with the same filter sees an already redacted record.
        logger.warning("%s", "07700900123")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    output = stream.getvalue()
    assert "7700" not in output and "900123" not in output
    assert "bob@example.com" not in output
    assert "reply to [phone] failed" in output
    assert "ValueError: bad number [phone]" in output
