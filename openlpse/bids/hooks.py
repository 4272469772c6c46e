"""Registrations of the bids app with the tenders app (import-time seams)."""

from __future__ import annotations


def register() -> None:
    from openlpse.bids import navigation_entries
    from openlpse.bids.services import committee

    committee.register_hooks()
    navigation_entries.register()
