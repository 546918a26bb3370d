"""A survey's public results page, ``/s/<slug>/results``: what young people said (every figure
through the disclosure gate), the approved quotes, and what the board said and is doing. No
sign-in, phone first, small, works without JavaScript; only a published "you said, we did"
version appears, and a survey without one is not found. ``/s/<slug>/results.csv`` holds the
page's figures, through the same gate."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue

from changemakers.access import public
from changemakers.extensions import limiter
from surveys import you_said_services as results
from surveys.blueprint import bp
from surveys.views import PAGE_LIMIT


def _page_or_404(slug: str) -> results.ResultsPage:
    page = results.results_page(slug)
    if page is None:
        abort(404)
    return page


@bp.route("/s/<slug>/results")
@public
@limiter.limit(PAGE_LIMIT)
def results_page(slug: str) -> ResponseReturnValue:
    page = _page_or_404(slug)
    return render_template(
        "surveys/results.html", page=page, survey=page, page_language=page.language
    )


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
