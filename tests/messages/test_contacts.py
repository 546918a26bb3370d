"""Contacts: the number kept only encrypted, and the key rotated without losing anyone."""

from cryptography.fernet import Fernet
from sqlalchemy import select

from changemakers import privacy
from changemakers.cli import cli
from changemakers.extensions import db
from messages.models import Contact
from tests.support.sms import PHONE


def test_rotating_the_contact_key_reencrypts_every_number(app, db_session, send_sms, monkeypatch):
    send_sms("HELP")
    send_sms("HELP", from_="+447700900124")
    old_keys = app.config["CONTACT_KEYS"]
    new_key = Fernet(Fernet.generate_key())
    monkeypatch.setitem(app.config, "CONTACT_KEYS", [new_key, *old_keys])

    result = app.test_cli_runner().invoke(cli, ["contacts", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 stored numbers with the newest key." in result.output

    tokens = db.session.scalars(select(Contact.number_encrypted).order_by(Contact.id)).all()
    assert [new_key.decrypt(t).decode() for t in tokens] == [PHONE, "+447700900124"]
    # The old key can go now: the numbers still decrypt with the new one alone.
    monkeypatch.setitem(app.config, "CONTACT_KEYS", [new_key])
    assert privacy.decrypt_number(tokens[0]) == PHONE
