"""Forms of the sign-in and security pages: input shape only; rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from openlpse.accounts import selectors


def _password_rules_text() -> str:
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


# The password policy (settings.AUTH_PASSWORD_VALIDATORS) in words, in the active language.
_password_rules = lazy(_password_rules_text, str)


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}
        ),
        error_messages={"required": _("Enter your user name or e-mail address.")},
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "autocapitalize": "none",
            }
        ),
        error_messages={
            "required": _("Enter the code from your authenticator app or a recovery code.")
        },
    )


class EnrolmentForm(forms.Form):
    device_id = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        help_text=_("Enter the 6-digit code your app shows for OpenLPSE."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password to confirm.")},
    )


class _NewPasswordMixin(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_password_rules(),
        error_messages={"required": _("Enter a new password.")},
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the new password a second time.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                _("The two passwords are not the same. Type the new password twice."),
            )
        return cleaned


class PasswordChangeForm(_NewPasswordMixin):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Enter your current password.")},
    )
    field_order = ["current_password", "new_password1", "new_password2"]


class SetPasswordForm(_NewPasswordMixin):
    """New password from a reset link. Django's view passes the user; the service sets it."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Enter the e-mail address of your account."),
            "invalid": _("Enter a valid e-mail address, such as name@example.go.id."),
        },
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages are shown in this language after you sign in."),
    )


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("User name or e-mail"), max_length=254, required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)
    ip = forms.GenericIPAddressField(
        label=_("IP address"),
        required=False,
        error_messages={"invalid": _("Enter a full IPv4 or IPv6 address, such as 203.0.113.5.")},
    )
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event = self.fields["event"]
        assert isinstance(event, forms.ChoiceField)
        event.choices = [("", _("All events")), *selectors.access_log_event_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to", _("The end date is before the start date. Choose a later end date.")
            )
        return cleaned

    def to_filter(self, zone: str) -> selectors.AccessLogFilter:
        """Dates are days in the reader's zone; the end date is included."""
        self.is_valid()  # fields that are valid still filter; the others show their error
        data = self.cleaned_data
        tz = ZoneInfo(zone)
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        return selectors.AccessLogFilter(
            username=data.get("user", "") or "",
            event=data.get("event", "") or "",
            ip=data.get("ip", "") or "",
            since=dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start else None,
            until=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            if end
            else None,
        )
