"""Links to each area's pages and the work waiting there for the signed-in person, registered
by each area's ``init_app`` so the core names no domain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from flask_login import current_user

from changemakers.access import ALL_STAFF, audience
from changemakers.accounts.models import StaffUser
from changemakers.roles import Role


@dataclass(frozen=True)
class NavItem:
    """A link to a page; who sees it is what the page's view declares (``access``)."""

    label: str
    endpoint: str
    description: str
    # What is waiting there, shown beside the link ("2 new, 1 overdue"); "" for nothing. Work
    # registered for the page (``WorkWaiting``) is counted after it.
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


LISTED = 5  # things listed on the home page for each kind of work; the count says how many


@dataclass(frozen=True)
class Entry:
    """One thing waiting, listed on the home page."""

    title: str
    url: str
    note: str = ""  # what to read first: a reviewer's comment on a returned draft


@dataclass(frozen=True)
class Work:
    """How many things wait, and the first few of them (none for a count alone)."""

    count: int
    entries: tuple[Entry, ...] = ()

    @classmethod
    def listing(cls, entries: Sequence[Entry]) -> Work:
        """All of ``entries`` counted, the first ``LISTED`` of them listed."""
        return cls(len(entries), tuple(entries[:LISTED]))


@dataclass(frozen=True)
class WorkWaiting:
    """Something waiting for the signed-in person at a page (drafts returned to them, versions
    for them to review, alerts overdue): on their home page, with the first few of them, and
    counted beside the page's link in the menu. Shown to those holding one of ``roles`` (those
    who can act on it) who may open the page, and only when there is any."""

    endpoint: str
    text: str  # the home page's line: "{count} flow(s) waiting for your review"
    find: Callable[[StaffUser], Work]
    roles: frozenset[Role] = ALL_STAFF
    badge: str = ""  # beside the page's link in the menu: "{count} to review"; "" for none


def register_work(app: Flask, *items: WorkWaiting) -> None:
    """Work waiting, on the home page after that registered before."""
    app.extensions.setdefault("work_waiting", []).extend(items)


def work_for() -> list[tuple[WorkWaiting, Work]]:
    """The registered work waiting for the signed-in person, each with what was found."""
    found = [(item, _found(item)) for item in _registered_work()]
    return [(item, work) for item, work in found if work.count]


def badge_for(item: NavItem) -> str:
    """What waits for the signed-in person at ``item``'s page, as its menu link shows it:
    the page's own badge, then each registered work's ("2 to review, 1 returned"); "" for
    nothing."""
    parts = [item.badge()] if item.badge else []
    for work in _registered_work():
        if work.endpoint == item.endpoint and work.badge:
            count = _found(work).count
            if count:
                parts.append(work.badge.format(count=count))
    return ", ".join(part for part in parts if part)


def _registered_work() -> list[WorkWaiting]:
    if not current_user.is_authenticated:
        return []
    return [
        item
        for item in current_app.extensions.get("work_waiting", [])
        if current_user.has_any_role(item.roles)
        and _may_see(current_app.view_functions[item.endpoint])
    ]


def _found(item: WorkWaiting) -> Work:
    """``item``'s work for the signed-in person, looked up once a request: the menu and the
    home page both show it."""
    found: dict[WorkWaiting, Work] = g.setdefault("work_found", {})
    if item not in found:
        found[item] = item.find(current_user)
    return found[item]
