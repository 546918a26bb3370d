"""Staff roles. A module of its own, with no imports of the app, so the access rules (``access``)
and the accounts package can both use it without importing each other."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    CHANGEMAKER = "changemaker"
    BOARD = "board"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Admin: staff accounts, keywords and settings",
    Role.REVIEWER: "Reviewer: approves content, answers safeguarding alerts",
    Role.CHANGEMAKER: "Changemaker: writes message flows and surveys",
    Role.BOARD: "Board member: reads findings",
}
# Who reads the board's findings, whichever area's figures they are (surveys, flows, the desk).
FINDINGS_READERS = (Role.BOARD, Role.REVIEWER, Role.ADMIN)
