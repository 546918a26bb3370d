"""Staff accounts and roles: signing in and out, invitations, and the admin pages for accounts."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from changemakers.accounts import views  # noqa: E402,F401
