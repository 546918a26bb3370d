"""The survey pages (answering, editing, findings, coding); each views module adds its routes."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates")
