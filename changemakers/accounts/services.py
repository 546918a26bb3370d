"""Staff accounts: creating, inviting, signing in, roles and deactivation.

Each function that changes something owns its transaction: it writes the change and its audit
event, then commits. Views and the command line call these and nothing below them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from changemakers.accounts.models import Role, RoleGrant, StaffUser, new_session_token
from changemakers.audit import services as audit
from changemakers.database import utcnow
from changemakers.extensions import db

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
INVITE_VALID_FOR_SECONDS = 7 * 24 * 3600
INVITE_SALT = "changemakers.invite"

password_hasher = PasswordHasher()
# Verified against when an account does not exist, so a wrong email costs as long as a wrong
# password and timing does not tell which accounts exist.
_UNKNOWN_ACCOUNT_HASH = password_hasher.hash("no account has this password")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is fit to show the person."""


@dataclass(frozen=True)
class Invitation:
    user: StaffUser
    token: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def get_user(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def load_for_session(session_id: str) -> StaffUser | None:
    """The signed-in person for a login cookie's id, or ``None`` if it is stale."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def all_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


def check_password_rules(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer")
    if normalise_email(email) in password.lower():
        raise AccountError("Password must not contain your email address")


def _validate_roles(roles: Iterable[Role | str]) -> set[Role]:
    try:
        chosen = {Role(r) for r in roles}
    except ValueError as error:
        raise AccountError(f"Unknown role: {error}") from None
    if not chosen:
        raise AccountError("Choose at least one role")
    return chosen


def create_user(
    email: str,
    roles: Iterable[Role | str],
    actor: StaffUser | None,
    password: str | None = None,
) -> StaffUser:
    """Create an account. Without a password the person sets one through an invitation."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    chosen = _validate_roles(roles)
    if find_by_email(email) is not None:
        raise AccountError("An account with this email address already exists")
    user = StaffUser(email=email)
    if password is not None:
        check_password_rules(password, email)
        user.password_hash = password_hasher.hash(password)
    user.role_grants = [RoleGrant(role=role) for role in sorted(chosen)]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "staff_user", user.id, email=email, roles=sorted(chosen))
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The account if the email and password match an active account, else ``None``."""
    user = find_by_email(email)
    if user is None or user.password_hash is None or not user.active:
        _verify(_UNKNOWN_ACCOUNT_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
    user.last_login_at = utcnow()
    audit.record(user, "user.login", "staff_user", user.id)
    db.session.commit()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(user: StaffUser, current: str, new: str) -> None:
    if user.password_hash is None or not _verify(user.password_hash, current):
        raise AccountError("Your current password is not right")
    _set_password(user, new)
    audit.record(user, "user.password_change", "staff_user", user.id)
    db.session.commit()


def _set_password(user: StaffUser, password: str) -> None:
    check_password_rules(password, user.email)
    user.password_hash = password_hasher.hash(password)
    user.session_token = new_session_token()


def sign_out_everywhere(user: StaffUser) -> None:
    """End every session of ``user``. A session is a signed cookie the browser keeps, so only a
    new session token makes worthless a copy of it taken before signing out."""
    user.session_token = new_session_token()
    db.session.commit()


def reset_password(user: StaffUser, password: str, actor: StaffUser | None) -> None:
    """Set a password for someone else (the command line, the demo); signs them out."""
    _set_password(user, password)
    audit.record(actor, "user.password_reset", "staff_user", user.id)
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def invite(user: StaffUser, actor: StaffUser | None) -> Invitation:
    """A link that lets ``user`` choose a (new) password. It works once, for seven days."""
    if not user.active:
        raise AccountError("This account is deactivated: reactivate it first")
    token = _serializer().dumps({"user": user.id, "stamp": user.session_token})
    audit.record(actor, "user.invite", "staff_user", user.id)
    db.session.commit()
    return Invitation(user, token)


def user_for_invitation(token: str) -> StaffUser:
    try:
        data = _serializer().loads(token, max_age=INVITE_VALID_FOR_SECONDS)
    except SignatureExpired:
        raise AccountError("This link has expired. Ask an admin for a new one.") from None
    except BadSignature:
        raise AccountError("This link is not valid. Check it was copied in full.") from None
    user = db.session.get(StaffUser, data.get("user"))
    if user is None or not user.active or user.session_token != data.get("stamp"):
        raise AccountError(
            "This link has already been used or withdrawn. Ask an admin for a new one."
        )
    return user


def accept_invitation(token: str, password: str) -> StaffUser:
    user = user_for_invitation(token)
    _set_password(user, password)
    audit.record(user, "user.password_set", "staff_user", user.id)
    db.session.commit()
    return user


def _active_admin_count() -> int:
    query = (
        select(func.count())
        .select_from(StaffUser)
        .join(RoleGrant)
        .where(StaffUser.active.is_(True), RoleGrant.role == Role.ADMIN)
    )
    return db.session.scalar(query) or 0


def set_roles(user: StaffUser, roles: Iterable[Role | str], actor: StaffUser | None) -> None:
    chosen = _validate_roles(roles)
    before = user.roles
    if before == chosen:
        return
    if (
        Role.ADMIN in before
        and Role.ADMIN not in chosen
        and user.active
        and _active_admin_count() <= 1
    ):
        raise AccountError("This is the only active admin: make someone else an admin first")
    user.role_grants = [RoleGrant(role=role) for role in sorted(chosen)]
    audit.record(
        actor,
        "user.roles_change",
        "staff_user",
        user.id,
        before=sorted(before),
        after=sorted(chosen),
    )
    db.session.commit()


def deactivate(user: StaffUser, actor: StaffUser | None) -> None:
    """Sign the person out everywhere and refuse their logins; their history stays."""
    if not user.active:
        return
    if actor is not None and actor.id == user.id:
        raise AccountError("You cannot deactivate your own account")
    if Role.ADMIN in user.roles and _active_admin_count() <= 1:
        raise AccountError("This is the only active admin: make someone else an admin first")
    user.active = False
    user.session_token = new_session_token()
    audit.record(actor, "user.deactivate", "staff_user", user.id)
    db.session.commit()


def reactivate(user: StaffUser, actor: StaffUser | None) -> None:
    if user.active:
        return
    user.active = True
    audit.record(actor, "user.reactivate", "staff_user", user.id)
    db.session.commit()
