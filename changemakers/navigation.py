"""Links to each area's pages, registered by each area's ``init_app`` so the core names no
domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from changemakers.access import audience


@dataclass(frozen=True)
class NavItem:
    """A link to a page; who sees it is what the page's view declares (``access``)."""

    label: str
    endpoint: str
    description: str
    # What is waiting there, shown beside the link ("2 new, 1 overdue"); "" for nothing.
    badge: Callable[[], str] | None = None


def register(app: Flask, *items: NavItem) -> None:
    """Links in the menu, after those registered before."""
    app.extensions.setdefault("navigation", []).extend(items)


def items_for() -> list[NavItem]:
    """The registered links the signed-in person may follow."""
    if not current_user.is_authenticated:
        return []
    items = current_app.extensions.get("navigation", [])
    return [item for item in items if _may_see(current_app.view_functions[item.endpoint])]


def _may_see(view: Callable[..., Any]) -> bool:
    allowed = audience(view, demo=current_app.config["DEMO"])
    return allowed is None or current_user.has_any_role(allowed)


def demo_items(app: Flask) -> list[NavItem]:
    """The registered pages anyone may open in the demo (no sign-in)."""
    return [
        item
        for item in app.extensions.get("navigation", [])
        if audience(app.view_functions[item.endpoint], demo=True) is None
    ]


@dataclass(frozen=True)
class HomeNotice:
    """Something waiting for staff, counted on the home page (overdue alerts, helplines due
    for checking); shown to those who may open its page, and only when there is any."""

    endpoint: str
    count: Callable[[], int]
    text: str  # "{count} alert(s) overdue"


def register_notice(app: Flask, notice: HomeNotice) -> None:
    app.extensions.setdefault("home_notices", []).append(notice)


def notices_for() -> list[tuple[HomeNotice, int]]:
    """The registered notices the signed-in person may follow, with their counts."""
    if not current_user.is_authenticated:
        return []
    shown = []
    for notice in current_app.extensions.get("home_notices", []):
        if _may_see(current_app.view_functions[notice.endpoint]):
            count = notice.count()
            if count:
                shown.append((notice, count))
    return shown
