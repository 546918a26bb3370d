"""The SMS channel and message flows: gateways, webhooks, inbound router, flow engine, outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug the SMS channel and flows into the app: pages, the flows' conversation kind, alerts
    by text, what it holds about a young person and how long, commands, demo, menu and the work
    waiting there."""
    from flask import url_for

    from changemakers import announcements, annual, demo, navigation
    from changemakers.alerts import notifications
    from changemakers.alerts import services as alerts
    from changemakers.content import waiting
    from changemakers.navigation import NavItem, Work, WorkWaiting
    from changemakers.retention import services as retention
    from changemakers.subject_access import services as participant_data
    from messages import (  # noqa: F401  (their routes)
        broadcast_views,
        broadcasts,
        cli,
        conversations,
        fixed_reply_views,
        flow_views,
        signpost_services,
        signpost_views,
        views,
    )
    from messages import demo as demo_content
    from messages.alert_channel import SmsAlertChannel, text_staff_on_call
    from messages.annual import sms_section
    from messages.blueprint import bp
    from messages.fixed_replies import FIXED_REPLIES
    from messages.flows.services import FLOWS, FlowConversation
    from messages.personal_data import SMS_DATA
    from messages.retention import TASKS

    app.register_blueprint(bp)
    conversations.register(FlowConversation())
    alerts.register_channel(app, "sms", SmsAlertChannel())
    notifications.register_staff_sms(app, text_staff_on_call)
    announcements.register(app, broadcasts.draft_announcement)
    annual.register(app, sms_section)
    participant_data.register(app, SMS_DATA)
    for task in TASKS:
        retention.register(app, task)
    for command in (cli.contacts, cli.worker, cli.reconcile, cli.flows):
        app.cli.add_command(command)
    demo.register(app, demo_content.load_demo_content, demo_content.start_dispatcher)
    navigation.register(
        app,
        NavItem(
            "Phone simulator", "messages.simulator", "try the SMS service as a young person would"
        ),
        NavItem("Message flows", "messages.flow_list", "write and review the SMS conversations"),
        NavItem(
            "Fixed replies",
            "messages.fixed_reply_list",
            "keywords answered with one text, such as HELLO and TIPS",
        ),
        NavItem(
            "Broadcasts", "messages.broadcast_list", "news for young people who texted UPDATES"
        ),
        NavItem(
            "Signposting",
            "messages.signpost_list",
            "helplines inserted in messages, and when each is due for checking",
        ),
    )
    waiting.register(
        app,
        FLOWS,
        "messages.flow_list",
        title=lambda version: version.content["name"],
        link=lambda version: url_for(
            "messages.flow", flow_id=version.flow_id, number=version.number
        ),
    )
    waiting.register(
        app,
        FIXED_REPLIES,
        "messages.fixed_reply_list",
        title=lambda version: version.content["keyword"],
        link=lambda version: url_for(
            "messages.fixed_reply", reply_id=version.fixed_reply_id, number=version.number
        ),
    )
    navigation.register_work(
        app,
        WorkWaiting(
            "messages.signpost_list",
            "{count} helpline(s) in the signposting directory overdue for review",
            lambda person: Work(signpost_services.overdue_count()),
            badge="{count} overdue",
        ),
    )
