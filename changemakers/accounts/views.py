from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from changemakers.access import ALL_STAFF, public, roles_allowed
from changemakers.accounts import bp
from changemakers.accounts import services as accounts
from changemakers.accounts.forms import (
    ChangePasswordForm,
    ChoosePasswordForm,
    LoginForm,
    NewUserForm,
    RolesForm,
)
from changemakers.accounts.models import Role, StaffUser
from changemakers.extensions import limiter
from changemakers.forms import add_error


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another site."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("main.home")


def _configured_limit(name: str):
    return lambda: current_app.config[name]


def _login_failed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _submitted_email() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))


def _signed_in_account() -> str:
    return f"staff:{getattr(current_user, 'id', '')}"


def _current_password_wrong(response: Response) -> bool:
    return bool(g.get("current_password_wrong"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _configured_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(
    _configured_limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_submitted_email,
    methods=["POST"],
    deduct_when=_login_failed,
)
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            # A fresh session at sign-in, so nothing planted before it survives (fixation).
            session.clear()
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        add_error(form.email, "Email address or password is not right")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_allowed(*ALL_STAFF)
def logout() -> ResponseReturnValue:
    user = current_user._get_current_object()
    logout_user()
    accounts.sign_out_everywhere(user)
    session.clear()
    flash("You have signed out. Anywhere else you were signed in, you are signed out too.")
    return redirect(url_for("accounts.login"))


@bp.route("/account/setup", methods=["GET", "POST"])
@public
def accept_invitation() -> ResponseReturnValue:
    token = request.args.get("token", "")
    try:
        user = accounts.user_for_invitation(token)
    except accounts.AccountError as error:
        return render_template("accounts/invitation_invalid.html", message=str(error)), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(token, form.password.data or "")
        except accounts.AccountError as error:
            add_error(form.password, str(error))
        else:
            session.clear()
            login_user(user)
            flash("Your password is set and you are signed in.")
            return redirect(url_for("main.home"))
    return render_template("accounts/choose_password.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
# Whoever finds a signed-in browser must not be able to guess the password here either.
@limiter.limit(
    _configured_limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_signed_in_account,
    methods=["POST"],
    deduct_when=_current_password_wrong,
)
@roles_allowed(*ALL_STAFF)
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current.data or "", form.password.data or ""
            )
        except accounts.AccountError as error:
            wrong_current = "current" in str(error)
            g.current_password_wrong = wrong_current
            add_error(form.current if wrong_current else form.password, str(error))
        else:
            # The new password signed out every other session, this one included: sign back in.
            login_user(current_user._get_current_object())
            flash("Your password has been changed. You were signed out everywhere else.")
            return redirect(url_for("main.home"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/admin/users")
@roles_allowed(Role.ADMIN)
def users() -> ResponseReturnValue:
    return render_template("accounts/users.html", users=accounts.all_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_allowed(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data or "", form.roles.data or [], current_user)
        except accounts.AccountError as error:
            add_error(form.email if "email" in str(error) else form.roles, str(error))
        else:
            invitation = accounts.invite(user, current_user)
            session["invite_link"] = _invite_link(invitation)
            return redirect(url_for("accounts.user", user_id=user.id))
    return render_template("accounts/new_user.html", form=form)


def _invite_link(invitation: accounts.Invitation) -> str:
    return url_for("accounts.accept_invitation", token=invitation.token, _external=True)


def _user_or_404(user_id: int) -> StaffUser:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_allowed(Role.ADMIN)
def user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = RolesForm(data={"roles": sorted(user.roles)} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            accounts.set_roles(user, form.roles.data or [], current_user)
        except accounts.AccountError as error:
            add_error(form.roles, str(error))
        else:
            flash(f"Roles saved for {user.email}.")
            return redirect(url_for("accounts.user", user_id=user.id))
    return render_template(
        "accounts/user.html",
        user=user,
        form=form,
        invite_link=session.pop("invite_link", None),
    )


@bp.route(
    "/admin/users/<int:user_id>/<any(deactivate, reactivate, invite):action>", methods=["POST"]
)
@roles_allowed(Role.ADMIN)
def user_action(user_id: int, action: str) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    try:
        if action == "deactivate":
            accounts.deactivate(user, current_user)
            flash(f"{user.email} is deactivated and signed out everywhere.")
        elif action == "reactivate":
            accounts.reactivate(user, current_user)
            flash(f"{user.email} can sign in again.")
        else:
            session["invite_link"] = _invite_link(accounts.invite(user, current_user))
    except accounts.AccountError as error:
        flash(str(error), "error")
    return redirect(url_for("accounts.user", user_id=user.id))
