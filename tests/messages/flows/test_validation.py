"""Validation: every problem, in words a Changemaker understands."""

from __future__ import annotations

import pytest

from changemakers.content.editing import ContentProblems
from messages.flows.definition import from_data, to_data
from messages.flows.validation import problems
from messages.signposting import repeated_words


def flow(steps, **fields):
    return from_data({"name": "Test", "keyword": "TEST", "start": "a", "steps": steps, **fields})


GOOD = {
    "a": {
        "kind": "question",
        "text": "1 or 2? {childline}",
        "options": [{"label": "One", "next": "b"}, {"label": "Two", "next": "b"}],
    },
    "b": {"kind": "end", "text": "Bye"},
}


def test_a_good_flow_has_no_problems():
    assert problems(flow(GOOD), signpost_names={"childline"}) == []


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ({**GOOD, "c": {"kind": "end", "text": "never"}}, "Step “never” can never be reached"),
        (
            {**GOOD, "b": {"kind": "message", "text": "x", "next": "nowhere"}},
            "Step “x” goes to 'nowhere', but there is no step of that name.",
        ),
        ({**GOOD, "b": {"kind": "message", "text": " ", "next": "a"}}, "Step “B” has no message."),
        (
            {
                "a": {"kind": "message", "text": "x", "next": "b"},
                "b": {"kind": "message", "text": "y", "next": "a"},
            },
            "go round in a loop without waiting for a reply",
        ),
        (
            {**GOOD, "b": {"kind": "follow_up", "next": "a"}},
            "Step “B” needs to say how long to wait",
        ),
        ({**GOOD, "b": {"kind": "jump"}}, "must jump to one flow (its keyword) or one survey"),
        ({**GOOD, "b": {"kind": "jump", "flow": "test"}}, "jumps to this same flow"),
        (
            {**GOOD, "b": {"kind": "end", "text": "Call {nobody}"}},
            "names {nobody}, which is not in the signposting directory",
        ),
    ],
)
def test_each_problem_is_named(steps, expected):
    found = problems(flow(steps), signpost_names={"childline"})
    assert any(expected in problem for problem in found), found


def test_a_keyword_taken_or_reserved_is_refused():
    assert "already used" in problems(flow(GOOD), {"TEST"}, {"childline"})[0]
    reserved = from_data({**to_data(flow(GOOD)), "keyword": "stop"})
    assert "kept for the service" in problems(reserved, (), {"childline"})[0]


def test_a_question_needs_two_options():
    steps = {**GOOD, "a": {**GOOD["a"], "options": [{"label": "Only", "next": "b"}]}}
    assert "fewer than two options" in problems(flow(steps), signpost_names={"childline"})[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("just text", "a flow file must be a set of named fields"),
        ({"steps": {}}, "the flow needs a name"),
        (
            {"name": "x", "keyword": "X", "start": "a", "steps": {"a": {"kind": "dance"}}},
            "kind must be one of",
        ),
        (
            {
                "name": "x",
                "keyword": "X",
                "start": "a",
                "steps": {"a": {"kind": "follow_up", "after": "soon", "next": "a"}},
            },
            "'soon' is not a length of time",
        ),
    ],
)
def test_data_that_is_not_a_flow_is_refused_with_every_reason(data, expected):
    with pytest.raises(ContentProblems) as refused:
        from_data(data)
    assert any(expected in problem for problem in refused.value.problems)


def test_a_flow_survives_a_round_trip_through_plain_data():
    original = flow(GOOD, examples=[{"name": "One", "texts": ["TEST", "1"], "expect": ["Bye"]}])
    assert from_data(to_data(original)) == original


def test_a_jump_to_another_kind_of_conversation_is_checked_through_that_kind():
    steps = {**GOOD, "b": {"kind": "jump", "text": "Over to the survey.", "survey": "our-area"}}
    asked = []

    def exists(kind, ref):
        asked.append((kind, ref))
        return ref == "our-area"

    assert problems(flow(steps), (), {"childline"}, exists) == []
    assert asked == [("survey", "our-area")]
    gone = {**steps, "b": {**steps["b"], "survey": "closed-one"}}
    assert problems(flow(gone), (), {"childline"}, exists) == [
        "Step “Over to the survey.” jumps to a survey that does not exist: closed-one."
    ]


def test_a_jump_keeps_its_target_in_the_file_and_refuses_two():
    steps = {**GOOD, "b": {"kind": "jump", "text": "Over.", "survey": "our-area"}}
    assert to_data(flow(steps))["steps"]["b"] == {
        "kind": "jump",
        "text": "Over.",
        "survey": "our-area",
    }
    with pytest.raises(ContentProblems, match="jumps to more than one place"):
        flow({**GOOD, "b": {"kind": "jump", "survey": "our-area", "poll": "x"}})


def with_options(*options):
    return flow({**GOOD, "a": {**GOOD["a"], "options": list(options)}})


def test_an_option_word_that_is_also_a_keyword_names_what_the_router_does_instead():
    clashing = with_options(
        {"label": "Tips", "replies": ["tips", "ideas"], "next": "b"},
        {"label": "Two", "next": "b"},
    )
    effects = {"TIPS": "gets the TIPS reply (“Staying safe online…”)"}
    found = problems(clashing, (), {"childline"}, keyword_effects=effects)
    assert found == [
        "Step “1 or 2? {childline}”: the option word 'Tips' is also the keyword TIPS, so a young "
        "person texting it mid-flow gets the TIPS reply (“Staying safe online…”) instead of "
        "choosing the option. Use other words."
    ]
    # Without such a keyword the same flow is fine.
    assert problems(clashing, (), {"childline"}) == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (
            "Stop!",
            "is also a word the service keeps for itself (STOP), so a young person texting "
            "it mid-flow is opted out of every text from us",
        ),
        ("opt-out", "(OPTOUT), so a young person texting it mid-flow is opted out"),
        ("help", "(HELP), so a young person texting it mid-flow gets the HELP reply"),
        ("delete", "has everything we hold about them deleted"),
        (
            "test",
            "this flow's keyword TEST, so a young person texting it mid-flow starts this "
            "flow again from the beginning",
        ),
    ],
)
def test_an_option_word_the_router_reserves_is_refused(word, expected):
    found = problems(
        with_options(
            {"label": "One", "replies": [word], "next": "b"}, {"label": "Two", "next": "b"}
        ),
        (),
        {"childline"},
    )
    assert len(found) == 1 and expected in found[0], found


def test_a_placeholder_that_repeats_the_word_before_it_is_named_as_the_phone_shows_it():
    steps = {**GOOD, "b": {"kind": "end", "text": "If you need help now, text {shout}."}}
    directory = {"childline": "Childline on 0800 1111", "shout": "text SHOUT to 85258"}
    found = problems(flow(steps), (), set(directory), signpost_texts=directory)
    assert found == [
        "Step “If you need help now, text text SHOUT…” reads “text text SHOUT to 85258” on "
        "the phone: the directory's words for {shout} already say “text”, so take out the "
        "“text” written beside it."
    ]
    fixed = {**GOOD, "b": {"kind": "end", "text": "If you need help now, {shout}."}}
    assert problems(flow(fixed), (), set(directory), signpost_texts=directory) == []


def test_a_repeated_word_is_found_on_either_side_of_a_placeholder_and_nowhere_else():
    directory = {"shout": "text SHOUT to 85258", "childline": "Childline on 0800 1111"}
    assert repeated_words("Or Text {shout}", directory) == [
        ("shout", "Text", "Text text SHOUT to 85258")
    ]
    assert repeated_words("Call {childline} 1111 today", directory) == [
        ("childline", "1111", "Childline on 0800 1111 1111")
    ]
    assert repeated_words("You can {shout}. Or {childline}, free.", directory) == []
    assert repeated_words("text {unknown}", directory) == []
