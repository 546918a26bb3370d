"""Phone numbers: normalised, turned into pseudonyms, and stored only encrypted.

A participant is known by a pseudonym, the HMAC-SHA256 of their number in E.164 under
``PSEUDONYM_KEY``: the same phone always gets the same pseudonym, and nobody without the key can
go from one to the other. The number itself is kept only encrypted with ``CONTACT_KEY`` (Fernet;
several keys, newest first, so a key can be rotated) and only for as long as we may text them.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from cryptography.fernet import InvalidToken, MultiFernet
from flask import current_app

DEFAULT_REGION = "GB"


class InvalidNumber(ValueError):
    """Not a phone number we could ever text."""


def normalise_number(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (``+447700900123``), whatever spelling it came in.

    A short code (``85258``) or a sender's name (``VODAFONE``) is not one: it would otherwise
    pass as a local number and become a made-up ``+4485258``."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidNumber("not a phone number") from None
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise InvalidNumber("not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def pseudonym_with_key(e164: str, key: str) -> str:
    return hmac.new(key.encode(), e164.encode(), hashlib.sha256).hexdigest()


def pseudonym(e164: str) -> str:
    return pseudonym_with_key(e164, current_app.config["PSEUDONYM_KEY"])


def short_reference(e164: str) -> str:
    """The start of the pseudonym: enough to follow one participant through a log."""
    return pseudonym(e164)[:8]


def _cipher() -> MultiFernet:
    return MultiFernet(current_app.config["CONTACT_KEYS"])


def encrypt_number(e164: str) -> bytes:
    return _cipher().encrypt(e164.encode())


def decrypt_number(token: bytes) -> str:
    """The number, for the SMS gateway only; never shown to staff or logged."""
    try:
        return _cipher().decrypt(token).decode()
    except InvalidToken:
        raise InvalidNumber("encrypted with a key that is no longer configured") from None


def reencrypt_number(token: bytes) -> bytes:
    """The same number under the newest key (for key rotation)."""
    return _cipher().rotate(token)


def record_key(kind: str, row_id: int | str) -> int:
    """A row's record key for the board's disclosure gate (0 to 255), for rows counted in
    findings that have no key of their own (a flow's conversation, an alert): the same for the
    same row every time, and unknown to anyone without the app's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"record-key:{kind}:{row_id}".encode(), hashlib.sha256).digest()
    return digest[0]
