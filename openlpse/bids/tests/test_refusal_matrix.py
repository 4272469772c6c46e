"""Every write service of the sealed-bid app refuses every role that must not use it, with the
exact error class, code and English sentence, and changes nothing: no row, no field, no file,
and no AuditEvent except the refusal audit the service documents (opening ceremony:
`bids.*_refused`; qualification: `bid.qualification.*_refused` for a vendor that did not join).
Conventions: a permission test runs over every role and asserts that nothing changed."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone, translation

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.bids import ceremony
from openlpse.bids.models import (
    EnvelopeKeys,
    FileOneResult,
    KeyResplit,
    KeyShare,
    OpenedBid,
    OpeningSession,
    PersonalKey,
    QualificationSubmission,
    ShareOffer,
    Submission,
    UnopenableCase,
    Upload,
)
from openlpse.bids.sealedfile import b64, public_raw
from openlpse.bids.services import cases, committee, gates, opening, personal_keys, resplit
from openlpse.bids.services import qualification as qualification_services
from openlpse.bids.services import submissions as submission_services
from openlpse.bids.services import uploads as upload_services
from openlpse.bids.tests.factories import give_personal_keys, personal_key_row
from openlpse.bids.tests.opening_support import make_world
from openlpse.bids.tests.submissions_support import (
    bid_setup,
    seal_bytes,
    send,
    start,
    submit,
)
from openlpse.bids.tests.test_opening_tamper import _damaged, _open
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.plans.tests.factories import grant
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import Participant, PokjaMember, Tender
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.tests.factories import announced_tender, assigned_package, join
from openlpse.tenders.tests.setup_support import approve_all, draft, upload_document
from openlpse.vendors.tests.factories import (
    grant_vendor_role,
    make_verified_vendor,
    make_verifikator,
)

pytestmark = pytest.mark.django_db

# --- the scene: a tender, the vendor that owns what is acted on, and everyone around it -------


@dataclass
class Scene:
    tender: Tender
    owner: Any = None  # the vendor whose upload / submission / qualification is acted on
    call: Callable[[Any], object] = lambda actor: None
    when: Callable[[], Any] = contextlib.nullcontext
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def chair(self) -> Any:
        return self.tender.committee.pokja[0]  # type: ignore[attr-defined]

    def person(self, role: str) -> Any:
        tender = self.tender
        lpse = tender.lpse

        def with_role(role_name: str, **scope: Any) -> Any:
            user = UserFactory()
            grant(user, role_name, **scope)
            return user

        def vendor_staff() -> Any:
            user = UserFactory()
            grant_vendor_role(user, self.owner, Role.VENDOR_STAFF)
            return user

        def staff_with_official_role() -> Any:
            user = vendor_staff()
            grant(user, Role.PPK, work_unit=tender.officials.work_unit)  # type: ignore[attr-defined]
            return user

        def removed_pokja() -> Any:
            member = tender.committee.pokja[2]  # type: ignore[attr-defined]
            PokjaMember.objects.filter(package=tender.package, user=member).update(
                removed_at=timezone.now(), removal_reason="Mutasi jabatan"
            )
            return member

        def auditor_other_package() -> Any:
            user = UserFactory()
            RoleAssignmentFactory(
                user=user,
                role=Role.AUDITOR,
                scope_kind=ScopeKind.PACKAGES,
                scope_ref="P9999999",
                lpse=lpse,
            )
            return user

        def key_owner_admin() -> Any:
            grant(self.chair, Role.LPSE_ADMIN, lpse=lpse)
            return self.chair

        people: dict[str, Callable[[], Any]] = {
            "anonymous": AnonymousUser,
            "stranger": UserFactory,  # signed in, no role
            "participant": lambda: self.owner.created_by,  # admin of the joined vendor
            "vendor_not_joined": lambda: make_verified_vendor(lpse=lpse).created_by,
            "other_vendor": lambda: second_vendor_of(tender).created_by,  # joined, not the owner
            "vendor_staff": vendor_staff,  # staff of the owner vendor
            "vendor_staff_official": staff_with_official_role,
            "pokja_member": lambda: tender.committee.pokja[1],  # type: ignore[attr-defined]
            "other_pokja": lambda: assigned_package().committee.chair,  # type: ignore[attr-defined]
            "ulp_head": lambda: tender.committee.ulp_head,  # type: ignore[attr-defined]
            "ppk": lambda: tender.officials.ppk,  # type: ignore[attr-defined]
            "pa": lambda: tender.officials.pa,  # type: ignore[attr-defined]
            "kpa": lambda: tender.officials.kpa,  # type: ignore[attr-defined]
            "lpse_admin": lambda: with_role(Role.LPSE_ADMIN, lpse=lpse),
            "other_lpse_admin": lambda: with_role(Role.LPSE_ADMIN, lpse=LpseFactory()),
            "lpse_staff": lambda: make_verifikator(lpse),  # type: ignore[no-untyped-call]
            "auditor": lambda: with_role(Role.AUDITOR, lpse=lpse),  # surat tugas: whole LPSE
            "auditor_other_package": auditor_other_package,
            "removed_pokja": removed_pokja,  # a member taken off this tender's Pokja
            "key_owner_admin": key_owner_admin,  # the key's owner, also an LPSE admin
        }
        return people[role]()


def second_vendor_of(tender: Tender) -> Any:
    vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, vendor)
    return vendor


def _public_key() -> str:
    return b64(public_raw(ec.generate_private_key(ec.SECP256R1())))


# --- what must not change -----------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    def rows(model: Any, *fields: str) -> list[Any]:
        return sorted(model.objects.values_list("pk", *fields), key=str)

    return {
        "personal_keys": rows(PersonalKey, "status", "confirmed_by", "revoked_at", "revoke_reason"),
        "envelope_keys": rows(
            EnvelopeKeys, "generation", "threshold", "resplit_required", "committee_fingerprint"
        ),
        "shares": rows(KeyShare, "generation", "superseded_at", "share_sha256"),
        "resplits": rows(KeyResplit, "status", "handovers", "completed_at", "minutes"),
        "uploads": rows(Upload, "status", "offset", "updated_at"),
        "submissions": rows(Submission, "is_effective", "withdrawn_at", "version"),
        "qualification": rows(QualificationSubmission, "is_effective", "withdrawn_at", "version"),
        "file_one": rows(FileOneResult, "passed", "reason", "decided_at"),
        "sessions": rows(OpeningSession, "status"),
        "offers": rows(ShareOffer, "member"),
        "opened": rows(OpenedBid, "status"),
        "cases": rows(
            UnopenableCase,
            "status",
            "finding",
            "witness_report",
            "escalated_at",
            "declared_at",
        ),
        "files": StoredFile.objects.count(),
        "participants": Participant.objects.count(),
        "tenders": rows(Tender, "status", "setup_version"),
    }


# --- scenes, one per service (made by the allowed people, then the refused call is tried) -----


def _key_scene(status: str) -> Scene:
    tender = announced_tender()
    scene = Scene(tender)
    key = personal_key_row(scene.chair, ec.generate_private_key(ec.SECP256R1()), status=status)
    scene.extra["key"] = key
    return scene


def s_register() -> Scene:
    scene = Scene(announced_tender())
    public = _public_key()
    scene.call = lambda actor: personal_keys.personal_key_register(
        actor=actor, public_key_b64=public
    )
    return scene


def s_confirm() -> Scene:
    scene = _key_scene("pending")
    key = scene.extra["key"]
    scene.call = lambda actor: personal_keys.personal_key_confirm(
        actor=actor, key=key, fingerprint_read=key.fingerprint
    )
    return scene


def s_revoke() -> Scene:
    scene = _key_scene("confirmed")
    key = scene.extra["key"]
    scene.call = lambda actor: personal_keys.personal_key_revoke(
        actor=actor, key=key, reason="Berkas kunci hilang."
    )
    return scene


def s_keys_store() -> Scene:
    tender = draft()
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    give_personal_keys(tender.committee.pokja)  # type: ignore[attr-defined]
    tender.refresh_from_db()
    chair = tender.committee.pokja[0]  # type: ignore[attr-defined]
    payload = ceremony.run_key_ceremony(committee.committee_material(actor=chair, tender=tender))
    scene = Scene(tender)
    scene.call = lambda actor: committee.committee_keys_store(
        actor=actor, tender=tender, envelopes=payload.payload["envelopes"]
    )
    return scene


def _resplit_scene() -> tuple[Scene, KeyResplit]:
    world = make_world(bidders=1, seal=False)
    removed = world.pokja[2]
    with transaction.atomic():
        (job,) = committee.request_resplits(
            tender=world.tender, reason="Mutasi jabatan", removed=removed, added=removed
        )
    return Scene(world.tender, owner=world.vendors[0]), job


def s_handover() -> Scene:
    scene, job = _resplit_scene()
    sealed = {"epk": "AAAA", "iv": "AAAA", "ct": "AAAA"}
    scene.call = lambda actor: resplit.resplit_handover(
        actor=actor, resplit=job, sealed_to_chair=sealed
    )
    return scene


def s_resplit_complete() -> Scene:
    scene, job = _resplit_scene()
    row = job.keys
    payload = {"public_key": row.committee_public, "generation": row.generation + 1}
    scene.call = lambda actor: resplit.resplit_complete(
        actor=actor, resplit=job, envelope_payload=payload
    )
    return scene


def _bid_scene() -> tuple[Scene, Any]:
    setup = bid_setup()
    return Scene(setup.tender, owner=setup.vendor), setup


def s_upload_create() -> Scene:
    scene, setup = _bid_scene()
    scene.call = lambda actor: upload_services.upload_create(
        actor=actor,
        tender=setup.tender,
        envelope="single",
        length=1000,
        file_name="penawaran.pdf.lpsebid",
        declared_sha256="ab" * 32,
        upload_id=uuid.uuid4(),
        ip="10.0.0.9",
        user_agent="pytest",
    )
    return scene


def _started(*, complete: bool) -> tuple[Scene, Any, Any, bytes]:
    scene, setup = _bid_scene()
    data = seal_bytes(setup)
    upload = start(setup, data)
    if complete:
        send(setup, upload, data)
    return scene, setup, upload, data


def s_upload_append() -> Scene:
    scene, setup, upload, data = _started(complete=False)
    scene.call = lambda actor: send(setup, upload, data, user=actor)
    return scene


def s_upload_terminate() -> Scene:
    scene, _setup, upload, _data = _started(complete=False)
    scene.call = lambda actor: upload_services.upload_terminate(actor=actor, upload_id=upload.pk)
    return scene


def s_finalize() -> Scene:
    scene, _setup, upload, _data = _started(complete=True)
    scene.call = lambda actor: submission_services.submission_finalize(
        actor=actor, upload_id=upload.pk
    )
    return scene


def s_withdraw() -> Scene:
    scene, setup = _bid_scene()
    submit(setup, seal_bytes(setup))
    scene.call = lambda actor: submission_services.submission_withdraw(
        actor=actor, tender=setup.tender, envelope="single"
    )
    return scene


def _pra_scene() -> Scene:
    tender = announced_tender(method=TenderMethod.PRA_1_FILE, open_stage="kirim_kualifikasi")
    vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, vendor)
    return Scene(tender, owner=vendor)


def s_qualification_submit() -> Scene:
    scene = _pra_scene()
    scene.call = lambda actor: qualification_services.qualification_submit(
        actor=actor, tender=scene.tender
    )
    return scene


def s_qualification_withdraw() -> Scene:
    scene = _pra_scene()
    qualification_services.qualification_submit(actor=scene.owner.created_by, tender=scene.tender)
    scene.call = lambda actor: qualification_services.qualification_withdraw(
        actor=actor, tender=scene.tender
    )
    return scene


def s_opening_start() -> Scene:
    world = make_world(bidders=1)
    scene = Scene(world.tender, owner=world.vendors[0], when=lambda: world.after("single"))
    scene.call = lambda actor: opening.opening_start(
        actor=actor, tender=world.tender, envelope="single"
    )
    return scene


def s_offer_share() -> Scene:
    world = make_world(bidders=1)
    chair = world.pokja[0]
    with world.after("single"):
        session = opening.opening_start(actor=chair, tender=world.tender, envelope="single")
    share = world.unlocked_share("single", chair)
    scene = Scene(world.tender, owner=world.vendors[0], when=lambda: world.after("single"))
    scene.call = lambda actor: opening.opening_offer_share(
        actor=actor, session=session, share=share, mfa_verified=True, ip="10.0.0.8"
    )
    return scene


def _case_scene(*, witnessed: bool = False) -> tuple[Scene, UnopenableCase]:
    world = make_world(bidders=1)
    vendor, damaged = _damaged(world, "bit_flip")
    _open(world)
    case = UnopenableCase.objects.get(opened_bid__submission=damaged)
    if witnessed:
        staff = make_verifikator(world.tender.lpse)  # type: ignore[no-untyped-call]
        cases.case_review(actor=staff, case=case, finding="Chunk 1 fails authentication.")
        case = cases.case_witness_report(actor=staff, case=case)
    return Scene(world.tender, owner=vendor), case


def s_case_review() -> Scene:
    scene, case = _case_scene()
    scene.call = lambda actor: cases.case_review(actor=actor, case=case, finding="Rusak.")
    return scene


def s_case_witness() -> Scene:
    scene, case = _case_scene()
    UnopenableCase.objects.filter(pk=case.pk).update(finding="Chunk 1 fails authentication.")
    case.refresh_from_db()
    scene.call = lambda actor: cases.case_witness_report(actor=actor, case=case)
    return scene


def s_case_escalate() -> Scene:
    scene, case = _case_scene()
    scene.call = lambda actor: cases.case_escalate(
        actor=actor, case=case, reference="LKPP/2026/1", note="Dikirim."
    )
    return scene


def s_case_declare() -> Scene:
    scene, case = _case_scene(witnessed=True)
    scene.call = lambda actor: cases.case_declare_noncompliant(
        actor=actor, case=case, reason="Sesuai BA kesaksian."
    )
    return scene


def s_file_one() -> Scene:
    tender = announced_tender(method=TenderMethod.PASCA_2_FILE)
    vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, vendor)
    scene = Scene(tender, owner=vendor)
    scene.call = lambda actor: gates.record_file_one_result(
        actor=actor, tender=tender, vendor=vendor, passed=True, reason=""
    )
    return scene


# --- expected refusals ----------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    error: type[errors.DomainError]
    code: str
    sentence: str | Callable[[Scene], str]
    audits: tuple[str, ...] = ()  # the refusal audit the service documents


NOT_FOUND = Refusal(
    errors.NotFound, "not_found", "The item was not found, or you do not have access to it."
)
KEY_NOT_FOUND = Refusal(errors.NotFound, "not_found", "The personal key was not found.")
TENDER_NOT_FOUND = Refusal(errors.NotFound, "not_found", "The tender was not found.")
RESPLIT_NOT_FOUND = Refusal(errors.NotFound, "not_found", "The re-split was not found.")
NOT_KEY_HOLDER = Refusal(
    errors.PermissionDenied,
    "not_key_holder",
    "Only Pokja members (and Pejabat Pengadaan) hold a personal key.",
)
NOT_CHAIR_CEREMONY = Refusal(
    errors.PermissionDenied,
    "not_committee_chair",
    "Only the chair of the tender's Pokja makes the committee keys.",
)
NOT_CHAIR_RESPLIT = Refusal(
    errors.PermissionDenied,
    "not_committee_chair",
    "Only the chair of the tender's Pokja completes the re-split.",
)
OWN_KEY = Refusal(
    errors.PermissionDenied,
    "separation_of_duties",
    "You cannot confirm your own personal key; another LPSE administrator does.",
)
NOT_AUTHENTICATED = Refusal(
    errors.PermissionDenied,
    "not_authenticated",
    "Sign in with your company's account to upload a bid.",
)
NOT_VENDOR = Refusal(
    errors.PermissionDenied,
    "not_vendor",
    "Only the administrator or staff of a registered vendor can submit a bid. "
    "Sign in with your company's account.",
)
OFFICIAL_CANNOT_BID = Refusal(
    errors.SeparationOfDuties,
    "official_cannot_bid",
    "You hold an official role (for example PPK, Pokja or LPSE staff), so you cannot submit a "
    "bid. Use your company's own account.",
)


NOTHING_TO_WITHDRAW = Refusal(
    errors.Conflict,
    "nothing_to_withdraw",
    "Your company has no bid in force in this envelope, so there is nothing to withdraw.",
)


def _qualification_not_participant(action: str) -> Refusal:
    return Refusal(
        errors.PermissionDenied,
        "not_participant",
        lambda scene: (
            f"Your company has not joined tender {scene.tender.code}. Join the tender first, "
            "then send your qualification data."
        ),
        audits=(f"bid.qualification.{action}_refused",),
    )


QUALIFICATION_NOTHING = Refusal(
    errors.Conflict,
    "nothing_to_withdraw",
    "Your company has no qualification submission for this tender to withdraw.",
)


def _not_committee_opening(action: str) -> Refusal:
    return Refusal(
        errors.PermissionDenied,
        "not_committee",
        "Only the members of the tender's Pokja open its bids. Sign in with the account of a "
        "Pokja member of this tender.",
        audits=(action,),
    )


NOT_LPSE_STAFF = Refusal(
    errors.PermissionDenied,
    "not_lpse_staff",
    "Only the LPSE's administrators and staff review unopenable bids and make the witness report.",
)
NOT_COMMITTEE_DECLARE = Refusal(
    errors.PermissionDenied,
    "not_committee",
    "Only the tender's Pokja declares a bid non-compliant.",
)
NOT_COMMITTEE_FILE_ONE = Refusal(
    errors.PermissionDenied,
    "not_committee",
    "Only the tender's Pokja records the result of file I.",
)

OFFICIALS = ("pokja_member", "other_pokja", "ulp_head", "ppk", "pa", "lpse_admin", "lpse_staff")
NOT_COMMITTEE = (
    "anonymous",
    "stranger",
    "participant",
    "vendor_not_joined",
    "other_pokja",
    "ulp_head",
    "ppk",
    "pa",
    "kpa",
    "lpse_admin",
    "lpse_staff",
    "auditor",
    "removed_pokja",
)


def _all(roles: tuple[str, ...], refusal: Refusal) -> dict[str, Refusal]:
    return dict.fromkeys(roles, refusal)


def _bidder_refusals(not_joined: Refusal) -> dict[str, Refusal]:
    """upload_create / submission_withdraw: `bidder_for` decides."""
    return {
        "anonymous": NOT_AUTHENTICATED,
        "stranger": NOT_VENDOR,
        "vendor_not_joined": not_joined,
        **_all((*OFFICIALS, "kpa", "auditor", "vendor_staff_official"), OFFICIAL_CANNOT_BID),
    }


def _own_upload_refusals() -> dict[str, Refusal]:
    """terminate / finalize: the upload of another vendor looks missing (`access_upload`)."""
    return _all(
        (
            "anonymous",
            "stranger",
            "vendor_not_joined",
            "other_vendor",
            "vendor_staff_official",
            *OFFICIALS,
            "auditor",
        ),
        NOT_FOUND,
    )


def _case_handler_refusals() -> dict[str, Refusal]:
    return {
        **_all(
            (
                "anonymous",
                "stranger",
                "participant",
                "vendor_not_joined",
                "other_pokja",
                "ulp_head",
                "ppk",
                "pa",
                "other_lpse_admin",
                "auditor_other_package",
                "removed_pokja",
            ),
            NOT_FOUND,
        ),
        # They see the case (the tender's Pokja; auditors of its package) but do not handle it.
        "pokja_member": NOT_LPSE_STAFF,
        "auditor": NOT_LPSE_STAFF,
    }


NOT_JOINED_BID = Refusal(
    errors.PermissionDenied,
    "not_participant",
    lambda scene: "",  # filled per actor in the test (the vendor's name)
)

SERVICES: dict[str, tuple[Callable[[], Scene], dict[str, Refusal]]] = {
    "personal_key_register": (
        s_register,
        _all(
            (
                "anonymous",
                "stranger",
                "vendor_not_joined",
                "ulp_head",
                "ppk",
                "pa",
                "kpa",
                "lpse_admin",
                "lpse_staff",
                "auditor",
            ),
            NOT_KEY_HOLDER,
        ),
    ),
    "personal_key_confirm": (
        s_confirm,
        {
            **_all(
                (
                    "anonymous",
                    "stranger",
                    "vendor_not_joined",
                    "pokja_member",
                    "other_pokja",
                    "ppk",
                    "pa",
                    "lpse_staff",
                    "other_lpse_admin",
                    "auditor",
                ),
                KEY_NOT_FOUND,
            ),
            "key_owner_admin": OWN_KEY,
        },
    ),
    "personal_key_revoke": (
        s_revoke,
        _all(
            (
                "anonymous",
                "stranger",
                "vendor_not_joined",
                "pokja_member",
                "other_pokja",
                "ppk",
                "pa",
                "lpse_staff",
                "other_lpse_admin",
                "auditor",
            ),
            KEY_NOT_FOUND,
        ),
    ),
    "committee_keys_store": (
        s_keys_store,
        {
            **_all(
                tuple(r for r in NOT_COMMITTEE if r != "participant"),
                TENDER_NOT_FOUND,
            ),
            "pokja_member": NOT_CHAIR_CEREMONY,
        },
    ),
    "resplit_handover": (s_handover, _all(NOT_COMMITTEE, RESPLIT_NOT_FOUND)),
    "resplit_complete": (
        s_resplit_complete,
        {**_all(NOT_COMMITTEE, RESPLIT_NOT_FOUND), "pokja_member": NOT_CHAIR_RESPLIT},
    ),
    "upload_create": (s_upload_create, _bidder_refusals(NOT_JOINED_BID)),
    # A PATCH only adds bytes to the staging file its own user started (uploads.py): anyone
    # else, also the staff of the same vendor, finds no such upload.
    "upload_append": (
        s_upload_append,
        _all((*_own_upload_refusals(), "vendor_staff"), NOT_FOUND),
    ),
    "upload_terminate": (s_upload_terminate, _own_upload_refusals()),
    "submission_finalize": (s_finalize, _own_upload_refusals()),
    "submission_withdraw": (
        s_withdraw,
        {**_bidder_refusals(NOT_JOINED_BID), "other_vendor": NOTHING_TO_WITHDRAW},
    ),
    "qualification_submit": (
        s_qualification_submit,
        {
            **_all(
                ("anonymous", "stranger", *OFFICIALS, "kpa", "auditor", "vendor_staff_official"),
                NOT_FOUND,
            ),
            "vendor_not_joined": _qualification_not_participant("submit"),
        },
    ),
    "qualification_withdraw": (
        s_qualification_withdraw,
        {
            **_all(
                ("anonymous", "stranger", *OFFICIALS, "kpa", "auditor", "vendor_staff_official"),
                NOT_FOUND,
            ),
            "vendor_not_joined": _qualification_not_participant("withdraw"),
            "other_vendor": QUALIFICATION_NOTHING,
        },
    ),
    "opening_start": (
        s_opening_start,
        _all(NOT_COMMITTEE, _not_committee_opening("bids.opening_start_refused")),
    ),
    "opening_offer_share": (
        s_offer_share,
        _all(NOT_COMMITTEE, _not_committee_opening("bids.share_offer_refused")),
    ),
    "case_review": (s_case_review, _case_handler_refusals()),
    "case_witness_report": (s_case_witness, _case_handler_refusals()),
    "case_escalate": (s_case_escalate, _case_handler_refusals()),
    "case_declare_noncompliant": (
        s_case_declare,
        {
            **_all(
                (
                    "anonymous",
                    "stranger",
                    "participant",
                    "vendor_not_joined",
                    "other_pokja",
                    "ulp_head",
                    "ppk",
                    "pa",
                    "other_lpse_admin",
                    "auditor_other_package",
                    "removed_pokja",
                ),
                NOT_FOUND,
            ),
            # The LPSE handles the case and auditors see it; neither declares.
            "lpse_admin": NOT_COMMITTEE_DECLARE,
            "lpse_staff": NOT_COMMITTEE_DECLARE,
            "auditor": NOT_COMMITTEE_DECLARE,
        },
    ),
    "record_file_one_result": (s_file_one, _all(NOT_COMMITTEE, NOT_COMMITTEE_FILE_ONE)),
}

# Roles found ALLOWED although they must be refused (defects): (service, role) -> reason.
DEFECTS: dict[tuple[str, str], str] = {}

CASES = [
    pytest.param(
        service,
        role,
        id=f"{service}-{role}",
        marks=(
            [pytest.mark.xfail(strict=True, reason=DEFECTS[(service, role)])]
            if (service, role) in DEFECTS
            else []
        ),
    )
    for service, (_scene, refusals) in SERVICES.items()
    for role in refusals
]


def _expected_sentence(refusal: Refusal, scene: Scene, actor: Any) -> str:
    if refusal is NOT_JOINED_BID:
        from openlpse.vendors.models import Vendor
        from openlpse.vendors.permissions import vendor_ids_of

        vendor = Vendor.objects.get(pk=min(vendor_ids_of(actor)))
        return (
            f"{vendor.name} has not joined tender {scene.tender.code}, so it cannot submit a "
            "bid in it. Only participants (ikut tender) can submit bids."
        )
    if callable(refusal.sentence):
        return refusal.sentence(scene)
    return refusal.sentence


@pytest.mark.parametrize(("service", "role"), CASES)
def test_refused_role_changes_nothing(service: str, role: str) -> None:
    make_scene, refusals = SERVICES[service]
    refusal = refusals[role]
    scene = make_scene()
    actor = scene.person(role)
    before = snapshot()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # The services translate when they raise (gettext), so the call runs in English.
    with translation.override("en"), scene.when(), pytest.raises(errors.DomainError) as refused:
        scene.call(actor)

    error = refused.value
    assert type(error) is refusal.error, (type(error), error.code, str(error))
    assert error.code == refusal.code
    with translation.override("en"):
        assert str(error) == _expected_sentence(refusal, scene, actor)
    assert snapshot() == before
    new_events = AuditEvent.objects.filter(pk__gt=last_event).order_by("pk")
    assert [e.action for e in new_events] == list(refusal.audits)
    for event in new_events:  # the refusal audit names who was refused and why
        assert event.actor_id == getattr(actor, "pk", None)
        assert event.changes["code"] == refusal.code


def test_every_write_service_is_in_the_matrix() -> None:
    assert set(SERVICES) == {
        "personal_key_register",
        "personal_key_confirm",
        "personal_key_revoke",
        "committee_keys_store",
        "resplit_handover",
        "resplit_complete",
        "upload_create",
        "upload_append",
        "upload_terminate",
        "submission_finalize",
        "submission_withdraw",
        "qualification_submit",
        "qualification_withdraw",
        "opening_start",
        "opening_offer_share",
        "case_review",
        "case_witness_report",
        "case_escalate",
        "case_declare_noncompliant",
        "record_file_one_result",
    }
