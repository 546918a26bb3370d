"""Changes a Changemaker makes in the editor, as plain functions over a flow's data: each
returns new data (never changing what it was given), which the services save."""

from __future__ import annotations

import copy
import re
from typing import Any

from changemakers.content.editing import EditError, new_id

STEP_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def starter(name: str, keyword: str) -> dict[str, Any]:
    """A new flow that already works: a greeting and a goodbye, with an example."""
    return {
        "name": name.strip(),
        "keyword": keyword.strip().upper(),
        "start": "welcome",
        "steps": {
            "welcome": {"kind": "message", "text": "Hi, it's Changemakers.", "next": "goodbye"},
            "goodbye": {"kind": "end", "text": "Thanks for texting. Text HELP any time."},
        },
        "examples": [
            {"name": "Starts", "texts": [keyword.strip().upper()], "expect": ["Hi"]},
        ],
    }


# Steps whose words are never sent: their first words only make their id.
SILENT_KINDS = ("follow_up",)
MAX_OPTIONS = 6


def _new_step(steps: dict[str, Any], first_words: str, kind: str) -> str:
    """Add a step that opens with ``first_words``; its id is made from them."""
    step_id = new_id(first_words, set(steps))
    text = "" if kind in SILENT_KINDS else " ".join(first_words.split())
    steps[step_id] = {"kind": kind, "text": text}
    return step_id


def add_step(data: dict[str, Any], first_words: str, kind: str) -> tuple[dict[str, Any], str]:
    """A new step opening with ``first_words`` (the Changemaker finishes the message next)."""
    changed = copy.deepcopy(data)
    step_id = _new_step(changed["steps"], first_words, kind)
    return changed, step_id


def add_option_to_new_step(
    data: dict[str, Any],
    step_id: str,
    label: str,
    replies: list[str],
    first_words: str,
    kind: str,
) -> tuple[dict[str, Any], str]:
    """An option of the question ``step_id`` and the new step it leads to, in one change."""
    step = data["steps"].get(step_id)
    if step is None:
        raise EditError(f"There is no step {step_id!r}.")
    if step.get("kind") != "question":
        raise EditError("Only a question has options: make this step a question first.")
    if len(step.get("options", [])) >= MAX_OPTIONS:
        raise EditError(f"A question can have up to {MAX_OPTIONS} options.")
    if not label.strip() or not first_words.strip():
        raise EditError("Write the option's words and the first words of the step it leads to.")
    changed = copy.deepcopy(data)
    new_step = _new_step(changed["steps"], first_words, kind)
    changed["steps"][step_id].setdefault("options", []).append(
        {"label": label.strip(), "replies": [r for r in replies if r], "next": new_step}
    )
    return changed, new_step


def put_step(data: dict[str, Any], step_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    if step_id not in data["steps"]:
        raise EditError(f"There is no step {step_id!r}.")
    changed = copy.deepcopy(data)
    before = changed["steps"][step_id]
    step = {k: v for k, v in fields.items() if v not in (None, "", [])}
    # The form edits the English: the translations stay (shown beside it to check).
    if before.get("translations") and "translations" not in step:
        step["translations"] = before["translations"]
    old_options = before.get("options") or []
    for index, option in enumerate(step.get("options") or []):
        old = old_options[index] if index < len(old_options) else {}
        if isinstance(old, dict) and old.get("translations") and "translations" not in option:
            option["translations"] = old["translations"]
    changed["steps"][step_id] = step
    return changed


def delete_step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    if step_id == data["start"]:
        raise EditError("The flow starts at this step: choose another start step first.")
    changed = copy.deepcopy(data)
    changed["steps"].pop(step_id, None)
    return changed


def put_settings(data: dict[str, Any], name: str, keyword: str, start: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed.update(name=name.strip(), keyword=keyword.strip().upper(), start=start)
    return changed


def add_example(
    data: dict[str, Any], name: str, texts: list[str], expect: list[str]
) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed.setdefault("examples", []).append({"name": name, "texts": texts, "expect": expect})
    return changed


def delete_example(data: dict[str, Any], index: int) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    examples = changed.get("examples", [])
    if 0 <= index < len(examples):
        examples.pop(index)
    return changed
