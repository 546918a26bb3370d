"""Commands of the SMS channel, registered on the app by the factory."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from messages import services

contacts = AppGroup("contacts", help="Participants' contact records.")


@contacts.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored number with the newest CONTACT_KEY (the first listed).

    Rotation: put a new key first in CONTACT_KEY, keep the old one after it, run this, then
    remove the old key.
    """
    count = services.rotate_contact_key()
    click.echo(
        f"Re-encrypted {count} stored number{'' if count == 1 else 's'} with the newest key."
    )
