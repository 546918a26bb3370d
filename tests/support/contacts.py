"""Participants as the SMS channel stores them."""

from __future__ import annotations

from changemakers import privacy
from changemakers.extensions import db
from messages.models import Contact
from tests.support.sms import PHONE


def a_contact(number: str = PHONE, **fields: object) -> Contact:
    """A participant who has texted the service, as their contact row is stored."""
    values = {"number_encrypted": privacy.encrypt_number(number), **fields}
    contact = Contact(pseudonym=privacy.pseudonym(number), **values)
    db.session.add(contact)
    db.session.flush()
    return contact
