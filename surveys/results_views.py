"""A survey's public results page, ``/s/<slug>/results``: what young people said (every figure
through the disclosure gate), the approved quotes, and what the board said and is doing. No
sign-in, phone first, small, works without JavaScript; only a published "you said, we did"
version appears, and a survey without one is not found. ``/s/<slug>/results.csv`` holds the
page's figures, through the same gate."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from changemakers.access import public
from changemakers.extensions import limiter
from changemakers.languages import ENGLISH, Localised
from surveys import services
from surveys import you_said_services as results
from surveys.blueprint import bp
from surveys.definition import SurveyDefinition
from surveys.views import PAGE_LIMIT, chosen_language, language_switched, page_language


def _page_or_404(slug: str) -> results.ResultsPage:
    page = results.results_page(slug)
    if page is None:
        abort(404)
    return page


@bp.route("/s/<slug>/results")
@public
@limiter.limit(PAGE_LIMIT)
def results_page(slug: str) -> ResponseReturnValue:
    """The page in the language this browser chose for the survey: its own words, and the
    survey's questions and answers where the Changemakers translated them; what the board
    wrote is in English, and marked so."""
    if language_switched():
        return redirect(url_for("surveys.results_page", slug=slug))
    page = _page_or_404(slug)
    language = chosen_language()
    live = services.live(slug)
    survey = services.in_language(live.version_id, language) if live else None
    return render_template(
        "surveys/results.html",
        page=page,
        survey=survey or page,
        slug=slug,
        tables=_in_words_of(page.tables, survey),
        english=lambda text: Localised(text, ENGLISH),
        **page_language(language),
    )


def _in_words_of(
    tables: list[dict[str, Any]], survey: SurveyDefinition | None
) -> list[dict[str, Any]]:
    """The findings' questions and answers in the survey's words for the reader's language;
    English (so marked) where there are none."""
    shown = []
    for table in tables:
        question = survey.question(table["id"]) if survey else None
        labels = question.option_labels if question else {}
        shown.append(
            {
                **table,
                "text": question.text if question else Localised(table["text"], ENGLISH),
                "rows": [
                    {**row, "answer": labels.get(row["answer"], Localised(row["answer"], ENGLISH))}
                    for row in table.get("rows", [])
                ],
            }
        )
    return shown


@bp.route("/s/<slug>/results.csv")
@public
@limiter.limit(PAGE_LIMIT)
def results_csv(slug: str) -> ResponseReturnValue:
    page = _page_or_404(slug)
    text = io.StringIO()
    csv.writer(text).writerows(results.csv_rows(page))
    return Response(
        text.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{slug}-results.csv"'},
    )
