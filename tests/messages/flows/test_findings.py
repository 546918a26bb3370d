"""Flow analytics for the board: hand-worked figures, suppressed before they leave the module,
and the board's page over conversations stored as the SMS channel keeps them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from changemakers import disclosure
from changemakers.accounts.models import Role
from messages.flows.analytics import VersionFigures
from messages.flows.definition import from_data
from messages.flows.findings import steps_in_order, version_findings
from tests.support.flows import SMALL, add_conversations, published_flow

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
    """Figures with made-up sums of record keys (each count times 37)."""
    reached = {k: v for k, v in counts.items() if k in FLOW.steps}
    ending = {k: v for k, v in counts.items() if k not in FLOW.steps}
    keys = Counter({k: 37 * v for k, v in ending.items()})
    return VersionFigures(
        1,
        reached=Counter(reached),
        keys=keys,
        step_keys=Counter({k: 37 * v for k, v in reached.items()}),
        **ending,
    )


def endings(found: dict) -> dict:
    return {e["key"]: e["count"] for e in found["endings"]}


def reached(found: dict) -> dict:
    return {s["id"]: s["reached"] for s in found["steps"]}


def near(shown: object, true: int) -> bool:
    return isinstance(shown, int) and abs(shown - true) <= disclosure.MAX_NOISE


def test_small_endings_are_hidden_and_shown_counts_are_within_the_noise():
    found = version_findings(
        figures(
            started=40, completed=33, expired=5, opted_out=2, ask=40, tips=20, wait=13, later=13
        ),
        FLOW,
        10,
    )
    shown = endings(found)
    assert shown["expired"] == shown["opted_out"] == "<10"
    assert near(shown["completed"], 33) and near(found["started"], 40)
    assert shown["in_progress"] == "<10"  # none: a zero looks like any small count
    assert near(reached(found)["tips"], 20)


def test_one_small_ending_takes_another_with_it():
    found = version_findings(
        figures(started=60, completed=30, expired=25, opted_out=5, ask=60), FLOW, 10
    )
    shown = endings(found)
    assert shown["opted_out"] == "<10"
    assert "<10" in (shown["in_progress"], shown["other"])


def test_the_steps_where_a_hidden_ending_happens_are_hidden_with_it():
    found = version_findings(
        figures(started=40, completed=5, expired=35, ask=40, tips=3, wait=2, later=2), FLOW, 10
    )
    assert endings(found)["completed"] == "<10"
    assert reached(found)["tips"] == "<10" and reached(found)["later"] == "<10"


def test_a_step_shown_beside_a_hidden_ending_is_withheld():
    found = version_findings(
        figures(started=40, completed=8, expired=32, ask=40, tips=30, later=8), FLOW, 10
    )
    assert endings(found)["completed"] == "<10"
    assert reached(found)["tips"] == disclosure.WITHHELD


@given(
    st.integers(0, 80),
    st.integers(0, 80),
    st.integers(0, 80),
    st.integers(0, 80),
    st.integers(0, 80),
)
def test_no_number_under_the_threshold_is_ever_shown(completed, expired, stopped, tips, later):
    started = completed + expired + stopped
    found = version_findings(
        figures(
            started=started,
            completed=completed,
            expired=expired,
            opted_out=stopped,
            ask=started,
            tips=min(tips, started),
            later=min(later, started),
        ),
        FLOW,
        10,
    )
    counts = [*endings(found).values(), *reached(found).values(), found["started"]]
    assert all(c in ("<10", disclosure.WITHHELD) or c >= 10 for c in counts)
    for sentence in found["where_people_left"]:
        assert all(int(n) == 0 or int(n) >= 10 for n in re.findall(r"\b(\d+)\b(?![.%])", sentence))


def test_steps_are_read_in_the_order_a_reader_follows_them():
    assert steps_in_order(from_data(MENU)) == ["menu", "tip", "bye"]


# The board's page.


@pytest.fixture
def used_flow(db_session):
    version = published_flow()
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
    assert re.search(r'<th scope="row">Reached the end</th><td>3\d</td><td>\d\d</td>', page)
    assert '<th scope="row">Texted STOP</th><td>&lt;10</td><td>—</td>' in page
    assert re.search(r"3\d of the \d\d who started \(\d\d%\) reached the end.", page)
    assert "slightly adjusted to protect young people" in page
    assert "Bar chart of how conversations of version 1 of Small ended" in page
    numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", page)]
    assert numbers and all(n == 0 or n >= 10 for n in numbers)
    assert "<td>5</td>" not in page and "<td>2</td>" not in page


def test_a_version_few_or_nobody_used_shows_no_figures(client, db_session, signed_in):
    published_flow()
    signed_in(Role.REVIEWER)
    page = client.get("/findings/flows").get_data(as_text=True)
    assert "Fewer than 10 people have used this version, so its figures cannot be shown." in page


def test_changemakers_do_not_read_flow_findings(client, used_flow, signed_in):
    signed_in(Role.CHANGEMAKER)
    assert client.get("/findings/flows").status_code == 403
