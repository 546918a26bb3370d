"""``changemakers reconcile``: messages Twilio has that never reached the app are handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest
from sqlalchemy import select

from changemakers.cli import cli
from changemakers.extensions import db
from messages import reconcile as reconciling
from messages import texts
from messages.cli import parse_since
from messages.gateways import ConsoleGateway
from messages.models import InboundMessage, OutboundMessage, OutboxPurpose, OutboxStatus
from tests.support.sms import PHONE, URGENT_HELP_CONCERN, replies_of

OUR_NUMBER = "+15005550006"


@pytest.fixture
def reconcile(app, fake_twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_API_URL", fake_twilio.url)
    monkeypatch.setitem(app.config, "TWILIO_FROM", OUR_NUMBER)

    def run(*args: str):
        result = app.test_cli_runner().invoke(cli, ["reconcile", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_missed_messages_are_handled_and_answered_through_the_outbox(
    db_session, fake_twilio, send_sms, reconcile
):
    received = fake_twilio.state.inbound(PHONE, OUR_NUMBER, "HELP")
    send_sms("HELP", sid=received.sid)  # this one reached us
    missed = [fake_twilio.state.inbound(PHONE, OUR_NUMBER, text) for text in ("HELP", "hi")]

    output = reconcile("--since", "1h")

    assert "Checked 3 inbound messages" in output
    assert "2 had not reached us" in output
    sids = set(db.session.scalars(select(InboundMessage.message_sid)))
    assert {m.sid for m in missed} <= sids
    late = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    assert [m.body for m in late][0] == texts.HELP
    assert {(m.purpose, m.status, m.hold_in_quiet_hours) for m in late} == {
        (OutboxPurpose.LATE_REPLY, OutboxStatus.QUEUED, False)
    }


def test_reconciling_twice_handles_nothing_twice(db_session, fake_twilio, reconcile):
    fake_twilio.state.inbound(PHONE, OUR_NUMBER, "HELP")
    reconcile()
    assert "0 had not reached us" in reconcile()
    assert len(db.session.scalars(select(OutboundMessage)).all()) == 1


def test_a_message_found_later_is_answered_like_any_other(db_session, fake_twilio, reconcile):
    fake_twilio.state.inbound(PHONE, OUR_NUMBER, "I'm scared to go home")
    reconcile()
    replies = db.session.scalars(select(OutboundMessage.body).order_by(OutboundMessage.id)).all()
    assert replies == [URGENT_HELP_CONCERN]


def test_a_message_without_a_usable_sender_is_counted_not_handled(
    db_session, fake_twilio, reconcile
):
    fake_twilio.state.inbound("  ", OUR_NUMBER, "hi")
    assert "1 had no usable sender" in reconcile()
    assert db.session.scalars(select(InboundMessage)).all() == []


def test_a_message_found_later_from_a_short_code_is_kept_and_never_answered(
    db_session, fake_twilio, reconcile
):
    fake_twilio.state.inbound("85258", OUR_NUMBER, "hi")
    assert "1 had not reached us" in reconcile()
    [row] = db.session.scalars(select(InboundMessage)).all()
    assert row.body_redacted == "hi" and row.replies == []
    assert db.session.scalars(select(OutboundMessage)).all() == []


def test_twilio_unreachable_is_a_clear_error(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_API_URL", "http://127.0.0.1:9")
    result = app.test_cli_runner().invoke(cli, ["reconcile"])
    assert result.exit_code == 1
    assert "could not list messages at Twilio" in result.output


def test_the_console_gateway_has_nothing_to_reconcile(db_session):
    report = reconciling.reconcile(ConsoleGateway(), datetime.now(UTC) - timedelta(days=1))
    assert (report.listed, report.missing) == (0, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", datetime(2026, 11, 26, 10, 30, tzinfo=UTC)),
        ("6h", datetime(2026, 11, 26, 6, 0, tzinfo=UTC)),
        ("2d", datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
        ("2026-11-26T09:30", datetime(2026, 11, 26, 9, 30, tzinfo=UTC)),
        ("2026-11-26T09:30+01:00", datetime(2026, 11, 26, 8, 30, tzinfo=UTC)),
    ],
)
def test_since_takes_a_span_or_a_time(text, expected):
    assert parse_since(text, datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) == expected


def test_since_refuses_nonsense():
    with pytest.raises(click.BadParameter):
        parse_since("yesterday-ish", datetime.now(UTC))


def test_replies_sent_at_the_time_are_unchanged(db_session, send_sms):
    assert replies_of(send_sms("HELP")) == [texts.HELP]
    assert db.session.scalars(select(OutboundMessage)).all() == []
