"""Surveys answered on the web or by SMS, their anonymised responses and the findings."""
