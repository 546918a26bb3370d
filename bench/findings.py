"""Benchmark of the findings: a survey of 12 questions with many responses, on PostgreSQL.

    python bench/findings.py --database postgres [--responses 100000]

Seeds a survey of 12 questions (9, and 3 demographic questions to cross-tabulate by) with
made-up responses, then times the whole of its findings as the board page computes them (every
question, the cross-tabs by the three demographics, suppression: the database counts, see
``surveys/counting.py``) and reports the peak memory this takes; then the same for 800
responses. Target: the findings of 100,000 responses in at most 1.5 s (``--max-seconds``); it
exits 1 when they take longer.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import app_environment, changemakers, verdict, workdir  # noqa: E402
from tests.support.databases import fresh_database  # noqa: E402

CHOICES = ["Never", "Sometimes", "Often", "Always"]
SURVEY = {
    "title": "Benchmark survey",
    "slug": "benchmark",
    "questions": [
        *(
            {"id": f"q{n}", "kind": "single_choice", "text": f"Question {n}?", "options": CHOICES}
            for n in range(1, 6)
        ),
        {
            "id": "worries",
            "kind": "multiple_choice",
            "text": "Worries?",
            "options": ["Knife crime", "Online", "School", "Money", "Home"],
        },
        {"id": "safe", "kind": "scale", "text": "How safe?", "min": 1, "max": 5},
        {"id": "hours", "kind": "number", "text": "Hours online?", "min": 0, "max": 24},
        {"id": "change", "kind": "free_text", "text": "One thing to change?"},
        {"id": "age", "kind": "demographic", "demographic": "age_band", "text": "Age?"},
        {"id": "gender", "kind": "demographic", "demographic": "gender", "text": "Gender?"},
        {
            "id": "area",
            "kind": "demographic",
            "demographic": "area",
            "text": "Area?",
            "options": ["North", "South", "East", "West"],
        },
    ],
}
PHRASES = [
    "more youth clubs",
    "safer streets at night",
    "better lighting in the park",
    "listen to young people",
    "free places to go",
]


def seed(app, count: int) -> None:  # type: ignore[no-untyped-def]
    from changemakers.extensions import db
    from surveys import services
    from surveys.definition import from_data
    from surveys.models import SurveyResponse

    chooser = random.Random(1)
    definition = from_data(SURVEY)
    with app.app_context():
        version = services.load_published(SURVEY)
        rows = []
        for _ in range(count):
            answers = {}
            for question in definition.questions:
                if question.kind == "multiple_choice":
                    answers[question.id] = chooser.sample(question.choices, chooser.randint(1, 3))
                elif question.kind in ("scale", "number"):
                    answers[question.id] = chooser.randint(question.minimum, question.maximum)
                elif question.kind == "free_text":
                    answers[question.id] = chooser.choice(PHRASES)
                else:
                    answers[question.id] = chooser.choice(question.choices)
            rows.append(
                {
                    "survey_id": version.survey_id,
                    "version_id": version.id,
                    "channel": chooser.choice(["web", "sms"]),
                    "answers": answers,
                    "started_on": date(2026, 11, 1),
                    "completed_on": date(2026, 11, 1),
                }
            )
            if len(rows) == 5000:
                db.session.execute(insert(SurveyResponse), rows)
                rows = []
        if rows:
            db.session.execute(insert(SurveyResponse), rows)
        db.session.commit()
        # Statistics for the planner, as autovacuum gathers them soon after a load like this.
        db.session.execute(text("ANALYZE survey_responses"))
        db.session.commit()
        db.session.remove()


def measure(app, label: str) -> float:  # type: ignore[no-untyped-def]
    """Print the figures; the seconds the findings took."""
    from changemakers.extensions import db
    from surveys import services

    with app.app_context():
        services.findings_for("benchmark", 10)  # warm: connections, the parsed survey
        started = time.perf_counter()
        found = services.findings_for("benchmark", 10)
        elapsed = time.perf_counter() - started
        tracemalloc.start()  # a second run for memory: tracing slows Python down
        services.findings_for("benchmark", 10)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
    assert found is not None
    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{label}: findings in {elapsed * 1000:,.0f} ms, peak Python memory "
        f"{peak / 2**20:,.1f} MiB, this process's peak resident memory {resident:,.0f} MiB "
        f"({len(found['questions'])} questions, {len(found['crosstabs'])} cross-tabs)"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=1.5,
        help="target: the findings of --responses responses in at most this (default 1.5)",
    )
    args = parser.parse_args()
    missed = []
    for count in (args.responses, 800):
        with workdir() as work:
            url = fresh_database(args.database, args.postgres_url, work, "changemakers_findings")
            env = app_environment(url, work)
            changemakers("db", "upgrade", env=env)
            os.environ.update(env)
            from changemakers import create_app

            app = create_app()
            seed(app, count)
            elapsed = measure(app, f"{count:,} responses x 12 questions")
            if count == args.responses and elapsed > args.max_seconds:
                missed.append(
                    f"findings of {count:,} responses in {elapsed:.2f} s, "
                    f"target {args.max_seconds:.2f} s"
                )
            with app.app_context():
                from changemakers.extensions import db

                db.engine.dispose()
    sys.exit(verdict(missed))


if __name__ == "__main__":
    main()
