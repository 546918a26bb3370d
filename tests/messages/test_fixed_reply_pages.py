"""The fixed replies' pages: a Changemaker writes one, a reviewer approves or returns it, and
who may do what."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from messages import fixed_replies, texts
from messages.models import FixedReplyVersion
from tests.support.sms import replies_of
from tests.support.web import post_form, sign_in

TIPS = "Keep your accounts private. Worried? Talk to {childline}."
TIPS_AS_READ = "Keep your accounts private. Worried? Talk to Childline on 0800 1111."


def page(client, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def latest() -> FixedReplyVersion:
    return db.session.scalars(
        select(FixedReplyVersion).order_by(FixedReplyVersion.id.desc())
    ).first()


def switch_to(client, make_staff, role: Role, email: str) -> None:
    post_form(client, "/logout")
    assert sign_in(client, make_staff(role, email=email).email).status_code == 302


@pytest.fixture
def changemaker(client, make_staff):
    user = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    sign_in(client, user.email)
    return user


def write(client, keyword: str = "tips", text: str = TIPS) -> str:
    """Write a new fixed reply through the form; the address of its draft."""
    response = post_form(
        client, "/fixed-replies/new", {"keyword": keyword, "text": text}, page="/fixed-replies/new"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_the_editor_counts_the_reply_as_young_people_read_it(client, changemaker):
    form = page(client, "/fixed-replies/new")
    assert "{childline}" in form  # the signposting names to insert
    base = write(client)
    shown = page(client, base)
    assert TIPS_AS_READ in shown and TIPS in shown
    assert f"{len(TIPS_AS_READ)} characters: 1 text (GSM-7)" in shown
    edit = page(client, f"{base}/edit")
    assert TIPS_AS_READ in edit
    assert f"{len(TIPS_AS_READ)} characters: 1 text (GSM-7)" in edit
    assert 'id="text"' in edit and "data-sms-length" in edit  # the live counter's hooks

    listed = page(client, "/fixed-replies")
    assert (
        "TIPS" in listed
        and "Not live" in listed
        and f"1 text ({len(TIPS_AS_READ)} characters)" in listed
    )


def test_a_changemaker_sends_it_for_review_and_a_reviewer_approves_it(
    client, changemaker, make_staff, send_sms
):
    base = write(client)
    post_form(client, f"{base}/submit", page=base)
    assert latest().status is ContentStatus.IN_REVIEW
    shown = page(client, base)
    assert "Sent for review" in shown
    assert "Approve and publish" not in shown  # a Changemaker cannot
    assert post_form(client, f"{base}/approve", page=base).status_code == 403
    assert post_form(client, f"{base}/return", {"comment": "No"}, page=base).status_code == 403

    switch_to(client, make_staff, Role.REVIEWER, "reviewer@example.org")
    shown = page(client, base)
    assert "this would be its first published version" in shown
    post_form(client, f"{base}/approve", page=base)
    assert latest().status is ContentStatus.PUBLISHED
    assert "Approved: young people who text the keyword get this reply now." in page(client, base)
    assert replies_of(send_sms("TIPS")) == [TIPS_AS_READ]


def test_a_reviewer_cannot_approve_a_reply_they_wrote(client, make_staff):
    sign_in(client, make_staff(Role.REVIEWER, email="reviewer@example.org").email)
    base = write(client)
    post_form(client, f"{base}/submit", page=base)
    assert "Waiting for a reviewer who did not work on this version." in page(client, base)
    post_form(client, f"{base}/approve", page=base)
    assert "Someone else must review a change you made." in page(client, base)
    assert latest().status is ContentStatus.IN_REVIEW


def test_a_reviewer_returns_it_with_a_comment_and_the_author_changes_it(
    client, changemaker, make_staff
):
    base = write(client)
    post_form(client, f"{base}/submit", page=base)
    switch_to(client, make_staff, Role.REVIEWER, "reviewer@example.org")
    post_form(client, f"{base}/return", {"comment": "Say hello first"}, page=base)
    assert (latest().status, latest().review_comment) == (ContentStatus.DRAFT, "Say hello first")

    switch_to(client, make_staff, Role.CHANGEMAKER, "maker2@example.org")
    assert "Say hello first" in page(client, base)
    saved = post_form(
        client, f"{base}/edit", {"keyword": "tips", "text": "Hello! " + TIPS}, page=f"{base}/edit"
    )
    assert saved.headers["Location"] == base
    assert latest().content["reply"] == "Hello! " + TIPS


def test_problems_are_shown_and_stop_the_review(client, changemaker):
    base = write(client, text="x" * 460)
    shown = page(client, base)
    assert "Please shorten the reply so it fits in 3 texts" in shown
    post_form(client, f"{base}/submit", page=base)
    assert latest().status is ContentStatus.DRAFT
    assert "Fix these first: Please shorten the reply" in page(client, base)


def test_a_keyword_that_is_not_free_is_refused_beside_the_field(client, changemaker):
    response = post_form(
        client, "/fixed-replies/new", {"keyword": "stop", "text": "Hi"}, page="/fixed-replies/new"
    )
    assert response.status_code == 200
    shown = html.unescape(response.get_data(as_text=True))
    assert "STOP is kept for the service itself" in shown
    assert 'aria-invalid="true"' in shown
    assert db.session.scalars(select(FixedReplyVersion)).all() == []


def test_a_reviewer_takes_it_out_of_use_and_a_changemaker_cannot(
    client, changemaker, make_staff, send_sms
):
    live = fixed_replies.load_published("TIPS", "Keep your accounts private.")
    base = f"/fixed-replies/{live.fixed_reply_id}/v{live.number}"
    assert "Take out of use" not in page(client, base)
    assert post_form(client, f"{base}/archive", page=base).status_code == 403

    switch_to(client, make_staff, Role.REVIEWER, "reviewer@example.org")
    post_form(client, f"{base}/archive", page=base)
    assert latest().status is ContentStatus.ARCHIVED
    assert replies_of(send_sms("TIPS")) == [texts.default_reply([])]

    changed = post_form(client, f"/fixed-replies/{live.fixed_reply_id}/edit", page=base)
    assert changed.headers["Location"].endswith("/v2")
    assert latest().content == live.content and latest().status is ContentStatus.DRAFT


def test_a_published_version_is_not_edited(client, changemaker):
    live = fixed_replies.load_published("TIPS", "Keep your accounts private.")
    base = f"/fixed-replies/{live.fixed_reply_id}/v{live.number}"
    response = post_form(client, f"{base}/edit", {"keyword": "TIPS", "text": "Changed"}, page=base)
    assert response.headers["Location"] == base
    assert "Only a draft can be changed" in page(client, base)
    assert latest().content["reply"] == "Keep your accounts private."


def test_what_staff_wrote_is_shown_as_text_not_markup(client, changemaker):
    base = write(client, text="<script>alert(1)</script>")
    raw = client.get(base).get_data(as_text=True)
    assert "<script>alert(1)" not in raw and "&lt;script&gt;alert(1)" in raw


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_offers_fixed_replies_to_writers_only(client, signed_in, role):
    signed_in(role)
    writer = role in (Role.CHANGEMAKER, Role.REVIEWER, Role.ADMIN)
    assert ("Fixed replies" in page(client, "/")) is writer
    assert client.get("/fixed-replies").status_code == (200 if writer else 403)
