"""Broadcasts: written, approved by someone else, sent in batches to those who asked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from messages import broadcasts, texts
from messages.models import Broadcast, BroadcastStatus, Contact, OutboundMessage
from tests.support.contacts import a_contact
from tests.support.sms import NOON, PHONE, replies_of
from tests.support.web import post_form, sign_in

NEWS = "Changemakers news: our survey results go to the board on Monday. Thank you!"


def test_updates_opts_in_and_updates_off_opts_out(db_session, send_sms):
    assert replies_of(send_sms("updates")) == [texts.UPDATES_ON]
    assert db.session.scalar(select(Contact.wants_updates))
    assert replies_of(send_sms("Updates off")) == [texts.UPDATES_OFF]
    assert not db.session.scalar(select(Contact.wants_updates))


def test_someone_who_opted_out_is_not_signed_up_for_updates(db_session, send_sms):
    send_sms("STOP")
    assert replies_of(send_sms("UPDATES")) == [texts.STILL_OPTED_OUT]
    assert not db.session.scalar(select(Contact.wants_updates))


def test_stop_ends_updates_too(db_session, send_sms):
    send_sms("UPDATES")
    send_sms("STOP")
    send_sms("START")
    assert not db.session.scalar(select(Contact.wants_updates))


@pytest.fixture
def reviewers(make_staff):
    return make_staff(Role.REVIEWER, email="one@example.org"), make_staff(
        Role.REVIEWER, email="two@example.org"
    )


def test_nobody_approves_their_own_broadcast(db_session, reviewers):
    author, other = reviewers
    broadcast = broadcasts.create(NEWS, author)
    with pytest.raises(broadcasts.BroadcastError, match="Someone else"):
        broadcasts.approve(broadcast, author)
    with pytest.raises(broadcasts.BroadcastError, match="approved"):
        broadcasts.send(broadcast, author)
    broadcasts.approve(broadcast, other)
    broadcasts.send(broadcast, author)
    assert broadcast.status is BroadcastStatus.SENDING
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "broadcast")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["broadcast.create", "broadcast.approve", "broadcast.send"]


@pytest.mark.parametrize("body", ["", "   ", "x" * (broadcasts.MAX_LENGTH + 1)])
def test_an_empty_or_long_broadcast_is_refused(db_session, reviewers, body):
    with pytest.raises(broadcasts.BroadcastError):
        broadcasts.create(body, reviewers[0])


def test_a_broadcast_goes_in_batches_to_those_who_asked(db_session, reviewers):
    wanting = [a_contact(f"+4477009001{n:02d}", wants_updates=True) for n in range(7)]
    a_contact("+447700900200")  # never asked
    a_contact("+447700900201", wants_updates=True, opted_out=True, number_encrypted=None)
    author, other = reviewers
    broadcast = broadcasts.create(NEWS, author)
    broadcasts.approve(broadcast, other)
    broadcasts.send(broadcast, author)

    written = [broadcasts.enqueue_next_batch(NOON, batch_size=3) for _ in range(4)]

    assert written == [3, 3, 1, 0]
    assert broadcast.status is BroadcastStatus.SENT
    assert broadcast.recipients == 7
    rows = db.session.scalars(select(OutboundMessage)).all()
    assert sorted(r.contact_id for r in rows) == [c.id for c in wanting]
    assert {(r.body, r.hold_in_quiet_hours, r.broadcast_id) for r in rows} == {
        (NEWS, True, broadcast.id)
    }


def test_a_broadcast_sent_at_night_waits_for_the_morning(db_session, reviewers):
    a_contact(PHONE, wants_updates=True)
    author, other = reviewers
    broadcast = broadcasts.create(NEWS, author)
    broadcasts.approve(broadcast, other)
    broadcasts.send(broadcast, author)
    broadcasts.enqueue_next_batch(NOON.replace(hour=22))
    [row] = db.session.scalars(select(OutboundMessage)).all()
    assert row.due_at == NOON.replace(day=27, hour=8)


def test_nothing_to_enqueue_when_no_broadcast_is_being_sent(db_session):
    assert broadcasts.enqueue_next_batch(NOON) == 0


def test_the_pages_take_a_broadcast_from_draft_to_sending(client, db_session, make_staff):
    a_contact(PHONE, wants_updates=True)
    author = make_staff(Role.REVIEWER, email="author@example.org")
    approver = make_staff(Role.ADMIN, email="approver@example.org")

    sign_in(client, author.email)
    response = post_form(client, "/broadcasts", {"body": NEWS}, page="/broadcasts")
    assert response.status_code == 302
    broadcast = db.session.scalar(select(Broadcast))
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "Another reviewer or admin must approve this" in page
    post_form(client, f"/broadcasts/{broadcast.id}/approve", page="/broadcasts")
    assert db.session.get(Broadcast, broadcast.id).status is BroadcastStatus.DRAFT
    post_form(client, "/logout")

    sign_in(client, approver.email)
    post_form(client, f"/broadcasts/{broadcast.id}/approve", page="/broadcasts")
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "Send to 1 person" in page
    post_form(client, f"/broadcasts/{broadcast.id}/send", page="/broadcasts")
    db.session.refresh(broadcast)
    assert broadcast.status is BroadcastStatus.SENDING


def test_a_broadcast_form_error_is_shown_beside_the_field(client, db_session, signed_in):
    signed_in(Role.REVIEWER)
    response = post_form(client, "/broadcasts", {"body": "x" * 400}, page="/broadcasts")
    assert response.status_code == 200
    assert "Keep it to 320 characters" in response.get_data(as_text=True)


def test_changemakers_and_board_members_cannot_broadcast(client, db_session, signed_in):
    signed_in(Role.CHANGEMAKER, Role.BOARD)
    assert client.get("/broadcasts").status_code == 403
