"""Sealed bids (issue 5; architecture §5; security-reference §1 and §4).

Keys: `PersonalKey` (a Pokja member's public key; the private key never reaches the server),
`EnvelopeKeys` (per tender envelope: the committee public key made in the chair's browser, the
system public key made by the key service, the canary) and `KeyShare` (one committee-key share
sealed to one member's personal key, per generation: a change of Pokja re-splits).

Submissions: `Upload` (a tus upload in progress), `Submission` (a finalized sealed file with
its signed receipt; versions, the effective one per tender, envelope and vendor) and
`QualificationSubmission` (the vendor's data frozen and hashed).

Opening: `OpeningSession`, `ShareOffer`, `OpenedBid`, and for a bid that cannot be opened
`UnopenableCase` (LT 27(2)-(3)). `FileOneResult` is the gate for file II (2-file methods).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.bids.enums import (
    CaseStatus,
    OpenedStatus,
    PersonalKeyStatus,
    ResplitStatus,
    SessionStatus,
    UploadStatus,
)
from openlpse.tenders.enums import Envelope

USER = settings.AUTH_USER_MODEL


class PersonalKey(models.Model):
    """A Pokja member's personal ECDH P-256 public key. Made in the member's browser, whose
    private key is kept by the member only, in a passphrase-protected key file. Usable for
    shares once an LPSE administrator confirmed the fingerprint out of band."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="personal_keys")
    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    public_key = models.CharField(_("public key (base64)"), max_length=100)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PersonalKeyStatus.choices, default="pending"
    )
    created_at = models.DateTimeField(_("made at"))
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("personal key")
        verbose_name_plural = _("personal keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="bids_personalkey_one_live_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.fingerprint[:16]}"


class EnvelopeKeys(models.Model):
    """The two public keys of one tender envelope, both needed to open (AND composition), and
    the canary sealed with them at the announcement."""

    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.PROTECT, related_name="envelope_keys"
    )
    envelope = models.CharField(_("envelope"), max_length=20, choices=Envelope.choices)
    # The committee key (the chair's browser; private scalar split k-of-n and wiped).
    committee_public = models.CharField(_("committee public key"), max_length=100)
    committee_kid = models.CharField(_("committee key id"), max_length=32)
    committee_fingerprint = models.CharField(_("committee key fingerprint"), max_length=64)
    threshold = models.PositiveSmallIntegerField(_("shares needed (k)"))
    share_count = models.PositiveSmallIntegerField(_("shares made (n)"))
    generation = models.PositiveSmallIntegerField(_("share generation"), default=1)
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("made at"))
    # The system key (the key service; only its public part and reference are here).
    system_public = models.CharField(_("system public key"), max_length=100, blank=True)
    system_kid = models.CharField(_("system key id"), max_length=32, blank=True)
    system_fingerprint = models.CharField(_("system key fingerprint"), max_length=64, blank=True)
    # The canary: random bytes sealed by the server with both public keys at the announcement;
    # the opening ceremony opens it first to prove keys and software work.
    canary = models.BinaryField(_("canary (sealed)"), null=True, blank=True)
    canary_sha256 = models.CharField(_("canary plaintext SHA-256"), max_length=64, blank=True)
    prepared_at = models.DateTimeField(_("prepared at announcement"), null=True, blank=True)
    resplit_required = models.BooleanField(_("re-split required"), default=False)

    class Meta:
        verbose_name = _("envelope keys")
        verbose_name_plural = _("envelope keys")
        ordering = ["tender", "envelope"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "envelope"], name="bids_envelopekeys_once")
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.envelope}"


class KeyShare(models.Model):
    """One share of a committee key, sealed (ECDH-ES + AES-GCM) to one member's personal key.
    The server cannot read it; `share_sha256` lets the opening check the share a member
    offers. Shares of an older generation are kept (superseded) for the record."""

    keys = models.ForeignKey(EnvelopeKeys, on_delete=models.CASCADE, related_name="shares")
    generation = models.PositiveSmallIntegerField(_("generation"))
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    personal_key = models.ForeignKey(PersonalKey, on_delete=models.PROTECT, related_name="shares")
    x = models.PositiveSmallIntegerField(_("share index"))
    sealed = models.JSONField(_("sealed share"))  # {"epk", "iv", "ct"} base64
    share_sha256 = models.CharField(_("share SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("made at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key share")
        verbose_name_plural = _("key shares")
        ordering = ["keys", "generation", "x"]
        constraints = [
            models.UniqueConstraint(
                fields=["keys", "generation", "member"], name="bids_keyshare_one_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.keys_id}:g{self.generation}:{self.member_id}"


class KeyResplit(models.Model):
    """A change of Pokja before the deadline: the committee key must be rebuilt from k old
    shares in the chair's browser and split again for the new members (logged, with
    minutes)."""

    keys = models.ForeignKey(EnvelopeKeys, on_delete=models.CASCADE, related_name="resplits")
    status = models.CharField(
        _("status"), max_length=12, choices=ResplitStatus.choices, default="pending"
    )
    reason = models.TextField(_("reason"))
    removed = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Shares handed over to the chair: {member_id: {"epk","iv","ct"}} sealed to the chair.
    handovers = models.JSONField(_("shares handed to the chair"), default=dict)
    minutes = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("key re-split")
        verbose_name_plural = _("key re-splits")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.keys_id}:{self.status}"


class Upload(models.Model):
    """A tus upload of a sealed file (security-reference §4.1): the offset advances only in
    the transaction that fsynced the bytes, under a row lock. The primary key is the
    client's upload id, so a retried create or finalize finds the same row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="+")
    envelope = models.CharField(_("envelope"), max_length=20, choices=Envelope.choices)
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    length = models.BigIntegerField(_("length (bytes)"))
    offset = models.BigIntegerField(_("received (bytes)"), default=0)
    declared_sha256 = models.CharField(_("declared SHA-256"), max_length=64)
    staging_name = models.CharField(_("staging file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=UploadStatus.choices, default="receiving"
    )
    created_at = models.DateTimeField(_("started at"))
    updated_at = models.DateTimeField(_("last bytes at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk}:{self.offset}/{self.length}"


class Submission(models.Model):
    """A finalized sealed file and its signed receipt. Versions per (tender, envelope,
    vendor); the newest not withdrawn is effective until the deadline. `received_at` is the
    database clock inside the finalize transaction."""

    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.PROTECT, related_name="submissions"
    )
    envelope = models.CharField(_("envelope"), max_length=20, choices=Envelope.choices)
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="submissions"
    )
    participant = models.ForeignKey(
        "tenders.Participant", on_delete=models.PROTECT, related_name="submissions"
    )
    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="submission")
    version = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("ciphertext SHA-256"), max_length=64)
    storage_name = models.CharField(_("stored at"), max_length=200)
    received_at = models.DateTimeField(_("received at"))
    receipt_number = models.CharField(_("receipt no."), max_length=40, unique=True)
    receipt = models.JSONField(_("receipt"))
    receipt_signature = models.CharField(_("receipt signature"), max_length=120)
    is_effective = models.BooleanField(_("effective"), default=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # Collusion signals (spse-reference §5.4): for auditors only, never public.
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sealed submission")
        verbose_name_plural = _("sealed submissions")
        ordering = ["tender", "envelope", "vendor", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "envelope", "vendor", "version"], name="bids_submission_version"
            ),
            models.UniqueConstraint(
                fields=["tender", "envelope", "vendor"],
                condition=Q(is_effective=True),
                name="bids_submission_one_effective",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class QualificationSubmission(models.Model):
    """The vendor's qualification data (identity, licences, deeds, owners, managers, tax,
    experience, staff, equipment) frozen as canonical JSON and hashed at submission, plus
    uploaded documents. Prakualifikasi: the qualification envelope; pascakualifikasi: the
    qualification form sent with the bid."""

    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.PROTECT, related_name="qualification_submissions"
    )
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "tenders.Participant", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("frozen data"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the frozen data"), max_length=64)
    documents = models.ManyToManyField("core.StoredFile", blank=True, related_name="+")
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    is_effective = models.BooleanField(_("effective"), default=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification submission")
        verbose_name_plural = _("qualification submissions")
        ordering = ["tender", "vendor", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "vendor", "version"], name="bids_qualification_version"
            ),
            models.UniqueConstraint(
                fields=["tender", "vendor"],
                condition=Q(is_effective=True),
                name="bids_qualification_one_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.vendor_id}:v{self.version}"


class FileOneResult(models.Model):
    """Whether a bidder passed file I (administration and technical) of a 2-file tender: the
    gate for opening its file II. Written by the evaluation (issue 6) through
    `bids.services.gates.record_file_one_result`."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed file I"))
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("file I result")
        verbose_name_plural = _("file I results")
        constraints = [
            models.UniqueConstraint(fields=["tender", "vendor"], name="bids_fileoneresult_once")
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.vendor_id}:{self.passed}"


class OpeningSession(models.Model):
    """The opening ceremony of one tender envelope (LT 31(3))."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="openings")
    envelope = models.CharField(_("envelope"), max_length=20, choices=Envelope.choices)
    keys = models.ForeignKey(EnvelopeKeys, on_delete=models.PROTECT, related_name="openings")
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default="collecting"
    )
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    committee_ok = models.BooleanField(_("committee key rebuilt"), null=True, blank=True)
    canary_ok = models.BooleanField(_("canary opened"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    closing_checkpoint = models.TextField(_("closing checkpoint of the audit chain"), blank=True)
    minutes = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A re-opening of one unopenable bid after the LPSE restored its stored file (storage
    # fault): the Pokja offers its shares again and only that bid is opened.
    reopen_of = models.ForeignKey(
        "bids.UnopenableCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reopenings",
    )

    class Meta:
        verbose_name = _("opening ceremony")
        verbose_name_plural = _("opening ceremonies")
        ordering = ["tender", "envelope", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "envelope"],
                condition=Q(status__in=["collecting", "opened"], reopen_of__isnull=True),
                name="bids_opening_one_live",
            ),
            models.UniqueConstraint(
                fields=["reopen_of"],
                condition=Q(status="collecting"),
                name="bids_opening_one_live_reopen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.envelope}:{self.status}"


class ShareOffer(models.Model):
    """A share a member unlocked in the browser and offered at the ceremony. The share bytes
    are kept only until the committee key is rebuilt, then wiped (`share` set to null)."""

    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="offers")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    share = models.BinaryField(null=True, blank=True)
    share_sha256 = models.CharField(_("share SHA-256"), max_length=64)
    offered_at = models.DateTimeField(_("offered at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("share offered")
        verbose_name_plural = _("shares offered")
        ordering = ["session", "offered_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="bids_shareoffer_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"


class OpenedBid(models.Model):
    """The result of opening one effective submission: its plain file (visible to the Pokja
    only) or the classified failure."""

    session = models.ForeignKey(OpeningSession, on_delete=models.PROTECT, related_name="results")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="opened")
    status = models.CharField(_("result"), max_length=16, choices=OpenedStatus.choices)
    plain_file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plaintext_sha256 = models.CharField(_("plain file SHA-256"), max_length=64, blank=True)
    size = models.BigIntegerField(_("plain size (bytes)"), null=True, blank=True)
    error_class = models.CharField(_("error class"), max_length=20, blank=True)
    diagnosis = models.JSONField(_("diagnosis"), default=dict)
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("opened bid")
        verbose_name_plural = _("opened bids")
        ordering = ["session", "submission"]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.status}"


class UnopenableCase(models.Model):
    """A bid that could not be opened (LT 27(2)-(3)): the evidence bundle, the LPSE staff's
    review and witness report (berita acara kesaksian), the escalation to LKPP, and the
    Pokja's declaration, allowed only after the report."""

    opened_bid = models.OneToOneField(OpenedBid, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default="reported"
    )
    evidence = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    evidence_sha256 = models.CharField(_("evidence bundle SHA-256"), max_length=64)
    reported_at = models.DateTimeField(_("reported at"))
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    finding = models.TextField(_("finding"), blank=True)
    witness_report = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated to LKPP at"), null=True, blank=True)
    escalation_reference = models.CharField(_("LKPP reference"), max_length=100, blank=True)
    escalation_note = models.TextField(_("escalation note"), blank=True)
    declared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared non-compliant at"), null=True, blank=True)
    declaration_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("unopenable bid")
        verbose_name_plural = _("unopenable bids")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.opened_bid_id}:{self.status}"
