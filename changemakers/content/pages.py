"""The lifecycle buttons on the editor pages of flows, surveys and fixed replies, pressed, and
their translations saved: one way for all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import abort, flash, request
from flask_login import current_user

from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import Catalogue, LifecycleError
from changemakers.roles import Role

WRITERS = (Role.CHANGEMAKER, Role.REVIEWER, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.ADMIN)


def press(
    catalogue: Catalogue, version: Any, action: str, said: Mapping[str, str], comment: str = ""
) -> None:
    """Send ``version`` for review (any writer), or approve, archive or return it with
    ``comment`` (reviewers only); flash what happened, or why it could not."""
    if action != "submit" and not current_user.has_any_role(REVIEWERS):
        abort(403)
    changes = {
        "submit": catalogue.submit,
        "approve": catalogue.approve,
        "archive": catalogue.archive,
        "return": lambda version, actor: catalogue.return_for_changes(version, actor, comment),
    }
    try:
        changes[action](version, current_user)
    except (LifecycleError, ContentProblems) as error:
        flash(str(error), "error")
    else:
        flash(said[action])


def save_translations(save: Callable[..., None], version: Any, language: str, saved: str) -> None:
    """Save the posted translations of a draft ``version`` into ``language`` with the area's
    ``save`` (its texts, and whether a native speaker checked them); flash ``saved``, or why
    they could not be saved."""
    try:
        save(
            version,
            language,
            request.form.to_dict(),
            request.form.get("checked") == "yes",
            current_user,
        )
    except (LifecycleError, ContentProblems) as error:
        flash(str(error), "error")
    else:
        flash(saved)
