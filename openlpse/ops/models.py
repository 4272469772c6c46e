from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DueCheck(models.Model):
    """One piece of follow-up work the chronograph must do at or after `due_at`.

    `kind` names the handler (`@chronograph.handler("kind")`), `object_ref` the object it is
    about (for example a tender code). At most one pending check exists per (kind, object_ref):
    scheduling again moves the pending check earlier, never duplicates it. Handlers are
    idempotent, so running a check early or twice does no harm (architecture §4).

    A runner claims a row by setting `locked_by` and `locked_until` (a lease) inside a locking
    transaction; a crashed runner's lease simply runs out and another runner takes the row.
    """

    kind = models.CharField(_("kind"), max_length=80)
    object_ref = models.CharField(_("object"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"))
    locked_by = models.CharField(_("locked by runner"), max_length=120, blank=True)
    locked_until = models.DateTimeField(_("lock expires at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("due check")
        verbose_name_plural = _("due checks")
        indexes = [
            models.Index(
                fields=["due_at", "id"],
                condition=Q(done_at__isnull=True),
                name="ops_duecheck_pending_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_ref"],
                condition=Q(done_at__isnull=True),
                name="ops_duecheck_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_ref} @ {self.due_at:%Y-%m-%d %H:%M:%S}"


class Heartbeat(models.Model):
    """The last time a periodic job ran (the `ops.heartbeat` check writes the chronograph's),
    so a monitoring page can show that background work is alive."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))
    runner_id = models.CharField(_("runner"), max_length=120, blank=True)
    beats = models.PositiveBigIntegerField(_("number of runs"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M:%S}"
