"""Coding free text: the codebook, one answer at a time, a second coder, quotes a reviewer
approves, and what the board sees of it (theme counts through the gate, quotes only from
themes with enough answers)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import insert, select

from changemakers import disclosure
from changemakers.accounts.models import Role
from changemakers.extensions import db
from surveys import coding, services
from surveys.models import Coding, Quote, QuoteStatus, SurveyResponse
from tests.support.surveys import EVERY_KIND
from tests.support.web import post_form

LIGHTS = "Better lighting in the park, call me on [phone]"
CLUBS = "More youth clubs open late"


@pytest.fixture
def written(db_session):
    """A survey with 14 answers about lighting, 12 about clubs and 3 about buses."""
    version = services.load_published(EVERY_KIND)
    texts = [LIGHTS] * 14 + [CLUBS] * 12 + ["Cheaper buses"] * 3
    db.session.execute(
        insert(SurveyResponse),
        [
            {
                "survey_id": version.survey_id,
                "version_id": version.id,
                "channel": "web",
                "answers": {"change": text, "age": "14 to 15", "colour": "Red"},
                "started_on": date(2026, 3, 2),
                "completed_on": date(2026, 3, 2),
            }
            for text in texts
        ],
    )
    db.session.commit()
    return version


def theme_named(version, name: str) -> int:
    return next(t.id for t in coding.codebook(version.survey_id, "change") if t.name == name)


def code_everything(client, version) -> None:
    """Code every answer as the signed-in coder, by what it says."""
    page = "/coding/every-kind/change"
    themes = {
        "Lighting": theme_named(version, "Lighting"),
        "Youth clubs": theme_named(version, "Youth clubs"),
        "Transport": theme_named(version, "Transport"),
    }
    while True:
        html = client.get(page).get_data(as_text=True)
        found = re.search(r'name="response" value="(\d+)"', html)
        if found is None:
            assert "Every answer has been coded." in html
            return
        text = re.search(r'<blockquote class="quote"><p>([^<]*)</p>', html).group(1)
        theme = (
            "Lighting" if "lighting" in text else "Youth clubs" if "clubs" in text else "Transport"
        )
        post_form(
            client,
            page,
            {"action": "code", "response": found.group(1), "theme": themes[theme], "quote": ""},
            page,
        )


def test_changemakers_code_answers_and_the_board_reads_themes_and_approved_quotes(
    client, written, signed_in, make_staff
):
    changemaker = signed_in(Role.CHANGEMAKER)
    page = "/coding/every-kind/change"
    for name in ("Lighting", "Youth clubs", "Transport"):
        post_form(client, page, {"action": "theme", "name": f"  {name} "}, page)
    again = post_form(client, page, {"action": "theme", "name": "lighting"}, page)
    assert again.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "The codebook already has a theme called “lighting”." in html
    assert "<dt>To code</dt><dd>29</dd>" in html
    assert "Words many answers use" in html and "lighting park (14)" in html
    assert "How old?" not in html and "Favourite colour" not in html  # the answer only
    shown = re.search(r'<blockquote class="quote"><p>([^<]*)</p>', html).group(1)
    assert shown in (LIGHTS, CLUBS, "Cheaper buses")

    code_everything(client, written)
    assert "<dt>Coded</dt><dd>29</dd>" in client.get(page).get_data(as_text=True)
    lighting = theme_named(written, "Lighting")
    # A second coder reads, on their own, answers another has coded.
    second = make_staff(Role.CHANGEMAKER, email="second@example.org")
    assert coding.next_answer(written.survey_id, "change", changemaker, second=True) is None
    answer = coding.next_answer(written.survey_id, "change", second, second=True)
    assert answer is not None
    themes = [lighting] if "lighting" in answer.text else []
    coding.code(written.survey_id, "change", answer.response_id, second, themes)
    assert "<dt>Coded twice</dt><dd>1</dd>" in client.get(page).get_data(as_text=True)
    first = db.session.scalars(select(Coding).where(Coding.theme_id == lighting)).first()
    coding.code(written.survey_id, "change", first.response_id, changemaker, [lighting], lighting)
    buses = db.session.scalars(
        select(Coding).where(Coding.theme_id == theme_named(written, "Transport"))
    ).first()
    transport = theme_named(written, "Transport")
    coding.code(written.survey_id, "change", buses.response_id, changemaker, [transport], transport)

    # A reviewer who did not propose them approves both quotes.
    with pytest.raises(coding.CodingProblem):
        coding.review_quote(db.session.scalars(select(Quote)).first().id, changemaker, True)
    post_form(client, "/logout")
    signed_in(Role.REVIEWER)
    quotes_page = client.get("/coding/quotes").get_data(as_text=True)
    assert "Better lighting in the park, call me on [phone]" in quotes_page
    for quote in db.session.scalars(select(Quote)):
        post_form(client, "/coding/quotes", {"quote": quote.id, "decision": "approve"})
    assert {q.status for q in db.session.scalars(select(Quote))} == {QuoteStatus.APPROVED}

    found = services.findings_for("every-kind", 10)
    themes = {t["theme"]: t for t in found["questions"][5]["themes"]}
    assert abs(themes["Lighting"]["count"] - 14) <= disclosure.MAX_NOISE
    assert themes["Transport"]["count"] == "<10"
    assert themes["Lighting"]["quotes"] == [LIGHTS]
    assert themes["Transport"]["quotes"] == []  # a theme under the threshold shows no quote
    post_form(client, "/logout")
    signed_in(Role.BOARD)
    summary = client.get("/findings/every-kind").get_data(as_text=True)
    # The theme with most answers as shown (14 on lighting, 12 on clubs, before the noise).
    shown = {name: t["count"] for name, t in themes.items() if isinstance(t["count"], int)}
    most = [name for name, count in shown.items() if count == max(shown.values())]
    said = summary.split("The most common theme", 1)[1].split("</li>", 1)[0]
    assert said.startswith(f"{'s' if len(most) > 1 else ''} in answers to “One thing to change?”")
    assert all(f"“{name}”" in said for name in most) and "Transport" not in said
    board = client.get("/findings/every-kind/questions/change").get_data(as_text=True)
    assert "Themes the Changemakers found in the answers" in board
    assert "“Better lighting in the park, call me on [phone]”" in board
    assert "Cheaper buses" not in board


def test_a_theme_needs_a_name_and_themes_come_from_the_codebook(written, make_staff):
    coder = make_staff(Role.CHANGEMAKER)
    with pytest.raises(coding.CodingProblem, match="Give the theme a name"):
        coding.add_theme(written.survey_id, "change", "   ", coder)
    response = db.session.scalars(select(SurveyResponse.id)).first()
    with pytest.raises(coding.CodingProblem, match="codebook"):
        coding.code(written.survey_id, "change", response, coder, [999])


def test_the_board_does_not_code(client, written, signed_in):
    signed_in(Role.BOARD)
    assert client.get("/coding").status_code == 403
    assert client.get("/coding/every-kind/change").status_code == 403
