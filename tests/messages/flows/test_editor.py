"""The flow editor's pages: a Changemaker builds a flow with forms, a reviewer approves it."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.content import files
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from messages import fixed_replies, texts
from messages.models import FlowVersion
from tests.support.sms import replies_of
from tests.support.web import post_form, sign_in


def latest() -> FlowVersion:
    return db.session.scalars(select(FlowVersion).order_by(FlowVersion.id.desc())).first()


def step_form(kind: str, text: str = "", **fields: str) -> dict[str, str]:
    data = {"kind": kind, "text": text, "next": "", "hint": "", "expires_after": "", "after": ""}
    data.update({"flow": "", "to_kind": "", "to_ref": ""})
    for row in range(6):
        data.update(
            {f"options-{row}-label": "", f"options-{row}-replies": "", f"options-{row}-next": ""}
        )
    data.update(fields)
    return data


@pytest.fixture
def changemaker(client, make_staff):
    user = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    sign_in(client, user.email)
    return user


def build_small_flow(client) -> str:
    """Create a flow and make its first step a question with two options."""
    response = post_form(client, "/flows", {"name": "Exams", "keyword": "exams"}, page="/flows")
    assert response.status_code == 302
    base = response.headers["Location"]
    post_form(
        client,
        f"{base}/steps/welcome",
        step_form(
            "question",
            "Hi, it's Changemakers. Reply 1 for revision tips or 2 for someone to talk to.",
            hint="Just reply 1 or 2.",
            **{
                "options-0-label": "Revision tips",
                "options-0-replies": "tips, revision",
                "options-0-next": "goodbye",
                "options-1-label": "Someone to talk to",
                "options-1-next": "goodbye",
            },
        ),
        page=base,
    )
    post_form(
        client,
        f"{base}/examples",
        {"name": "Tips", "texts": "EXAMS\ntips", "expect": "revision tips\nThanks for texting"},
        page=base,
    )
    return base


def test_a_changemaker_builds_a_flow_with_forms(client, changemaker):
    base = build_small_flow(client)
    version = latest()
    step = version.content["steps"]["welcome"]
    assert step["kind"] == "question"
    assert [o["label"] for o in step["options"]] == ["Revision tips", "Someone to talk to"]
    assert step["options"][0]["replies"] == ["tips", "revision"]
    assert version.contributor_ids == [changemaker.id]
    page = client.get(base).get_data(as_text=True)
    assert "Tips: passes" in page
    assert "77 characters: 1 text (GSM-7)" in page


def test_a_smart_quote_is_named_as_the_reason_for_ucs2(client, changemaker):
    base = build_small_flow(client)
    post_form(client, f"{base}/steps/goodbye", step_form("end", "That’s all"), page=base)
    assert "because of “’”" in client.get(base).get_data(as_text=True)


def test_problems_are_shown_and_stop_the_review(client, changemaker):
    base = build_small_flow(client)
    post_form(client, f"{base}/steps", {"text": "Lost step", "kind": "message"}, page=base)
    page = client.get(base).get_data(as_text=True)
    assert "Step “Lost step” can never be reached" in page
    response = post_form(client, f"{base}/submit", page=base)
    assert response.status_code == 302
    assert latest().status is ContentStatus.DRAFT


def test_submit_then_a_reviewer_approves_and_it_answers_sms(
    client, changemaker, make_staff, send_sms
):
    base = build_small_flow(client)
    post_form(client, f"{base}/submit", page=base)
    assert latest().status is ContentStatus.IN_REVIEW
    page = client.get(base).get_data(as_text=True)
    assert "Approve and publish" not in page  # a changemaker cannot
    assert post_form(client, f"{base}/approve", page=base).status_code == 403

    post_form(client, "/logout")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    sign_in(client, reviewer.email)
    page = client.get(base).get_data(as_text=True)
    assert "This is the first version" in page
    post_form(client, f"{base}/approve", page=base)
    assert latest().status is ContentStatus.PUBLISHED

    assert replies_of(send_sms("EXAMS"))[0].startswith("Hi, it's Changemakers. Reply 1")
    assert replies_of(send_sms("revision")) == ["Thanks for texting. Text HELP any time."]


def test_a_reviewer_returns_it_with_a_comment(client, changemaker, make_staff):
    base = build_small_flow(client)
    post_form(client, f"{base}/submit", page=base)
    post_form(client, "/logout")
    sign_in(client, make_staff(Role.REVIEWER, email="reviewer@example.org").email)
    post_form(client, f"{base}/return", {"comment": "Add Childline, please"}, page=base)
    version = latest()
    assert (version.status, version.review_comment) == (
        ContentStatus.DRAFT,
        "Add Childline, please",
    )


def test_try_it_runs_the_draft_without_storing_anything(client, changemaker):
    base = build_small_flow(client)
    post_form(client, f"{base}/try", {"body": "EXAMS"}, page=f"{base}/try")
    post_form(client, f"{base}/try", {"body": "2"}, page=f"{base}/try")
    page = client.get(f"{base}/try").get_data(as_text=True)
    assert "Reply 1 for revision tips" in page
    assert "Thanks for texting" in page
    from messages.models import Conversation, InboundMessage

    assert db.session.scalars(select(InboundMessage)).all() == []
    assert db.session.scalars(select(Conversation)).all() == []


def test_export_and_import_through_the_pages(client, changemaker):
    base = build_small_flow(client)
    exported = client.get(f"{base}/flow.yaml")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="exams-v1.yaml"'
    data = files.load(exported.get_data(as_text=True))
    data["name"] = "Exams again"
    token_page = client.get("/flows").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', token_page).group(1)
    response = client.post(
        "/flows/import",
        data={"csrf_token": token, "file": (io.BytesIO(files.dump(data).encode()), "exams.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert latest().content["name"] == "Exams again"
    assert latest().number == 2


def test_a_broken_import_lists_every_problem(client, changemaker):
    token_page = client.get("/flows").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', token_page).group(1)
    broken = "name: x\nkeyword: STOP\nstart: a\nsteps:\n  a: {kind: message, text: '', next: b}\n"
    response = client.post(
        "/flows/import",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kept for the service" in page
    assert "has no message" in page
    assert "there is no step of that name" in page
    assert db.session.scalars(select(FlowVersion)).all() == []


def test_board_members_cannot_edit_flows(client, signed_in):
    signed_in(Role.BOARD)
    assert client.get("/flows").status_code == 403


def field_groups(page: str) -> dict[str, bool]:
    """Which groups of the step form show (True) or are hidden (False), by the field they hold."""
    found = {}
    for hidden, body in re.findall(
        r'<div data-for-kinds="[^"]*"( hidden)?>(.*?)</div>\s*(?=<div data-for-kinds|<button)',
        page,
        re.S,
    ):
        name = re.search(r'(?:name|id)="([a-z_]+)(?:-0-label)?"', body).group(1)
        found[name] = not hidden
    return found


def test_a_step_shows_only_the_fields_its_kind_uses(client, changemaker):
    base = build_small_flow(client)
    shown = field_groups(client.get(f"{base}/steps/goodbye").get_data(as_text=True))
    assert [name for name, visible in shown.items() if visible] == ["text"]
    assert {"next", "options", "hint", "after", "flow"} <= set(shown)  # there for app.js

    shown = field_groups(client.get(f"{base}/steps/welcome").get_data(as_text=True))
    assert {name for name, visible in shown.items() if visible} == {
        "text",
        "options",
        "hint",
        "expires_after",
    }


def test_without_javascript_the_fields_of_a_new_kind_show_before_or_after_saving(
    client, changemaker
):
    base = build_small_flow(client)
    before = latest().content
    page = post_form(
        client,
        f"{base}/steps/goodbye",
        step_form("follow_up", "Bye", show_fields="1"),
        page=f"{base}/steps/goodbye",
    ).get_data(as_text=True)
    assert {n for n, visible in field_groups(page).items() if visible} == {"after", "next"}
    assert latest().content == before  # only shown, not saved

    response = post_form(
        client,
        f"{base}/steps/goodbye",
        step_form("free_text", "Tell us more", next="welcome"),
        page=f"{base}/steps/goodbye",
    )
    assert response.headers["Location"].endswith("/steps/goodbye")  # back to the step
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the step “Tell us more”. Now fill in what this kind of step needs." in page
    assert {n for n, visible in field_groups(page).items() if visible} == {
        "text",
        "next",
        "expires_after",
    }


def test_an_option_and_the_new_step_it_leads_to_are_added_in_one_go(client, changemaker):
    base = build_small_flow(client)
    response = post_form(
        client,
        f"{base}/steps/welcome/options",
        {
            "new_option-label": "Ideas",
            "new_option-replies": "idea, help me",
            "new_option-text": "Here are three ideas that help.",
            "new_option-kind": "end",
        },
        page=f"{base}/steps/welcome",
    )
    steps = latest().content["steps"]
    assert steps["welcome"]["options"][-1] == {
        "label": "Ideas",
        "replies": ["idea", "help me"],
        "next": "here_are_three_ideas_tha",
    }
    assert steps["here_are_three_ideas_tha"] == {
        "kind": "end",
        "text": "Here are three ideas that help.",
    }
    assert response.headers["Location"].endswith("/steps/here_are_three_ideas_tha")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The option “Ideas” now leads to this new step" in page
    assert "Step: Here are three ideas that help." in page


def test_steps_are_called_by_their_first_words_with_the_id_as_a_detail(client, changemaker):
    base = build_small_flow(client)
    page = client.get(base).get_data(as_text=True)
    assert "Hi, it&#39;s Changemakers. Reply 1 for revision tips…" in page
    assert "short name welcome" in page
    assert "→ Thanks for texting. Text HELP any time." in page
    step_page = client.get(f"{base}/steps/welcome").get_data(as_text=True)
    assert '<option value="goodbye">Thanks for texting. Text HELP any time.</option>' in step_page


def test_placeholders_are_previewed_and_counted_as_the_phone_gets_them(client, changemaker):
    base = build_small_flow(client)
    post_form(
        client,
        f"{base}/steps/goodbye",
        step_form("end", "If you need help now, text {shout}."),
        page=base,
    )
    page = client.get(base).get_data(as_text=True)
    # Counted as it is sent, with the directory's words in.
    assert "If you need help now, text text SHOUT to 85258." in page
    assert "47 characters: 1 text (GSM-7)" in page
    assert "reads “text text SHOUT to 85258” on the phone" in page
    step_page = client.get(f"{base}/steps/goodbye").get_data(as_text=True)
    assert re.search(
        r"data-read-as[^>]*>If you need help now, text text SHOUT to 85258.<", step_page
    )


def test_an_option_word_that_is_a_fixed_replys_keyword_is_named_with_what_happens(
    client, changemaker
):
    fixed_replies.load_published("TIPS", "Staying safe online: keep your accounts private.")
    base = build_small_flow(client)
    page = client.get(base).get_data(as_text=True)
    assert (
        "the option word &#39;tips&#39; is also the keyword TIPS, so a young person texting it "
        "mid-flow gets the TIPS reply (“Staying safe online: keep your accounts private.”) "
        "instead of choosing the option."
    ) in page
    post_form(client, f"{base}/submit", page=base)
    assert latest().status is ContentStatus.DRAFT


def tried_replies(client, base: str, texts: list[str]) -> list[list[str]]:
    """What Try it shows after each text: the replies now (not notes or later messages)."""
    client.get(f"{base}/try?restart=1")
    answers = []
    for body in texts:
        post_form(client, f"{base}/try", {"body": body}, page=f"{base}/try")
        page = client.get(f"{base}/try").get_data(as_text=True)
        bubbles = re.findall(
            r'<li class="bubble bubble--(sent|received)"[^>]*>'
            r"(?:<span[^>]*>[^<]*</span>)?(.*?)</li>",
            page,
            re.S,
        )
        last_sent = max(i for i, (kind, _) in enumerate(bubbles) if kind == "sent")
        answers.append([html.unescape(text.strip()) for _, text in bubbles[last_sent + 1 :]])
    return answers


def test_try_it_answers_every_text_as_the_live_service_does(
    client, changemaker, make_staff, send_sms
):
    base = build_small_flow(client)
    post_form(client, f"{base}/submit", page=base)
    post_form(client, "/logout")
    sign_in(client, make_staff(Role.REVIEWER, email="reviewer@example.org").email)
    post_form(client, f"{base}/approve", page=base)
    assert latest().status is ContentStatus.PUBLISHED
    # A fixed reply added after the flow went live takes one of its option words.
    fixed_replies.load_published("TIPS", "Staying safe online: keep your accounts private.")

    texts = ["hello", "EXAMS", "tips", "I want to kill myself", "revision", "STOP", "EXAMS"]
    texts += ["START", "EXAMS", "HELP", "1"]
    tried = tried_replies(client, base, texts)
    live = [replies_of(send_sms(body)) for body in texts]
    assert tried == live
    assert tried[2] == ["Staying safe online: keep your accounts private."]  # not the option
    assert tried[4] == ["Thanks for texting. Text HELP any time."]  # the flow still waited
    page = client.get(f"{base}/try").get_data(as_text=True)
    assert "none is raised when you try a flow" in page


def test_try_it_stores_nothing_even_for_a_safeguarding_text_or_stop(client, changemaker):
    from changemakers.alerts.models import Alert
    from messages.models import Contact, Conversation, InboundMessage

    base = build_small_flow(client)
    answers = tried_replies(client, base, ["EXAMS", "I want to kill myself", "STOP", "EXAMS"])
    assert answers[1][0].startswith("What you told us matters.")
    assert answers[3] == [texts.STILL_OPTED_OUT]
    for model in (InboundMessage, Conversation, Contact, Alert):
        assert db.session.scalars(select(model)).all() == []
