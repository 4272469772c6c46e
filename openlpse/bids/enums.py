from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalKeyStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REVOKED = "revoked", _("Revoked")


class ResplitStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the chair")
    DONE = "done", _("Done")


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    FINALIZED = "finalized", _("Finalized")
    TERMINATED = "terminated", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class SessionStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting shares")
    OPENED = "opened", _("Opened")
    FAILED = "failed", _("Failed")


class OpenedStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    FAILED = "failed", _("Cannot be opened")
    HELD = "held", _("Not opened (did not pass file I)")


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported to the LPSE")
    WITNESSED = "witnessed", _("Witness report made")
    ESCALATED = "escalated", _("Escalated to LKPP")
    DECLARED = "declared", _("Declared non-compliant")
    RESTORED = "restored", _("Opened after restore")
