"""What waits for whom among surveys, on the home page and in the menu, beside flows; and the
board's line to the findings."""

from __future__ import annotations

from changemakers.accounts.models import Role
from messages.flows import services as flows
from surveys import services
from tests.support.flows import SMALL
from tests.support.pages import home_of, menu_link
from tests.support.surveys import EVERY_KIND


def test_surveys_and_flows_in_review_wait_for_a_reviewer_each_at_its_page(app, make_staff):
    author = make_staff(Role.CHANGEMAKER, email="author@example.org")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    survey = services.import_survey(EVERY_KIND, author)
    services.submit(survey, author)
    flow = flows.import_flow(SMALL, author)
    flows.submit(flow, author)

    home = home_of(app, reviewer)
    assert "1 survey(s) waiting for your review" in home
    assert f'<a href="/surveys/{survey.survey_id}/v1">Every kind, version 1</a>' in home
    assert "1 flow(s) waiting for your review" in home
    assert menu_link(home, "Surveys") == "Surveys (1 to review)"
    assert menu_link(home, "Message flows") == "Message flows (1 to review)"
    assert "waiting for your review" not in home_of(app, author)


def test_a_returned_survey_waits_for_its_author_with_the_comment(app, make_staff):
    author = make_staff(Role.CHANGEMAKER, email="author@example.org")
    other = make_staff(Role.CHANGEMAKER, email="other@example.org")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    survey = services.import_survey(EVERY_KIND, author)
    services.submit(survey, author)
    services.return_for_changes(survey, reviewer, "Ask about school first")

    home = home_of(app, author)
    assert "1 survey(s) returned to you with a reviewer's comment" in home
    assert "<strong>Reviewer's comment:</strong> Ask about school first" in home
    assert menu_link(home, "Surveys") == "Surveys (1 returned)"
    assert "Ask about school first" not in home_of(app, other)
    assert services.SURVEYS.returned_to(author.id) == [survey]


def test_a_board_member_is_pointed_to_the_findings_of_live_surveys(app, make_staff):
    board = make_staff(Role.BOARD, email="board@example.org")
    assert "read the findings" not in home_of(app, board)
    services.load_published(EVERY_KIND)

    home = home_of(app, board)
    assert '<a href="/findings">What young people told us in 1 live survey(s)' in home
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    assert "read the findings" not in home_of(app, reviewer)
