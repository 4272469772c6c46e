"""The minutes of a committee-key re-split (berita acara pembagian ulang kunci): why the key
was re-split, the old and new members, k of n, the committee key's fingerprint (unchanged)
and the hashes of the new shares. A PDF on the shared A4 page, stored with `file_store`
(kind "tender_minutes"); generated in Indonesian, the language of the official record."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, Spacer

from openlpse.accounts.models import User
from openlpse.bids.models import EnvelopeKeys, KeyResplit
from openlpse.bids.sealedfile import format_fingerprint
from openlpse.core.models import StoredFile
from openlpse.core.pdf import a4_pdf
from openlpse.core.storage import file_store
from openlpse.core.timezones import local_datetime_label

MINUTES_LANGUAGE = "id"


def _names(ids: list[int]) -> str:
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)}
    return ", ".join(users.get(i, str(i)) for i in sorted(ids)) or "-"


def render_minutes(
    *,
    keys: EnvelopeKeys,
    resplits: list[KeyResplit],
    actor: Any,
    old_members: list[int],
    now: dt.datetime,
) -> bytes:
    tender = keys.tender
    zone = tender.lpse.time_zone
    styles = getSampleStyleSheet()
    body, head = styles["BodyText"], styles["Heading2"]
    new_shares = list(keys.shares.filter(generation=keys.generation).order_by("x"))
    with translation.override(MINUTES_LANGUAGE):
        story: list[Any] = [
            Paragraph(escape(_("Minutes of the committee key re-split")), styles["Title"]),
            Paragraph(escape(f"{tender.code} - {tender.name}"), head),
            Paragraph(escape(_("Envelope: %(e)s") % {"e": keys.get_envelope_display()}), body),
            Paragraph(
                escape(_("Completed at: %(t)s") % {"t": local_datetime_label(now, zone)}), body
            ),
            Paragraph(escape(_("Chair: %(n)s") % {"n": actor.display_name}), body),
            Spacer(1, 6),
            Paragraph(escape(_("Reasons")), head),
        ]
        for row in resplits:
            story.append(
                Paragraph(
                    escape(
                        _("%(at)s: %(reason)s (out: %(out)s; in: %(in)s)")
                        % {
                            "at": local_datetime_label(row.requested_at, zone),
                            "reason": row.reason or "-",
                            "out": row.removed.display_name if row.removed else "-",
                            "in": row.added.display_name if row.added else "-",
                        }
                    ),
                    body,
                )
            )
        story += [
            Spacer(1, 6),
            Paragraph(escape(_("Keys")), head),
            Paragraph(
                escape(
                    _("Committee key fingerprint (unchanged): %(fp)s")
                    % {"fp": format_fingerprint(keys.committee_fingerprint)}
                ),
                body,
            ),
            Paragraph(escape(_("Members before: %(n)s") % {"n": _names(old_members)}), body),
            Paragraph(
                escape(
                    _("Members now: %(n)s; %(k)s of %(c)s shares needed to open (generation %(g)s)")
                    % {
                        "n": _names([s.member_id for s in new_shares]),
                        "k": keys.threshold,
                        "c": keys.share_count,
                        "g": keys.generation,
                    }
                ),
                body,
            ),
            Spacer(1, 6),
            Paragraph(escape(_("New shares (SHA-256)")), head),
        ]
        for share in new_shares:
            story.append(
                Paragraph(
                    escape(f"{share.member.display_name}: x={share.x} {share.share_sha256}"), body
                )
            )
        title = _("Committee key re-split %(code)s") % {"code": tender.code}
        return a4_pdf(story, title=title, subject=title, footer=f"OpenLPSE - {tender.code}")


def store_minutes(
    *,
    keys: EnvelopeKeys,
    resplits: list[KeyResplit],
    actor: Any,
    old_members: list[int],
    now: dt.datetime,
) -> StoredFile:
    pdf = render_minutes(
        keys=keys, resplits=resplits, actor=actor, old_members=old_members, now=now
    )
    tender = keys.tender
    name = f"BA-pembagian-ulang-kunci-{tender.code}-{keys.envelope}-g{keys.generation}.pdf"
    return file_store(
        upload=ContentFile(pdf, name=name),
        kind="tender_minutes",
        owner=actor,
        purpose=f"Key re-split {tender.code} {keys.envelope} g{keys.generation}",
        lpse=tender.lpse,
    )
