"""Flows in the database: versions through their lifecycle (``changemakers.content.lifecycle``), the
keyword each published flow answers to, the conversation kind that runs them, and how they are
used, for the board."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from changemakers import cache, privacy
from changemakers.accounts.models import StaffUser
from changemakers.content import lifecycle, translations
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from changemakers.languages import BY_CODE, ENGLISH
from changemakers.redaction import redact
from messages import conversations, keywords, signposting, texts
from messages import signpost_services as directory
from messages.conversations import Turn
from messages.flows import analytics as analytics_module
from messages.flows import editing, engine, examples, findings, titles, validation
from messages.flows.definition import (
    FlowDefinition,
    from_data,
    in_language,
    to_data,
    translatable_texts,
)
from messages.keywords import FIXED_REPLY, current_keywords
from messages.models import Conversation, Flow, FlowVersion
from messages.router import keyword_of
from messages.signpost_directory import current_signposts

KIND = "flow"


def _taken_keywords(flow_id: int | None) -> set[str]:
    return keywords.taken_keywords(KIND, None if flow_id is None else str(flow_id))


def _conversation_exists(kind_name: str, ref: str) -> bool:
    kind = conversations.kind_named(kind_name)
    return kind is not None and kind.exists(ref)


def keyword_effects(flow_id: int | None = None) -> dict[str, str]:
    """What texting each keyword does, in words for a Changemaker ("gets the TIPS reply …"):
    the router answers a keyword before any conversation (``messages.router``)."""
    names = {str(row.id): row.name for row in db.session.execute(select(Flow.id, Flow.name))}
    effects = {}
    for binding in current_keywords().values():
        if binding.kind == FIXED_REPLY:
            reply = titles.first_words(binding.reply or "", words=10)
            effects[binding.word] = f"gets the {binding.word} reply (“{reply}”)"
        elif binding.kind == KIND and binding.ref == str(flow_id):
            effects[binding.word] = "starts this flow again from the beginning"
        elif binding.kind == KIND:
            name = names.get(binding.ref or "", binding.word)
            effects[binding.word] = f"starts the flow “{name}”, ending this one,"
        else:
            kind = conversations.kind_named(binding.kind)
            label = kind.label if kind else binding.kind
            effects[binding.word] = f"starts {label} ({binding.word}), ending this flow,"
    return effects


def problems_of(definition: FlowDefinition, flow_id: int | None = None) -> list[str]:
    """What stops a flow going for review: validation, then each failing example."""
    signposts = current_signposts()
    found = validation.problems(
        definition,
        _taken_keywords(flow_id),
        set(signposts),
        _conversation_exists,
        keyword_effects(flow_id),
        signposts,
    )
    if found:
        return found  # examples of a broken flow would only repeat its problems
    if not definition.examples:
        found.append("Add at least one example conversation.")
    for result in examples.run_examples(definition, signposts):
        if not result.passed:
            found.append(f"Example {result.example.name!r} fails: {result.failure}.")
    return found


def import_flow(data: object, actor: StaffUser | None) -> FlowVersion:
    """A new draft from a file: of the flow with its keyword if there is one, else of a new
    flow. A file that does not validate is refused with every problem, and nothing changes."""
    definition = from_data(data)
    flow = db.session.scalar(select(Flow).where(Flow.keyword == keyword_of(definition.keyword)))
    version: FlowVersion = FLOWS.import_draft(
        lambda: _new_version(flow, definition, actor, "import")
    )
    return version


def _new_version(
    flow: Flow | None, definition: FlowDefinition, actor: StaffUser | None, action: str
) -> FlowVersion:
    if flow is None:
        flow = Flow(name=definition.name, keyword=keyword_of(definition.keyword))
        db.session.add(flow)
        db.session.flush()
    version: FlowVersion = FLOWS.new_version(flow.id, to_data(definition), actor, action)
    return version


def create_flow(name: str, keyword: str, actor: StaffUser) -> FlowVersion:
    """A new flow, as a small working draft to build on."""
    data = editing.starter(name, keyword)
    definition = from_data(data)
    if not definition.name:
        raise ContentProblems(["Give the flow a name."])
    taken = _taken_keywords(None) | set(db.session.scalars(select(Flow.keyword)))
    found = [p for p in validation.problems(definition, taken) if "keyword" in p.lower()]
    if found:
        raise ContentProblems(found)
    version = _new_version(None, definition, actor, "create")
    db.session.commit()
    return version


def new_draft(flow: Flow, actor: StaffUser) -> FlowVersion:
    """A draft to edit, copied from the published (or latest) version; the open draft if
    there is one."""
    latest = latest_version(flow)
    if latest is not None and latest.status is ContentStatus.DRAFT:
        return latest
    source = published_version(flow.id) or latest
    definition = from_data(source.content if source else editing.starter(flow.name, flow.keyword))
    version = _new_version(flow, definition, actor, "draft")
    db.session.commit()
    return version


def save(version: FlowVersion, data: dict[str, Any], actor: StaffUser, what: str) -> None:
    """Keep an edit of a draft. It must still read as a flow; other problems are shown in the
    editor and stop it only when it is submitted."""
    from_data(data)
    FLOWS.save(version, data, actor, what)


def save_translations(
    version: FlowVersion,
    language: str,
    written: Mapping[str, str],
    checked: bool,
    actor: StaffUser,
) -> None:
    """Keep one language's translations of a draft, as written beside the English, and
    whether a native speaker has checked them; reviewed with the rest of the version."""
    definition = from_data(version.content)
    texts = translatable_texts(definition)
    data = translations.edited(version.content, texts, language, written, checked)
    save(version, data, actor, f"the {BY_CODE[language].name} translations")


def _problems_of_version(version: FlowVersion) -> list[str]:
    return problems_of(from_data(version.content), version.flow_id)


def live_problems_of(definition: FlowDefinition) -> list[str]:
    """What stops a flow being published, though not being written or sent for review: the
    signposting entries it names that are past their review date."""
    texts = [text for step in definition.steps.values() for text in (step.text, step.hint)]
    return signposting.overdue_problems(texts, directory.review_dates(), directory.today())


def _live_problems_of_version(version: FlowVersion) -> list[str]:
    return live_problems_of(from_data(version.content))


def _answer_keyword(version: FlowVersion) -> None:
    """The published version's name and keyword become the flow's."""
    flow = db.session.get_one(Flow, version.flow_id)
    flow.name = version.content["name"]
    flow.keyword = keyword_of(version.content["keyword"])
    _stop_answering(version)
    keywords.bind_keyword(flow.keyword, KIND, str(flow.id))


def _stop_answering(version: FlowVersion) -> None:
    keywords.unbind_keywords(KIND, str(version.flow_id))


FLOWS = lifecycle.Catalogue(
    "flow",
    FlowVersion,
    "flow_id",
    problems=_problems_of_version,
    went_live=_answer_keyword,
    went_out=_stop_answering,
    changed=cache.forget_cached_tables,
    live_problems=_live_problems_of_version,
)
submit = FLOWS.submit
approve = FLOWS.approve
return_for_changes = FLOWS.return_for_changes
archive = FLOWS.archive


def load_published(data: Mapping[str, Any]) -> FlowVersion:
    """Shipped content (the demo's flows), published as it stands once it validates."""
    definition = from_data(data)
    flow = db.session.scalar(select(Flow).where(Flow.keyword == keyword_of(definition.keyword)))
    version: FlowVersion = FLOWS.load_shipped(
        flow.id if flow else None,
        to_data(definition),
        lambda: _new_version(flow, definition, None, "import"),
    )
    return version


def published_version(flow_id: int) -> FlowVersion | None:
    return next(iter(FLOWS.published(flow_id)), None)


def latest_version(flow: Flow) -> FlowVersion | None:
    version: FlowVersion | None = FLOWS.latest(flow.id)
    return version


def export_data(keyword: str) -> dict[str, Any] | None:
    """The flow with this keyword as plain data: its published version, else its latest."""
    flow = db.session.scalar(select(Flow).where(Flow.keyword == keyword_of(keyword)))
    if flow is None:
        return None
    version = published_version(flow.id) or latest_version(flow)
    return None if version is None else dict(version.content)


def analytics(flow: Flow) -> list[analytics_module.VersionFigures]:
    numbers = {
        row.id: row.number
        for row in db.session.execute(
            select(FlowVersion.id, FlowVersion.number).where(FlowVersion.flow_id == flow.id)
        )
    }
    rows = db.session.execute(
        select(
            Conversation.id, Conversation.state, Conversation.end_reason, Conversation.ended_at
        ).where(and_(Conversation.kind == KIND, Conversation.ref == str(flow.id)))
    )
    return analytics_module.summarise(
        (
            (
                row.state,
                row.end_reason,
                row.ended_at is not None,
                privacy.record_key("conversation", row.id),
            )
            for row in rows
        ),
        numbers,
    )


def findings_for(threshold: int) -> list[dict[str, Any]]:
    """Every message flow that has been live, with the suppressed figures of each version that
    was published (newest first), for the board."""
    found = []
    for flow in db.session.scalars(select(Flow).order_by(Flow.name)):
        versions = db.session.scalars(
            select(FlowVersion)
            .where(and_(FlowVersion.flow_id == flow.id, FlowVersion.published_at.is_not(None)))
            .order_by(FlowVersion.number.desc())
        ).all()
        if not versions:
            continue
        figures = {figure.version: figure for figure in analytics(flow)}
        found.append(
            {
                "name": flow.name,
                "keyword": flow.keyword,
                "live": any(v.status is ContentStatus.PUBLISHED for v in versions),
                "versions": [
                    {
                        **findings.version_findings(
                            figures.get(
                                version.number, analytics_module.VersionFigures(version.number)
                            ),
                            from_data(version.content),
                            threshold,
                        ),
                        "live": version.status is ContentStatus.PUBLISHED,
                        "published_on": version.published_at.date()
                        if version.published_at
                        else None,
                    }
                    for version in versions
                ],
            }
        )
    return found


def _definition(version_id: int, language: str = ENGLISH) -> FlowDefinition | None:
    """A published version's flow in ``language``, parsed once per process: it never
    changes."""
    english = cache.parsed_once(
        "flow_definitions",
        version_id,
        lambda: db.session.scalar(select(FlowVersion.content).where(FlowVersion.id == version_id)),
        from_data,
    )
    if english is None or language == ENGLISH:
        return english
    translated: dict[tuple[int, str], FlowDefinition] = cache.process_cache("flows_by_language")
    key = (version_id, language)
    if key not in translated:
        if len(translated) >= 256:
            translated.clear()
        translated[key] = in_language(english, language)
    return translated[key]


def _published_version_id(flow_id: int) -> int | None:
    """The version a conversation starting now runs, read with the other small tables."""

    def read() -> dict[int, int]:
        rows = db.session.connection().execute(
            select(FlowVersion.flow_id, FlowVersion.id).where(
                FlowVersion.status == ContentStatus.PUBLISHED
            )
        )
        return {row.flow_id: row.id for row in rows}

    return cache.read_fresh("published_flows", read).get(flow_id)


class FlowConversation:
    """Flows as a conversation kind of the SMS channel: the keyword's ``ref`` is the flow's
    id, and a conversation stays on the version it started on."""

    name = KIND
    label = "a message flow"

    def exists(self, ref: str) -> bool:
        return ref.isdecimal() and _published_version_id(int(ref)) is not None

    def start(
        self,
        ref: str | None,
        now: datetime,
        participant: str,
        trial: bool = False,
        language: str = ENGLISH,
    ) -> Turn:
        version_id = _published_version_id(int(ref)) if ref and ref.isdecimal() else None
        definition = _definition(version_id, language) if version_id else None
        if version_id is None or definition is None:
            unavailable = texts.in_language("FLOW_UNAVAILABLE", language)
            return Turn([unavailable], None, end_reason="unavailable")
        turn = engine.start(definition, now, current_signposts(language))
        return _with_version(turn, version_id)

    def reply(
        self,
        ref: str | None,
        state: dict[str, Any],
        text: str,
        now: datetime,
        participant: str,
        language: str = ENGLISH,
    ) -> Turn:
        definition = _definition(int(state.get("version", 0)), language)
        if definition is None:
            return Turn([], None, end_reason="flow_broken")
        signposts = current_signposts(language)
        turn = engine.reply(definition, state, text, now, signposts, redact, language)
        return _with_version(turn, state["version"])


def _with_version(turn: Turn, version_id: int) -> Turn:
    return replace(
        turn,
        state=None if turn.state is None else {**turn.state, "version": version_id},
        record=None if turn.record is None else {**turn.record, "version": version_id},
    )
