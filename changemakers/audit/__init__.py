"""The audit log: who changed, approved, published, exported or erased what, and when."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from changemakers.audit import views  # noqa: E402,F401
