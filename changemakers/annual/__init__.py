"""The yearly summary for the partnership's annual report: young people reached, surveys run
and their headline findings, message flows used, the safeguarding desk's figures and the
board's actions, every figure through the disclosure gate, as a page to print and a Word
document to paste from.

The core names no domain: each area registers a function that gives its section for a
reporting year (``register``), as the other registries do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Blueprint

if TYPE_CHECKING:
    from flask import Flask

    from changemakers.annual.report import ReportYear, Section

bp = Blueprint("annual", __name__)

SectionMaker = Callable[["ReportYear", int], "Section | None"]


def register(app: Flask, section: SectionMaker) -> None:
    """``section(year, threshold)`` gives an area's part of the summary (None: nothing)."""
    app.extensions.setdefault("annual_sections", []).append(section)


def init_app(app: Flask) -> None:
    from changemakers import navigation
    from changemakers.annual import views  # noqa: F401  (its routes)
    from changemakers.navigation import NavItem

    app.register_blueprint(bp)
    navigation.register(
        app,
        NavItem(
            "Year summary",
            "annual.summary_page",
            "young people's voice over the year, for the partnership's annual report",
        ),
    )
