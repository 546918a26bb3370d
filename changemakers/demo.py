"""The embedded demo: secrets generated once into the instance folder, demo staff accounts.

The folder where ``changemakers demo`` ran stays the demo's: the other commands run there use its
settings (``folder_secrets``), as the demo itself does.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy.engine import make_url

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role
from changemakers.config import default_database_url

SECRETS_FILE = "demo-secrets.json"
PASSWORD_ALPHABET = string.ascii_letters + string.digits
DEMO_EMAIL_DOMAIN = "demo.changemakers.invalid"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    password: str | None  # only when it was set just now


def load_or_create_secrets(instance: Path) -> dict[str, str]:
    """The demo's secrets, generated on first use into a file only this user can read."""
    path = instance / SECRETS_FILE
    if path.exists():
        return json.loads(path.read_text())
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PSEUDONYM_KEY": secrets.token_hex(32),
        "CONTACT_KEY": Fernet.generate_key().decode(),
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(values, handle, indent=2)
    return values


def settings(generated: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, Any]:
    """The demo's settings for ``create_app``: its secrets, except those the environment sets."""
    unset = {name: value for name, value in generated.items() if not environ.get(name)}
    return {"DEMO": True, **unset}


def folder_secrets(instance: Path, environ: Mapping[str, str]) -> dict[str, str] | None:
    """The demo's secrets if the demo ran in ``instance`` on its own SQLite database there, so a
    command run in its folder is the demo's; otherwise None.

    A database named in ``DATABASE_URL`` is never the demo's: the demo's keys and its console
    gateway (texts only logged, webhooks unsigned) must not meet a real service's data.
    """
    if environ.get("DATABASE_URL"):
        return None
    secrets_file = instance / SECRETS_FILE
    database = make_url(default_database_url(instance)).database
    if not (secrets_file.is_file() and database and Path(database).is_file()):
        return None
    return json.loads(secrets_file.read_text())


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_EMAIL_DOMAIN}"


def register(
    app: Flask, load: Callable[[], None], background: Callable[[Flask], object] | None = None
) -> None:
    """An area's demo content, loaded by ``changemakers demo``; ``background``, if any, is
    started beside the demo's server (the outbox dispatcher)."""
    app.extensions.setdefault("demo_content", []).append(load)
    if background is not None:
        app.extensions.setdefault("demo_background", []).append(background)


def load_domain_content(app: Flask) -> None:
    """Each area's demo content, as its ``init_app`` registered it."""
    for load in app.extensions.get("demo_content", []):
        load()


def ensure_demo_accounts(new_passwords: bool = False) -> list[DemoAccount]:
    """One account per role. Passwords are made and returned only when an account is created
    (or when ``new_passwords`` asks for fresh ones); they are stored only as hashes."""
    result = []
    for role in Role:
        email = demo_email(role)
        user = accounts.find_by_email(email)
        if user is not None and not new_passwords:
            result.append(DemoAccount(email, role, None))
            continue
        password = "-".join(
            "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(6)) for _ in range(3)
        )
        if user is None:
            accounts.create_user(email, [role], actor=None, password=password)
        else:
            accounts.reset_password(user, password, actor=None)
        result.append(DemoAccount(email, role, password))
    return result
