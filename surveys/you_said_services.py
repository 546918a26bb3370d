""" "You said, we did" in the database: the board's responses and actions for each survey, as
versions through the content lifecycle (four eyes), the public results page's figures
through the disclosure gate, and the update to young people who asked for news.

A board member (or admin) writes a draft; a reviewer or admin who did not work on it approves
it, and it is published. Publishing the first version, or a version in which an action's
status changed, hands an update to the channels (``changemakers.announcements``) in the same
transaction: by SMS, a broadcast to those who texted UPDATES, waiting for approval.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select

from changemakers import announcements, cache, disclosure
from changemakers.accounts.models import StaffUser
from changemakers.audit import services as audit
from changemakers.content import lifecycle
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus
from changemakers.database import utcnow
from changemakers.extensions import db
from surveys import coding, findings, results_texts, services, you_said
from surveys.definition import Question, SurveyDefinition
from surveys.models import Survey
from surveys.you_said import Action, BoardAnswer
from surveys.you_said_models import ResultsVersion

PAGE_FRESH_FOR = 60.0  # seconds a process reuses a results page's figures


def problems(version: ResultsVersion) -> list[str]:
    """Why ``version`` cannot go for review or live now (nothing: it can)."""
    return you_said.publication_problems(
        you_said.read(version.content), published_answer(version.survey_id, but=version.id)
    )


RESULTS = lifecycle.Catalogue(
    "results_page",
    ResultsVersion,
    "survey_id",
    problems=problems,
    went_live=lambda version: None,
    went_out=lambda version: None,
    changed=cache.forget_cached_tables,
)
submit = RESULTS.submit
return_for_changes = RESULTS.return_for_changes


def survey_of(version: ResultsVersion) -> Survey:
    return db.session.get_one(Survey, version.survey_id)


def survey_at(slug: str) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.slug == slug))


def published_version(survey_id: int) -> ResultsVersion | None:
    found = RESULTS.published(survey_id)
    return found[0] if found else None


def published_answer(survey_id: int, but: int | None = None) -> BoardAnswer | None:
    """What the results page shows now (``but`` this version, when it is the one live)."""
    version = published_version(survey_id)
    if version is None or version.id == but:
        return None
    return you_said.read(version.content)


def latest(survey_id: int) -> ResultsVersion | None:
    found: ResultsVersion | None = RESULTS.latest(survey_id)
    return found


def definition_for(survey: Survey) -> SurveyDefinition | None:
    """The survey as its findings read it: the live version, or the last one published."""
    found = services.live(survey.slug)
    if found is not None:
        return found.definition
    versions = services.answerable_versions(survey.id)
    return services.definition_of(versions[-1].version_id) if versions else None


def answerable_questions(definition: SurveyDefinition) -> list[Question]:
    """The findings the board responds to: each question but those about the respondent."""
    return [q for q in definition.questions if q.kind != "demographic"]


def open_draft(survey: Survey, actor: StaffUser) -> ResultsVersion:
    """The draft being written, or a new one from the version live now (or empty)."""
    found = latest(survey.id)
    if found is not None and found.status is ContentStatus.DRAFT:
        return found
    live = published_version(survey.id)
    content = live.content if live is not None else you_said.empty()
    version: ResultsVersion = RESULTS.new_version(survey.id, dict(content), actor, "draft")
    db.session.commit()
    return version


def save_responses(
    version: ResultsVersion, given: dict[str, str], definition: SurveyDefinition, actor: StaffUser
) -> None:
    """The board's response to each finding, as typed (an empty one is none)."""
    asked = {q.id for q in answerable_questions(definition)}
    found = [p for text in given.values() for p in you_said.response_problems(text)]
    if found:
        raise ContentProblems(list(dict.fromkeys(found)))
    answer = you_said.read(version.content)
    responses = {q: " ".join(t.split()) for q, t in given.items() if q in asked and t.strip()}
    RESULTS.save(
        version,
        you_said.to_content(BoardAnswer(responses, answer.actions)),
        actor,
        "responses",
    )


def save_action(
    version: ResultsVersion, action_id: str | None, fields: dict[str, str], actor: StaffUser
) -> Action:
    """An action added (``action_id`` None) or changed, as typed in its form."""
    what, owner, due, status, why_not = (
        fields.get(name, "").strip() for name in ("what", "owner", "due", "status", "why_not")
    )
    answer = you_said.read(version.content)
    existing = answer.action(action_id) if action_id else None
    if action_id and existing is None:
        raise ContentProblems(["That action is not in this draft."])
    found = you_said.action_problems(what, owner, due, status, why_not)
    published = published_answer(version.survey_id, but=version.id)
    allowed = you_said.allowed_statuses(existing, published)
    if status in you_said.STATUSES and status not in allowed:
        found.append(
            "Once published, an action's status only moves forwards: "
            + ", ".join(you_said.STATUS_LABELS[s].lower() for s in allowed)
            + "."
        )
    if found:
        raise ContentProblems(found)
    action = Action(
        id=action_id or you_said.next_action_id(answer),
        what=" ".join(what.split()),
        owner=" ".join(owner.split()),
        due=date.fromisoformat(due) if due else None,
        status=status,
        why_not=" ".join(why_not.split()) if status == you_said.NOT_DONE else "",
    )
    RESULTS.save(
        version,
        you_said.to_content(you_said.with_action(answer, action)),
        actor,
        "action changed" if existing else "action added",
    )
    return action


def approve(version: ResultsVersion, actor: StaffUser) -> str | None:
    """Publish a version a reviewer checked (never one they worked on); the update it makes
    for young people who asked ("results_published", "actions_changed"), or None."""
    before = published_answer(version.survey_id, but=version.id)
    now = utcnow()
    lifecycle.approve(
        version, actor.id, problems(version), now, RESULTS.published(version.survey_id)
    )
    audit.record(
        actor, "results_page.approve", "results_page", version.survey_id, version=version.number
    )
    after = you_said.read(version.content)
    update = None
    if before is None:
        update = "results_published"
    elif you_said.changed_actions(before, after):
        update = "actions_changed"
    survey = db.session.get_one(Survey, version.survey_id)
    if update is not None:
        texts = results_texts.update_texts(update, results_link(survey.slug))
        announcements.announce(
            announcements.Announcement(texts, f"survey results: {survey.slug}"), actor
        )
    db.session.commit()
    cache.forget_cached_tables()
    return update


def results_link(slug: str) -> str:
    """The public results page's address, as a young person's phone opens it."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("surveys.results_page", slug=slug)
    if base:
        return str(base).rstrip("/") + path
    return url_for("surveys.results_page", slug=slug, _external=True)


@dataclass(frozen=True)
class ResultsPage:
    """What the public results page shows, every figure through the disclosure gate."""

    slug: str
    title: str
    sensitive: bool  # the survey's pages carry an "exit this page" button
    took_part: int | str  # completed responses, rounded ("about 740") or "<10"
    tables: list[dict[str, Any]]  # each finding: its table (and themes), with the response
    actions: tuple[Action, ...]
    published_on: date | None
    findings: dict[str, Any]  # the gate's summary the tables were taken from


def results_page(slug: str) -> ResultsPage | None:
    """The published results page of the survey at ``slug``, or None (nothing published).
    Its figures are worked out at most once a minute per process: the page is public."""
    survey = survey_at(slug)
    if survey is None:
        return None
    version = published_version(survey.id)
    if version is None:
        return None
    pages = cache.process_cache("results_pages")
    made_at, page = pages.get((survey.id, version.id), (float("-inf"), None))
    if page is None or time.monotonic() - made_at > PAGE_FRESH_FOR:
        page = _results_page(survey, version)
        if page is None:
            return None
        pages[survey.id, version.id] = (time.monotonic(), page)
    return page


def survey_findings(survey: Survey, definition: SurveyDefinition) -> dict[str, Any]:
    """The survey's findings for everyone, through the disclosure gate, themes included."""
    threshold = services.threshold()
    answered = services.answerable_versions(survey.id)
    published = services.published_findings(survey.id, definition, threshold, answered)
    themes = coding.themes_for(
        survey.id,
        definition,
        published.versions,
        {v.version_id: v.number for v in answered},
        threshold,
    )
    return findings.summary(published, None, themes)


def _shown(summary: dict[str, Any], definition: SurveyDefinition) -> list[dict[str, Any]]:
    asked = {q.id for q in answerable_questions(definition)}
    return [
        table
        for table in findings.in_reading_order(summary, definition)["questions"]
        if table["id"] in asked and (table.get("rows") or table.get("themes"))
    ]


def finding_tables(survey: Survey, definition: SurveyDefinition) -> list[dict[str, Any]]:
    """The findings the board responds to, as the results page shows them."""
    return _shown(survey_findings(survey, definition), definition)


def _results_page(survey: Survey, version: ResultsVersion) -> ResultsPage | None:
    definition = definition_for(survey)
    if definition is None:
        return None
    summary = survey_findings(survey, definition)
    answer = you_said.read(version.content)
    tables = [
        {**table, "response": answer.responses.get(table["id"], "")}
        for table in _shown(summary, definition)
    ]
    return ResultsPage(
        slug=survey.slug,
        title=definition.title,
        sensitive=definition.sensitive,
        took_part=disclosure.rounded_total(summary["responses"]["completed"]),
        tables=tables,
        actions=answer.actions,
        published_on=version.published_at.date() if version.published_at else None,
        findings=summary,
    )


def csv_rows(page: ResultsPage) -> list[list[Any]]:
    """The page's figures as an open CSV: the same gate's figures, the page's tables only."""
    shown = {table["id"] for table in page.tables}
    return findings.csv_rows(
        {
            **page.findings,
            "questions": [t for t in page.findings["questions"] if t["id"] in shown],
            "crosstabs": [],
        }
    )
