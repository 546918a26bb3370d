"""The safeguarding desk: alerts raised by signed SMS, the queue and its overdue rule, picking
up, replying through the service (to the test double of Twilio), closing, and the detector's
rules."""

from __future__ import annotations

import html
import os
import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.alerts import rules
from changemakers.alerts import services as alert_services
from changemakers.alerts import texts as desk_texts
from changemakers.alerts.models import Alert, AlertReply, AlertStatus
from changemakers.audit.models import AuditEvent
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.office_hours import DAY_NAMES, LONDON, OfficeHours
from changemakers.safeguarding import CONCERN
from messages import texts
from messages.models import OutboundMessage, OutboxPurpose
from messages.worker import Dispatcher
from surveys.safeguarding import check_answer
from tests.support.apps import dispose_engines, migrated_app
from tests.support.contacts import a_contact
from tests.support.databases import fresh_database
from tests.support.detector_rules import with_rule
from tests.support.sms import PHONE, replies_of
from tests.support.web import TEST_PASSWORD, csrf_token, post_form, sign_in

DANGER = "he made me send pics, ring me on 07700 900123 or me@example.com"
NUMBER_SPELLINGS = (PHONE, "07700 900123", "07700900123", "7700900123", "900123")


@pytest.fixture
def alert(send_sms) -> Alert:
    send_sms("is anyone there")
    send_sms(DANGER)
    return db.session.scalars(select(Alert)).one()


@pytest.fixture
def reviewer(signed_in):
    return signed_in(Role.REVIEWER)


def reply_token(client, alert_id: int) -> str:
    html = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    return re.search(r'name="form_token"[^>]*value="([0-9a-f]+)"', html).group(1)


def test_an_alert_shows_the_redacted_message_and_its_conversation(client, reviewer, alert):
    queue = client.get("/alerts/").get_data(as_text=True)
    assert "he made me send pics" in queue and "Nobody yet" in queue
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "ring me on [phone] or [email]" in page
    assert "is anyone there" in page and "Young person" in page  # the message before it
    assert "What you told us matters." in page  # the service's reply, as sent
    for spelling in NUMBER_SPELLINGS:
        assert spelling not in page and spelling not in queue
    assert "me@example.com" not in page


def test_only_reviewers_see_the_desk(client, make_staff, alert):
    assert client.get("/alerts/").status_code == 302  # to sign in
    sign_in(client, make_staff(Role.CHANGEMAKER, email="first@example.org").email)
    for role in (Role.CHANGEMAKER, Role.BOARD, Role.ADMIN):
        user = make_staff(role, email=f"{role}@example.org")
        post_form(client, "/logout")
        sign_in(client, user.email)
        for page in ("/alerts/", f"/alerts/{alert.id}", "/alerts/rules"):
            assert client.get(page).status_code == 403, (role, page)


def test_a_new_alert_is_overdue_after_the_target_in_office_hours(
    client, reviewer, alert, app, monkeypatch
):
    assert "alert(s) overdue" not in client.get("/").get_data(as_text=True)
    alert.created_at = utcnow() - timedelta(minutes=61)
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "1 safeguarding alert(s) overdue" in home
    assert "Overdue" in client.get("/alerts/").get_data(as_text=True)

    # Outside office hours the clock stops: the same alert, raised out of hours, is not late.
    closed_today = (utcnow().astimezone(LONDON).weekday() + 3) % 7
    monkeypatch.setitem(
        app.config, "OFFICE_HOURS", OfficeHours.parse(f"{DAY_NAMES[closed_today]} 09:00-17:00")
    )
    assert "alert(s) overdue" not in client.get("/").get_data(as_text=True)


def test_an_alert_in_hand_is_never_overdue(client, reviewer, alert):
    alert.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    post_form(client, f"/alerts/{alert.id}/pick-up", page=f"/alerts/{alert.id}")
    assert alert.status is AlertStatus.IN_HAND and alert.assigned_to_id == reviewer.id
    assert "alert(s) overdue" not in client.get("/").get_data(as_text=True)
    assert reviewer.email in client.get(f"/alerts/{alert.id}").get_data(as_text=True)


def test_another_reviewer_can_take_an_alert_over(client, make_staff, reviewer, alert):
    post_form(client, f"/alerts/{alert.id}/pick-up", page=f"/alerts/{alert.id}")
    second = make_staff(Role.REVIEWER, email="second@example.org")
    post_form(client, "/logout")
    sign_in(client, second.email)
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Take this alert over" in page
    post_form(client, f"/alerts/{alert.id}/pick-up", page=f"/alerts/{alert.id}")
    assert alert.assigned_to_id == second.id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "alert.picked_up").order_by(AuditEvent.id)
    ).all()
    assert [event.actor_id for event in events] == [reviewer.id, second.id]
    assert events[1].details == {"taken_over_from": reviewer.id}


def test_a_reply_goes_to_the_young_persons_phone_without_staff_seeing_it(
    client, reviewer, alert, app, gateway, fake_twilio
):
    body = "Hi, it's the Changemakers team. We read your message. Are you safe right now?"
    response = client.post(
        f"/alerts/{alert.id}/reply",
        data={
            "body": body,
            "form_token": reply_token(client, alert.id),
            "csrf_token": csrf_token(client, f"/alerts/{alert.id}"),
        },
    )
    assert response.status_code == 302
    # The first reply comes after the desk's opening text: a person is reading, how to stop.
    opening, queued = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
    assert opening.body == desk_texts.opening(None)
    assert (queued.purpose, queued.body, queued.hold_in_quiet_hours) == (
        OutboxPurpose.STAFF_REPLY,
        body,
        False,
    )
    assert alert.status is AlertStatus.IN_HAND and alert.assigned_to_id == reviewer.id
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert body.replace("'", "&#39;") in page and reviewer.email in page
    assert not any(spelling in page for spelling in NUMBER_SPELLINGS)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "alert.replied")).one()
    assert event.details == {"outbox_id": queued.id}

    worker = Dispatcher(app, gateway, name="test-worker")
    try:
        # One message a participant at a time, in order.
        assert worker.send_due(utcnow()) == 1
        assert worker.send_due(utcnow()) == 1
    finally:
        worker.close()
    first, sent = fake_twilio.state.messages
    assert (first.to, first.body) == (PHONE, opening.body)
    assert (sent.to, sent.body) == (PHONE, body)


def test_the_same_reply_sent_twice_is_one_text(client, reviewer, alert):
    form = {
        "body": "We read your message. Are you safe?",
        "form_token": reply_token(client, alert.id),
        "csrf_token": csrf_token(client, f"/alerts/{alert.id}"),
    }
    first = client.post(f"/alerts/{alert.id}/reply", data=form)
    second = client.post(f"/alerts/{alert.id}/reply", data=form)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AlertReply)) == 1
    bodies = db.session.scalars(select(OutboundMessage.body).order_by(OutboundMessage.id)).all()
    assert bodies == [desk_texts.opening(None), form["body"]]


def test_no_reply_to_someone_who_texted_stop_or_delete(client, reviewer, alert, send_sms):
    send_sms("STOP")
    token = reply_token(client, alert.id)
    page = post_form(
        client,
        f"/alerts/{alert.id}/reply",
        {"body": "Are you safe?", "form_token": token},
        page=f"/alerts/{alert.id}",
    )
    assert page.status_code == 400
    assert "texted STOP, so the service must not text them" in page.get_data(as_text=True)

    send_sms("DELETE")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "erased their data" in page and "Send reply" not in page
    assert "ring me on [phone]" in page  # the safeguarding record stays
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_closing_needs_a_note_which_is_redacted(client, reviewer, alert):
    refused = post_form(client, f"/alerts/{alert.id}/close", {"note": " "}, f"/alerts/{alert.id}")
    assert refused.status_code == 400
    assert "Say what was done" in refused.get_data(as_text=True)
    assert alert.status is AlertStatus.NEW

    note = "Replied; referred to MASH, call back on 07700 900123"
    post_form(client, f"/alerts/{alert.id}/close", {"note": note}, f"/alerts/{alert.id}")
    assert alert.status is AlertStatus.CLOSED and alert.closed_at is not None
    assert alert.close_note == "Replied; referred to MASH, call back on [phone]"
    assert "No open alerts" in client.get("/alerts/").get_data(as_text=True)
    assert "he made me" in client.get("/alerts/?show=closed").get_data(as_text=True)
    again = post_form(client, f"/alerts/{alert.id}/reply", {"body": "Hi"}, "/alerts/?show=closed")
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == 0
    assert again.status_code == 400


def test_out_of_hours_the_young_person_is_told_when_a_person_reads_it(send_sms, app, monkeypatch):
    open_day = (utcnow().astimezone(LONDON).weekday() + 2) % 7
    monkeypatch.setitem(
        app.config, "OFFICE_HOURS", OfficeHours.parse(f"{DAY_NAMES[open_day]} 09:00-17:00")
    )
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[open_day]
    [urgent, *_] = replies_of(send_sms("im scared to go home"))
    assert urgent.endswith(f"A member of our team will read your message at 9am on {day}.")
    assert urgent.startswith("What you told us matters.")
    assert len(urgent) <= 306  # two texts
    [immediate, *_] = replies_of(send_sms("he is outside my door right now with a knife"))
    assert immediate.startswith("If you are in danger now, call 999.")
    assert immediate.endswith(f"A member of our team will read your message at 9am on {day}.")
    assert len(immediate) <= 306


def test_approved_rules_are_in_force_from_the_next_message(send_sms, reviewer, make_staff):
    """A text the rules in force leave alone alerts once a change catching it is approved."""
    send_sms("my bruv took my phone")
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0
    text = with_rule(rules.text_of(None), "phone_taken", "took my phone", "violence")
    proposal = rules.propose(text, "Catches a phone taken", reviewer, rules.SHIPPED)
    rules.approve(proposal.id, make_staff(Role.REVIEWER, email="approver@example.org"))
    replies = replies_of(send_sms("my bruv took my phone"))
    assert replies[0].startswith(texts.URGENT_HELP_CONCERN.partition("{")[0])  # not 999 first
    alert = db.session.scalars(select(Alert)).one()
    assert alert.category == "violence" and alert.matched[0].startswith("phone taken")


@pytest.mark.postgres
def test_replies_sent_at_the_same_moment_from_two_tabs_are_one_text(tmp_path):
    """The same reply form sent by six requests at once (PostgreSQL's row lock and the form's
    token decide); a second reviewer's own reply at that moment still goes."""
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    if not postgres_url:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    app = migrated_app(
        fresh_database("postgres", postgres_url, tmp_path, "changemakers_desk_race"), tmp_path
    )
    try:
        with app.app_context():
            first = accounts.create_user("first@example.org", [Role.REVIEWER], None, TEST_PASSWORD)
            second = accounts.create_user(
                "second@example.org", [Role.REVIEWER], None, TEST_PASSWORD
            )
            contact = a_contact()
            raised = alert_services.raise_alert(
                "sms", contact.pseudonym, "he made me", ["he made me"]
            )
            db.session.commit()
            alert_id, reviewers = raised.id, [first.id] * 6 + [second.id]
        barrier = threading.Barrier(len(reviewers))
        failures: list[BaseException] = []

        def reply(reviewer_id: int, token: str) -> None:
            with app.app_context():
                reviewer = db.session.get(StaffUser, reviewer_id)
                barrier.wait()
                try:
                    alert_services.reply(alert_id, reviewer, "Are you safe right now?", token)
                except BaseException as error:  # noqa: BLE001 - reported below
                    failures.append(error)

        threads = [
            threading.Thread(target=reply, args=(reviewer, f"token-{reviewer}"))
            for reviewer in reviewers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with app.app_context():
            replies = db.session.scalars(select(AlertReply).order_by(AlertReply.id)).all()
            assert len(replies) == 2
            outbox_ids = db.session.scalars(
                select(OutboundMessage.id).order_by(OutboundMessage.id)
            ).all()
            # The desk's opening text once, then both reviewers' replies, in the order taken.
            assert len(outbox_ids) == 3
            assert [reply.outbox_id for reply in replies] == outbox_ids[1:]
            assert db.session.get(Alert, alert_id).status is AlertStatus.IN_HAND
            db.session.remove()
    finally:
        dispose_engines(app)


def test_an_alert_from_an_anonymous_web_survey_cannot_be_replied_to(client, reviewer):
    web = alert_services.raise_alert("web", None, "What matters: he made me", ["he made me"])
    db.session.commit()
    page = client.get(f"/alerts/{web.id}").get_data(as_text=True)
    assert "Web survey answer (anonymous)" in page
    assert "the web survey is anonymous" in page and "Send reply" not in page
    refused = post_form(
        client, f"/alerts/{web.id}/reply", {"body": "Hi", "form_token": "t"}, f"/alerts/{web.id}"
    )
    assert "came from an anonymous web survey" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AlertReply)) == 0


def test_an_answer_in_a_language_the_detector_cannot_screen_is_read_by_a_person(client, reviewer):
    """The survey's answer raises a "not screened" alert and no urgent help (nothing in it
    suggests danger); the alert says plainly which languages are screened."""
    survey = SimpleNamespace(title="What matters")
    assert check_answer(survey, "la police ne fait rien dans mon quartier", "fr") is None
    assert check_answer(survey, "me quiero matar", "es") == CONCERN  # caught: urgent help
    not_screened, caught = db.session.scalars(select(Alert).order_by(Alert.id)).all()
    assert (not_screened.category, caught.category) == ("not_screened", "self_harm")
    page = html.unescape(client.get(f"/alerts/{not_screened.id}").get_data(as_text=True))
    assert "Not screened: a language the detector cannot screen" in page
    assert "not screened: language fr." in page
    assert "The detector could not screen this text: a person must read it." in page
    assert "The detector screens texts in English." in page
    assert "Its rules also run on texts in Spanish (español) and Portuguese (português)" in page
    other = html.unescape(client.get(f"/alerts/{caught.id}").get_data(as_text=True))
    assert "The detector screens texts in English." in other
    assert "could not screen this text" not in other
