"""Surveys answered on the web or by SMS, their anonymised responses and the findings.

``definition`` reads a survey as plain data, ``answers`` parses and checks answers (a web form's
or a text message's) and decides which question comes next; both are plain functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug surveys into the app: pages, the SMS survey's conversation kind, alerts from web
    answers, what they hold and how long, the mixing pool's release, commands, demo, menu and the
    work waiting there."""
    from flask import url_for

    from changemakers import annual, demo, navigation, worker_jobs
    from changemakers.alerts import services as alerts
    from changemakers.content import waiting
    from changemakers.navigation import NavItem, Work, WorkWaiting
    from changemakers.retention import services as retention
    from changemakers.roles import Role
    from changemakers.subject_access import services as participant_data
    from messages import conversations
    from surveys import (  # noqa: F401  (their routes)
        board_views,
        cli,
        coding_views,
        editor_views,
        results_views,
        safeguarding,
        views,
        you_said_views,
    )
    from surveys import demo as demo_content
    from surveys.annual import actions_section, surveys_section
    from surveys.blueprint import bp
    from surveys.personal_data import SURVEY_DATA
    from surveys.retention import SPENT_SUBMISSION_TOKENS
    from surveys.services import SURVEYS, SurveyConversation, live_count, release_due_pools
    from surveys.you_said_services import RESULTS, survey_of

    app.register_blueprint(bp)
    conversations.register(SurveyConversation())
    alerts.register_channel(app, safeguarding.CHANNEL, safeguarding.WebSurveyAlerts())
    participant_data.register(app, SURVEY_DATA)
    retention.register(app, SPENT_SUBMISSION_TOKENS)
    worker_jobs.register(app, release_due_pools)
    annual.register(app, surveys_section)
    annual.register(app, actions_section)
    for command in (cli.surveys, cli.findings):
        app.cli.add_command(command)
    demo.register(app, demo_content.load_demo_content)
    navigation.register(
        app,
        NavItem("Surveys", "surveys.survey_list", "write and review surveys for the web and SMS"),
        NavItem("Findings", "surveys.findings_list", "what young people told us, safely totalled"),
        NavItem("Coding", "surveys.coding_list", "read young people's own words and code themes"),
        NavItem(
            "You said, we did",
            "surveys.results_list",
            "the board's response and actions for each survey, published for young people",
        ),
    )
    waiting.register(
        app,
        SURVEYS,
        "surveys.survey_list",
        title=lambda version: version.content["title"],
        link=lambda version: url_for(
            "surveys.edit_survey", survey_id=version.survey_id, number=version.number
        ),
    )
    waiting.register(
        app,
        RESULTS,
        "surveys.results_list",
        title=lambda version: f"You said, we did: {survey_of(version).title}",
        link=lambda version: url_for("surveys.results_edit", slug=survey_of(version).slug),
    )
    navigation.register_work(
        app,
        WorkWaiting(
            "surveys.results_list",
            "{count} “you said, we did” draft(s) returned to you with a reviewer's comment",
            lambda person: Work(len(RESULTS.returned_to(person.id))),
            frozenset({Role.BOARD}),
            "{count} returned",
        ),
    )
    navigation.register_work(
        app,
        WorkWaiting(
            "surveys.findings_list",
            "What young people told us in {count} live survey(s): read the findings",
            lambda person: Work(live_count()),
            frozenset({Role.BOARD}),
        ),
    )
