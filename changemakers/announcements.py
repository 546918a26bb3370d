"""News for the young people who asked for it, from whichever area has news.

An area with news (a survey's results page published, an action's status changed) makes an
``Announcement``: its text in each language it is written in, English always. The channels
that reach young people register how they tell those who asked (the SMS channel: a broadcast
to everyone who texted UPDATES, waiting for a reviewer's approval, held in quiet hours). The
core names neither side: ``announce`` runs in the caller's transaction, so the news and the
change it is about are kept together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app

from changemakers.accounts.models import StaffUser
from changemakers.languages import ENGLISH


@dataclass(frozen=True)
class Announcement:
    texts: Mapping[str, str]  # language code → the text; English always there
    about: str  # for the audit log and the staff pages, such as "survey results: what-matters"

    def __post_init__(self) -> None:
        if not self.texts.get(ENGLISH):
            raise ValueError("an announcement needs its text in English, the fallback")


Announcer = Callable[[Announcement, StaffUser], None]


def register(app: Flask, announcer: Announcer) -> None:
    app.extensions.setdefault("announcers", []).append(announcer)


def announce(announcement: Announcement, actor: StaffUser) -> None:
    """Hand ``announcement`` to every registered channel, in the caller's transaction."""
    for announcer in current_app.extensions.get("announcers", []):
        announcer(announcement, actor)
