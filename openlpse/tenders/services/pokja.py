"""The Pokja (selection committee) of a package: assigned by the head of the ULP/UKPBJ the
package was sent to, and later changed member by member with a reason.

The rules a Pokja must keep (LT 16(3), KA 14(3); Perpres 16/2018 Pasal 13(4); domain.md):
- three or more members, odd in number (so that a vote is never tied);
- every member holds the Pokja role in force in that procurement unit;
- the package's PPK never sits on it, nor anyone holding an LPSE role (admin or staff): the
  LPSE runs the system and may not run the procurement (LT 8(4), KA 6(3));
- one member chairs it.

Replacing a member after the announcement is allowed with a reason and is logged; the
sealed-bid work (issue 5) must then re-split the committee key among the new members, so it
registers a hook here (`register_member_change`) that runs inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openlpse.accounts.enums import Role
from openlpse.accounts.models import User
from openlpse.accounts.permissions import may_write_procurement
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.tenders import permissions, permissions_packages
from openlpse.tenders.enums import PackageStatus, TenderStatus
from openlpse.tenders.models import Package, PokjaMember, Tender
from openlpse.tenders.permissions import holds_role_in_agency
from openlpse.tenders.services.common import required_text
from openlpse.tenders.services.packages import lock_package, package_url

MIN_MEMBERS = 3
SK_MAX = 120
REASON_MAX = 300

MemberChangeHook = Callable[..., dict[str, Any]]
_member_change_hooks: list[MemberChangeHook] = []


def register_member_change(hook: MemberChangeHook) -> MemberChangeHook:
    """Register `hook(*, package, tender, removed, added, actor) -> dict` (summary for the
    audit event), called when a member is replaced while a tender of the package is
    announced. Import time only."""
    if hook not in _member_change_hooks:
        _member_change_hooks.append(hook)
    return hook


def _problem(user: User, package: Package) -> tuple[str, str] | None:
    """Why `user` may not sit on the package's Pokja, as (code, sentence), or None."""
    name = user.display_name
    if user.pk == package.ppk_id:
        return (
            "pokja_member_is_ppk",
            _(
                "%(name)s is the PPK of this package and may never sit on its Pokja "
                "(separation of duties). Choose another member."
            )
            % {"name": name},
        )
    if not user.is_active:
        return (
            "pokja_member_inactive",
            _("The account of %(name)s is deactivated. Choose another member.") % {"name": name},
        )
    # LT 16(3), KA 14(3): LPSE people never hold procurement roles; platform operators run
    # the system too (accounts.permissions.may_write_procurement).
    if permissions_packages.holds_lpse_role(user) or not may_write_procurement(user):
        return (
            "pokja_member_is_lpse_staff",
            _(
                "%(name)s runs the system (LPSE administrator or staff, or platform operator) "
                "and may never sit on a Pokja (LT 16(3), KA 14(3)). Choose another member."
            )
            % {"name": name},
        )
    assert package.ulp_agency is not None
    if not holds_role_in_agency(user, Role.POKJA_MEMBER, package.ulp_agency):
        return (
            "pokja_role_missing",
            _(
                "%(name)s does not hold the Pokja member role in force in %(unit)s. Choose a "
                "registered Pokja member, or ask the agency admin to register this person."
            )
            % {"name": name, "unit": package.ulp_agency.name},
        )
    return None


SEPARATION_CODES = frozenset({"pokja_member_is_ppk", "pokja_member_is_lpse_staff"})


def _refuse(problems: list[tuple[str, str]], field: str = "members") -> errors.DomainError:
    """One error carrying every problem; SeparationOfDuties when any member breaks it."""
    message = " ".join(sentence for _code, sentence in problems)
    fields: dict[str, list[Any]] = {field: [sentence for _code, sentence in problems]}
    separation = [code for code, _sentence in problems if code in SEPARATION_CODES]
    if separation:
        return errors.SeparationOfDuties(message, code=separation[0], fields=fields)
    return errors.ValidationError(message, code=problems[0][0], fields=fields)


def check_composition(*, package: Package, members: Sequence[User], chair: User | None) -> None:
    """Every rule of a Pokja's composition, all problems at once."""
    problems: list[tuple[str, str]] = []
    seen: set[int] = set()
    for user in members:
        if user.pk in seen:
            problems.append(
                (
                    "pokja_member_twice",
                    _("%(name)s is listed twice. List each member once.")
                    % {"name": user.display_name},
                )
            )
        seen.add(user.pk)
    for user in {u.pk: u for u in members}.values():
        problem = _problem(user, package)
        if problem is not None:
            problems.append(problem)
    count = len(seen)
    if count < MIN_MEMBERS:
        problems.append(
            (
                "pokja_too_small",
                ngettext(
                    "A Pokja has at least %(min)d members; %(count)d was chosen. Add members.",
                    "A Pokja has at least %(min)d members; %(count)d were chosen. Add members.",
                    count,
                )
                % {"min": MIN_MEMBERS, "count": count},
            )
        )
    elif count % 2 == 0:
        problems.append(
            (
                "pokja_even",
                _(
                    "A Pokja has an odd number of members (3, 5, 7...) so that a vote is never "
                    "tied; %(count)d were chosen. Add or remove one member."
                )
                % {"count": count},
            )
        )
    if problems:
        raise _refuse(problems)
    if chair is None or chair.pk not in seen:
        raise errors.field_error(
            "chair",
            _("Choose the chair (ketua) from the members of the Pokja."),
            code="pokja_chair_not_member",
        )


def _clean_sk(sk_number: str) -> str:
    return required_text(
        sk_number,
        field="sk_number",
        max_length=SK_MAX,
        missing=_("Enter the number of the assignment letter (SK) of the Pokja."),
    )


def _require_head(actor: Any, package: Package) -> None:
    if not permissions.is_ulp_head_for(actor, package):
        raise errors.PermissionDenied(
            _(
                "Only the head of the procurement unit (ULP/UKPBJ) the package was sent to can "
                "assign or change its Pokja."
            )
        )


def pokja_assign(
    *, actor: User, package: Package, members: Sequence[User], chair: User, sk_number: str
) -> list[PokjaMember]:
    """Assign the Pokja of a package sent to the actor's procurement unit: the members, the
    chair among them and the SK number. The package becomes "assigned"; every member is
    notified."""
    _require_head(actor, package)
    sk = _clean_sk(sk_number)
    with transaction.atomic():
        locked = lock_package(package)
        if locked.status != PackageStatus.SENT:
            raise errors.Conflict(
                _(
                    "Package %(code)s is %(status)s: a Pokja is assigned only to a package "
                    "waiting for one. To change a member, use “replace member”."
                )
                % {"code": locked.code, "status": locked.get_status_display().lower()},
                code="package_not_waiting_for_pokja",
            )
        check_composition(package=locked, members=members, chair=chair)
        now = clock.now()
        unique = list({u.pk: u for u in members}.values())
        created = [
            PokjaMember.objects.create(
                package=locked,
                user=user,
                is_chair=user.pk == chair.pk,
                assigned_by=actor,
                assigned_at=now,
                sk_number=sk,
            )
            for user in unique
        ]
        locked.status = PackageStatus.ASSIGNED
        locked.updated_at = now
        locked.save(update_fields=["status", "updated_at"])
        code, name, url = locked.code, locked.name, package_url(locked)
        chair_name = chair.display_name
        notify(
            users=unique,
            message=Message(
                "pokja.assigned",
                subject=lambda: _("You are on the Pokja of %(code)s") % {"code": code},
                body=lambda: (
                    _(
                        "You were assigned to the Pokja of package %(code)s (%(name)s), SK "
                        "%(sk)s, chaired by %(chair)s. Open the package to set up the tender."
                    )
                    % {"code": code, "name": name, "sk": sk, "chair": chair_name}
                ),
                url=url,
            ),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="pokja.assign",
            obj=locked,
            changes={
                "members": [u.pk for u in unique],
                "chair": chair.pk,
                "sk_number": sk,
                "status": [PackageStatus.SENT, PackageStatus.ASSIGNED],
            },
            lpse_id=locked.lpse_id,
        )
    return created


def pokja_replace_member(
    *,
    actor: User,
    package: Package,
    member: User,
    replacement: User,
    reason: str,
    sk_number: str = "",
) -> PokjaMember:
    """Replace one active member by another with a reason (and, optionally, the number of
    the new SK; by default the current one). The replacement takes over the chair if the
    member held it. Before the announcement this simply changes the committee (the new member
    must approve the set-up too); after it, it is allowed and logged, and the registered
    hooks re-split the committee key (issue 5)."""
    _require_head(actor, package)
    reason = required_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        missing=_("Give the reason for replacing the member; it is kept in the record."),
    )
    with transaction.atomic():
        locked = lock_package(package)
        if locked.status != PackageStatus.ASSIGNED:
            raise errors.Conflict(
                _("Package %(code)s has no Pokja yet (%(status)s). Assign its Pokja first.")
                % {"code": locked.code, "status": locked.get_status_display().lower()},
                code="package_without_pokja",
            )
        current = list(
            PokjaMember.objects.select_for_update()
            .filter(package_id=locked.pk, removed_at__isnull=True)
            .order_by("pk")
        )
        old = next((m for m in current if m.user_id == member.pk), None)
        if old is None:
            raise errors.field_error(
                "member",
                _("%(name)s is not a member of this Pokja. Choose one of its members.")
                % {"name": member.display_name},
                code="not_a_member",
            )
        if any(m.user_id == replacement.pk for m in current):
            raise errors.field_error(
                "replacement",
                _("%(name)s is already on this Pokja. Choose someone else.")
                % {"name": replacement.display_name},
                code="already_a_member",
            )
        problem = _problem(replacement, locked)
        if problem is not None:
            raise _refuse([problem], field="replacement")
        sk = _clean_sk(sk_number) if sk_number.strip() else old.sk_number
        now = clock.now()
        old.removed_at = now
        old.removed_by = actor
        old.removal_reason = reason
        old.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        new = PokjaMember.objects.create(
            package=locked,
            user=replacement,
            is_chair=old.is_chair,
            assigned_by=actor,
            assigned_at=now,
            sk_number=sk,
        )
        tender = (
            Tender.objects.filter(package_id=locked.pk, status=TenderStatus.ANNOUNCED)
            .order_by("-pk")
            .first()
        )
        summary: dict[str, Any] = {}
        if tender is not None:
            for hook in _member_change_hooks:
                summary.update(
                    hook(
                        package=locked,
                        tender=tender,
                        removed=member,
                        added=replacement,
                        actor=actor,
                    )
                )
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        code, url, removed_name = locked.code, package_url(locked), member.display_name
        notify(
            users=[replacement],
            message=Message(
                "pokja.assigned",
                subject=lambda: _("You are on the Pokja of %(code)s") % {"code": code},
                body=lambda: (
                    _(
                        "You replace %(removed)s on the Pokja of package %(code)s (SK %(sk)s). "
                        "Open the package to see the tender and approve its set-up."
                    )
                    % {"removed": removed_name, "code": code, "sk": sk}
                ),
                url=url,
            ),
            lpse=locked.lpse,
        )
        notify(
            users=[member],
            message=Message(
                "pokja.removed",
                subject=lambda: _("You left the Pokja of %(code)s") % {"code": code},
                body=lambda: (
                    _(
                        "The head of the procurement unit replaced you on the Pokja of package "
                        "%(code)s: %(reason)s"
                    )
                    % {"code": code, "reason": reason}
                ),
                url="",
            ),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="pokja.replace_member",
            obj=locked,
            changes={
                "removed": member.pk,
                "added": replacement.pk,
                "chair": old.is_chair,
                "reason": reason,
                "sk_number": sk,
                "tender_announced": tender.code if tender is not None else None,
                **summary,
            },
            lpse_id=locked.lpse_id,
        )
    return new
