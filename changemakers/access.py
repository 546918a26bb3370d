"""Who may see which page: deny by default.

Every view declares its audience with ``@public`` or ``@roles_allowed(...)``. A view that
declares neither is refused to everyone, so a page added without thought is never left open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from changemakers.roles import Role

F = TypeVar("F", bound=Callable[..., Any])

ALL_STAFF = frozenset(Role)


def public(view: F) -> F:
    """Open to anyone, signed in or not."""
    view.public = True  # type: ignore[attr-defined]
    return view


def public_in_demo(view: F) -> F:
    """Open to anyone in the demo (``DEMO``); otherwise as its ``roles_allowed`` says."""
    view.public_in_demo = True  # type: ignore[attr-defined]
    return view


def roles_allowed(*roles: Role) -> Callable[[F], F]:
    """Open to signed-in staff holding any of ``roles`` (``ALL_STAFF`` for everyone signed in)."""
    allowed = frozenset(roles) if roles else ALL_STAFF

    def decorate(view: F) -> F:
        view.allowed_roles = allowed  # type: ignore[attr-defined]
        return view

    return decorate


def audience(view: Callable[..., Any], demo: bool = False) -> frozenset[Role] | None:
    """The roles allowed to see ``view``; ``None`` for a public view."""
    if getattr(view, "public", False):
        return None
    if demo and getattr(view, "public_in_demo", False):
        return None
    return getattr(view, "allowed_roles", frozenset())


def enforce_access() -> Any:
    if request.endpoint is None or request.endpoint == "static":
        return None  # 404s and static files
    view = current_app.view_functions[request.endpoint]
    allowed = audience(view, demo=current_app.config["DEMO"])
    if allowed is None:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not allowed or not current_user.has_any_role(allowed):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
