"""Content waiting for someone, on their home page and counted in the menu: drafts a reviewer
returned to those who worked on them, with the reviewer's comment; the versions a reviewer may
review (never their own work); and a writer's own versions waiting for a reviewer. Each kind of
content (flows, surveys) registers its own from its ``Catalogue``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from changemakers import navigation
from changemakers.accounts.models import StaffUser
from changemakers.content.lifecycle import Catalogue
from changemakers.content.pages import REVIEWERS, WRITERS
from changemakers.navigation import Entry, Work, WorkWaiting


def register(
    app: Flask,
    catalogue: Catalogue,
    endpoint: str,
    title: Callable[[Any], str],
    link: Callable[[Any], str],
) -> None:
    """The work waiting in ``catalogue``, counted at ``endpoint`` (the list of its content);
    ``title`` names a version's content and ``link`` is the address of a version's page."""

    def listed(versions: list[Any], with_comment: bool = False) -> Work:
        return Work.listing(
            [
                Entry(
                    f"{title(version)}, version {version.number}",
                    link(version),
                    version.review_comment if with_comment else "",
                )
                for version in versions
            ]
        )

    def returned(person: StaffUser) -> Work:
        return listed(catalogue.returned_to(person.id), with_comment=True)

    def to_review(person: StaffUser) -> Work:
        return listed(catalogue.to_review_by(person.id))

    def in_review(person: StaffUser) -> Work:
        return listed(catalogue.in_review_from(person.id))

    kind = catalogue.label.replace("_", " ")  # "fixed_reply": "fixed reply"
    navigation.register_work(
        app,
        WorkWaiting(
            endpoint,
            f"{{count}} {kind}(s) returned to you with a reviewer's comment",
            returned,
            frozenset(WRITERS),
            "{count} returned",
        ),
        WorkWaiting(
            endpoint,
            f"{{count}} {kind}(s) waiting for your review",
            to_review,
            frozenset(REVIEWERS),
            "{count} to review",
        ),
        WorkWaiting(
            endpoint,
            f"{{count}} {kind}(s) you worked on, waiting for a reviewer",
            in_review,
            frozenset(WRITERS),
        ),
    )
