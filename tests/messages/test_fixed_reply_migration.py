"""Keywords bound to fixed replies before fixed replies had versions become published versions,
and go on answering as they did."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import flask_migrate
from sqlalchemy import select, text

from changemakers import create_app
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from messages import fixed_replies
from messages.keywords import current_keywords
from messages.models import FixedReply, FixedReplyVersion
from tests.support.apps import dispose_engines, settings_for_tests
from tests.support.databases import fresh_database

HELLO = "Hi, thanks for texting Changemakers. Text HELP to find out more."
TIPS = "Keep your accounts private."
AT_0010 = [
    "INSERT INTO keywords (word, kind, ref, reply, created_at)"
    " VALUES ('HELLO', 'reply', NULL, :hello, :then)",
    "INSERT INTO keywords (word, kind, ref, reply, created_at)"
    " VALUES ('TIPS', 'reply', NULL, :tips, :then)",
    "INSERT INTO keywords (word, kind, ref, reply, created_at)"
    " VALUES ('FRIEND', 'flow', '7', NULL, :then)",
]


def test_reply_keywords_become_published_versions_and_back(tmp_path):
    postgres = os.environ.get("TEST_DATABASE_URL", "")
    url = fresh_database("postgres" if postgres else "sqlite", postgres, tmp_path, "replies")
    app = create_app(settings_for_tests(url, tmp_path))
    directory = app.extensions["migrate"].directory
    then = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    try:
        with app.app_context():
            flask_migrate.upgrade(directory=directory, revision="0010")
            with db.engine.begin() as connection:
                for statement in AT_0010:
                    connection.execute(
                        text(statement), {"hello": HELLO, "tips": TIPS, "then": then}
                    )
            flask_migrate.upgrade(directory=directory)

            versions = db.session.execute(
                select(FixedReply.keyword, FixedReply.id, FixedReplyVersion)
                .join(FixedReplyVersion)
                .order_by(FixedReply.keyword)
            ).all()
            assert [(keyword, v.content) for keyword, _, v in versions] == [
                ("HELLO", {"keyword": "HELLO", "reply": HELLO}),
                ("TIPS", {"keyword": "TIPS", "reply": TIPS}),
            ]
            for _, fixed_reply_id, version in versions:
                assert (version.number, version.status) == (1, ContentStatus.PUBLISHED)
                assert (version.author_id, version.contributor_ids) == (None, [])
                assert version.published_at is not None
                assert fixed_replies.published_version(fixed_reply_id) == version
            bound = current_keywords()
            assert {word: (b.kind, b.reply) for word, b in bound.items()} == {
                "HELLO": ("reply", HELLO),
                "TIPS": ("reply", TIPS),
                "FRIEND": ("flow", None),
            }
            assert bound["HELLO"].ref == str(versions[0][1])
            assert bound["FRIEND"].ref == "7"
            # The demo's content, loaded again after the upgrade, is live already.
            assert fixed_replies.load_published("HELLO", HELLO) == versions[0][2]
            db.session.remove()

            flask_migrate.downgrade(directory=directory, revision="0010")
            with db.engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT word, kind, ref, reply FROM keywords ORDER BY word")
                ).all()
        assert [tuple(row) for row in rows] == [
            ("FRIEND", "flow", "7", None),
            ("HELLO", "reply", None, HELLO),
            ("TIPS", "reply", None, TIPS),
        ]
    finally:
        dispose_engines(app)
