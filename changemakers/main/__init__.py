"""The staff home page and the health checks."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from changemakers.main import views  # noqa: E402,F401
