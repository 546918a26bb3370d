"""The yardstick for bench/webhook.py: a Flask view that does one insert and nothing else.

Served by gunicorn with the same settings as the real app, against the same database, so the
ratio between the two says what the SMS channel's own work costs.
"""

import os

from flask import Flask, request
from sqlalchemy import create_engine, text

import changemakers.database  # noqa: F401  (the same SQLite pragmas as the app)

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)


@app.post("/sms/inbound")
def insert_one():
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO bench_minimal (body) VALUES (:body)"),
            {"body": request.form.get("Body", "")},
        )
    return '<?xml version="1.0" encoding="UTF-8"?><Response />', 200, {"Content-Type": "text/xml"}
