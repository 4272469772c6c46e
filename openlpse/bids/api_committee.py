"""Placeholder router (issue 5); filled in by its owner."""

from ninja import Router

router = Router(tags=["Sealed bids"])
