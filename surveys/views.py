"""The web survey, ``/s/<slug>``: one question a page, for young people on a phone.

Nothing is stored until the last page: the answers so far live only in the signed session
cookie. One young person, one voice, with nothing kept about them:

- starting gives a one-time submission token, in the signed cookie; the send spends it, and
  the server keeps it as spent (``SubmissionToken``), so a replayed send (the same saved
  cookie) stores nothing and says "already sent", and the browser remembers the survey as
  answered; starting writes nothing to the database;
- a send is refused unless every question shown was reached and every required one answered,
  and at least one answer was given (an empty send stores nothing);
- a script is slowed by a minimum time between start and send (``SURVEY_SECONDS_PER_QUESTION``
  for each question asked, timed by the signed cookie, not the server) and by per-address rate
  limits sized for a school's shared network.

The finished response goes into the mixing pool (``surveys.pool``). Works with JavaScript off;
every page is small.

Every page offers the survey in each language the service speaks (links, so no script is
needed); the choice is kept in the signed session cookie, the page's ``lang`` says which, and a
text with no translation yet is shown in English, marked ``lang="en"``. The response keeps only
the language's code.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from changemakers.access import public
from changemakers.extensions import limiter
from changemakers.languages import BY_CODE, LANGUAGES, known
from surveys import answers as parsing
from surveys import safeguarding, services
from surveys.blueprint import bp
from surveys.definition import Question, SurveyDefinition
from surveys.phrases import date_in_words, say

PROGRESS = "survey_progress"
ANSWERED = "surveys_answered"
URGENT_HELP_DUE = "survey_urgent_help"  # an answer suggested danger: show help on the next page
LANGUAGE = "survey_language"  # the language this browser chose for surveys
# Per address, sized for a school whose pupils all come through one address: 1,200 pupils
# answering a ten-question survey within a 20-minute tutor period send about 600 pages a
# minute and start or send about 120 surveys a minute. A script is held to the same.
PAGE_LIMIT = "900 per minute"
START_OR_SEND_LIMIT = "180 per minute"
TOO_QUICK = (
    "That was quicker than anyone could read the questions. Please check your answers, then "
    "send them again."
)
NOTHING_ANSWERED = "You haven't answered any question yet. Go back and answer at least one."


def _starting_or_sending() -> bool:
    return request.form.get("action") in ("start", "send")


def _spoken(text: str, language: str) -> Markup:
    """A text as a page in ``language`` shows it: escaped (apostrophes kept as they are, safe
    in the text of an element), and marked with its own ``lang`` when it is in another
    language (a text with no translation yet, shown in English)."""
    inner = str(escape(text)).replace("&#39;", "'")
    own = getattr(text, "lang", None)
    if own and own != language:
        return Markup(f'<span lang="{own}">{inner}</span>')
    return Markup(inner)


def page_language(language: str) -> dict[str, Any]:
    """What a survey page needs to speak ``language``: ``t`` for its own words, ``say`` to
    show a text, the page's ``lang``, and the languages it can switch to."""
    return {
        "language": language,
        "html_lang": BY_CODE[language].html_lang,
        "languages": LANGUAGES,
        "t": lambda english, **values: say(english, language, **values),
        "say": lambda text: _spoken(text, language),
        "date_in_words": lambda day: date_in_words(day, language),
    }


def chosen_language() -> str:
    """The language this browser chose for the survey pages (English until it chooses)."""
    return known(session.get(LANGUAGE))


def language_switched() -> bool:
    """Keep the language a switch link chose (``?lang=``) for this browser's survey pages;
    True when it did, and the page should load again without it."""
    if request.method == "GET" and "lang" in request.args:
        session[LANGUAGE] = known(request.args["lang"])
        return True
    return False


def _page(slug: str, live: services.LiveSurvey) -> dict[str, Any]:
    language = chosen_language()
    return {
        "survey": services.in_language(live.version_id, language),
        "slug": slug,
        **page_language(language),
    }


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
    if not progress.get("token"):  # begun before sends needed one: begin again
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
@limiter.limit(PAGE_LIMIT, methods=["POST"])
@limiter.limit(
    START_OR_SEND_LIMIT, methods=["POST"], exempt_when=lambda: not _starting_or_sending()
)
def survey(slug: str) -> ResponseReturnValue:
    live = _live_or_404(slug)
    asked = request.args.get("q")
    if language_switched():
        return redirect(url_for("surveys.survey", slug=slug, q=asked))
    page = _page(slug, live)
    definition: SurveyDefinition = page["survey"]
    if slug in (session.get(ANSWERED) or []):
        return render_template("surveys/answered.html", **page)
    if not definition.is_open(services.today()):
        return render_template("surveys/closed.html", **page), 410
    progress = _progress(slug, live)
    if request.method == "POST":
        return _answer(slug, live, progress)
    severity = session.pop(URGENT_HELP_DUE, None)
    if severity:
        page["urgent_help"] = safeguarding.urgent_help(severity, page["language"])
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
    number, total = parsing.position(definition, question_id, progress["answers"])
    return (
        render_template(
            "surveys/question.html",
            question=question,
            number=number,
            total=total,
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
    page = _page(slug, live)
    definition: SurveyDefinition = page["survey"]
    action = request.form.get("action", "")
    if action == "start" or progress is None:
        first = parsing.next_question(definition, {})
        if first is None:
            abort(404)
        _save_progress(
            slug,
            {
                "version": live.version_id,
                "answers": {},
                "asked": [first.id],
                "token": services.new_submission_token(),
                "started": time.time(),
                "started_on": services.today().isoformat(),
            },
        )
        return redirect(_question_url(slug, first.id))
    if action == "send":
        return _send(slug, live, progress)
    question = definition.question(request.form.get("q", ""))
    if question is None or question.id not in progress["asked"]:
        return redirect(_question_url(slug, progress["asked"][-1]))
    parsed = parsing.parse_web(question, request.form.getlist("answer"))
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
        severity = safeguarding.check_answer(live.definition, str(parsed.value), chosen_language())
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


def _first_unanswered(definition: SurveyDefinition, answers: dict[str, Any]) -> Question | None:
    """The first question shown that was never reached, or is required and unanswered."""
    for question in definition.questions:
        if not parsing.is_shown(question, answers):
            continue
        if question.id not in answers or (question.required and answers[question.id] is None):
            return question
    return None


def _send(slug: str, live: services.LiveSurvey, progress: dict[str, Any]) -> ResponseReturnValue:
    """Store the answers once, if they are complete and took a person's time."""
    page = _page(slug, live)
    definition: SurveyDefinition = page["survey"]
    language = page["language"]
    answers = progress["answers"]
    missing = _first_unanswered(definition, answers)
    if missing is not None:
        if missing.id not in progress["asked"]:
            return redirect(_question_url(slug, progress["asked"][-1]))
        error = say("Answer this question before you send your answers.", language)
        return _question_page(page, progress, missing.id, None, error, 400)
    if all(answer is None for answer in answers.values()):
        nothing = say(NOTHING_ANSWERED, language)
        return render_template("surveys/check.html", progress=progress, error=nothing, **page), 400
    per_question = current_app.config["SURVEY_SECONDS_PER_QUESTION"]
    if time.time() - float(progress.get("started", 0)) < per_question * len(progress["asked"]):
        too_quick = say(TOO_QUICK, language)
        return render_template(
            "surveys/check.html", progress=progress, error=too_quick, **page
        ), 429
    started_on = date.fromisoformat(progress.get("started_on") or services.today().isoformat())
    sent = services.record_web_response(live, answers, str(progress["token"]), started_on, language)
    _save_progress(slug, None)
    session[ANSWERED] = [*(session.get(ANSWERED) or []), slug][-20:]
    if not sent:
        return render_template("surveys/answered.html", already_sent=True, **page)
    # "Tell me what happens": the results page's address to keep, and nothing stored.
    wants_to_know = request.form.get("tell_me") == "yes"
    results_link = url_for("surveys.results_page", slug=slug, _external=True)
    return render_template(
        "surveys/thanks.html", results_link=results_link if wants_to_know else None, **page
    )
