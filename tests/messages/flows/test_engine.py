"""The flow engine as plain functions: every step kind, with no Flask and no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from messages import texts
from messages.conversations import HandOver
from messages.flows import engine
from messages.flows.definition import from_data

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DIRECTORY = {"childline": "Childline on 0800 1111"}

FLOW_DATA = {
    "name": "Test",
    "keyword": "TEST",
    "start": "hello",
    "steps": {
        "hello": {"kind": "message", "text": "Hello.", "next": "choose"},
        "choose": {
            "kind": "question",
            "text": "Reply 1 for tips, 2 to tell us, 3 for more.",
            "options": [
                {"label": "Tips", "replies": ["tips", "advice"], "next": "tips"},
                {"label": "Tell us", "replies": ["tell"], "next": "story"},
                {"label": "More", "next": "later"},
            ],
            "hint": "Just reply 1, 2 or 3.",
            "expires_after": "1d",
        },
        "tips": {"kind": "end", "text": "Ask {childline}."},
        "story": {"kind": "free_text", "text": "Go on.", "next": "thanks"},
        "thanks": {"kind": "end", "text": "Thanks."},
        "later": {"kind": "follow_up", "after": "2d", "next": "check"},
        "check": {
            "kind": "question",
            "text": "Checking in: 1 fine, 2 not fine.",
            "options": [{"label": "Fine", "next": "tips"}, {"label": "Not", "next": "away"}],
        },
        "away": {"kind": "jump", "text": "Over to the other flow.", "flow": "knife"},
    },
}
FLOW = from_data(FLOW_DATA)


def started():
    return engine.start(FLOW, NOW, DIRECTORY)


def test_starting_sends_messages_up_to_the_first_question():
    turn = started()
    assert turn.replies == ["Hello.", "Reply 1 for tips, 2 to tell us, 3 for more."]
    assert turn.state["step"] == "choose"
    assert turn.expires_at == NOW + timedelta(days=1)
    assert turn.state["path"] == ["hello", "choose"]


@pytest.mark.parametrize("reply", ["1", " 1. ", "one", "ONE!", "tips", "Advice", "1 please"])
def test_an_option_is_chosen_by_number_word_or_label(reply):
    turn = engine.reply(FLOW, started().state, reply, NOW, DIRECTORY)
    assert turn.replies == ["Ask Childline on 0800 1111."]
    assert turn.state is None
    assert turn.end_reason == "completed"
    assert turn.record["path"] == ["hello", "choose", "tips"]


@pytest.mark.parametrize("reply", ["7", "", "   ", "🙂🙂", "x" * 1000, "maybe"])
def test_a_reply_not_understood_gets_the_hint_once_then_the_question(reply):
    first = engine.reply(FLOW, started().state, reply, NOW, DIRECTORY)
    assert first.replies == ["Just reply 1, 2 or 3."]
    second = engine.reply(FLOW, first.state, reply, NOW, DIRECTORY)
    assert second.replies == ["Reply 1 for tips, 2 to tell us, 3 for more."]
    assert second.state["step"] == "choose"


def test_free_text_is_kept_redacted_and_short():
    asked = engine.reply(FLOW, started().state, "2", NOW, DIRECTORY)
    assert asked.replies == ["Go on."]
    told = engine.reply(
        FLOW,
        asked.state,
        "call me on 07700 900123 " + "a" * 900,
        NOW,
        DIRECTORY,
        redact=lambda text: text.replace("07700 900123", "[phone]"),
    )
    assert told.replies == ["Thanks."]
    answer = told.record["answers"]["story"]
    assert answer.startswith("call me on [phone]") and len(answer) == engine.MAX_ANSWER


def test_a_follow_up_goes_later_and_the_flow_waits_for_it():
    turn = engine.reply(FLOW, started().state, "3", NOW, DIRECTORY)
    assert turn.replies == []
    [follow_up] = turn.follow_ups
    assert (follow_up.after, follow_up.text) == (
        timedelta(days=2),
        "Checking in: 1 fine, 2 not fine.",
    )
    assert turn.expires_at == NOW + timedelta(days=2 + 3)  # the default wait after it

    early = engine.reply(FLOW, turn.state, "1", NOW + timedelta(hours=1), DIRECTORY)
    assert early.replies == [texts.WAITING_FOR_FOLLOW_UP]
    assert early.state["step"] == "check"

    answered = engine.reply(FLOW, turn.state, "1", NOW + timedelta(days=2), DIRECTORY)
    assert answered.replies == ["Ask Childline on 0800 1111."]


def test_a_jump_hands_over_to_another_flow():
    waiting = engine.reply(FLOW, started().state, "3", NOW, DIRECTORY)
    turn = engine.reply(FLOW, waiting.state, "2", NOW + timedelta(days=2), DIRECTORY)
    assert turn.replies == ["Over to the other flow."]
    assert turn.state is None
    assert (turn.end_reason, turn.hand_over) == ("handed_over", HandOver(keyword="KNIFE"))


def test_a_jump_to_another_kind_hands_over_to_that_kind_with_its_reference():
    steps = {**FLOW_DATA["steps"], "away": {"kind": "jump", "text": "A survey.", "survey": "s-1"}}
    to_survey = from_data({**FLOW_DATA, "steps": steps})
    waiting = engine.reply(
        to_survey, engine.start(to_survey, NOW, DIRECTORY).state, "3", NOW, DIRECTORY
    )
    turn = engine.reply(to_survey, waiting.state, "2", NOW + timedelta(days=2), DIRECTORY)
    assert turn.hand_over == HandOver(kind="survey", ref="s-1")


def test_a_conversation_at_a_step_that_no_longer_exists_ends_quietly():
    state = {**started().state, "step": "gone"}
    turn = engine.reply(FLOW, state, "1", NOW, DIRECTORY)
    assert (turn.replies, turn.state, turn.end_reason) == ([], None, "flow_broken")


def test_a_loop_without_a_reply_is_cut_short():
    looping = from_data(
        {
            "name": "Loop",
            "keyword": "LOOP",
            "start": "a",
            "steps": {
                "a": {"kind": "message", "text": "A", "next": "b"},
                "b": {"kind": "message", "text": "B", "next": "a"},
            },
        }
    )
    turn = engine.start(looping, NOW, {})
    assert turn.replies == ["A", "B"]
    assert turn.end_reason == "flow_broken"


def test_an_unknown_signpost_is_left_as_written():
    assert engine.render("Call {nobody}", DIRECTORY) == "Call {nobody}"
