"""Reporting rounds: each body's tasks and figures by each deadline, review, reminders and the
consolidated report (see docs/reporting.md)."""
