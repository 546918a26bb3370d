"""Retention: the purge of what may no longer be kept, in every area, and its daily run."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError

from changemakers import privacy
from changemakers.alerts import services as alert_services
from changemakers.alerts.models import (
    Alert,
    AlertReply,
    AlertStatus,
    Notification,
    NotificationKind,
    NotificationStatus,
)
from changemakers.audit.models import AuditEvent
from changemakers.cli import cli
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.retention import services as retention
from changemakers.retention.models import JobRun
from changemakers.subject_access import services as subject_access
from changemakers.subject_access.models import DataReference
from changemakers.subject_access.services import ParticipantData
from messages import outbox
from messages.models import (
    Contact,
    Conversation,
    InboundMessage,
    OutboundMessage,
    OutboxPurpose,
)
from surveys.models import SurveyParticipation, SurveyResponse
from tests.support.contacts import a_contact
from tests.support.sms import PHONE, new_sid, replies_of
from tests.support.surveys import EVERY_KIND, released_responses

OTHER_PHONE = "+447700900456"
DAY = timedelta(days=1)
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def survey_to_answer(db_session):
    """A published survey with every kind of question, answered by texting KINDS."""
    from surveys import services

    return services.load_published(EVERY_KIND)


def answer_survey(send_sms, phone: str = PHONE) -> None:
    for text in ("KINDS", "b", "1, 3", "four", "3", "SKIP"):
        send_sms(text, from_=phone)
    [thanks] = replies_of(send_sms("Prefer not to say", from_=phone))
    assert thanks.startswith("Thanks")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def age_contact(phone: str, days: int) -> None:
    """The participant was last seen ``days`` ago."""
    db.session.execute(
        update(Contact)
        .where(Contact.pseudonym == privacy.pseudonym(phone))
        .values(last_seen_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def inbound(sid: str) -> InboundMessage:
    row = db.session.scalars(select(InboundMessage).where(InboundMessage.message_sid == sid)).one()
    db.session.refresh(row)
    return row


# The words of texts -----------------------------------------------------------------------


def test_words_of_texts_past_retention_go_and_newer_ones_stay(app, send_sms):
    old_sid, new_sid_ = new_sid(), new_sid()
    send_sms("what can I do about my mate", sid=old_sid)
    send_sms("thanks, that helps", sid=new_sid_)
    db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.message_sid == old_sid)
        .values(received_at=utcnow() - (app.config["RETENTION_DAYS"] + 1) * DAY)
    )
    db.session.commit()

    counts = retention.purge(utcnow())

    assert counts["inbound_words"] == 1
    old, new = inbound(old_sid), inbound(new_sid_)
    assert (old.body_redacted, old.replies) == (None, [])
    assert old.pseudonym == privacy.pseudonym(PHONE)  # the bare row stays
    assert new.body_redacted == "thanks, that helps" and new.replies
    assert retention.purge(utcnow())["inbound_words"] == 0  # nothing left to do


def test_a_repeat_of_a_purged_message_still_changes_nothing(send_sms):
    sid = new_sid()
    send_sms("hello", sid=sid)
    retention.purge(utcnow() + 31 * DAY)
    before = (count(InboundMessage), count(Contact), count(Conversation), count(OutboundMessage))
    seen = db.session.scalar(select(Contact.last_seen_at))

    assert replies_of(send_sms("hello", sid=sid)) == []

    after = (count(InboundMessage), count(Contact), count(Conversation), count(OutboundMessage))
    assert after == before
    assert db.session.scalar(select(Contact.last_seen_at)) == seen
    assert inbound(sid).body_redacted is None


def test_answers_typed_into_a_flow_go_but_where_it_went_stays(app, db_session):
    contact = a_contact()
    ended_long_ago = utcnow() - (app.config["RETENTION_DAYS"] + 1) * DAY
    state = {"version": 1, "path": ["welcome", "story"], "answers": {"story": "he took my phone"}}
    old = Conversation(contact_id=contact.id, kind="flow", ref="FRIEND", state=state)
    old.ended_at, old.end_reason = ended_long_ago, "completed"
    recent = Conversation(contact_id=contact.id, kind="flow", ref="FRIEND", state=state)
    recent.ended_at, recent.end_reason = utcnow(), "completed"
    db.session.add_all([old, recent])
    db.session.commit()

    assert retention.purge(utcnow())["conversation_answers"] == 1

    db.session.refresh(old)
    db.session.refresh(recent)
    assert old.state == {"version": 1, "path": ["welcome", "story"], "answers": {}}
    assert recent.state["answers"] == {"story": "he took my phone"}
    assert retention.purge(utcnow())["conversation_answers"] == 0


# Silent participants ----------------------------------------------------------------------


def test_a_silent_participant_is_erased_wholly_and_a_recent_one_kept(
    app,
    survey_to_answer,
    send_sms,
):
    answer_survey(send_sms, PHONE)
    answer_survey(send_sms, OTHER_PHONE)
    send_sms("MYDATA", from_=PHONE)
    send_sms("MYDATA", from_=OTHER_PHONE)
    for phone in (PHONE, OTHER_PHONE):
        contact_id = db.session.scalar(
            select(Contact.id).where(Contact.pseudonym == privacy.pseudonym(phone))
        )
        outbox.enqueue(contact_id, "How are you doing?", OutboxPurpose.FOLLOW_UP, utcnow())
    db.session.commit()
    answers = sorted(str(r.answers) for r in released_responses())
    assert len(answers) == 2
    silent = privacy.pseudonym(PHONE)
    age_contact(PHONE, app.config["CONTACT_RETENTION_DAYS"] + 1)
    age_contact(OTHER_PHONE, app.config["CONTACT_RETENTION_DAYS"] - 1)

    counts = retention.purge(utcnow())

    assert counts["silent_participants"] == 1
    [kept] = db.session.scalars(select(Contact)).all()
    assert kept.pseudonym == privacy.pseudonym(OTHER_PHONE)
    assert {c.contact_id for c in db.session.scalars(select(Conversation))} == {kept.id}
    assert {m.contact_id for m in db.session.scalars(select(OutboundMessage))} == {kept.id}
    # Participation tokens stay, so that nobody answers twice (the privacy notice says so).
    assert count(SurveyParticipation) == 2
    assert [r.pseudonym for r in db.session.scalars(select(DataReference))] == [kept.pseudonym]
    assert (
        db.session.scalars(select(InboundMessage).where(InboundMessage.pseudonym == silent)).all()
        == []
    )
    # All that is left is the token: the survey "was answered from this phone".
    held = [s for s in subject_access.held_about(silent) if s.title != "Surveys by text"]
    assert held == [s for s in subject_access.held_about("nobody") if s.title != "Surveys by text"]
    # Anonymous survey responses are what the findings are made of: all of them stay.
    assert sorted(str(r.answers) for r in db.session.scalars(select(SurveyResponse))) == answers


def test_an_interrupted_purge_leaves_nobody_half_erased_and_a_second_run_finishes(
    app,
    survey_to_answer,
    send_sms,
    monkeypatch,
    caplog,
):
    phones = [f"+4477009002{n:02d}" for n in range(3)]
    for phone in phones:
        answer_survey(send_sms, phone)
        send_sms("MYDATA", from_=phone)
        age_contact(phone, app.config["CONTACT_RETENTION_DAYS"] + 1)
    monkeypatch.setattr("messages.retention.BATCH_SIZE", 1)
    # The second participant's erasure fails half-way: their contact is already deleted when
    # the survey area's erasure raises (as a database error would).
    parts = app.extensions["participant_data"]
    index = next(i for i, part in enumerate(parts) if part.name == "surveys")
    erased: list[str] = []

    def failing_erase(pseudonym: str) -> None:
        erased.append(pseudonym)
        if len(erased) == 2:
            raise RuntimeError("the database went away")
        parts_erase(pseudonym)

    parts_erase = parts[index].erase
    patched = list(parts)
    patched[index] = ParticipantData("surveys", parts[index].describe, failing_erase)
    monkeypatch.setitem(app.extensions, "participant_data", patched)

    with caplog.at_level(logging.INFO), pytest.raises(RuntimeError):
        retention.purge(utcnow())

    assert "silent_participants 1" in caplog.text
    # One participant wholly erased; the other two wholly kept.
    for table, column in (
        (Contact, Contact.pseudonym),
        (DataReference, DataReference.pseudonym),
    ):
        held = set(db.session.scalars(select(column)))
        assert held == {privacy.pseudonym(p) for p in phones} - {erased[0]}, table
    linked = {m.pseudonym for m in db.session.scalars(select(InboundMessage))}
    assert erased[0] not in linked and erased[1] in linked

    monkeypatch.undo()
    assert retention.purge(utcnow())["silent_participants"] == 2
    assert count(Contact) == count(DataReference) == 0
    assert count(SurveyParticipation) == 3  # the tokens stay
    assert len(released_responses()) == 3


# Leftovers of participants erased some other way --------------------------------------------


def test_references_with_no_participant_go_after_the_contact_retention(app, db_session):
    days = app.config["CONTACT_RETENTION_DAYS"]
    old, recent = utcnow() - (days + 2) * DAY, utcnow() - (days - 2) * DAY
    still_texting = a_contact(PHONE).pseudonym
    rows = {"gone-old": old, "gone-recent": recent, still_texting: old}
    for pseudonym, at in rows.items():
        db.session.add(DataReference(reference=pseudonym[:8].upper(), pseudonym=pseudonym))
        db.session.flush()
        db.session.execute(
            update(DataReference).where(DataReference.pseudonym == pseudonym).values(created_at=at)
        )
    db.session.commit()

    counts = retention.purge(utcnow())

    assert counts["stray_mydata_references"] == 1
    expected = {"gone-recent", still_texting}
    assert set(db.session.scalars(select(DataReference.pseudonym))) == expected


def test_spent_web_submission_tokens_go_once_no_cookie_could_replay_them(
    app, client, survey_to_answer
):
    from surveys.models import SubmissionToken
    from surveys.retention import SPENT_TOKEN_DAYS
    from tests.surveys.test_web import complete

    complete(client)
    assert count(SubmissionToken) == 1
    assert retention.purge(utcnow())["spent_survey_submission_tokens"] == 0
    assert app.permanent_session_lifetime < (SPENT_TOKEN_DAYS - 1) * DAY
    later = utcnow() + (SPENT_TOKEN_DAYS + 1) * DAY
    assert retention.purge(later)["spent_survey_submission_tokens"] == 1
    assert count(SubmissionToken) == 0


# Safeguarding alerts ----------------------------------------------------------------------


def test_closed_alerts_past_retention_go_with_their_replies_and_open_ones_never(app, db_session):
    days = app.config["ALERT_RETENTION_DAYS"]
    now = utcnow()

    def alert(status: AlertStatus, closed_days_ago: int | None) -> int:
        row = alert_services.raise_alert("sms", "someone", "[redacted] text", ["hurt"])
        row.created_at = now - 3 * days * DAY
        row.status = status
        if closed_days_ago is not None:
            row.closed_at = now - closed_days_ago * DAY
        db.session.flush()
        db.session.add(AlertReply(alert_id=row.id, body="We are here.", form_token=new_sid()))
        return row.id

    old_closed = alert(AlertStatus.CLOSED, days + 1)
    kept = {
        alert(AlertStatus.CLOSED, days - 1),
        alert(AlertStatus.NEW, None),
        alert(AlertStatus.IN_HAND, None),
    }
    db.session.commit()

    assert retention.purge(now)["closed_alerts"] == 1
    assert set(db.session.scalars(select(Alert.id))) == kept
    assert set(db.session.scalars(select(AlertReply.alert_id))) == kept
    assert old_closed not in kept
    # Years later, open alerts are still there.
    retention.purge(now + 10 * days * DAY)
    assert {a.status for a in db.session.scalars(select(Alert))} == {
        AlertStatus.NEW,
        AlertStatus.IN_HAND,
    }


def test_notifications_sent_long_ago_go_and_waiting_ones_stay(app, db_session):
    days = app.config["ALERT_RETENTION_DAYS"]
    now = utcnow()
    for status, sent_days_ago in (
        (NotificationStatus.SENT, days + 1),
        (NotificationStatus.SENT, days - 1),
        (NotificationStatus.QUEUED, None),
    ):
        db.session.add(
            Notification(
                kind=NotificationKind.DIGEST,
                recipient="reviewer@example.org",
                status=status,
                sent_at=None if sent_days_ago is None else now - sent_days_ago * DAY,
                created_at=now - 2 * days * DAY,
                next_attempt_at=now,
            )
        )
    db.session.commit()
    assert retention.purge(now)["alert_notifications"] == 1
    left = db.session.scalars(select(Notification.status).order_by(Notification.id)).all()
    assert left == [NotificationStatus.SENT, NotificationStatus.QUEUED]


# The purge as a whole ---------------------------------------------------------------------


def test_every_area_registers_its_tasks(app):
    names = {task.name for task in app.extensions["retention_tasks"]}
    assert names == {
        "inbound_words",
        "conversation_answers",
        "silent_participants",
        "stray_mydata_references",
        "closed_alerts",
        "alert_notifications",
        "spent_survey_submission_tokens",
    }


def test_logs_and_the_audit_log_carry_counts_only(app, send_sms, caplog):
    send_sms("my address is 12 Acacia Avenue, call me on 07700 900999", from_=PHONE)
    age_contact(PHONE, app.config["CONTACT_RETENTION_DAYS"] + 1)

    with caplog.at_level(logging.DEBUG):
        counts = retention.purge(utcnow() + (app.config["RETENTION_DAYS"] + 1) * DAY)

    assert counts == {
        "inbound_words": 1,
        "conversation_answers": 0,
        "silent_participants": 1,
        "stray_mydata_references": 0,
        "closed_alerts": 0,
        "alert_notifications": 0,
        "spent_survey_submission_tokens": 0,
    }
    assert "inbound_words 1, conversation_answers 0, silent_participants 1" in caplog.text
    for secret in ("Acacia", "07700", "900999", "[phone]", privacy.pseudonym(PHONE), PHONE):
        assert secret not in caplog.text
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.purged")
    ).one()
    assert event.details == counts


def test_the_purge_command_prints_counts_and_a_dry_run_deletes_nothing(app, send_sms):
    send_sms("hello")
    age_contact(PHONE, app.config["CONTACT_RETENTION_DAYS"] + 1)
    runner = app.test_cli_runner()

    dry = runner.invoke(cli, ["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "nothing deleted" in dry.output
    assert "silent_participants" in dry.output and count(Contact) == 1

    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split() for line in result.output.splitlines()[1:])
    assert lines["silent_participants"] == "1"
    assert lines["closed_alerts"] == "0"
    assert count(Contact) == 0


def test_the_purge_command_explains_a_database_error(app, db_session, monkeypatch):
    def fail(now):
        raise OperationalError("DELETE", {}, Exception("server closed the connection"))

    monkeypatch.setattr(retention, "purge", fail)
    result = app.test_cli_runner().invoke(cli, ["purge"])
    assert result.exit_code == 1
    assert "server closed the connection" in result.output
    assert "run it again to finish" in result.output


# The daily run ----------------------------------------------------------------------------


def test_the_daily_run_runs_once_a_london_day(db_session):
    assert retention.run_daily_if_due(NOON) is not None
    run = db.session.get(JobRun, retention.DAILY_JOB)
    assert run is not None and run.started_at == NOON and run.finished_at is not None
    assert set(run.counts) >= {"inbound_words", "closed_alerts"}

    assert retention.run_daily_if_due(NOON + timedelta(hours=11)) is None  # 23:00 in London
    assert retention.run_daily_if_due(NOON + timedelta(hours=12, minutes=5)) is not None


def test_a_daily_run_that_never_finished_is_taken_up_again_hours_later(db_session):
    assert retention.run_daily_if_due(NOON, stop=lambda: True) is not None
    run = db.session.get(JobRun, retention.DAILY_JOB)
    assert run is not None and run.finished_at is None

    assert retention.run_daily_if_due(NOON + timedelta(hours=1)) is None
    assert retention.run_daily_if_due(NOON + retention.STALE_AFTER + timedelta(minutes=1))
    db.session.refresh(run)
    assert run.finished_at is not None


def test_two_workers_claiming_at_the_same_moment_one_runs(app):
    """Each claimant has its own connection and commits, as separate workers do."""
    names = [f"test-claim-{n}" for n in range(5)]
    results: dict[str, list[bool]] = {name: [] for name in names}

    def claim(name: str, barrier: threading.Barrier) -> None:
        with app.app_context():
            barrier.wait()
            results[name].append(retention.claim_daily(name, NOON))
            db.session.remove()

    try:
        for name in names:
            barrier = threading.Barrier(3)
            threads = [threading.Thread(target=claim, args=(name, barrier)) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert sorted(results[name]) == [False, False, True], name
    finally:
        with app.app_context():
            db.session.execute(delete(JobRun).where(JobRun.name.in_(names)))
            db.session.commit()
            db.session.remove()
