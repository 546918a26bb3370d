"""Commands for surveys, registered on the app by the factory."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from changemakers.content import files
from changemakers.content.cli import import_content
from surveys import services
from surveys.definition import to_data
from surveys.findings import comparison_csv_rows, csv_rows

surveys = AppGroup("surveys", help="Surveys as files: export to keep or review, import.")


@surveys.command("import")
@click.argument("source", type=click.File("r"))
def import_survey(source: Any) -> None:
    """Read a survey from a YAML or JSON file into a new draft. A file that does not validate
    is refused with every problem listed, and nothing changes."""
    version = import_content(source, services.import_survey, "survey")
    click.echo(f"Imported as draft version {version.number} of {version.content['title']!r}.")


@surveys.command("export")
@click.argument("slug")
@click.option("--format", "file_format", type=click.Choice(files.FORMATS), default="yaml")
def export_survey(slug: str, file_format: str) -> None:
    """Write the live version of the survey at /s/SLUG."""
    found = services.live(slug)
    if found is None:
        raise click.ClickException(f"no survey is live at /s/{slug}")
    click.echo(files.dump(to_data(found.definition), file_format), nl=False)


@click.command("findings")
@click.argument("slug")
@click.option(
    "--group",
    metavar="QUESTION_ID:ANSWER",
    default=None,
    help="Only one group, such as age:14 to 15 (a demographic question and one answer).",
)
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json")
@click.option(
    "--compare",
    nargs=2,
    type=int,
    metavar="A B",
    default=None,
    help="Compare version A with version B (waves of the survey) instead.",
)
@with_appcontext
def findings(
    slug: str, group: str | None, output_format: str, compare: tuple[int, int] | None
) -> None:
    """Print the findings of the survey at /s/SLUG through the disclosure gate, exactly as
    the board sees them."""
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    if compare:
        try:
            data = services.comparison_for(slug, *compare, threshold)
        except services.NotComparable as problem:
            raise click.ClickException(str(problem)) from None
        rows = comparison_csv_rows(data)
    else:
        survey = services.live(slug)
        if survey is None:
            raise click.ClickException(f"no survey is live at /s/{slug}")
        only = None
        if group is not None:
            question_id, _, answer = group.partition(":")
            question = survey.definition.question(question_id)
            if question is None or question.kind != "demographic" or answer not in question.choices:
                raise click.ClickException(
                    f"{group!r} is not a group: give a demographic question's id and one of its "
                    "answers, such as age:14 to 15"
                )
            only = (question_id, answer)
        try:
            found = services.findings_for(slug, threshold, only)
        except services.GroupTooSmall as problem:
            raise click.ClickException(f"{problem} Its findings cannot be shown.") from None
        assert found is not None
        data, rows = found, csv_rows(found)
    if output_format == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    csv.writer(sys.stdout).writerows(rows)
