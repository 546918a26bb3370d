"""The SMS channel's pages; each views module adds its routes to it."""

from flask import Blueprint

bp = Blueprint("messages", __name__, template_folder="templates")
