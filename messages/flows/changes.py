"""What changed between two versions of a flow, in sentences a reviewer reads before
approving."""

from __future__ import annotations

from typing import Any

from messages.flows.definition import jump_targets

FIELD_NAMES = {
    "kind": "kind",
    "text": "message",
    "next": "next step",
    "options": "options",
    "hint": "hint",
    "expires_after": "wait for a reply",
    "after": "follow-up delay",
    "flow": "jump to flow",
}


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return ["This is the first version: everything is new."]
    found = []
    for name in ("name", "keyword", "start"):
        if before.get(name) != after.get(name):
            found.append(f"The {name} changed from {before.get(name)!r} to {after.get(name)!r}.")
    old_steps, new_steps = before.get("steps", {}), after.get("steps", {})
    for step_id in new_steps:
        if step_id not in old_steps:
            found.append(f"Step {step_id!r} is new.")
            continue
        for field, label in FIELD_NAMES.items():
            if old_steps[step_id].get(field) != new_steps[step_id].get(field):
                found.append(f"Step {step_id!r}: the {label} changed.")
        if jump_targets(old_steps[step_id]) != jump_targets(new_steps[step_id]):
            found.append(f"Step {step_id!r}: where it jumps to changed.")
    found += [f"Step {s!r} was removed." for s in old_steps if s not in new_steps]
    if before.get("examples") != after.get("examples"):
        found.append("The example conversations changed.")
    return found or ["Nothing changed."]
