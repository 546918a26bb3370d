"""The fixed replies' pages: Changemakers, reviewers and admins write them; reviewers and admins
approve them (never their own change) and take them out of use."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers.access import roles_allowed
from changemakers.content import translations
from changemakers.content.editing import ContentProblems
from changemakers.content.forms import ReturnForm
from changemakers.content.lifecycle import ContentStatus
from changemakers.content.pages import REVIEWERS, WRITERS, press, save_translations
from changemakers.extensions import db
from changemakers.forms import add_error
from messages import fixed_replies, signposting
from messages.blueprint import bp
from messages.fixed_reply_forms import FixedReplyForm
from messages.models import FixedReply, FixedReplyVersion
from messages.signpost_directory import current_signposts


def _version_or_404(reply_id: int, number: int) -> FixedReplyVersion:
    version = fixed_replies.version_of(reply_id, number)
    if version is None:
        abort(404)
    return version


def _to_version(version: FixedReplyVersion) -> ResponseReturnValue:
    return redirect(
        url_for("messages.fixed_reply", reply_id=version.fixed_reply_id, number=version.number)
    )


def _editor(form: FixedReplyForm, version: FixedReplyVersion | None) -> str:
    """The form, with the reply counted and shown as a young person would read it."""
    text = form.text.data or ""
    return render_template(
        "messages/fixed_replies/edit.html",
        form=form,
        version=version,
        as_read=fixed_replies.as_read(text),
        length=fixed_replies.length_of(text),
        signposts=sorted(current_signposts()),
    )


@bp.route("/fixed-replies")
@roles_allowed(*WRITERS)
def fixed_reply_list() -> ResponseReturnValue:
    return render_template(
        "messages/fixed_replies/list.html", fixed_replies=fixed_replies.listing()
    )


@bp.route("/fixed-replies/new", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def fixed_reply_new() -> ResponseReturnValue:
    form = FixedReplyForm()
    if form.validate_on_submit():
        try:
            version = fixed_replies.create(
                form.keyword.data or "", form.text.data or "", current_user
            )
        except ContentProblems as error:
            add_error(form.keyword, " ".join(error.problems))
        else:
            flash("Draft saved. Send it for review when it is ready.")
            return _to_version(version)
    return _editor(form, None)


@bp.route("/fixed-replies/<int:reply_id>/v<int:number>")
@roles_allowed(*WRITERS)
def fixed_reply(reply_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(reply_id, number)
    published = fixed_replies.published_version(reply_id)
    live = published if published is not None and published.id != version.id else None
    under_way = version.status in (ContentStatus.DRAFT, ContentStatus.IN_REVIEW)
    reply = version.content["reply"]
    return render_template(
        "messages/fixed_replies/reply.html",
        version=version,
        keyword=version.content["keyword"],
        reply=reply,
        as_read=fixed_replies.as_read(reply),
        length=fixed_replies.length_of(reply),
        problems=fixed_replies.problems_of(version.content, reply_id) if under_way else [],
        live_problems=fixed_replies.live_problems_of(version.content) if under_way else [],
        live=live,
        live_as_read=fixed_replies.as_read(live.content["reply"]) if live else "",
        versions=fixed_replies.versions_of(reply_id),
        return_form=ReturnForm(),
        is_reviewer=current_user.has_any_role(REVIEWERS),
        can_review=current_user.has_any_role(REVIEWERS)
        and current_user.id not in version.contributor_ids,
        ContentStatus=ContentStatus,
        translation_summary=translations.summary(
            fixed_replies.translatable_texts(version.content),
            fixed_replies.unchecked_translations(version.content),
        ),
    )


@bp.route("/fixed-replies/<int:reply_id>/v<int:number>/translations", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def fixed_reply_translations(reply_id: int, number: int) -> ResponseReturnValue:
    """The reply beside its English, one language at a time; a draft's translation can be
    written here."""
    version = _version_or_404(reply_id, number)
    language = translations.language_or_first(request.values.get("lang"))
    if request.method == "POST":
        save_translations(fixed_replies.save_translations, version, language, "Translation saved.")
        return redirect(
            url_for(
                "messages.fixed_reply_translations", reply_id=reply_id, number=number, lang=language
            )
        )
    return render_template(
        "content/translations.html",
        title=version.content["keyword"],
        back_url=url_for("messages.fixed_reply", reply_id=reply_id, number=number),
        editable=version.status is ContentStatus.DRAFT,
        content_kind="fixed reply",
        language_urls={
            code: url_for(
                "messages.fixed_reply_translations", reply_id=reply_id, number=number, lang=code
            )
            for code in translations.translated_codes()
        },
        **translations.page(
            fixed_replies.translatable_texts(version.content),
            fixed_replies.unchecked_translations(version.content),
            language,
            lambda text, code: signposting.render(text, current_signposts(code)),
        ),
    )


@bp.route("/fixed-replies/<int:reply_id>/v<int:number>/edit", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def fixed_reply_edit(reply_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(reply_id, number)
    if version.status is not ContentStatus.DRAFT:
        flash("Only a draft can be changed: start a new draft to edit this.", "error")
        return _to_version(version)
    form = FixedReplyForm(
        data={"keyword": version.content["keyword"], "text": version.content["reply"]}
    )
    if form.validate_on_submit():
        try:
            fixed_replies.save(version, form.keyword.data or "", form.text.data or "", current_user)
        except ContentProblems as error:
            add_error(form.keyword, " ".join(error.problems))
        else:
            flash("Draft saved.")
            return _to_version(version)
    return _editor(form, version)


@bp.route("/fixed-replies/<int:reply_id>/edit", methods=["POST"])
@roles_allowed(*WRITERS)
def fixed_reply_new_draft(reply_id: int) -> ResponseReturnValue:
    return _to_version(fixed_replies.new_draft(db.get_or_404(FixedReply, reply_id), current_user))


SAID = {
    "submit": "Sent for review. A reviewer will approve it or say what to change.",
    "approve": "Approved: young people who text the keyword get this reply now.",
    "archive": "Taken out of use: the keyword no longer gets this reply.",
    "return": "Returned to the author with your comment.",
}


@bp.route(
    "/fixed-replies/<int:reply_id>/v<int:number>/<any(submit, approve, archive):action>",
    methods=["POST"],
)
@roles_allowed(*WRITERS)
def fixed_reply_lifecycle(reply_id: int, number: int, action: str) -> ResponseReturnValue:
    version = _version_or_404(reply_id, number)
    press(fixed_replies.FIXED_REPLIES, version, action, SAID)
    return _to_version(version)


@bp.route("/fixed-replies/<int:reply_id>/v<int:number>/return", methods=["POST"])
@roles_allowed(*REVIEWERS)
def fixed_reply_return(reply_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(reply_id, number)
    press(fixed_replies.FIXED_REPLIES, version, "return", SAID, ReturnForm().comment.data or "")
    return _to_version(version)
