"""The web survey, ``/s/<slug>``: one question a page, for young people on a phone.

Nothing is stored until the last page: the answers so far live only in the signed session
cookie, and a finished survey is remembered there too so the same browser cannot send it twice.
Works with JavaScript off; every page is small.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from changemakers.access import public
from changemakers.extensions import limiter
from surveys import answers as parsing
from surveys import bp, safeguarding, services
from surveys.definition import SurveyDefinition

PROGRESS = "survey_progress"
ANSWERED = "surveys_answered"
URGENT_HELP_DUE = "survey_urgent_help"  # an answer suggested danger: show help on the next page
# Generous: a whole class may share one address; this only stops floods.
SUBMIT_LIMIT = "120 per minute"


def _live_or_404(slug: str) -> services.LiveSurvey:
    found = services.live(slug)
    if found is None:
        abort(404)
    return found


def _progress(slug: str, live: services.LiveSurvey) -> dict[str, Any] | None:
    """This browser's answers so far, if they belong to the version now live."""
    progress = (session.get(PROGRESS) or {}).get(slug)
    if not isinstance(progress, dict) or progress.get("version") != live.version_id:
        return None
    return progress


def _save_progress(slug: str, progress: dict[str, Any] | None) -> None:
    every = dict(session.get(PROGRESS) or {})
    if progress is None:
        every.pop(slug, None)
    else:
        every[slug] = progress
    session[PROGRESS] = every


def _question_url(slug: str, question_id: str) -> str:
    return url_for("surveys.survey", slug=slug, q=question_id)


@bp.route("/s/<slug>", methods=["GET", "POST"])
@public
@limiter.limit(SUBMIT_LIMIT, methods=["POST"])
def survey(slug: str) -> ResponseReturnValue:
    live = _live_or_404(slug)
    definition = live.definition
    page = {"survey": definition, "slug": slug}
    if slug in (session.get(ANSWERED) or []):
        return render_template("surveys/answered.html", **page)
    if not definition.is_open(services.today()):
        return render_template("surveys/closed.html", **page), 410
    progress = _progress(slug, live)
    if request.method == "POST":
        return _answer(slug, live, progress)
    severity = session.pop(URGENT_HELP_DUE, None)
    if severity:
        page["urgent_help"] = safeguarding.urgent_help(severity)
    asked = request.args.get("q")
    if asked is None or progress is None:
        return render_template(
            "surveys/start.html", restarted=asked is not None and progress is None, **page
        )
    if asked == "check":
        return render_template("surveys/check.html", progress=progress, **page)
    question = definition.question(asked)
    if question is None or asked not in progress["asked"]:
        return redirect(_question_url(slug, progress["asked"][-1]))
    return _question_page(page, progress, question.id, progress["answers"].get(question.id))


def _question_page(
    page: dict[str, Any],
    progress: dict[str, Any],
    question_id: str,
    given: Any,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    definition: SurveyDefinition = page["survey"]
    question = definition.question(question_id)
    asked = progress["asked"]
    position = asked.index(question_id)
    back = (
        _question_url(page["slug"], asked[position - 1])
        if position
        else url_for("surveys.survey", slug=page["slug"])
    )
    chosen = given if isinstance(given, list) else [] if given is None else [str(given)]
    return (
        render_template(
            "surveys/question.html",
            question=question,
            number=position + 1,
            back=back,
            chosen=chosen,
            error=error,
            **page,
        ),
        status,
    )


def _answer(
    slug: str, live: services.LiveSurvey, progress: dict[str, Any] | None
) -> ResponseReturnValue:
    definition = live.definition
    action = request.form.get("action", "")
    if action == "start" or progress is None:
        first = parsing.next_question(definition, {})
        if first is None:
            abort(404)
        _save_progress(slug, {"version": live.version_id, "answers": {}, "asked": [first.id]})
        return redirect(_question_url(slug, first.id))
    if action == "send":
        services.record_web_response(live, progress["answers"])
        _save_progress(slug, None)
        session[ANSWERED] = [*(session.get(ANSWERED) or []), slug][-20:]
        return render_template("surveys/thanks.html", survey=definition, slug=slug)
    question = definition.question(request.form.get("q", ""))
    if question is None or question.id not in progress["asked"]:
        return redirect(_question_url(slug, progress["asked"][-1]))
    parsed = parsing.parse_web(question, request.form.getlist("answer"))
    page = {"survey": definition, "slug": slug}
    if not parsed.ok:
        given = request.form.getlist("answer")
        typed = given if question.kind == "multiple_choice" else (given[0] if given else None)
        shown = services.stored(question.kind, typed)  # their words, but never a number
        return _question_page(page, progress, question.id, shown, parsed.error, 400)
    answers = dict(progress["answers"])
    # Redacted before it goes into the session: the cookie is signed, not encrypted, and stays
    # in the browser (perhaps a shared one) until the survey is sent.
    answers[question.id] = None if parsed.skipped else services.stored(question.kind, parsed.value)
    alerted = progress.get("alerted", [])
    if question.kind == "free_text" and parsed.value and question.id not in alerted:
        severity = safeguarding.check_answer(definition, str(parsed.value))
        if severity:
            session[URGENT_HELP_DUE] = severity
            progress = {**progress, "alerted": [*alerted, question.id]}
    asked = progress["asked"][: progress["asked"].index(question.id) + 1]
    # An earlier answer may hide questions answered before: keep only those still shown.
    answers = {
        q.id: answers[q.id]
        for q in definition.questions
        if q.id in answers and parsing.is_shown(q, answers)
    }
    following = parsing.next_question(definition, answers, after=question.id)
    if following is None:
        _save_progress(slug, {**progress, "answers": answers, "asked": asked})
        return redirect(url_for("surveys.survey", slug=slug, q="check"))
    _save_progress(slug, {**progress, "answers": answers, "asked": [*asked, following.id]})
    return redirect(_question_url(slug, following.id))
