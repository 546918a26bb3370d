"""Safeguarding alerts: messages that suggest a young person is in danger or disclosing harm."""
