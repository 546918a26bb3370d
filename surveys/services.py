"""Surveys in the database: versions through the shared lifecycle, anonymous responses from
the web and SMS, and the SMS survey as a conversation kind of the SMS channel."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, and_, bindparam, func, insert, select

from changemakers import cache, disclosure
from changemakers.accounts.models import StaffUser
from changemakers.content import lifecycle, translations
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus
from changemakers.database import insert_for, send_with_next, utcnow
from changemakers.extensions import db
from changemakers.languages import BY_CODE, ENGLISH, known
from changemakers.office_hours import LONDON
from changemakers.redaction import redact
from messages import keywords
from messages.conversations import Turn
from surveys import answers as parsing
from surveys import coding, counting, editing, findings, pool, summary
from surveys.definition import (
    SurveyDefinition,
    from_data,
    localise,
    to_data,
    translatable_texts,
)
from surveys.models import (
    Channel,
    SubmissionToken,
    Survey,
    SurveyParticipation,
    SurveyResponse,
    SurveyVersion,
)
from surveys.phrases import say

KIND = "survey"
ANSWER_TAG = "[survey answer]"  # what the message log keeps of an SMS survey answer
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
# /findings/flows and /findings/desk are the flows' and the desk's figures, not a survey's
RESERVED_SLUGS = frozenset({"flows", "desk"})
EXPIRES_AFTER = timedelta(days=3)  # then the conversation ends, its answers dropped
ALREADY_ANSWERED = (
    "You've already answered this survey: thank you! Text HELP to see what else we do."
)
CLOSED = "Sorry, that survey is closed now. Thank you for wanting to take part."


def today(now: datetime | None = None) -> date:
    """The day in London: the only time a response keeps."""
    return (now or utcnow()).astimezone(LONDON).date()


def problems_of(definition: SurveyDefinition, survey_id: int | None = None) -> list[str]:
    found = []
    if not SLUG.match(definition.slug):
        found.append("The web address name (slug) may use only small letters, numbers and -.")
    elif definition.slug in RESERVED_SLUGS:
        found.append(f"The address name {definition.slug!r} is kept for the board's pages.")
    other = db.session.scalar(select(Survey.id).where(Survey.slug == definition.slug))
    if other is not None and other != survey_id:
        found.append(f"Another survey already uses the address /s/{definition.slug}.")
    if definition.keyword:
        clash = keywords.keyword_problem(definition.keyword, KIND, str(survey_id))
        if clash:
            found.append(clash)
    return found


def _new_version(
    survey: Survey | None, definition: SurveyDefinition, actor: StaffUser | None, action: str
) -> SurveyVersion:
    if survey is None:
        survey = Survey(slug=definition.slug, title=definition.title)
        db.session.add(survey)
        db.session.flush()
    version: SurveyVersion = SURVEYS.new_version(survey.id, to_data(definition), actor, action)
    return version


def import_survey(data: object, actor: StaffUser | None) -> SurveyVersion:
    """A new draft from a file; a file that does not validate changes nothing."""
    definition = from_data(data)
    survey = db.session.scalar(select(Survey).where(Survey.slug == definition.slug))
    version: SurveyVersion = SURVEYS.import_draft(
        lambda: _new_version(survey, definition, actor, "import")
    )
    return version


def _go_live(version: SurveyVersion) -> None:
    """The published version's title and keyword become the survey's."""
    survey = db.session.get_one(Survey, version.survey_id)
    survey.title = version.content["title"]
    _stop_answering(version)
    survey.keyword = keywords.bind_keyword(version.content.get("keyword", ""), KIND, str(survey.id))


def _stop_answering(version: SurveyVersion) -> None:
    keywords.unbind_keywords(KIND, str(version.survey_id))


def _problems_of_version(version: SurveyVersion) -> list[str]:
    return problems_of(from_data(version.content), version.survey_id)


SURVEYS = lifecycle.Catalogue(
    "survey",
    SurveyVersion,
    "survey_id",
    problems=_problems_of_version,
    went_live=_go_live,
    went_out=_stop_answering,
    changed=cache.forget_cached_tables,
)
submit = SURVEYS.submit
approve = SURVEYS.approve
return_for_changes = SURVEYS.return_for_changes
archive = SURVEYS.archive


def create_survey(title: str, slug: str, actor: StaffUser) -> SurveyVersion:
    """A new survey, as a one-question draft to build on."""
    definition = from_data(editing.starter(title, slug))
    found = problems_of(definition)
    if found:
        raise ContentProblems(found)
    version = _new_version(None, definition, actor, "create")
    db.session.commit()
    return version


def latest_version(survey: Survey) -> SurveyVersion | None:
    version: SurveyVersion | None = SURVEYS.latest(survey.id)
    return version


def new_draft(survey: Survey, actor: StaffUser) -> SurveyVersion:
    """The open draft, or a new one copied from the latest version."""
    latest = latest_version(survey)
    if latest is not None and latest.status is ContentStatus.DRAFT:
        return latest
    definition = from_data(latest.content if latest else editing.starter(survey.title, survey.slug))
    version = _new_version(survey, definition, actor, "draft")
    db.session.commit()
    return version


def save(version: SurveyVersion, data: dict[str, Any], actor: StaffUser, what: str) -> None:
    """Keep an edit of a draft; it must still read as a survey (kept in its plain shape)."""
    SURVEYS.save(version, to_data(from_data(data)), actor, what)


def save_translations(
    version: SurveyVersion,
    language: str,
    written: Mapping[str, str],
    checked: bool,
    actor: StaffUser,
) -> None:
    """Keep one language's translations of a draft, as written beside the English, and
    whether a native speaker has checked them; reviewed with the rest of the version."""
    texts = translatable_texts(from_data(version.content))
    data = translations.edited(version.content, texts, language, written, checked)
    save(version, data, actor, f"the {BY_CODE[language].name} translations")


def load_published(data: dict[str, Any]) -> SurveyVersion:
    """Shipped content (the demo's survey), published as it stands once it validates."""
    definition = from_data(data)
    survey = db.session.scalar(select(Survey).where(Survey.slug == definition.slug))
    version: SurveyVersion = SURVEYS.load_shipped(
        survey.id if survey else None,
        to_data(definition),
        lambda: _new_version(survey, definition, None, "import"),
    )
    return version


@dataclass(frozen=True)
class LiveSurvey:
    """The published version of a survey, as its pages need it."""

    survey_id: int
    version_id: int
    definition: SurveyDefinition


def live(slug: str) -> LiveSurvey | None:
    """The survey published at ``slug``, looked up at most every couple of seconds per
    process (every page of every respondent needs it)."""

    def read() -> LiveSurvey | None:
        row = db.session.execute(
            select(SurveyVersion.survey_id, SurveyVersion.id, SurveyVersion.content)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(and_(Survey.slug == slug, SurveyVersion.status == ContentStatus.PUBLISHED))
        ).first()
        if row is None:
            return None
        return LiveSurvey(row.survey_id, row.id, definition_of(row.id, row.content))

    return cache.read_fresh(f"survey:{slug}", read)


def live_count() -> int:
    """How many surveys are live, each with its findings for the board."""
    count = db.session.scalar(
        select(func.count())
        .select_from(SurveyVersion)
        .where(SurveyVersion.status == ContentStatus.PUBLISHED)
    )
    return count or 0


def definition_of(version_id: int, content: dict[str, Any] | None = None) -> SurveyDefinition:
    """A published version's survey, parsed once per process (it never changes)."""
    definition = cache.parsed_once(
        "survey_definitions",
        version_id,
        lambda: (
            content
            or db.session.scalar(
                select(SurveyVersion.content).where(SurveyVersion.id == version_id)
            )
        ),
        from_data,
    )
    if definition is None:
        raise LookupError(f"no survey version {version_id}")
    return definition


def in_language(version_id: int, language: str) -> SurveyDefinition:
    """A published version's survey in ``language`` (``definition.localise``), made once per
    process."""
    made: dict[tuple[int, str], SurveyDefinition] = cache.process_cache("surveys_by_language")
    key = (version_id, language)
    if key not in made:
        if len(made) >= 256:
            made.clear()
        made[key] = localise(definition_of(version_id), language)
    return made[key]


def stored(question_kind: str, value: Any) -> Any:
    """An answer as it is kept: free text redacted before it reaches the database."""
    return redact(value) if question_kind == "free_text" and isinstance(value, str) else value


def participation_token(survey_id: int, participant: str) -> str:
    """That a phone answered a survey, as a keyed token (HMAC-SHA256 under ``PSEUDONYM_KEY``)
    of the survey and the participant's pseudonym: the same phone and survey always give the
    same token, a token names no phone without the key, and tokens of one phone for two
    surveys cannot be matched."""
    key = current_app.config["PSEUDONYM_KEY"].encode()
    message = f"answered survey {survey_id}: {participant}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_submission_token() -> str:
    """A one-time permission to send a web survey, for the visitor's signed cookie."""
    return secrets.token_urlsafe(32)


def record_web_response(
    survey: LiveSurvey,
    answers: dict[str, Any],
    token: str,
    started_on: date,
    language: str = ENGLISH,
) -> bool:
    """A finished web survey into the mixing pool, spending its submission token, in one
    transaction; ``False`` (nothing stored) when the token was already spent. ``language``:
    the one the survey was read in, kept as its code only."""
    connection = db.session.connection()
    spend = insert_for(connection.dialect.name)(SubmissionToken).values(
        token=token, survey_id=survey.survey_id, spent_on=today()
    )
    spent = spend.on_conflict_do_nothing().returning(SubmissionToken.token)
    if connection.execute(spent).first() is None:  # spent before: a replay
        db.session.rollback()
        return False
    questions = survey.definition.questions
    kept = {q.id: stored(q.kind, answers[q.id]) for q in questions if q.id in answers}
    response = pool.finished(
        survey.version_id, Channel.WEB, kept, started_on, today(), language=known(language)
    )
    if pool.enter(connection, survey.survey_id, response) >= threshold():
        pool.release(survey.survey_id)
    db.session.commit()
    return True


def release_due_pools(now: datetime) -> int:
    """The worker's share of the mixing pool: every batch that is due joins the results."""
    return pool.release_due(today(now), threshold())


def threshold() -> int:
    """The suppression threshold: the smallest batch in which responses join the results."""
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


class SurveyConversation:
    """An SMS survey: one question a text, tolerant of how people answer; one response per
    phone. The answers so far live in the conversation's state, under a ``_`` key that the
    channel drops when the conversation ends; the last answer puts the response into the
    mixing pool (``surveys.pool``), and nothing links it to the phone from then on::

        start ── participated already? ──► "already answered" (ended)
          │
          ▼
        asking ── a bad answer ──► re-ask once with a hint (an optional question is then skipped)
          │  a good answer: the next question shown
          ▼
        last answer ──► the pool, and the participation token; thanks (ended)
    """

    name = KIND
    label = "a survey"

    def exists(self, ref: str) -> bool:
        """For a flow's jump: a survey with this address is live."""
        return live(ref) is not None

    def start(
        self,
        ref: str | None,
        now: datetime,
        participant: str,
        trial: bool = False,
        language: str = ENGLISH,
    ) -> Turn:
        found = self._live(ref)
        if found is None:
            return Turn([say(CLOSED, language)], None, end_reason="unavailable")
        survey = in_language(found.version_id, language)
        if not survey.is_open(today(now)):
            return Turn([say(CLOSED, language)], None, end_reason="closed")
        if not trial:
            answered = db.session.connection().execute(
                _SMS["participation"],
                {"token": participation_token(found.survey_id, participant)},
            )
            if answered.first() is not None:
                return Turn([say(ALREADY_ANSWERED, language)], None, end_reason="already_answered")
        first = parsing.next_question(survey, {})
        if first is None:
            return Turn([survey.thanks], None)
        state = {
            "survey": found.survey_id,
            "version": found.version_id,
            "question": first.id,
            "_answers": {},
            "_started_on": today(now).isoformat(),
        }
        if trial:
            state["test"] = True
        opening = survey.intro + (" " + survey.privacy if survey.privacy else "")
        return Turn(
            [opening.strip(), self._prompt(survey, first.id, {})],
            state,
            now + EXPIRES_AFTER,
        )

    def reply(
        self,
        ref: str | None,
        state: dict[str, Any],
        text: str,
        now: datetime,
        participant: str,
        language: str = ENGLISH,
    ) -> Turn:
        """The next question, a re-ask or the thanks. The answer's words are never kept with
        the sender: the message log would otherwise link them to the phone. It keeps
        ``ANSWER_TAG`` in their place."""
        turn = self._answer(state, text, now, participant, language)
        return replace(turn, withheld_as=ANSWER_TAG)

    def _answer(
        self, state: dict[str, Any], text: str, now: datetime, participant: str, language: str
    ) -> Turn:
        survey = in_language(int(state["version"]), language)
        question = survey.question(state["question"])
        if question is None or "_answers" not in state:
            return Turn([], None, end_reason="survey_changed")
        answers = dict(state["_answers"])
        parsed = parsing.parse_sms(question, text)
        if not parsed.ok:
            misses = state.get("misses", 0) + 1
            if misses >= 2 and not question.required:
                parsed = parsing.Parsed(skipped=True)
            else:
                prompt = self._prompt(survey, question.id, answers)
                state = {**state, "misses": misses}
                return Turn([f"{parsed.error}\n{prompt}"], state, now + EXPIRES_AFTER)
        answers[question.id] = None if parsed.skipped else stored(question.kind, parsed.value)
        following = parsing.next_question(survey, answers, after=question.id)
        if following is not None:
            state = {**state, "question": following.id, "misses": 0, "_answers": answers}
            return Turn([self._prompt(survey, following.id, answers)], state, now + EXPIRES_AFTER)
        day = today(now)
        survey_id = int(state["survey"])
        test = bool(state.get("test"))
        connection = db.session.connection()
        started_on = date.fromisoformat(state["_started_on"])
        finished = pool.finished(int(state["version"]), Channel.SMS, answers, started_on, day, test)
        pool.enter(connection, survey_id, finished)
        if not test:
            connection.execute(
                _SMS["participated"],
                {
                    "token": participation_token(survey_id, participant),
                    "survey": survey_id,
                    "day": day,
                },
            )
        return Turn([survey.thanks], None, record={"version": state["version"]})

    def _live(self, ref: str | None) -> LiveSurvey | None:
        if not ref or not ref.isdecimal():
            return None
        slugs = cache.read_fresh(
            "survey_slugs",
            lambda: {
                row.id: row.slug for row in db.session.execute(select(Survey.id, Survey.slug))
            },
        )
        slug = slugs.get(int(ref))
        return None if slug is None else live(slug)

    @staticmethod
    def _prompt(survey: SurveyDefinition, question_id: str, answers: dict[str, Any]) -> str:
        """The question as a text, numbered as ``parsing.position`` says ("Q3/8")."""
        question = survey.question(question_id)
        assert question is not None
        return parsing.sms_prompt(question, *parsing.position(survey, question_id, answers))


_participations = cast(Table, SurveyParticipation.__table__)
# The statements of an SMS survey's messages, built once (building costs more than running).
_SMS = {
    "participation": select(_participations.c.token).where(
        _participations.c.token == bindparam("token")
    ),
    # Goes with the message's next statement: nothing waits for it.
    "participated": send_with_next(
        insert(_participations)
        .values(token=bindparam("token"), survey_id=bindparam("survey"), on=bindparam("day"))
        .inline()
    ),
}


def completed_responses(threshold: int) -> dict[int, int | str]:
    """How many completed responses each survey has (by survey id), through the disclosure
    gate, in one query: the same figure as on the survey's findings."""
    rows = db.session.execute(
        select(SurveyResponse.survey_id, func.count(), func.sum(SurveyResponse.record_key))
        .where(SurveyResponse.completed_on.is_not(None), SurveyResponse.is_test.is_(False))
        .group_by(SurveyResponse.survey_id)
    ).all()
    shown = disclosure.protect(
        {
            survey_id: disclosure.Cell(int(people), int(keys or 0))
            for survey_id, people, keys in rows
        },
        [],
        threshold,
    )
    return {survey_id: shown.show(survey_id) for survey_id, _, _ in rows}


def report_cover(survey: LiveSurvey, data: dict[str, Any]) -> dict[str, Any]:
    """What the printed report's cover says: the survey, the days its responses span, how
    many completed it (rounded, from the gate's figure) and the date it was printed."""
    first, last = db.session.execute(
        select(func.min(SurveyResponse.started_on), func.max(SurveyResponse.completed_on)).where(
            SurveyResponse.survey_id == survey.survey_id
        )
    ).one()
    return {
        "title": survey.definition.title,
        "first": first,
        "last": last or first,
        "responses": disclosure.rounded_total(data["responses"]["completed"]),
        "printed": today(),
    }


class GroupTooSmall(Exception):
    """A group of fewer people than the threshold: its findings cannot be opened."""


def published_findings(
    survey_id: int,
    definition: SurveyDefinition,
    threshold: int,
    versions: list[AnsweredVersion] | None = None,
) -> findings.Published:
    """Every count of a survey's findings through the disclosure gate: what every page,
    filter, comparison and export of it reads."""
    versions = answerable_versions(survey_id) if versions is None else versions
    counted = counting.count(
        survey_id, definition.questions, {v.version_id: v.number for v in versions}
    )
    return findings.publish(
        definition, {v.number: definition_of(v.version_id) for v in versions}, counted, threshold
    )


def findings_for(
    slug: str, threshold: int, only: tuple[str, str] | None = None
) -> dict[str, Any] | None:
    """The findings of the survey live at ``slug`` as the board sees them, for everyone or
    ``only`` one group (a demographic question and an answer, such as an age band); a group
    under the threshold raises ``GroupTooSmall``."""
    found = _findings_and_waves(slug, threshold, only)
    return None if found is None else found[0]


def summary_for(
    slug: str, threshold: int, only: tuple[str, str] | None = None
) -> tuple[dict[str, Any], list[summary.Finding]] | None:
    """The findings as ``findings_for`` gives them, with the few that matter most
    (``surveys.summary``): for everyone, the changes since the previous wave among them."""
    found = _findings_and_waves(slug, threshold, only)
    if found is None:
        return None
    data, published, answered = found
    comparison = (
        findings.compare(published, answered[-2], answered[-1])
        if only is None and len(answered) >= 2
        else None
    )
    return data, summary.choose(published.survey, data, comparison)


def _findings_and_waves(
    slug: str, threshold: int, only: tuple[str, str] | None
) -> tuple[dict[str, Any], findings.Published, list[int]] | None:
    """The findings, the gate's figures they were read from, and the numbers of the versions
    young people answered."""
    survey = live(slug)
    if survey is None:
        return None
    versions = answerable_versions(survey.survey_id)
    published = published_findings(survey.survey_id, survey.definition, threshold, versions)
    if only is not None and not findings.openable(published, *only):
        raise GroupTooSmall(f"Fewer than {threshold} young people are in this group.")
    themes = coding.themes_for(
        survey.survey_id,
        survey.definition,
        published.versions,
        {v.version_id: v.number for v in versions},
        threshold,
        only,
    )
    answered = [v.number for v in versions if v.responses]
    return findings.summary(published, only, themes), published, answered


@dataclass(frozen=True)
class AnsweredVersion:
    """A version of a survey that went live, so young people could answer it (a wave)."""

    number: int
    version_id: int
    published_on: date | None
    responses: int  # how many, to choose and check waves: never shown as it stands


def answerable_versions(survey_id: int) -> list[AnsweredVersion]:
    """Every version of the survey that was ever published, oldest first, with how many
    responses each has."""
    counts = dict(
        db.session.execute(
            select(SurveyResponse.version_id, func.count())
            .where(SurveyResponse.survey_id == survey_id, SurveyResponse.is_test.is_(False))
            .group_by(SurveyResponse.version_id)
        ).all()
    )
    rows = db.session.execute(
        select(SurveyVersion.id, SurveyVersion.number, SurveyVersion.published_at)
        .where(and_(SurveyVersion.survey_id == survey_id, SurveyVersion.published_at.is_not(None)))
        .order_by(SurveyVersion.number)
    )
    return [
        AnsweredVersion(
            row.number,
            row.id,
            row.published_at.date() if row.published_at else None,
            int(counts.get(row.id, 0)),
        )
        for row in rows
    ]


class NotComparable(Exception):
    """Why two versions cannot be compared, in words for a board member; ``missing`` when a
    survey or version does not exist (the page is not found)."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def comparison_for(slug: str, first: int, second: int, threshold: int) -> dict[str, Any]:
    """Two versions (waves) of the survey at ``slug`` compared, read from the same gate as
    its findings."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise NotComparable(f"There is no survey at /s/{slug}.", missing=True)
    versions = {version.number: version for version in answerable_versions(survey.id)}
    for number in (first, second):
        if number not in versions:
            raise NotComparable(
                f"“{survey.title}” has no version {number} that young people could answer.",
                missing=True,
            )
    if first == second:
        raise NotComparable(f"That is version {first} twice, so there is nothing to compare.")
    found = live(slug)
    definition = found.definition if found else definition_of(versions[max(versions)].version_id)
    published = published_findings(survey.id, definition, threshold)
    return findings.compare(published, first, second)
