"""Retention: deleting what the service no longer needs, on a schedule."""
