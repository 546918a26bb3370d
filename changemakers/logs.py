"""Logging for the processes we start: one line a record, phone numbers and emails redacted."""

from __future__ import annotations

import logging
import sys

from changemakers.redaction import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The twilio library logs each request's parameters (the recipient's number among them).
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
