"""What is wrong with a flow, in words its author understands: shown in the editor, and
enforced before it can go for review or be published."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping

from messages.flows.definition import FlowDefinition, Step
from messages.flows.titles import step_titles
from messages.router import (
    DELETE_WORDS,
    HELP_WORDS,
    MYDATA_WORDS,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    RESERVED_WORDS,
    UPDATES_OFF_WORDS,
    UPDATES_ON_WORDS,
    keyword_of,
)
from messages.signposting import names_in, repeated_words

# What the router's reserved-word stage does with each word, whatever conversation is going on
# (``messages.router``: reserved words come before any conversation).
RESERVED_EFFECTS = {
    **{word: "is opted out of every text from us" for word in OPT_OUT_WORDS},
    **{word: "is told they will get texts again" for word in OPT_IN_WORDS},
    **{word: "gets the HELP reply" for word in HELP_WORDS},
    **{word: "has everything we hold about them deleted" for word in DELETE_WORDS},
    **{word: "gets a reference for asking what we hold" for word in MYDATA_WORDS},
    **{word: "is signed up for news from the Changemakers" for word in UPDATES_ON_WORDS},
    **{word: "stops getting news from the Changemakers" for word in UPDATES_OFF_WORDS},
}


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
    keyword_effects: Mapping[str, str] | None = None,
    signpost_texts: Mapping[str, str] | None = None,
) -> list[str]:
    """Every problem, in the order the steps are written; an empty list when the flow is fine.

    ``taken_keywords`` are the words other flows, surveys or replies already use;
    ``conversation_exists`` says whether a jump's kind of conversation has that reference;
    ``keyword_effects`` says what texting each keyword does ("gets the TIPS reply …"), for the
    options whose words are also a keyword; ``signpost_texts`` are the directory's words, to
    find a placeholder that repeats the word beside it.
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
    titles = step_titles(flow, signpost_texts)
    for step in flow.steps.values():
        name = f"Step “{titles[step.id]}”"
        found.extend(_step_problems(step, name, flow, signpost_names, conversation_exists))
        found.extend(option_clashes(step, name, flow, keyword_effects or {}))
        found.extend(_repeated_words(step, name, signpost_texts or {}))
    found.extend(_unreachable(flow, titles))
    found.extend(_loops_with_no_reply(flow, titles))
    return found


def option_clashes(
    step: Step, name: str, flow: FlowDefinition, keyword_effects: Mapping[str, str]
) -> Iterator[str]:
    """Options whose words the router takes before the conversation ever sees them.

    The router reads a whole text as a keyword (``keyword_of``), and its reserved-word and
    keyword stages come before the conversation's (``messages.router``): an option word that is
    also a keyword never chooses the option, mid-flow or not.
    """
    own = keyword_of(flow.keyword)
    for option in step.options:
        named: set[str] = set()
        for word in (option.label, *option.replies):
            keyword = keyword_of(word)
            if keyword in named:
                continue  # "Tips" and "tips" are one clash
            named.add(keyword)
            if keyword in RESERVED_WORDS:
                effect = RESERVED_EFFECTS[keyword]
                what = f"a word the service keeps for itself ({keyword})"
            elif keyword and keyword == own:
                effect = "starts this flow again from the beginning"
                what = f"this flow's keyword {keyword}"
            elif keyword in keyword_effects:
                effect = keyword_effects[keyword]
                what = f"the keyword {keyword}"
            else:
                continue
            yield (
                f"{name}: the option word '{word}' is also {what}, so a young person texting "
                f"it mid-flow {effect} instead of choosing the option. Use other words."
            )


def _repeated_words(step: Step, name: str, signpost_texts: Mapping[str, str]) -> Iterator[str]:
    for text in (step.text, step.hint):
        for signpost, word, shown in repeated_words(text, signpost_texts):
            yield (
                f"{name} reads “{shown}” on the phone: the directory's words for "
                f"{{{signpost}}} already say “{word}”, so take out the “{word}” written beside it."
            )


def _step_problems(
    step: Step,
    name: str,
    flow: FlowDefinition,
    signpost_names: Collection[str],
    conversation_exists: Callable[[str, str], bool],
) -> Iterator[str]:
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


def _unreachable(flow: FlowDefinition, titles: Mapping[str, str]) -> Iterator[str]:
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
            yield f"Step “{titles[step_id]}” can never be reached from the start."


def _loops_with_no_reply(flow: FlowDefinition, titles: Mapping[str, str]) -> Iterator[str]:
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
                    names = ", ".join(f"“{titles[s]}”" for s in path[position[step_id] :])
                    yield f"Steps {names} go round in a loop without waiting for a reply."
                break
            position[step_id] = len(path)
            path.append(step_id)
            step_id = flow.steps[step_id].next
