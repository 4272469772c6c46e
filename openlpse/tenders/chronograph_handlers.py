"""Chronograph follow-ups of tenders (notifications at stage starts and ends)."""
