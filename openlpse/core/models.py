from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(PermissionError):
    """Raised when code tries to change or remove an audit event."""

    def __init__(self, operation: str = "change") -> None:
        super().__init__(f"audit events are append-only ({operation} refused)")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses every bulk write: events are appended one at a time by `audit.record()` only."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("update")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("bulk_update")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # bulk_create would skip the chain (seq, prev_hash, row_hash are computed by record()).
        raise AppendOnlyError("bulk_create")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("update_or_create")

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AppendOnlyError("delete")

    def _update(self, values: Any) -> NoReturn:
        raise AppendOnlyError("update")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class StoredFile(models.Model):
    """Metadata of one stored file. Bytes live in the storage backend under `storage_key`;
    this row records who stored it, why, its SHA-256, size and detected type."""

    storage_key = models.CharField(_("storage key"), max_length=300, unique=True)
    original_name = models.CharField(_("original name"), max_length=255)
    kind = models.CharField(_("document kind"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120)
    detected_type = models.CharField(_("detected type"), max_length=20)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log (architecture §6).

    `canon` holds the exact canonical bytes (RFC 8785 JSON of every other column except
    `row_hash`) that were hashed, so an external verifier hashes stored bytes instead of
    re-serialising; `audit_verify` also re-derives them from the columns, so an edit of any
    column is caught. row_hash = SHA-256(prev_hash || canon); `seq` is gap-free. The model and
    its queryset refuse update and delete; on PostgreSQL triggers (migration 0100) and the grants
    of `manage.py audit_harden` refuse them too. docs/audit-chain.md explains the design.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=80, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    lpse_id = models.BigIntegerField(_("LPSE"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    canon = models.BinaryField(_("canonical bytes"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    row_hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("delete")


class Notification(models.Model):
    """One message in a user's in-app inbox (issue 3 item 9). The same text is e-mailed after
    the commit; the inbox copy is what counts when mail is slow or lost."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.subject
