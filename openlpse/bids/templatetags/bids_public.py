"""Template tags that the public tender pages load from the bids app, so that the tenders app
never imports bids code (issue 5 item 1: "Public keys and fingerprints are part of the
published announcement")."""

from __future__ import annotations

from typing import Any

from django import template

from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.sealedfile import format_fingerprint
from openlpse.tenders.enums import Envelope, TenderStatus

register = template.Library()


def announced_keys(tender: Any) -> list[dict[str, Any]]:
    """Per envelope of an announced tender: both fingerprints (in groups of four), k of n and
    the share generation. Nothing for a tender in preparation (its keys are not published
    yet) nor for an envelope whose system key is not made yet. One query."""
    if tender is None or tender.status == TenderStatus.DRAFT or tender.announced_at is None:
        return []
    rows = (
        EnvelopeKeys.objects.filter(tender_id=tender.pk)
        .exclude(system_fingerprint="")
        .order_by("envelope")
        .values(
            "envelope",
            "committee_fingerprint",
            "system_fingerprint",
            "threshold",
            "share_count",
            "generation",
        )
    )
    order = {value: index for index, value in enumerate(Envelope.values)}
    labels = dict(Envelope.choices)
    out = [
        {
            "envelope": row["envelope"],
            "label": labels.get(row["envelope"], row["envelope"]),
            "committee_fingerprint": format_fingerprint(row["committee_fingerprint"]),
            "system_fingerprint": format_fingerprint(row["system_fingerprint"]),
            "threshold": row["threshold"],
            "share_count": row["share_count"],
            "generation": row["generation"],
        }
        for row in rows
    ]
    return sorted(out, key=lambda item: order.get(item["envelope"], len(order)))


@register.inclusion_tag("bids/public/_announcement_keys.html")
def announcement_keys(tender: Any) -> dict[str, Any]:
    """The "Sealing keys" section of the public announcement (empty when nothing is
    published)."""
    return {"tender": tender, "envelopes": announced_keys(tender)}
