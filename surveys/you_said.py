""" "You said, we did": the board's answer to a survey's findings, as plain data.

A version of it (``surveys.you_said_models.ResultsVersion``) goes through the content
lifecycle (draft → in review → published, four eyes: nobody approves a version they worked
on), and only a published version is shown to young people. Its ``content``::

    responses:            # the board's response to each finding (a question's figures)
      - question: worries
        response: We will ask every school to run a session on staying safe online.
    actions:              # what the board agreed to do
      - id: a1            # stays with the action from version to version
        what: Sessions on online safety in every secondary school
        owner: Education safeguarding lead
        due: 2027-03-31
        status: planned   # planned, under_way, done, not_done
        why_not: ""       # required when not done: why

An action's status moves forwards only, and an action once published stays on the page (a
promise made in public is answered in public, "not done" with the reason)::

    planned ──start──▶ under_way ──finish──▶ done
       │                  │
       └───────drop───────┴──▶ not_done (and why)

Plain functions: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

PLANNED, UNDER_WAY, DONE, NOT_DONE = "planned", "under_way", "done", "not_done"
STATUSES = (PLANNED, UNDER_WAY, DONE, NOT_DONE)
STATUS_LABELS = {
    PLANNED: "Planned",
    UNDER_WAY: "Under way",
    DONE: "Done",
    NOT_DONE: "Not done",
}
# Where each status may go next (itself included: no change).
NEXT_STATUSES = {
    PLANNED: (PLANNED, UNDER_WAY, DONE, NOT_DONE),
    UNDER_WAY: (UNDER_WAY, DONE, NOT_DONE),
    DONE: (DONE,),
    NOT_DONE: (NOT_DONE,),
}
ACTION_FIELDS = ("what", "owner", "due", "status", "why_not")  # an action's form
MAX_RESPONSE = 600
MAX_WHAT = 200
MAX_OWNER = 120
MAX_WHY = 400


@dataclass(frozen=True)
class Action:
    id: str
    what: str
    owner: str
    due: date | None
    status: str
    why_not: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class BoardAnswer:
    """One version's content, read."""

    responses: Mapping[str, str]  # question id → the board's response
    actions: tuple[Action, ...]

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.actions if a.id == action_id), None)


def empty() -> dict[str, Any]:
    return {"responses": [], "actions": []}


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _due(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def read(content: Mapping[str, Any]) -> BoardAnswer:
    """A version's content (as stored: checked when it was saved)."""
    responses = {
        str(item["question"]): _text(item.get("response"))
        for item in content.get("responses", [])
        if _text(item.get("response"))
    }
    actions = tuple(
        Action(
            id=str(item["id"]),
            what=_text(item.get("what")),
            owner=_text(item.get("owner")),
            due=_due(item.get("due")),
            status=str(item.get("status") or PLANNED),
            why_not=_text(item.get("why_not")),
        )
        for item in content.get("actions", [])
    )
    return BoardAnswer(responses, actions)


def to_content(answer: BoardAnswer) -> dict[str, Any]:
    return {
        "responses": [
            {"question": question, "response": text}
            for question, text in answer.responses.items()
            if text
        ],
        "actions": [
            {
                "id": a.id,
                "what": a.what,
                "owner": a.owner,
                "due": a.due.isoformat() if a.due else "",
                "status": a.status,
                "why_not": a.why_not if a.status == NOT_DONE else "",
            }
            for a in answer.actions
        ],
    }


def action_problems(what: str, owner: str, due: str, status: str, why_not: str) -> list[str]:
    """What is wrong with an action as typed into the form, in words for a board member."""
    problems = []
    if not _text(what):
        problems.append("Say what the board will do.")
    elif len(_text(what)) > MAX_WHAT:
        problems.append(f"Keep what the board will do to {MAX_WHAT} characters.")
    if not _text(owner):
        problems.append("Say who owns the action (a role, such as “Education lead”).")
    elif len(_text(owner)) > MAX_OWNER:
        problems.append(f"Keep the owner to {MAX_OWNER} characters.")
    if due:
        try:
            date.fromisoformat(due.strip())
        except ValueError:
            problems.append("Give the due date as a date, such as 2027-03-31.")
    if status not in STATUSES:
        problems.append("Choose a status.")
    if status == NOT_DONE and not _text(why_not):
        problems.append("Say why it was not done: young people will read it.")
    elif len(_text(why_not)) > MAX_WHY:
        problems.append(f"Keep the reason to {MAX_WHY} characters.")
    return problems


def response_problems(text: str) -> list[str]:
    if len(_text(text)) > MAX_RESPONSE:
        return [f"Keep each response to {MAX_RESPONSE} characters."]
    return []


def with_action(answer: BoardAnswer, action: Action) -> BoardAnswer:
    """``answer`` with ``action`` added, or replacing the action of the same id."""
    listed = [a for a in answer.actions if a.id != action.id]
    place = next((i for i, a in enumerate(answer.actions) if a.id == action.id), len(listed))
    listed.insert(place, action)
    return BoardAnswer(answer.responses, tuple(listed))


def next_action_id(answer: BoardAnswer) -> str:
    used = {a.id for a in answer.actions}
    number = len(used) + 1
    while f"a{number}" in used:
        number += 1
    return f"a{number}"


def publication_problems(answer: BoardAnswer, published: BoardAnswer | None) -> list[str]:
    """Why a version cannot go for review or live, against the version live now: it must
    say something, keep every published action, and move each action's status forwards."""
    problems = []
    if not answer.responses and not answer.actions:
        problems.append("Write a response to at least one finding, or an action.")
    if published is None:
        return problems
    for before in published.actions:
        after = answer.action(before.id)
        if after is None:
            problems.append(
                f"“{before.what}” was published: keep it, and mark it not done if it is not "
                "going ahead."
            )
        elif after.status not in NEXT_STATUSES[before.status]:
            problems.append(
                f"“{before.what}” is {STATUS_LABELS[before.status].lower()}: it cannot go back "
                f"to {STATUS_LABELS[after.status].lower()}."
            )
    return problems


def allowed_statuses(action: Action | None, published: BoardAnswer | None) -> Sequence[str]:
    """The statuses an action may be given in a draft, from its status when last published."""
    before = published.action(action.id) if published and action else None
    return NEXT_STATUSES[before.status] if before else STATUSES


def changed_actions(before: BoardAnswer | None, after: BoardAnswer) -> list[Action]:
    """The actions whose status is new since ``before`` (every action when nothing was
    published before): what an update to young people tells them about."""
    if before is None:
        return list(after.actions)
    changed = []
    for action in after.actions:
        earlier = before.action(action.id)
        if earlier is None or earlier.status != action.status:
            changed.append(action)
    return changed
