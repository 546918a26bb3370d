"""Links to each area's pages, registered by the app factory so the core names no domain."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user

from changemakers.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]
    description: str


def items_for() -> list[NavItem]:
    """The registered links the signed-in person may follow."""
    if not current_user.is_authenticated:
        return []
    return [
        item
        for item in current_app.extensions.get("navigation", [])
        if current_user.has_any_role(item.roles)
    ]


def demo_items(app: Flask) -> list[NavItem]:
    """The registered pages anyone may open in the demo (no sign-in)."""
    return [
        item
        for item in app.extensions.get("navigation", [])
        if getattr(app.view_functions[item.endpoint], "public_in_demo", False)
    ]
