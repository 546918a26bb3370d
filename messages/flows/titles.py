"""What a Changemaker calls a step: the opening words of its message, as the young person reads
them. The step's id ("what_would_help") stays a detail for files and addresses."""

from __future__ import annotations

from collections.abc import Mapping

from messages.flows.definition import FlowDefinition, Step, format_duration
from messages.signposting import render

TITLE_WORDS = 8
TITLE_CHARACTERS = 60


def first_words(text: str, words: int = TITLE_WORDS, characters: int = TITLE_CHARACTERS) -> str:
    """The opening words of ``text``, with "…" when there is more."""
    all_words = text.split()
    kept: list[str] = []
    for word in all_words[:words]:
        if kept and len(" ".join([*kept, word])) > characters:
            break
        kept.append(word[:characters])
    title = " ".join(kept)
    return title + "…" if len(kept) < len(all_words) or len(title) < len(text.strip()) else title


def step_title(step: Step, signposts: Mapping[str, str] | None = None) -> str:
    """The step's opening words; a step with no message is named by what it does."""
    if step.text.strip():
        return first_words(render(step.text, signposts or {}))
    if step.kind == "follow_up" and step.after:
        return f"Wait {format_duration(step.after)}"
    if step.kind == "jump" and (step.flow or step.to):
        target = step.flow or (f"{step.to.kind} {step.to.ref}" if step.to else "")
        return f"Jump to {target}"
    return step.id.replace("_", " ").capitalize()


def step_titles(flow: FlowDefinition, signposts: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every step's title; two steps that open with the same words add their ids."""
    titles = {step_id: step_title(step, signposts) for step_id, step in flow.steps.items()}
    shared = {title for title in titles.values() if list(titles.values()).count(title) > 1}
    return {
        step_id: f"{title} ({step_id})" if title in shared else title
        for step_id, title in titles.items()
    }
