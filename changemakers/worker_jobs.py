"""Work that an area asks of every worker round (the surveys' mixing pool releases its
batches), so that the worker runs it without knowing the area."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

Job = Callable[[datetime], int]  # does what is due now; how many things it did (0: nothing)


def register(app: Flask, job: Job) -> None:
    app.extensions.setdefault("worker_jobs", []).append(job)


def run_all(now: datetime) -> int:
    """Every registered job, in the app context; how many things they did."""
    return sum(job(now) for job in current_app.extensions.get("worker_jobs", []))
