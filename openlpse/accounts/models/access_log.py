from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.TextChoices):
    """What happened at the door: the events of the access log (SPSE's "Log Akses")."""

    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGIN_THROTTLED = "login_throttled", _("Sign-in refused after too many failures")
    # A correct password, refused all the same: the account is deactivated, or the person's
    # appointment has ended or not started yet (the detail says which).
    LOGIN_REFUSED = "login_refused", _("Sign-in refused: deactivated or not in office")
    MFA_FAILED = "mfa_failed", _("Wrong two-factor code")
    MFA_VERIFIED = "mfa_verified", _("Two-factor code accepted")
    MFA_ENABLED = "mfa_enabled", _("Two-factor authentication turned on")
    MFA_DISABLED = "mfa_disabled", _("Two-factor authentication turned off")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET_DONE = "password_reset_done", _("Password reset completed")
    SESSION_EXPIRED = "session_expired", _("Session expired")


# Events that count towards sign-in throttling (a wrong password and a wrong second factor alike).
FAILURE_EVENTS = (AccessEvent.LOGIN_FAILED, AccessEvent.MFA_FAILED)


class AccessLogEntry(models.Model):
    """One sign-in related event: who (or which name was tried), from where, when.

    Auditors and LPSE administrators read it (Perka LKPP 1/2015: log inspection by auditors);
    a vendor sees their own entries. Failed attempts on unknown names keep the name that was
    typed in `username_attempted` and no user. Throttling counts recent failures from this
    table, so it works across processes and machines. Rows are append-only.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
    )
    username_attempted = models.CharField(
        _("name entered"),
        max_length=254,
        blank=True,
        help_text=_("The user name or e-mail address typed at sign-in, in lower case."),
    )
    event = models.CharField(_("event"), max_length=32, choices=AccessEvent.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ip", "event", "created_at"], name="accounts_access_ip_idx"),
            models.Index(fields=["user", "event", "created_at"], name="accounts_access_user_idx"),
            models.Index(
                fields=["username_attempted", "event", "created_at"],
                name="accounts_access_name_idx",
            ),
            models.Index(fields=["created_at"], name="accounts_access_time_idx"),
        ]

    def __str__(self) -> str:
        who = self.user.username if self.user_id and self.user else self.username_attempted
        return f"{self.get_event_display()} · {who} · {self.ip or '-'}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("access log entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("access log entries are append-only")
