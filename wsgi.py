"""The WSGI entry point for servers other than `changemakers serve`: `gunicorn wsgi:app`."""

from changemakers import create_app

app = create_app()
