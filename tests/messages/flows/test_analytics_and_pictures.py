"""Flow analytics, the picture of a flow, and what changed between versions: plain functions."""

from __future__ import annotations

import pytest

from changemakers.content.editing import EditError, new_id
from messages.flows.analytics import summarise
from messages.flows.changes import changes
from messages.flows.definition import from_data
from messages.flows.editing import add_option_to_new_step, add_step, delete_step, starter
from messages.flows.picture import LINE_CHARACTERS, draw
from messages.flows.titles import step_titles


def test_analytics_count_each_version_and_each_step_once_a_conversation():
    rows = [
        ({"version": 1, "path": ["a", "b", "a", "b"]}, "completed", True, 5),
        ({"version": 1, "path": ["a"]}, "expired", True, 7),
        ({"version": 1, "path": ["a"]}, "opted_out", True, 11),
        ({"version": 2, "path": ["a", "c"]}, None, False, 13),
        ({"version": 9, "path": ["a"]}, "completed", True, 17),  # a version of another flow
    ]
    newest, oldest = summarise(rows, {1: 1, 2: 2})
    assert (newest.version, newest.started, newest.in_progress) == (2, 1, 1)
    assert (oldest.started, oldest.completed, oldest.expired, oldest.opted_out) == (3, 1, 1, 1)
    assert oldest.reached == {"a": 3, "b": 1}
    # The sums of the record keys behind each figure, for the disclosure gate.
    assert oldest.keys == {"started": 23, "completed": 5, "expired": 7, "opted_out": 11}
    assert oldest.step_keys == {"a": 23, "b": 5}


def test_the_picture_puts_each_step_below_the_one_before():
    flow = from_data(starter("Test", "TEST"))
    picture = draw(flow)
    boxes = {box.step: box for box in picture.boxes}
    assert boxes["goodbye"].y == boxes["welcome"].y + boxes["welcome"].height + 56
    [arrow] = picture.arrows
    assert (arrow.source, arrow.target, arrow.y1, arrow.y2) == (
        "welcome",
        "goodbye",
        boxes["welcome"].y + boxes["welcome"].height,
        boxes["goodbye"].y,
    )


def test_the_picture_shows_each_steps_whole_title_on_as_many_lines_as_it_needs():
    data = starter("Test", "TEST")
    data["steps"]["welcome"]["text"] = (
        "What would help most right now? Reply 1 for ideas, 2 for someone to talk to."
    )
    data["steps"]["goodbye"]["text"] = "Supercalifragilisticexpialidocious-and-then-some bye"
    picture = draw(from_data(data))
    boxes = {box.step: box for box in picture.boxes}
    assert " ".join(boxes["welcome"].lines) == "What would help most right now? Reply 1…"
    assert len(boxes["welcome"].lines) > 1
    assert all(len(line) <= LINE_CHARACTERS for box in boxes.values() for line in box.lines)
    assert "".join(boxes["goodbye"].lines).replace(" ", "") == (
        "Supercalifragilisticexpialidocious-and-then-somebye"
    )
    # A box with more lines is taller, and everything fits inside the picture.
    assert boxes["welcome"].height > draw(from_data(starter("T", "T"))).boxes[0].height
    assert all(b.y + b.height <= picture.height for b in boxes.values())


def test_changes_name_what_a_reviewer_should_look_at():
    before = starter("Test", "TEST")
    after, step = add_step(before, "Signs to look out for", "message")
    after["steps"]["welcome"]["text"] = "Hello!"
    after["keyword"] = "TESTS"
    found = changes(before, after)
    assert "The keyword changed from 'TEST' to 'TESTS'." in found
    assert "Step 'welcome': the message changed." in found
    assert f"Step {step!r} is new." in found
    assert changes(None, after) == ["This is the first version: everything is new."]
    assert changes(before, before) == ["Nothing changed."]


def test_new_steps_get_readable_unique_names():
    assert new_id("Signs to look out for!", set()) == "signs_to_look_out_for"
    assert new_id("Signs", {"signs"}) == "signs_2"
    assert new_id("2nd try", set()) == "step_2nd_try"
    assert new_id("🙂", set()) == "step"


def test_the_first_step_cannot_be_deleted():
    with pytest.raises(EditError, match="starts at this step"):
        delete_step(starter("Test", "TEST"), "welcome")


def test_editing_never_changes_what_it_was_given():
    original = starter("Test", "TEST")
    add_step(original, "More", "message")
    assert set(original["steps"]) == {"welcome", "goodbye"}


def test_steps_are_titled_by_their_first_words_and_two_alike_by_their_ids_too():
    data = starter("Test", "TEST")
    data["steps"]["welcome"]["text"] = "Talk to {childline} whenever you like, day or night."
    data["steps"]["wait"] = {"kind": "follow_up", "after": "2d", "next": "goodbye"}
    data["steps"]["same"] = {"kind": "end", "text": "Thanks for texting. Text HELP any time."}
    titles = step_titles(from_data(data), {"childline": "Childline on 0800 1111"})
    assert titles == {
        "welcome": "Talk to Childline on 0800 1111 whenever you…",
        "goodbye": "Thanks for texting. Text HELP any time. (goodbye)",
        "wait": "Wait 2d",
        "same": "Thanks for texting. Text HELP any time. (same)",
    }


def test_an_option_and_its_new_step_are_added_together():
    data = starter("Test", "TEST")
    data["steps"]["welcome"]["kind"] = "question"
    changed, step_id = add_option_to_new_step(
        data, "welcome", " Ideas ", ["idea", ""], "Here are   some ideas.", "message"
    )
    assert step_id == "here_are_some_ideas"
    assert changed["steps"][step_id] == {"kind": "message", "text": "Here are some ideas."}
    assert changed["steps"]["welcome"]["options"] == [
        {"label": "Ideas", "replies": ["idea"], "next": "here_are_some_ideas"}
    ]
    assert "options" not in data["steps"]["welcome"]  # the data given is left as it was
    with pytest.raises(EditError, match="Only a question has options"):
        add_option_to_new_step(starter("T", "T"), "welcome", "Ideas", [], "Here", "message")
    full = {**changed}
    for number in range(5):
        full, _ = add_option_to_new_step(full, "welcome", f"O{number}", [], f"S{number}", "end")
    with pytest.raises(EditError, match="up to 6 options"):
        add_option_to_new_step(full, "welcome", "One more", [], "More", "end")
