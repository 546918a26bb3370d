"""The WSGI entry point for servers other than `changemakers serve`: `gunicorn wsgi:app`."""

from changemakers import create_app
from changemakers.config import ConfigError
from changemakers.logs import configure_logging

configure_logging()
try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"cannot start: {error}") from None
