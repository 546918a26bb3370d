"""Changes made in the survey editor, as plain functions over a survey's data: each returns new
data (never changing what it was given)."""

from __future__ import annotations

import copy
from typing import Any

from changemakers.content.editing import EditError, new_id


def starter(title: str, slug: str) -> dict[str, Any]:
    return {
        "title": title.strip(),
        "slug": slug.strip().lower(),
        "intro": "This survey takes about 2 minutes.",
        "privacy": "Don't put your name or anyone else's in your answers.",
        "thanks": "Thank you! The Changemakers will share what the board decides.",
        "questions": [
            {
                "id": "first",
                "kind": "single_choice",
                "text": "How are you today?",
                "options": ["Good", "OK", "Not great"],
            }
        ],
    }


def _index(data: dict[str, Any], question_id: str) -> int:
    for index, question in enumerate(data["questions"]):
        if question["id"] == question_id:
            return index
    raise EditError(f"There is no question {question_id!r}.")


def add_question(data: dict[str, Any], text: str, kind: str) -> tuple[dict[str, Any], str]:
    changed = copy.deepcopy(data)
    question_id = new_id(text, {q["id"] for q in changed["questions"]})
    question: dict[str, Any] = {"id": question_id, "kind": kind, "text": text.strip()}
    if kind in ("single_choice", "multiple_choice"):
        question["options"] = ["Yes", "No"]
    elif kind in ("scale", "number"):
        question.update(min=1, max=5)
    elif kind == "demographic":
        question["demographic"] = "age_band"
    changed["questions"].append(question)
    return changed, question_id


def put_question(data: dict[str, Any], question_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    index = _index(changed, question_id)
    kept = {k: v for k, v in fields.items() if v not in (None, "", [], {})}
    # The form edits the English: the translations stay (shown beside it to check).
    translations = changed["questions"][index].get("translations")
    if translations and "translations" not in kept:
        kept["translations"] = translations
    changed["questions"][index] = {"id": question_id, **kept}
    return changed


def delete_question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    if len(changed["questions"]) == 1:
        raise EditError("A survey needs at least one question.")
    changed["questions"].pop(_index(changed, question_id))
    return changed


def move_question(data: dict[str, Any], question_id: str, step: int) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    index = _index(changed, question_id)
    target = min(max(index + step, 0), len(changed["questions"]) - 1)
    question = changed["questions"].pop(index)
    changed["questions"].insert(target, question)
    return changed


def put_settings(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    for name, value in fields.items():
        if value in (None, "", False):
            changed.pop(name, None)
        else:
            changed[name] = value
    return changed
