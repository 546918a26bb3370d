"""A flow as plain data: its steps, options, and example conversations.

The shape, as a Changemaker reads it in a YAML file::

    name: Worried about a friend
    keyword: FRIEND
    start: welcome
    steps:
      welcome:
        kind: question          # message, question, free_text, follow_up, jump, end
        text: "Reply 1 for signs to look out for, 2 for how to talk to them"
        options:
          - {label: Signs, replies: [signs], next: signs}
          - {label: Talking, replies: [talk], next: talk}
        hint: "Just reply 1 or 2"
      signs:
        kind: message
        text: "…"
        next: later
      later:
        kind: follow_up
        after: 2d               # then the next step's messages go, through the outbox
        next: offer_more
    examples:
      - name: Asks about the signs
        texts: [FRIEND, "1"]
        expect: ["signs to look out for"]   # each reply must contain its phrase, in order

Any text may have translations beside it, by language code (``changemakers.languages``): a
step's ``text`` and ``hint``, an option's ``label`` and the ``replies`` that choose it. A
participant gets each text in their language, or in English where it has none; the English
replies still choose an option whatever the language::

      welcome:
        kind: question
        text: "Reply 1 for signs to look out for, 2 for how to talk to them"
        translations:
          es: {text: "Responde 1 para ver señales de alerta, 2 para saber cómo hablarle"}
        options:
          - {label: Signs, replies: [signs], next: signs,
             translations: {es: {label: Señales, replies: [señales]}}}

``unchecked_translations: [es]`` marks languages whose texts still need checking by a native
speaker (the editor says so to staff).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from changemakers.content.editing import ContentProblems
from changemakers.languages import (
    BY_CODE,
    ENGLISH,
    LANGUAGE_SLOT,
    TranslatableText,
    clean_translations,
)

STEP_KINDS = ("message", "question", "free_text", "follow_up", "jump", "end")
WAITING_KINDS = ("question", "free_text")
# What a step may hold; any other field of a jump step names a conversation kind.
STEP_FIELDS = frozenset(
    {"kind", "text", "next", "options", "hint", "expires_after", "after", "flow", "translations"}
)
DEFAULT_EXPIRY = timedelta(days=3)
_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``30m``, ``6h`` or ``2d``."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a length of time such as 30m, 6h or 2d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def format_duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


Translations = Mapping[str, Mapping[str, Any]]  # language code → field → text


@dataclass(frozen=True)
class Option:
    label: str
    next: str
    replies: tuple[str, ...] = ()
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class JumpTarget:
    """A conversation of another registered kind (``messages.conversations``), written in a
    flow file as ``<kind>: <reference>``."""

    kind: str
    ref: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    text: str = ""
    next: str | None = None
    options: tuple[Option, ...] = ()
    hint: str = ""
    expires_after: timedelta = DEFAULT_EXPIRY
    after: timedelta | None = None  # follow_up: how long to wait
    flow: str | None = None  # jump: another flow's keyword
    to: JumpTarget | None = None  # jump: a conversation of another kind
    translations: Translations = field(default_factory=dict)

    @property
    def waits(self) -> bool:
        return self.kind in WAITING_KINDS


@dataclass(frozen=True)
class Example:
    name: str
    texts: tuple[str, ...]
    expect: tuple[str, ...]


@dataclass(frozen=True)
class FlowDefinition:
    name: str
    keyword: str
    start: str
    steps: Mapping[str, Step]
    examples: tuple[Example, ...] = field(default=())
    unchecked_translations: tuple[str, ...] = ()  # languages a native speaker has not checked


def _text(value: object) -> str:
    return "" if value is None else str(value)


def from_data(data: object) -> FlowDefinition:
    """A flow from plain data (parsed YAML or JSON, or the database's copy). Raises
    ``ContentProblems`` listing every problem of shape; what the steps mean is checked by
    ``validation``."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ContentProblems(["a flow file must be a set of named fields (name, steps, …)"])
    for required in ("name", "keyword", "start", "steps"):
        if not data.get(required):
            problems.append(f"the flow needs a {required}")
    raw_steps = data.get("steps") or {}
    if not isinstance(raw_steps, Mapping):
        problems.append("steps must be named, each with its own fields")
        raw_steps = {}
    steps: dict[str, Step] = {}
    for step_id, raw in raw_steps.items():
        step = _step(str(step_id), raw, problems)
        if step is not None:
            steps[step.id] = step
    examples = []
    for number, raw in enumerate(data.get("examples") or [], start=1):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("texts"), list):
            problems.append(f"example {number} needs the texts they send, as a list")
            continue
        examples.append(
            Example(
                name=_text(raw.get("name")) or f"Example {number}",
                texts=tuple(_text(t) for t in raw["texts"]),
                expect=tuple(_text(e) for e in raw.get("expect") or []),
            )
        )
    if problems:
        raise ContentProblems(problems)
    return FlowDefinition(
        name=_text(data["name"]).strip(),
        keyword=_text(data["keyword"]).strip().upper(),
        start=_text(data["start"]),
        steps=steps,
        examples=tuple(examples),
        unchecked_translations=_languages(data.get("unchecked_translations")),
    )


def _languages(raw: object) -> tuple[str, ...]:
    """A list of language codes the service speaks (others dropped)."""
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(str(code) for code in raw if str(code) in BY_CODE and str(code) != ENGLISH)


def _step(step_id: str, raw: object, problems: list[str]) -> Step | None:
    if not isinstance(raw, Mapping):
        problems.append(f"step {step_id} must have fields such as kind and text")
        return None
    kind = _text(raw.get("kind"))
    if kind not in STEP_KINDS:
        problems.append(f"step {step_id}: kind must be one of {', '.join(STEP_KINDS)}")
        return None
    options = []
    for number, option in enumerate(raw.get("options") or [], start=1):
        if not isinstance(option, Mapping) or not option.get("next"):
            problems.append(f"step {step_id}: option {number} needs a next step")
            continue
        replies = option.get("replies") or []
        if isinstance(replies, str):
            replies = [replies]
        options.append(
            Option(
                label=_text(option.get("label")),
                next=_text(option["next"]),
                replies=tuple(_text(r) for r in replies),
                translations=clean_translations(option.get("translations")),
            )
        )
    values: dict[str, Any] = {}
    for name in ("expires_after", "after"):
        if raw.get(name) is not None:
            try:
                values[name] = parse_duration(_text(raw[name]))
            except ValueError as error:
                problems.append(f"step {step_id}: {name}: {error}")
    return Step(
        id=step_id,
        kind=kind,
        text=_text(raw.get("text")),
        next=_text(raw.get("next")) or None,
        options=tuple(options),
        hint=_text(raw.get("hint")),
        flow=_text(raw.get("flow")).upper() or None,
        to=_jump_target(step_id, raw, problems) if kind == "jump" else None,
        translations=clean_translations(raw.get("translations")),
        **values,
    )


def jump_targets(raw: Mapping[str, Any]) -> list[JumpTarget]:
    """A jump step's fields other than a step's own: each names a kind of conversation."""
    return [
        JumpTarget(str(name), _text(value).strip())
        for name, value in raw.items()
        if name not in STEP_FIELDS and _text(value).strip()
    ]


def _jump_target(step_id: str, raw: Mapping[str, Any], problems: list[str]) -> JumpTarget | None:
    targets = jump_targets(raw)
    if len(targets) > 1:
        problems.append(f"step {step_id} jumps to more than one place")
    return targets[0] if targets else None


def to_data(flow: FlowDefinition) -> dict[str, Any]:
    """Plain data in the shape ``from_data`` reads, with only the fields a step uses."""
    steps: dict[str, Any] = {}
    for step in flow.steps.values():
        fields: dict[str, Any] = {"kind": step.kind}
        if step.text:
            fields["text"] = step.text
        if step.options:
            fields["options"] = [_option_data(o) for o in step.options]
        if step.hint:
            fields["hint"] = step.hint
        if step.waits and step.expires_after != DEFAULT_EXPIRY:
            fields["expires_after"] = format_duration(step.expires_after)
        if step.after is not None:
            fields["after"] = format_duration(step.after)
        for name in ("flow", "next"):
            if getattr(step, name):
                fields[name] = getattr(step, name)
        if step.to is not None:
            fields[step.to.kind] = step.to.ref
        if step.translations:
            fields["translations"] = _plain(step.translations)
        steps[step.id] = fields
    data: dict[str, Any] = {
        "name": flow.name,
        "keyword": flow.keyword,
        "start": flow.start,
        "steps": steps,
        "examples": [
            {"name": e.name, "texts": list(e.texts), "expect": list(e.expect)}
            for e in flow.examples
        ],
    }
    if flow.unchecked_translations:
        data["unchecked_translations"] = list(flow.unchecked_translations)
    return data


def _plain(translations: Translations) -> dict[str, Any]:
    return {
        code: {name: list(v) if isinstance(v, tuple) else v for name, v in fields.items()}
        for code, fields in translations.items()
    }


def _option_data(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": option.label,
        "replies": list(option.replies),
        "next": option.next,
    }
    if option.translations:
        data["translations"] = _plain(option.translations)
    return data


def _in(translations: Translations, language: str, name: str, english: str) -> str:
    fields = translations.get(language) or {}
    value = fields.get(name)
    return value if isinstance(value, str) and value.strip() else english


def in_language(flow: FlowDefinition, language: str) -> FlowDefinition:
    """The flow as a participant who chose ``language`` gets it: each text in that language,
    or in English where it has no translation. An option is still chosen by its number, its
    English words, and its words in that language."""
    if language == ENGLISH:
        return flow
    steps = {}
    for step in flow.steps.values():
        options = tuple(
            replace(
                option,
                label=_in(option.translations, language, "label", option.label),
                replies=(
                    *option.replies,
                    option.label,
                    *(option.translations.get(language) or {}).get("replies", ()),
                ),
            )
            for option in step.options
        )
        steps[step.id] = replace(
            step,
            text=_in(step.translations, language, "text", step.text),
            hint=_in(step.translations, language, "hint", step.hint),
            options=options,
        )
    return replace(flow, steps=steps)


def translatable_texts(flow: FlowDefinition) -> list[TranslatableText]:
    """Every text of a flow a participant reads, for the translations page, with where its
    translations go in ``to_data``'s shape."""
    texts = []

    def add(
        key: str, label: str, english: str, translations: Translations, place: tuple[Any, ...]
    ) -> None:
        name = place[-1]
        if not english.strip():
            return
        by_language = {
            code: fields[name]
            for code, fields in translations.items()
            if isinstance(fields.get(name), str)
        }
        path = (*place[:-1], "translations", LANGUAGE_SLOT, name)
        texts.append(TranslatableText(key, label, english, by_language, path))

    for step in flow.steps.values():
        where = ("steps", step.id)
        add(
            f"step:{step.id}:text",
            f"{step.id}: message",
            step.text,
            step.translations,
            (*where, "text"),
        )
        add(
            f"step:{step.id}:hint",
            f"{step.id}: hint",
            step.hint,
            step.translations,
            (*where, "hint"),
        )
        for index, option in enumerate(step.options):
            add(
                f"step:{step.id}:option:{index + 1}",
                f"{step.id}: option {index + 1}",
                option.label,
                option.translations,
                (*where, "options", index, "label"),
            )
    return texts
