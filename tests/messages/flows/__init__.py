"""Message flows: the engine, validation, the editor and flows answering SMS."""

# A published flow the tests text: a question, a follow-up a day later, and an example.
SMALL = {
    "name": "Small",
    "keyword": "SMALL",
    "start": "ask",
    "steps": {
        "ask": {
            "kind": "question",
            "text": "Hi. Reply 1 for tips or 2 to hear from us later.",
            "options": [{"label": "Tips", "next": "tips"}, {"label": "Later", "next": "wait"}],
            "hint": "Just reply 1 or 2.",
        },
        "tips": {"kind": "end", "text": "Tip: talk to {childline}."},
        "wait": {"kind": "follow_up", "after": "1d", "next": "later"},
        "later": {"kind": "end", "text": "Here we are, a day later."},
    },
    "examples": [{"name": "Tips", "texts": ["SMALL", "1"], "expect": ["0800 1111"]}],
}
