"""The ``changemakers`` command: demo, serve, database, staff accounts.

Commands of the SMS channel and surveys are registered on the app by the factory and appear here
too, once the app is loaded from the environment.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

import click
from flask import Flask, url_for
from flask.cli import FlaskGroup
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from changemakers import create_app, instance_path, navigation
from changemakers.accounts.models import Role
from changemakers.config import ConfigError
from changemakers.logs import configure_logging

if TYPE_CHECKING:
    from changemakers.safeguarding import Detector


def app_from_environment() -> Flask:
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(f"cannot start: {error}") from None


@click.group(
    cls=FlaskGroup,
    create_app=app_from_environment,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
)
def cli() -> None:
    """Changemakers: young people's voice in child safeguarding."""


def _redacted_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_database(app: Flask) -> None:
    """Stop with one clear line if the database cannot be reached or its schema is not current."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from changemakers import MIGRATIONS_DIRECTORY

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise click.ClickException(
            f"cannot reach the database at {_redacted_url(url)}: {reason}"
        ) from None
    finally:
        engine.dispose()
    heads = set(ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_heads())
    if current != heads:
        raise click.ClickException(
            "the database schema is not up to date: run `changemakers db upgrade` first"
        )


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data into the database and exit.")
@click.option("--new-passwords", is_flag=True, help="Give the demo accounts new passwords.")
def demo(host: str, port: int, no_serve: bool, new_passwords: bool) -> None:
    """Run everything on this machine: SQLite, console SMS, demo content and accounts.

    Settings given in the environment override the demo's defaults.
    """
    import flask_migrate

    from changemakers import demo as demo_content

    generated = demo_content.load_or_create_secrets(instance_path())
    defaults = {name: value for name, value in generated.items() if not os.environ.get(name)}
    try:
        app = create_app({"DEMO": True, **defaults})
    except ConfigError as error:
        raise click.ClickException(f"cannot start: {error}") from None
    configure_logging()
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
        accounts = demo_content.ensure_demo_accounts(new_passwords)
        demo_content.load_domain_content(app)

    click.echo("\nDemo staff accounts:")
    for account in accounts:
        shown = (
            account.password or "(set earlier; `changemakers demo --new-passwords` for new ones)"
        )
        click.echo(f"  {account.role.value:<12} {account.email:<40} {shown}")
    if no_serve:
        click.echo("Demo data loaded.")
        return

    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    for start in app.extensions.get("demo_background", []):
        start(app)
    click.echo(f"\nChangemakers demo on http://{host}:{port}/ (Ctrl+C to stop)")
    with app.test_request_context():
        for item in navigation.demo_items(app):
            click.echo(
                f"  {item.label}, open to anyone in the demo: http://{host}:{port}{url_for(item.endpoint)}"
            )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    type=int,
    default=lambda: int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))),
    help="Web processes [default: WEB_CONCURRENCY or twice the cores].",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the production web app with gunicorn (settings from the environment)."""
    from gunicorn.app.base import BaseApplication

    configure_logging()
    app = app_from_environment()
    check_database(app)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("accesslog", "-")
            # The path without its query string: a query may carry a one-time token.
            self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms')

        def load(self) -> Flask:
            return app

    Server().run()


@cli.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create a staff account with a password from a prompt or standard input."""
    from changemakers.accounts import services as accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, roles, actor=None, password=password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")


@cli.command()
@click.option("--dry-run", is_flag=True, help="Count what is due; delete nothing.")
def purge(dry_run: bool) -> None:
    """Delete what the retention settings no longer allow us to keep.

    Every `changemakers worker` does this once a day; this runs it now. Safe to stop and to run
    again: it deletes in small batches, each participant wholly or not at all.
    """
    from changemakers.database import utcnow
    from changemakers.retention import services as retention

    now = utcnow()
    try:
        counts = retention.count_due(now) if dry_run else retention.purge(now)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise click.ClickException(
            f"the purge stopped at a database error ({reason}); what it deleted before that "
            "stays deleted: run it again to finish"
        ) from None
    click.echo("Due for deletion (nothing deleted):" if dry_run else "Deleted:")
    width = max((len(name) for name in counts), default=0)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count}")


@cli.group()
def safeguarding() -> None:
    """The safeguarding detector: check messages, measure it against a labelled corpus."""


def _detector(rules: str | None) -> Detector:
    """The rules in force (approved by reviewers, or the shipped ones), or those in a file."""
    from flask import current_app

    from changemakers import safeguarding as detection

    if rules is not None:
        try:
            with open(rules, encoding="utf-8") as file:
                return detection.compile_rules(file.read())
        except (OSError, detection.RulesError) as error:
            raise click.ClickException(f"cannot use the rules in {rules}: {error}") from None
    from changemakers.alerts.rules import detector_in_force

    check_database(current_app)
    return detector_in_force()


RULES_OPTION = click.option(
    "--rules", type=click.Path(dir_okay=False), help="Use the rules in this YAML file instead."
)


@safeguarding.command("check")
@click.argument("text")
@RULES_OPTION
def safeguarding_check(text: str, rules: str | None) -> None:
    """Print `alert` (a tab, then the category) or `no alert` for TEXT, or for each line of
    standard input if TEXT is -, with the rules in force."""
    detector = _detector(rules)
    messages = sys.stdin.read().splitlines() if text == "-" else [text]
    for message in messages:
        verdict = detector.check(message)
        click.echo(f"alert\t{verdict.category}" if verdict else "no alert")


@safeguarding.command("evaluate")
@click.argument("corpus", type=click.File(encoding="utf-8"))
@RULES_OPTION
def safeguarding_evaluate(corpus: TextIO, rules: str | None) -> None:
    """Recall per category, false alerts and every miss on CORPUS: one message a line,
    `label<TAB>text`, the label a category or `none` for a harmless message."""
    from changemakers import safeguarding as detection

    detector = _detector(rules)
    try:
        examples = detection.read_corpus(corpus, detector.categories)
    except detection.CorpusError as error:
        raise click.ClickException(f"cannot read the corpus: {error}") from None
    for line in detection.report(detection.evaluate(detector, examples)):
        click.echo(line)


if __name__ == "__main__":
    cli()
