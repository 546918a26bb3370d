"""Flow analytics for the board: how each published version of a message flow is used, with
small numbers hidden by the same rules as the survey findings.

Plain functions over the plain figures of ``messages.flows.analytics`` and the version's flow
as written. What leaves here is already suppressed: a hidden count is the string ``"<10"`` (for
the threshold in force), a percentage that cannot be given is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from changemakers import disclosure
from changemakers.disclosure import Cell
from messages.flows.analytics import VersionFigures
from messages.flows.definition import FlowDefinition, Step

ENDINGS = (
    ("completed", "Reached the end"),
    ("expired", "Stopped replying (the conversation timed out)"),
    ("opted_out", "Texted STOP"),
    ("in_progress", "Still in the conversation"),
    ("other", "Went on to a survey or another flow, or ended another way"),
)
KIND_WORDS = {
    "message": "Message",
    "question": "Question",
    "free_text": "Asks them to write",
    "follow_up": "Waits, then follows up",
    "jump": "Hands over",
    "end": "Last message",
}
_BASE = "__started__"


def _successors(step: Step) -> list[str]:
    targets = [option.next for option in step.options] or ([step.next] if step.next else [])
    return list(dict.fromkeys(targets))


def steps_in_order(definition: FlowDefinition) -> list[str]:
    """The steps as a reader follows them: from the start, breadth first."""
    order: list[str] = []
    queue = [definition.start]
    while queue:
        step_id = queue.pop(0)
        if step_id in order or step_id not in definition.steps:
            continue
        order.append(step_id)
        queue.extend(_successors(definition.steps[step_id]))
    return order + [step_id for step_id in definition.steps if step_id not in order]


def _ending_of(step: Step) -> str | None:
    """The ending a conversation that reaches this step counts towards, if it ends there."""
    if step.kind == "jump":
        return "other"
    if step.kind == "end" or (not step.next and step.kind in ("message", "follow_up")):
        return "completed"
    if step.kind == "free_text" and not step.next:
        return "completed"  # those who reply there complete; others wait or leave
    return None


def _percent_of(count: int | str, started: int | str) -> int | None:
    """A whole percentage of those who started, from a shown count on a shown base only."""
    if not isinstance(count, int) or not isinstance(started, int) or started == 0:
        return None
    return round(100 * count / started)


def _name(step_id: str) -> str:
    return step_id.replace("_", " ").strip().capitalize() or step_id


def _excerpt(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def version_findings(
    figures: VersionFigures, definition: FlowDefinition, threshold: int
) -> dict[str, Any]:
    """The suppressed figures of one version of a flow.

    Every figure passes the disclosure gate (``changemakers.disclosure``): counts are
    perturbed, under the threshold shown as "<10". How their conversations ended (completed,
    expired, opted out, still in progress, and any other ending, so that the list adds up to
    those who started) is a one-way table whose base is the number who started:
    primary and secondary suppression, so no hidden ending can be worked out from the others
    and the total.

    How many reached each step is a funnel, not a table with totals: one conversation is
    counted at every step it reached (once a step, however often it came back), so the step
    counts add up to nothing, and no hidden one can be recovered from a sum. Each is therefore
    hidden only when it is under the threshold itself. What that means: two shown step counts
    may differ by less than the threshold, and a reader can subtract them; so the difference
    between steps is never shown here as a number unless it is at least the threshold. One
    sum does exist: conversations that end at a step add up to an ending (the last messages
    to those who completed, the hand-overs to those who went on elsewhere), so when that
    ending is hidden, the counts of the steps where it happens are hidden too.
    """
    keys = figures.keys
    counts = {
        name: Cell(getattr(figures, name), keys[name])
        for name in ("completed", "expired", "opted_out", "in_progress")
    }
    started = Cell(figures.started, keys["started"])
    counts["other"] = Cell(
        max(0, started.people - sum(c.people for c in counts.values())),
        keys["started"] - sum(c.keys for c in counts.values()),
    )
    table = disclosure.one_way(counts, started, threshold)
    shown_started = table.show("total")
    endings = [
        {
            "key": key,
            "label": label,
            "count": table.show(key),
            "percent": _percent_of(table.show(key), shown_started),
        }
        for key, label in ENDINGS
    ]
    hidden_endings = {key for key in counts if not isinstance(table.show(key), int)}
    order = steps_in_order(definition)
    order += [step_id for step_id in sorted(figures.reached) if step_id not in definition.steps]
    reach = disclosure.protect(
        {s: Cell(figures.reached.get(s, 0), figures.step_keys.get(s, 0)) for s in order},
        [],
        threshold,
    )
    reached: dict[str, int | str] = {}
    steps = []
    for step_id in order:
        step = definition.steps.get(step_id)
        ending = _ending_of(step) if step else None
        if ending is not None and ending in hidden_endings:
            reached[step_id] = (
                disclosure.WITHHELD if reach.count(step_id) is not None else (reach.show(step_id))
            )
        else:
            reached[step_id] = reach.show(step_id)
        steps.append(
            {
                "id": step_id,
                "name": _name(step_id),
                "kind": KIND_WORDS.get(step.kind, step.kind) if step else "",
                "text": _excerpt(step.text) if step else "",
                "reached": reached[step_id],
                "percent": _percent_of(reached[step_id], shown_started),
            }
        )
    return {
        "version": figures.version,
        "started": shown_started,
        "endings": endings,
        "steps": steps,
        "where_people_left": where_people_left(
            definition, reached, endings, shown_started, threshold
        ),
    }


def _reachable(definition: FlowDefinition, starts: list[str]) -> set[str]:
    seen: set[str] = set()
    queue = list(starts)
    while queue:
        step_id = queue.pop()
        if step_id in seen or step_id not in definition.steps:
            continue
        seen.add(step_id)
        queue.extend(_successors(definition.steps[step_id]))
    return seen


def where_people_left(
    definition: FlowDefinition,
    reached: Mapping[str, int | str],
    endings: list[dict[str, Any]],
    started: int | str,
    threshold: int,
) -> list[str]:
    """Where people left, in plain sentences made only from shown figures.

    At a step that waits for a reply, everyone who went on reached one of the steps it leads
    to; so those who got there less the sum of those next steps went no further there (they
    stopped replying, texted STOP, or have yet to reply). That is exact when the next steps
    can be reached only from that step and none leads back to it; otherwise it is a lower
    bound, and said so. A number is stated only when every figure it comes from is shown and
    it is itself at least the threshold.
    """
    if started == 0:
        return []
    if not isinstance(started, int):
        return [f"Fewer than {threshold} people started this version, so no more can be said."]
    sentences = []
    completed = next(e for e in endings if e["key"] == "completed")
    if completed["percent"] is not None:
        sentences.append(
            f"{completed['count']} of the {started} who started ({completed['percent']:g}%) "
            "reached the end."
        )
    before: dict[str, set[str]] = {}
    for step in definition.steps.values():
        for target in _successors(step):
            before.setdefault(target, set()).add(step.id)
    found = []
    for step_id in steps_in_order(definition):
        step = definition.steps[step_id]
        following = _successors(step)
        figures = [reached.get(s) for s in [step_id, *following]]
        if not step.waits or not following or not all(isinstance(f, int) for f in figures):
            continue
        got_there = int(reached[step_id])
        left = got_there - sum(int(reached[s]) for s in following)
        if left < threshold or not got_there:
            continue
        exact = all(before.get(s) == {step_id} for s in following) and step_id not in (
            _reachable(definition, following)
        )
        share = f"{round(100 * left / got_there)}%"
        found.append(
            f"{left} of the {got_there} who got to “{_name(step_id)}” ({share}) went no further "
            "there: they stopped replying, texted STOP or have yet to reply."
            if exact
            else f"At least {left} of the {got_there} who got to “{_name(step_id)}” ({share}) "
            "went no further there."
        )
    if found:
        return sentences + found
    return [
        *sentences,
        f"No step can be named where {threshold} or more people went no further, from the "
        "figures that can be shown.",
    ]
