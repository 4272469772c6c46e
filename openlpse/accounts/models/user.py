from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class OpenLpseUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who signs in: official, LPSE staff, vendor staff or auditor.

    What a user may do comes from their role assignments (RoleAssignment), never from flags on
    this model; `is_superuser` is reserved for the deployment's operators.
    """

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        help_text=_("16-digit population number (Nomor Induk Kependudukan), when known."),
    )
    # Why the account is deactivated (is_active False), shown to its holder after a correct
    # password so they know what to do; `deactivated_until` is the end of a blacklist period,
    # `deactivation_ref` says which decision did it ("blacklist:<id>") so that decision's end
    # reactivates exactly the accounts it stopped (LT 12(4), KA 12(4)).
    deactivation_reason = models.CharField(_("reason for deactivation"), max_length=300, blank=True)
    deactivated_until = models.DateField(_("deactivated until"), null=True, blank=True)
    deactivation_ref = models.CharField(_("deactivated by decision"), max_length=60, blank=True)

    objects: ClassVar[OpenLpseUserManager] = OpenLpseUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
