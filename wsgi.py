"""The WSGI entry point for servers other than `changemakers serve`: `gunicorn wsgi:app`."""

from changemakers import create_app
from changemakers.logs import configure_logging

configure_logging()
app = create_app()
