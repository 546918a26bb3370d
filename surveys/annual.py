"""Surveys' part of the yearly summary: the surveys young people answered in the reporting
year, how many completed each, their headline findings, and the board's actions with their
status ("you said, we did"). Every count of young people passes the disclosure gate; the
web survey's completed responses count towards the young people reached (an SMS survey's
respondents texted, so the SMS channel counts their phones)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, func, select

from changemakers import disclosure
from changemakers.annual.report import Reach, ReportYear, Section, Table
from changemakers.extensions import db
from surveys import summary as summary_rules
from surveys import you_said
from surveys import you_said_services as results
from surveys.models import Channel, Survey, SurveyResponse

HEADLINES_EACH = 3


def _completed(year: ReportYear) -> list[tuple[int, str, int, int]]:
    """(survey id, channel, responses, sum of record keys) completed in the year."""
    rows = db.session.execute(
        select(
            SurveyResponse.survey_id,
            SurveyResponse.channel,
            func.count(),
            func.sum(SurveyResponse.record_key),
        )
        .where(
            and_(
                SurveyResponse.is_test.is_(False),
                SurveyResponse.completed_on >= year.first_day,
                SurveyResponse.completed_on < year.after_last_day,
            )
        )
        .group_by(SurveyResponse.survey_id, SurveyResponse.channel)
    ).all()
    return [(s, str(c), int(n), int(k or 0)) for s, c, n, k in rows]


def surveys_section(year: ReportYear, threshold: int) -> Section | None:
    completed = _completed(year)
    by_survey: dict[int, disclosure.Cell] = {}
    web = disclosure.Cell()
    for survey_id, channel, people, keys in completed:
        by_survey[survey_id] = by_survey.get(survey_id, disclosure.Cell()) + disclosure.Cell(
            people, keys
        )
        if channel == Channel.WEB.value:
            web = web + disclosure.Cell(people, keys)
    surveys = {
        survey.id: survey
        for survey in db.session.scalars(select(Survey).where(Survey.id.in_(list(by_survey))))
    }
    if not surveys:
        return None
    total = disclosure.Cell(
        sum(c.people for c in by_survey.values()), sum(c.keys for c in by_survey.values())
    )
    shown = disclosure.one_way({str(k): v for k, v in by_survey.items()}, total, threshold)
    web_shown = disclosure.protect({"web": web}, [], threshold).show("web")
    ordered = sorted(surveys.values(), key=lambda survey: survey.title)
    run = Table(
        "Surveys answered in the year",
        ("Survey", "Completed responses"),
        [
            *((survey.title, shown.show(str(survey.id))) for survey in ordered),
            ("All surveys", shown.show("total")),
        ],
    )
    headlines = []
    for survey in ordered:
        definition = results.definition_for(survey)
        if definition is None:
            continue
        figures = results.survey_findings(survey, definition)
        for finding in summary_rules.choose(definition, figures)[:HEADLINES_EACH]:
            headlines.append((survey.title, finding.sentence))
    tables = [run]
    if headlines:
        tables.append(
            Table(
                "Headline findings (each survey's findings to date)",
                ("Survey", "Finding"),
                headlines,
            )
        )
    return Section(
        "Surveys",
        paragraphs=(
            "Young people answered the Changemakers' surveys on the web and by text. Each "
            "survey's findings go to the board with small numbers hidden.",
        ),
        tables=tables,
        reach=[Reach("Surveys completed on the web", web_shown)],
        order=10,
    )


def actions_section(year: ReportYear, threshold: int) -> Section | None:
    """Every published "you said, we did", with its actions and their status now."""
    rows = []
    statuses: Counter[str] = Counter()
    for survey in db.session.scalars(select(Survey).order_by(Survey.title)):
        answer = results.published_answer(survey.id)
        if answer is None:
            continue
        for action in answer.actions:
            statuses[action.status] += 1
            rows.append(
                (
                    survey.title,
                    action.what,
                    action.owner,
                    action.due.strftime("%-d %B %Y") if action.due else "—",
                    action.status_label + (f": {action.why_not}" if action.why_not else ""),
                )
            )
    if not rows:
        return None
    return Section(
        "You said, we did: the board's actions",
        paragraphs=(
            "What the board agreed to do after each survey, as published to young people on "
            "the survey's results page, with each action's status now.",
        ),
        tables=[
            Table(
                "Actions by status",
                ("Status", "Actions"),
                [(you_said.STATUS_LABELS[s], statuses[s]) for s in you_said.STATUSES],
            ),
            Table("The actions", ("Survey", "Action", "Owner", "Due", "Status"), rows),
        ],
        order=40,
    )
