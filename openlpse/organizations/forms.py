"""Forms of the organisation pages: the shape of the input only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.models.user import User
from openlpse.organizations.enums import AgencyKind, TimeZone
from openlpse.organizations.models import Agency

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class UserLookupField(forms.CharField):
    """A person, by user name or e-mail address (case-insensitive); cleans to a User."""

    default_error_messages = {
        "required": _("Enter the user name or e-mail address of the person."),
        "unknown": _(
            "No active account has this user name or e-mail address. Check the spelling, or ask "
            "for the account to be created first."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Person (user name or e-mail)"))
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("autocapitalize", "none")

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        field = "email__iexact" if "@" in text else "username__iexact"
        user = User.objects.filter(**{field: text.strip()}, is_active=True).first()
        if user is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return user


class LpseProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(
        label=_("Region"), max_length=200, help_text=_("e.g. Kabupaten Lampung Timur")
    )
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TimeZone.choices)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    helpdesk_hours = forms.CharField(
        label=_("Helpdesk hours"),
        max_length=120,
        required=False,
        help_text=_("e.g. Senin-Jumat 08.00-16.00"),
    )
    working_days = forms.MultipleChoiceField(
        label=_("Working days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    working_hours_start = forms.TimeField(label=_("Working hours start"), widget=TimeInput())
    working_hours_end = forms.TimeField(label=_("Working hours end"), widget=TimeInput())

    def clean_working_days(self) -> str:
        return ",".join(self.cleaned_data["working_days"])


class LpseCreateForm(LpseProfileForm):
    slug = forms.SlugField(
        label=_("Address name (slug)"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits and hyphens; part of every address, e.g. lampung-timur."
        ),
    )
    field_order = ["slug"]


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB. It is shown in the portal header."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("e.g. Hari Raya Idul Fitri 1447 H")
    )


class AgencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Unique within this LPSE, e.g. DPUPR.")
    )
    name = forms.CharField(label=_("Name"), max_length=250)
    parent = forms.ModelChoiceField(
        label=_("Parent agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, parents: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = parents


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *AgencyKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[
            (k, k) for k in ("name", "-name", "code", "-code", "kind", "-kind", "units", "-units")
        ],
    )


class WorkUnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Unique within the agency."))
    name = forms.CharField(label=_("Name"), max_length=250)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffAssignForm(forms.Form):
    user = UserLookupField()
    position = forms.CharField(
        label=_("Position"), max_length=120, help_text=_("e.g. Verifikator, Admin Sistem")
    )
    is_head = forms.BooleanField(label=_("Head of the unit"), required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if open-ended."),
    )
    sk_number = forms.CharField(label=_("SK number"), max_length=120)
    sk_date = forms.DateField(label=_("SK date"), widget=DateInput())


class StaffEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to end today."),
    )
