"""What is wrong with a flow, in words its author understands: shown in the editor, and
enforced before it can go for review or be published."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator

from messages.flows.definition import FlowDefinition, Step
from messages.router import RESERVED_WORDS, keyword_of
from messages.signposting import names_in


def _targets(step: Step) -> Iterator[str]:
    if step.next:
        yield step.next
    for option in step.options:
        yield option.next


def problems(
    flow: FlowDefinition,
    taken_keywords: Collection[str] = (),
    signpost_names: Collection[str] = (),
    conversation_exists: Callable[[str, str], bool] = lambda kind, ref: True,
) -> list[str]:
    """Every problem, in the order the steps are written; an empty list when the flow is fine.

    ``taken_keywords`` are the words other flows, surveys or replies already use;
    ``conversation_exists`` says whether a jump's kind of conversation has that reference.
    """
    found: list[str] = []
    keyword = keyword_of(flow.keyword)
    if not keyword:
        found.append("The flow needs a keyword of letters or numbers, such as FRIEND.")
    elif keyword in RESERVED_WORDS:
        found.append(f"{keyword} is kept for the service itself (STOP, HELP, …): pick another.")
    elif keyword in taken_keywords:
        found.append(f"The keyword {keyword} is already used by something else.")
    if not flow.name.strip():
        found.append("The flow needs a name.")
    if flow.start not in flow.steps:
        found.append(f"The flow starts at {flow.start!r}, but there is no step of that name.")
    for step in flow.steps.values():
        found.extend(_step_problems(step, flow, signpost_names, conversation_exists))
    found.extend(_unreachable(flow))
    found.extend(_loops_with_no_reply(flow))
    return found


def _step_problems(
    step: Step,
    flow: FlowDefinition,
    signpost_names: Collection[str],
    conversation_exists: Callable[[str, str], bool],
) -> Iterator[str]:
    name = f"Step {step.id!r}"
    if step.kind in ("message", "question", "free_text") and not step.text.strip():
        yield f"{name} has no message."
    if step.kind == "question" and len(step.options) < 2:
        yield f"{name} asks a question but offers fewer than two options."
    if step.kind in ("message", "free_text", "follow_up") and not step.next:
        yield f"{name} needs a next step (or make it an end step)."
    if step.kind == "follow_up" and not step.after:
        yield f"{name} needs to say how long to wait, such as 2d."
    if step.kind == "jump":
        if bool(step.flow) == bool(step.to):
            yield f"{name} must jump to one flow (its keyword) or one survey."
        elif step.flow and keyword_of(step.flow) == keyword_of(flow.keyword):
            yield f"{name} jumps to this same flow: use a next step instead."
        elif step.to and not conversation_exists(step.to.kind, step.to.ref):
            yield f"{name} jumps to a {step.to.kind} that does not exist: {step.to.ref}."
    for target in _targets(step):
        if target not in flow.steps:
            yield f"{name} goes to {target!r}, but there is no step of that name."
    for text in (step.text, step.hint):
        for signpost in names_in(text):
            if signpost not in signpost_names:
                yield f"{name} names {{{signpost}}}, which is not in the signposting directory."


def _unreachable(flow: FlowDefinition) -> Iterator[str]:
    reached: set[str] = set()
    waiting = [flow.start]
    while waiting:
        step_id = waiting.pop()
        if step_id in reached or step_id not in flow.steps:
            continue
        reached.add(step_id)
        waiting.extend(_targets(flow.steps[step_id]))
    for step_id in flow.steps:
        if step_id not in reached:
            yield f"Step {step_id!r} can never be reached from the start."


def _loops_with_no_reply(flow: FlowDefinition) -> Iterator[str]:
    """A cycle of steps that never waits for the young person would text them for ever."""
    silent = {sid for sid, step in flow.steps.items() if not step.waits}
    reported: set[frozenset[str]] = set()
    for origin in silent:
        path = [origin]
        position = {origin: 0}
        step_id = flow.steps[origin].next
        while step_id in silent:
            if step_id in position:
                cycle = frozenset(path[position[step_id] :])
                if cycle not in reported:
                    reported.add(cycle)
                    names = ", ".join(repr(s) for s in path[position[step_id] :])
                    yield f"Steps {names} go round in a loop without waiting for a reply."
                break
            position[step_id] = len(path)
            path.append(step_id)
            step_id = flow.steps[step_id].next
