"""The desk's conversation with a young person, through signed SMS and the reviewers' pages:
their texts go to the alert's thread once a reviewer has written, reserved keywords still work,
the detector still runs, and the thread ends on closing, quiet, STOP or DELETE."""

from __future__ import annotations

import os
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.alerts import services as alert_services
from changemakers.alerts import texts as desk_texts
from changemakers.alerts.models import (
    Alert,
    AlertReply,
    AlertSeverity,
    AlertStatus,
    ThreadMessage,
)
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.office_hours import DAY_NAMES, LONDON, OfficeHours
from messages import fixed_replies, texts
from messages.inbound import ReceivedSms, receive_sms
from messages.models import Contact, InboundMessage, OutboundMessage
from tests.support.apps import dispose_engines, migrated_app
from tests.support.databases import fresh_database
from tests.support.sms import PHONE, new_sid, replies_of
from tests.support.web import TEST_PASSWORD, csrf_token, post_form, sign_in

DANGER = "he made me send pics"
ALWAYS_OPEN = OfficeHours.parse("Mon-Sun 00:00-24:00")
CHILDLINE = "Childline on 0800 1111"
ROUTER_DEFAULT = texts.default_reply([])  # no keywords are bound in these tests


@pytest.fixture
def office_open(app, monkeypatch):
    monkeypatch.setitem(app.config, "OFFICE_HOURS", ALWAYS_OPEN)


@pytest.fixture
def reviewer(signed_in):
    return signed_in(Role.REVIEWER)


@pytest.fixture
def alert(send_sms, office_open) -> Alert:
    send_sms(DANGER)
    return db.session.scalars(select(Alert)).one()


def write(client, alert_id: int, body: str):
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([0-9a-f]+)"', page).group(1)
    return client.post(
        f"/alerts/{alert_id}/reply",
        data={"body": body, "form_token": token, "csrf_token": csrf_token(client, "/")},
    )


@pytest.fixture
def thread(client, reviewer, alert) -> Alert:
    """A reviewer has written: the alert's thread is open."""
    assert write(client, alert.id, "Hi, we read your message. Can you tell us more?").status_code
    assert alert.thread_open
    return alert


def outbox_bodies() -> list[str]:
    return list(db.session.scalars(select(OutboundMessage.body).order_by(OutboundMessage.id)))


def test_before_a_reviewer_writes_texts_go_to_the_router(send_sms, alert):
    replies = replies_of(send_sms("idk what else to say"))
    assert replies == [ROUTER_DEFAULT]
    assert db.session.scalar(select(func.count()).select_from(ThreadMessage)) == 0


def test_once_a_reviewer_writes_the_young_persons_texts_go_to_the_thread(client, send_sms, thread):
    answer = "my step dad shouts and throws things"
    assert thread.awaiting_reply_since is None
    assert replies_of(send_sms(answer)) == []  # a person is reading; no keyword menu
    db.session.refresh(thread)
    assert thread.awaiting_reply_since is not None
    assert "Young person waiting" in client.get("/alerts/").get_data(as_text=True)
    page = client.get(f"/alerts/{thread.id}").get_data(as_text=True)
    assert answer in page and "Can you tell us more?" in page
    assert PHONE not in page and "07700 900123" not in page
    assert "Open: the young person" in page
    # A keyword of the service, mid-thread, is a word to the reviewer, not a flow.
    fixed_replies.load_published("HELLO", "Hello from the bot")
    assert replies_of(send_sms("hello")) == []
    kept = db.session.scalars(select(ThreadMessage.body).where(ThreadMessage.from_young_person))
    assert list(kept) == [answer, "hello"]
    write(client, thread.id, "Thank you for telling us.")
    assert thread.awaiting_reply_since is None


def test_the_first_reply_says_once_who_is_reading_how_to_stop_and_the_limits(
    client, app, monkeypatch, thread
):
    write(client, thread.id, "Are you safe right now?")
    bodies = outbox_bodies()
    assert bodies == [
        desk_texts.opening(None),
        "Hi, we read your message. Can you tell us more?",
        "Are you safe right now?",
    ]
    opening = bodies[0]
    assert "A person from our team is reading" in opening and "Text STOP to stop" in opening
    assert "we may have to tell someone who can help" in opening
    assert "We will try to tell you first" in opening
    assert len(opening) <= 306  # two texts
    monkeypatch.setitem(app.config, "PRIVACY_NOTICE_URL", "https://example.org/privacy")
    assert desk_texts.opening("https://example.org/privacy").endswith(
        "How we use your data: https://example.org/privacy"
    )


def test_reserved_keywords_still_work_in_a_thread(client, send_sms, thread):
    assert replies_of(send_sms("help")) == [texts.HELP]
    assert thread.thread_open


def test_stop_mid_thread_ends_it_and_the_reviewer_sees_why(client, send_sms, thread):
    assert replies_of(send_sms("STOP")) == [texts.STOPPED]
    db.session.refresh(thread)
    assert not thread.thread_open and thread.thread_end_reason == "opted_out"
    page = client.get(f"/alerts/{thread.id}").get_data(as_text=True)
    assert "Ended: the young person texted STOP" in page
    refused = write(client, thread.id, "Are you still there?")
    assert refused.status_code == 400


def test_delete_mid_thread_ends_it_and_keeps_none_of_their_texts(client, send_sms, thread):
    send_sms("my step dad shouts and throws things")
    assert replies_of(send_sms("DELETE")) == [texts.DELETED]
    db.session.refresh(thread)
    assert thread.thread_end_reason == "deleted" and thread.pseudonym is None
    kept = db.session.scalars(select(ThreadMessage.body).where(ThreadMessage.from_young_person))
    assert list(kept) == []
    assert db.session.scalars(select(InboundMessage.body_redacted)).all() == [None] * 3
    page = client.get(f"/alerts/{thread.id}").get_data(as_text=True)
    assert "Ended: the young person texted DELETE" in page
    assert "step dad" not in page


def test_a_worrying_text_in_a_thread_flags_its_alert_instead_of_raising_another(
    client, send_sms, thread
):
    # A concern goes to the person already reading, flagged; no automatic reply interrupts.
    assert replies_of(send_sms("he made me do stuff to him again")) == []
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1
    db.session.refresh(thread)
    assert thread.flagged_at is not None
    kept = db.session.scalars(select(ThreadMessage.body).where(ThreadMessage.from_young_person))
    assert list(kept) == ["he made me do stuff to him again"]  # once, though two stages saw it
    assert "New worrying text" in client.get("/alerts/").get_data(as_text=True)
    # Immediate danger gets urgent help at once, and raises the thread's alert to immediate.
    assert thread.severity is AlertSeverity.CONCERN
    replies = replies_of(send_sms("i took all my pills just now"))
    assert replies[0].startswith("If you are in danger now, call 999.")
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1
    db.session.refresh(thread)
    assert thread.severity is AlertSeverity.IMMEDIATE and thread.notified_at is None


def test_closing_sends_signposts_and_the_next_text_goes_to_the_router(client, send_sms, thread):
    post_form(client, f"/alerts/{thread.id}/close", {"note": "Referred"}, f"/alerts/{thread.id}")
    assert thread.status is AlertStatus.CLOSED and thread.thread_end_reason == "closed"
    closing = outbox_bodies()[-1]
    assert closing.startswith("Our team has ended this chat.") and CHILDLINE in closing
    assert "{" not in closing
    contact = db.session.scalars(select(Contact)).one()
    assert contact.in_desk_thread  # until their next text finds the thread ended
    assert replies_of(send_sms("thanks")) == [ROUTER_DEFAULT]
    db.session.refresh(contact)
    assert not contact.in_desk_thread


def test_a_quiet_thread_ends_by_itself(app, send_sms, thread):
    quiet = timedelta(hours=app.config["ALERT_THREAD_QUIET_HOURS"])
    assert alert_services.end_quiet_threads(utcnow() + quiet - timedelta(minutes=1)) == 0
    assert alert_services.end_quiet_threads(utcnow() + quiet + timedelta(minutes=1)) == 1
    assert thread.thread_end_reason == "quiet"
    assert outbox_bodies()[-1].startswith("We have not heard from you for a while")
    assert replies_of(send_sms("hello?")) == [ROUTER_DEFAULT]


def test_out_of_hours_a_thread_text_is_acknowledged_once(app, monkeypatch, send_sms, thread):
    open_day = (utcnow().astimezone(LONDON).weekday() + 2) % 7
    monkeypatch.setitem(
        app.config, "OFFICE_HOURS", OfficeHours.parse(f"{DAY_NAMES[open_day]} 09:00-17:00")
    )
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[open_day]
    [acknowledgement] = replies_of(send_sms("are you there"))
    assert f"A person from our team will read it at 9am on {day}." in acknowledgement
    assert CHILDLINE in acknowledgement and len(acknowledgement) <= 306
    assert replies_of(send_sms("hello??")) == []  # told once while the office is closed


def test_the_alert_page_shows_the_last_ten_messages_and_earlier_ones_on_request(
    client, send_sms, thread
):
    for number in range(12):
        send_sms(f"message number {number:02d}")
    page = client.get(f"/alerts/{thread.id}").get_data(as_text=True)
    assert "message number 11" in page and "message number 02" in page
    assert "message number 01" not in page
    link = re.search(r'href="([^"]*all=1[^"]*)">Show (\d+) earlier messages', page)
    assert link and int(link.group(2)) >= 2
    everything = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "message number 00" in everything and DANGER in everything
    assert "earlier message" not in everything


def test_the_queue_puts_immediate_danger_first_then_the_oldest(client, reviewer):
    now = utcnow()
    for minutes, excerpt, severity in (
        (30, "oldest concern", AlertSeverity.CONCERN),
        (20, "older immediate", AlertSeverity.IMMEDIATE),
        (10, "newer concern", AlertSeverity.CONCERN),
        (5, "newer immediate", AlertSeverity.IMMEDIATE),
    ):
        raised = alert_services.raise_alert("sms", None, excerpt, [], "other_danger", severity)
        raised.created_at = now - timedelta(minutes=minutes)
    db.session.commit()
    page = client.get("/alerts/").get_data(as_text=True)
    order = sorted(
        ("older immediate", "newer immediate", "oldest concern", "newer concern"), key=page.find
    )
    assert order == ["older immediate", "newer immediate", "oldest concern", "newer concern"]


def test_every_reviewer_sees_new_in_hand_and_overdue_counts(client, make_staff, reviewer):
    now = utcnow()
    for minutes in (5, 600, 3000):
        raised = alert_services.raise_alert("sms", None, "worried", [])
        raised.created_at = now - timedelta(minutes=minutes)
    db.session.commit()
    taken = db.session.scalars(select(Alert).order_by(Alert.id)).first()
    alert_services.pick_up(taken.id, reviewer)
    counts = alert_services.desk_counts(now)
    assert (counts.new, counts.in_hand) == (2, 1)
    home = client.get("/").get_data(as_text=True)
    desk = home[home.index("Safeguarding desk") :]
    shown = re.findall(r'<strong class="count">(\d+)</strong> (new|in hand|overdue)', desk)
    assert shown == [("2", "new"), ("1", "in hand"), (str(counts.overdue), "overdue")]
    in_navigation = (
        f"(2 new, 1 in hand, {counts.overdue} overdue)" if counts.overdue else "(2 new, 1 in hand)"
    )
    assert f'Safeguarding alerts <span class="nav-count">{in_navigation}</span>' in home
    board = make_staff(Role.BOARD, email="board@example.org")
    post_form(client, "/logout")
    sign_in(client, board.email)
    assert "Safeguarding desk" not in client.get("/").get_data(as_text=True)


def test_reviewers_mark_themselves_on_duty(client, make_staff, reviewer):
    other = make_staff(Role.REVIEWER, email="other@example.org")
    assert alert_services.to_tell() == sorted([reviewer.email, other.email])
    page = client.get("/alerts/rota").get_data(as_text=True)
    assert "Nobody is on duty, so every reviewer is told." in page
    post_form(client, "/alerts/rota", {"on_duty": "yes"}, "/alerts/rota")
    assert alert_services.to_tell() == [reviewer.email]
    page = client.get("/alerts/rota").get_data(as_text=True)
    assert "I am going off duty" in page and "Nobody is on duty" not in page
    post_form(client, "/alerts/rota", {"on_duty": "no"}, "/alerts/rota")
    assert alert_services.to_tell() == sorted([reviewer.email, other.email])
    refused = post_form(client, "/alerts/rota", {"on_duty": "maybe"}, "/alerts/rota")
    assert refused.status_code == 200 and alert_services.to_tell() == sorted(
        [reviewer.email, other.email]
    )


@pytest.mark.postgres
def test_a_young_persons_text_and_a_reviewers_reply_at_the_same_moment_both_go(tmp_path):
    """Their text locks them, then the alert; the desk locks them first too, so neither waits
    for the other in a circle (PostgreSQL would abort one as a deadlock)."""
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    if not postgres_url:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    app = migrated_app(
        fresh_database("postgres", postgres_url, tmp_path, "changemakers_desk_both"), tmp_path
    )
    try:
        with app.app_context():
            reviewer = accounts.create_user(
                "reviewer@example.org", [Role.REVIEWER], None, TEST_PASSWORD
            )
            receive_sms(ReceivedSms(new_sid(), PHONE, DANGER))
            alert_id = db.session.scalars(select(Alert.id)).one()
            alert_services.reply(alert_id, reviewer, "Can you tell us more?", "first")
            reviewer_id = reviewer.id
            db.session.remove()
        rounds = 40
        barrier = threading.Barrier(2)
        failures: list[BaseException] = []

        def young_person() -> None:
            with app.app_context():
                for turn in range(rounds):
                    barrier.wait()
                    try:
                        receive_sms(ReceivedSms(new_sid(), PHONE, f"text {turn}"))
                    except BaseException as error:  # noqa: BLE001 - reported below
                        failures.append(error)

        def reviewer_writes() -> None:
            with app.app_context():
                for turn in range(rounds):
                    barrier.wait()
                    try:
                        alert_services.reply(
                            alert_id,
                            db.session.get(StaffUser, reviewer_id),
                            f"reply {turn}",
                            f"token-{turn}",
                        )
                    except BaseException as error:  # noqa: BLE001 - reported below
                        failures.append(error)
                        db.session.rollback()

        threads = [threading.Thread(target=young_person), threading.Thread(target=reviewer_writes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with app.app_context():
            kept = db.session.scalars(
                select(ThreadMessage.body).where(ThreadMessage.from_young_person)
            ).all()
            assert sorted(kept) == sorted(f"text {turn}" for turn in range(rounds))
            assert db.session.scalar(select(func.count()).select_from(AlertReply)) == rounds + 1
            db.session.remove()
    finally:
        dispose_engines(app)
