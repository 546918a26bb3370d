"""The SMS channel and message flows: gateways, webhooks, inbound router, flow engine, outbox."""

from flask import Blueprint

bp = Blueprint("messages", __name__, template_folder="templates")

from messages import broadcast_views, flow_views, signpost_views, views  # noqa: E402,F401
