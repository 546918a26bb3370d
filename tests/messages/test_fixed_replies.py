"""Fixed replies through their lifecycle: four eyes, publishing binds the keyword (a newer
version takes its place, archiving unbinds it), and the keywords a fixed reply may not take."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.extensions import db
from messages import fixed_replies, texts
from messages import signpost_services as directory
from messages.demo import DEMO_FIXED_REPLIES, load_demo_content
from messages.flows import services as flows
from messages.models import FixedReply, FixedReplyVersion, Keyword, Signpost
from tests.support.flows import SMALL
from tests.support.pages import home_of, menu_link
from tests.support.sms import replies_of
from tests.support.surveys import EVERY_KIND

TIPS = "Keep your accounts private, and tell someone you trust if anything worries you."


@pytest.fixture
def author(make_staff):
    return make_staff(Role.CHANGEMAKER, email="author@example.org")


@pytest.fixture
def reviewer(make_staff):
    return make_staff(Role.REVIEWER, email="reviewer@example.org")


def published(author, reviewer, keyword: str = "TIPS", reply: str = TIPS) -> FixedReplyVersion:
    draft = fixed_replies.create(keyword, reply, author)
    fixed_replies.submit(draft, author)
    fixed_replies.approve(draft, reviewer)
    return draft


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "fixed_reply")
            .order_by(AuditEvent.id)
        )
    )


def test_a_reviewer_publishes_it_and_nobody_approves_their_own(author, reviewer, send_sms):
    draft = fixed_replies.create(" tips ", TIPS, author)
    assert (draft.status, draft.content) == (
        ContentStatus.DRAFT,
        {"keyword": "TIPS", "reply": TIPS},
    )
    assert db.session.get(Keyword, "TIPS") is None  # a draft answers nothing
    assert replies_of(send_sms("TIPS")) == [texts.default_reply([])]

    fixed_replies.submit(draft, author)
    with pytest.raises(LifecycleError, match="Someone else"):
        fixed_replies.approve(draft, author)
    fixed_replies.return_for_changes(draft, reviewer, "Add Childline, please")
    assert (draft.status, draft.review_comment) == (ContentStatus.DRAFT, "Add Childline, please")
    fixed_replies.save(draft, "TIPS", TIPS + " {childline}", author)
    fixed_replies.submit(draft, author)
    fixed_replies.approve(draft, reviewer)

    assert draft.status is ContentStatus.PUBLISHED
    keyword = db.session.get_one(Keyword, "TIPS")
    assert (keyword.kind, keyword.ref) == ("reply", str(draft.fixed_reply_id))
    assert replies_of(send_sms("Tips!")) == [TIPS + " Childline on 0800 1111"]
    assert audit_actions() == [
        "fixed_reply.create",
        "fixed_reply.submit",
        "fixed_reply.return",
        "fixed_reply.edit",
        "fixed_reply.submit",
        "fixed_reply.approve",
    ]


def test_a_reviewer_who_changed_the_draft_cannot_approve_it(author, reviewer):
    draft = fixed_replies.create("TIPS", TIPS, author)
    fixed_replies.save(draft, "TIPS", TIPS + " Be kind.", reviewer)
    fixed_replies.submit(draft, author)
    with pytest.raises(LifecycleError, match="Someone else"):
        fixed_replies.approve(draft, reviewer)
    assert draft.status is ContentStatus.IN_REVIEW


def test_a_newer_published_version_replaces_the_live_one(author, reviewer, send_sms):
    first = published(author, reviewer)
    draft = fixed_replies.new_draft(db.session.get_one(FixedReply, first.fixed_reply_id), author)
    assert (draft.number, draft.content) == (2, first.content)
    assert replies_of(send_sms("TIPS")) == [TIPS]  # the draft changes nothing yet

    fixed_replies.save(draft, "SAFE", "Think before you share a photo.", author)
    fixed_replies.submit(draft, author)
    assert replies_of(send_sms("TIPS")) == [TIPS]  # nor does the review
    fixed_replies.approve(draft, reviewer)

    assert (first.status, draft.status) == (ContentStatus.ARCHIVED, ContentStatus.PUBLISHED)
    assert replies_of(send_sms("SAFE")) == ["Think before you share a photo."]
    assert db.session.get(Keyword, "TIPS") is None  # the old keyword is free again
    assert db.session.get_one(FixedReply, first.fixed_reply_id).keyword == "SAFE"


def test_archiving_unbinds_the_keyword(author, reviewer, send_sms):
    live = published(author, reviewer)
    with pytest.raises(LifecycleError):
        fixed_replies.archive(fixed_replies.create("OTHER", "Hi", author), reviewer)
    fixed_replies.archive(live, reviewer)
    assert live.status is ContentStatus.ARCHIVED
    assert db.session.get(Keyword, "TIPS") is None
    assert replies_of(send_sms("TIPS")) == [texts.default_reply([])]
    assert audit_actions()[-1] == "fixed_reply.archive"


@pytest.mark.parametrize(
    ("keyword", "problem"),
    [
        ("", "Choose a keyword"),
        ("TIP S", "a keyword is letters (A to Z) and numbers only"),
        ("tips!", "a keyword is letters (A to Z) and numbers only"),
        ("A" * 33, "keep the keyword to 32"),
        ("stop", "STOP is kept for the service itself"),
        ("Help", "HELP is kept for the service itself"),
        ("SMALL", "The keyword SMALL already starts a message flow"),
        ("KINDS", "The keyword KINDS already starts a survey"),
        ("HELLO", "There is already a fixed reply for HELLO"),
        ("BYE", "There is already a fixed reply for BYE"),
    ],
)
def test_a_keyword_that_is_not_free_is_refused(db_session, author, keyword, problem):
    from surveys import services as surveys

    flows.load_published(SMALL)
    surveys.load_published(EVERY_KIND)
    fixed_replies.load_published("HELLO", "Hi")
    fixed_replies.create("BYE", "Bye", author)  # a draft, not live yet, keeps its keyword too
    with pytest.raises(ContentProblems, match=re.escape(problem)):
        fixed_replies.create(keyword, "A reply", author)
    kept = db.session.scalars(select(FixedReplyVersion.content)).all()
    assert [content["keyword"] for content in kept] == ["HELLO", "BYE"]


def test_a_keyword_taken_meanwhile_stops_the_review(author):
    draft = fixed_replies.create("SMALL", "A reply", author)
    flows.load_published(SMALL)
    with pytest.raises(LifecycleError, match="SMALL already starts a message flow"):
        fixed_replies.submit(draft, author)
    assert draft.status is ContentStatus.DRAFT
    fixed_replies.save(draft, "small2", "A reply", author)
    fixed_replies.submit(draft, author)
    assert draft.status is ContentStatus.IN_REVIEW


def test_a_change_to_a_taken_keyword_is_refused(author):
    flows.load_published(SMALL)
    draft = fixed_replies.create("TIPS", TIPS, author)
    with pytest.raises(ContentProblems, match="already starts a message flow"):
        fixed_replies.save(draft, "small", TIPS, author)
    assert draft.content["keyword"] == "TIPS"


def test_the_reply_must_be_there_and_fit_in_three_texts(author):
    at_most = "x" * 459  # 3 texts of 153
    draft = fixed_replies.create("LONG", at_most, author)
    assert fixed_replies.problems_of(draft.content, draft.fixed_reply_id) == []

    too_long = fixed_replies.reply_problems(at_most + "x")
    assert too_long == [
        "Please shorten the reply so it fits in 3 texts: as young people would read it, it has "
        "460 characters and needs 4 texts; 3 texts hold 459 characters."
    ]
    curly = fixed_replies.reply_problems("That’s " + "x" * 200)
    assert "3 texts hold 201 characters when it has a character such as “’” in it" in curly[0]
    empty = fixed_replies.reply_problems("  ")
    assert empty == ["Please write the reply young people get when they text the keyword."]

    fixed_replies.save(draft, "LONG", at_most + "x", author)  # a draft may be too long
    with pytest.raises(LifecycleError, match="Please shorten the reply"):
        fixed_replies.submit(draft, author)
    assert draft.status is ContentStatus.DRAFT


def test_the_length_counts_the_reply_as_young_people_read_it(db_session):
    # {childline} is 11 characters typed, 22 as read ("Childline on 0800 1111").
    reply = "x" * 440 + "{childline}"
    assert len(reply) <= 459
    found = fixed_replies.reply_problems(reply)
    assert "it has 462 characters and needs 4 texts" in found[0]
    unknown = fixed_replies.reply_problems("Call {nobody}.")
    assert unknown == ["The reply names {nobody}, which is not in the signposting directory."]


def test_a_reply_naming_an_overdue_helpline_waits_for_its_check(author, reviewer):
    db.session.get_one(Signpost, "childline").review_by = directory.today() - timedelta(days=1)
    db.session.commit()
    draft = fixed_replies.create("TALK", "Talk to {childline}.", author)
    fixed_replies.submit(draft, author)  # it may go for review
    with pytest.raises(LifecycleError, match="past its review date"):
        fixed_replies.approve(draft, reviewer)
    assert db.session.get(Keyword, "TALK") is None


def test_the_demo_publishes_hello_and_tips_once(db_session, send_sms):
    load_demo_content()
    load_demo_content()  # again, as each start of the demo does: nothing changes
    for keyword, reply in DEMO_FIXED_REPLIES.items():
        [version] = db.session.scalars(
            select(FixedReplyVersion).join(FixedReply).where(FixedReply.keyword == keyword)
        ).all()
        assert (version.status, version.author_id) == (ContentStatus.PUBLISHED, None)
        assert replies_of(send_sms(keyword.lower())) == [reply]


def test_a_fixed_reply_in_review_waits_for_a_reviewer_and_a_returned_one_for_its_author(
    app, make_staff
):
    author = make_staff(Role.CHANGEMAKER, email="author@example.org")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    draft = fixed_replies.create("exams", "Exams soon? Text STRESS for tips.", author)
    fixed_replies.submit(draft, author)

    home = home_of(app, reviewer)
    assert "1 fixed reply(s) waiting for your review" in home
    assert f'<a href="/fixed-replies/{draft.fixed_reply_id}/v1">EXAMS, version 1</a>' in home
    assert menu_link(home, "Fixed replies") == "Fixed replies (1 to review)"

    fixed_replies.return_for_changes(draft, reviewer, "Say when the exams are")
    returned = home_of(app, author)
    assert "1 fixed reply(s) returned to you with a reviewer's comment" in returned
    assert menu_link(returned, "Fixed replies") == "Fixed replies (1 returned)"
