"""Flow analytics for the board: hand-worked figures, suppressed before they leave the module,
and the board's page over conversations stored as the SMS channel keeps them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from changemakers.accounts.models import Role
from changemakers.database import utcnow
from changemakers.extensions import db
from messages.flows.analytics import VersionFigures
from messages.flows.definition import from_data
from messages.models import Conversation
from surveys.flow_findings import steps_in_order, version_findings
from tests.messages.conftest import a_contact
from tests.messages.flows import SMALL

MENU = {
    "name": "Menu",
    "keyword": "MENU",
    "start": "menu",
    "steps": {
        "menu": {
            "kind": "question",
            "text": "Reply 1 for a tip, 2 to stop.",
            "options": [{"label": "Tip", "next": "tip"}, {"label": "Stop", "next": "bye"}],
        },
        "tip": {"kind": "message", "text": "A tip.", "next": "menu"},
        "bye": {"kind": "end", "text": "Bye."},
    },
}
FLOW = from_data(SMALL)


def figures(**counts: int) -> VersionFigures:
    reached = {k: v for k, v in counts.items() if k in FLOW.steps}
    ending = {k: v for k, v in counts.items() if k not in FLOW.steps}
    return VersionFigures(1, reached=Counter(reached), **ending)


def endings(found: dict) -> dict:
    return {e["key"]: (e["count"], e["percent"]) for e in found["endings"]}


def reached(found: dict) -> dict:
    return {s["id"]: s["reached"] for s in found["steps"]}


def test_small_endings_are_hidden_together_and_cannot_be_worked_out():
    found = version_findings(
        figures(
            started=40, completed=33, expired=5, opted_out=2, ask=40, tips=20, wait=13, later=13
        ),
        FLOW,
        10,
    )
    assert found["started"] == 40
    # 5 and 2 are both under 10: hidden together, 40 - 33 - 0 - 0 leaves only their sum (7).
    assert endings(found) == {
        "completed": (33, 82.5),
        "expired": ("<10", None),
        "opted_out": ("<10", None),
        "in_progress": (0, 0.0),
        "other": (0, 0.0),
    }
    assert reached(found) == {"ask": 40, "tips": 20, "wait": 13, "later": 13}
    assert found["where_people_left"] == [
        "33 of the 40 who started (82.5%) reached the end.",
        # 40 got to the question and 33 went on: 7 is under 10, so it is not named
        "No step can be named where 10 or more people went no further, from the figures that "
        "can be shown.",
    ]


def test_one_small_ending_takes_the_next_smallest_with_it():
    found = version_findings(figures(started=50, completed=30, expired=15, opted_out=5), FLOW, 10)
    # opted out (5) alone would be 50 - 30 - 15 - 0 - 0: a zero is hidden with it
    assert endings(found) == {
        "completed": (30, 60.0),
        "expired": (15, 30.0),
        "opted_out": ("<10", None),
        "in_progress": ("<10", None),
        "other": (0, 0.0),
    }


def test_endings_the_analytics_do_not_name_still_add_up_to_those_who_started():
    found = version_findings(
        figures(started=60, completed=30, expired=10, in_progress=10), FLOW, 10
    )
    assert endings(found)["other"] == (10, 16.7)  # went on to a survey, say


def test_the_steps_where_a_hidden_ending_happens_are_hidden_with_it():
    # opted out (5) is hidden, and completed (10, the smallest beside it) with it; the two
    # last steps add up to those who completed, so they are hidden too
    found = version_findings(
        figures(
            started=60,
            completed=10,
            expired=15,
            opted_out=5,
            in_progress=15,
            ask=60,
            tips=10,
            wait=0,
            later=0,
        ),
        FLOW,
        10,
    )
    assert endings(found)["completed"] == ("<10", None)
    assert reached(found) == {"ask": 60, "tips": "<10", "wait": 0, "later": "<10"}


def test_where_people_left_when_the_figures_allow():
    found = version_findings(
        figures(
            started=60, completed=35, expired=15, opted_out=10, ask=60, tips=20, wait=15, later=15
        ),
        FLOW,
        10,
    )
    assert found["where_people_left"] == [
        "35 of the 60 who started (58.3%) reached the end.",
        "25 of the 60 who got to “Ask” (41.7%) went no further there: they stopped replying, "
        "texted STOP or have yet to reply.",
    ]
    assert [s["percent"] for s in found["steps"]] == [100.0, 33.3, 25.0, 25.0]


def test_a_step_that_can_be_come_back_to_gives_only_a_lower_bound():
    menu = from_data(MENU)
    counts = VersionFigures(
        1, started=50, completed=15, expired=35, reached=Counter(menu=50, tip=20, bye=15)
    )
    assert version_findings(counts, menu, 10)["where_people_left"][1] == (
        "At least 15 of the 50 who got to “Menu” (30%) went no further there."
    )


def test_a_version_few_used_shows_nothing_under_the_threshold():
    found = version_findings(figures(started=6, completed=4, expired=2, ask=6, tips=4), FLOW, 10)
    assert found["started"] == "<10"
    assert {e["count"] for e in found["endings"]} == {"<10"}
    assert set(reached(found).values()) <= {"<10", 0}
    assert found["where_people_left"] == [
        "Fewer than 10 people started this version, so no more can be said."
    ]


def test_steps_are_listed_as_a_reader_follows_them():
    assert steps_in_order(FLOW) == ["ask", "tips", "wait", "later"]


@given(
    st.lists(st.integers(0, 30), min_size=5, max_size=5),
    st.lists(st.integers(0, 40), min_size=4, max_size=4),
)
def test_no_number_under_the_threshold_is_ever_shown(ends, steps):
    completed, expired, opted_out, in_progress, other = ends
    counts = VersionFigures(
        1,
        started=sum(ends),
        completed=completed,
        expired=expired,
        opted_out=opted_out,
        in_progress=in_progress,
        reached=Counter(dict(zip(["ask", "tips", "wait", "later"], steps, strict=True))),
    )
    found = version_findings(counts, FLOW, 10)
    shown = [found["started"], *(e["count"] for e in found["endings"])]
    shown += [s["reached"] for s in found["steps"]]
    assert all(n == "<10" or n == 0 or n >= 10 for n in shown)
    for sentence in found["where_people_left"]:
        assert all(int(n) == 0 or int(n) >= 10 for n in re.findall(r"\b(\d+)\b(?![.%])", sentence))


# The board's page.


def add_conversations(version, rows: list[tuple[list[str], str | None]]) -> None:
    """Conversations of a flow version: (the steps it reached, how it ended; None: going on)."""
    contact = a_contact()
    now = utcnow()
    for path, end_reason in rows:
        db.session.add(
            Conversation(
                contact_id=contact.id,
                kind="flow",
                ref=str(version.flow_id),
                state={"version": version.id, "path": path},
                ended_at=None if end_reason is None else now,
                end_reason=end_reason,
            )
        )
    db.session.commit()


@pytest.fixture
def used_flow(db_session):
    from messages.flows import services as flows

    version = flows.load_published(SMALL)
    add_conversations(
        version,
        [(["ask", "tips"], "completed")] * 20
        + [(["ask", "wait", "later"], "completed")] * 13
        + [(["ask"], "expired")] * 5
        + [(["ask"], "opted_out")] * 2,
    )
    return version


def test_the_board_reads_how_the_flows_are_used(client, used_flow, signed_in):
    signed_in(Role.BOARD)
    listing = client.get("/findings").get_data(as_text=True)
    assert 'href="/findings/flows"' in listing
    response = client.get("/findings/flows")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Small" in page and "Version 1 (live now)" in page
    assert '<th scope="row">Reached the end</th><td>33</td><td>82.5</td>' in page
    assert '<th scope="row">Texted STOP</th><td>&lt;10</td><td>—</td>' in page
    assert "33 of the 40 who started (82.5%) reached the end." in page
    assert "Bar chart of how conversations of version 1 of Small ended" in page
    numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", page)]
    assert numbers and all(n == 0 or n >= 10 for n in numbers)
    assert "<td>5</td>" not in page and "<td>2</td>" not in page


def test_a_version_nobody_used_says_so(client, db_session, signed_in):
    from messages.flows import services as flows

    flows.load_published(SMALL)
    signed_in(Role.REVIEWER)
    assert "Nobody has used this version yet." in client.get("/findings/flows").get_data(
        as_text=True
    )


def test_changemakers_do_not_read_flow_findings(client, used_flow, signed_in):
    signed_in(Role.CHANGEMAKER)
    assert client.get("/findings/flows").status_code == 403


def test_flows_is_kept_for_the_board_and_no_survey_can_take_it(db_session):
    from surveys import services
    from surveys.definition import from_data as survey_from_data

    survey = survey_from_data(
        {
            "title": "F",
            "slug": "flows",
            "questions": [{"id": "q", "kind": "free_text", "text": "?"}],
        }
    )
    assert services.problems_of(survey) == [
        "The address name 'flows' is kept for the board's pages."
    ]
