"""Forms of the officials pages: register by SK, end a term, filter. Shape only; the rules
live in accounts.services.officials."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import AGENCY_OFFICIAL_ROLES
from openlpse.organizations.forms import DateInput
from openlpse.organizations.models import Agency, WorkUnit

LETTER_ACCEPT = "application/pdf,image/jpeg,image/png"


def official_role_choices() -> list[tuple[str, Any]]:
    return [(str(value), label) for value, label in Role.choices if value in AGENCY_OFFICIAL_ROLES]


def _agency_label(agency: Agency) -> str:
    return f"{agency.name} · {agency.lpse.name}"


def _work_unit_label(unit: WorkUnit) -> str:
    return f"{unit.agency.name} · {unit.name}"


class OfficialRegisterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("Role"))
    work_unit = forms.ModelChoiceField(
        label=_("Work unit (satker)"),
        queryset=WorkUnit.objects.none(),
        required=False,
        empty_label=_("(the whole agency)"),
        help_text=_("Leave empty when the SK appoints the person for the whole agency."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        required=False,
        help_text=_("18 digits, for civil servants; spaces are allowed."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=30,
        required=False,
        help_text=_("16 digits of the KTP; optional."),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(),
        help_text=_(
            "If an account already uses this address, the appointment is added to it; otherwise "
            "a new account is made and the person receives an e-mail to choose a password."
        ),
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        help_text=_("For a new account: letters, digits and . + - _ only."),
    )
    letter_number = forms.CharField(label=_("SK number"), max_length=120)
    letter_date = forms.DateField(label=_("SK date"), widget=DateInput())
    letter_file = forms.FileField(
        label=_("SK file"),
        required=False,
        help_text=_("The signed appointment letter: PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": LETTER_ACCEPT}),
    )
    starts_on = forms.DateField(label=_("Term starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Term ends on"),
        widget=DateInput(),
        help_text=_(
            "Every appointment has an end: the account stops signing in after it. To extend a "
            "term, register the new SK from the day after the current term ends."
        ),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        agency_field.queryset = agency_field.queryset.select_related("lpse").order_by("name")
        agency_field.label_from_instance = _agency_label  # type: ignore[method-assign,assignment]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = official_role_choices()
        unit_field = self.fields["work_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = (
            WorkUnit.objects.filter(agency__in=[a.pk for a in agencies], is_active=True)
            .select_related("agency")
            .order_by("agency__name", "name")
        )
        unit_field.label_from_instance = _work_unit_label  # type: ignore[method-assign,assignment]


class OfficialEndTermForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: replaced by SK 800/12/2026; moved to another agency."),
    )


class OfficialFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("active", _("Current and upcoming")),
            ("ended", _("Ended or revoked")),
            ("all", _("All")),
        ],
    )
    q = forms.CharField(label=_("Name, NIP or SK number contains"), required=False, max_length=100)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [(str(a.pk), _agency_label(a)) for a in agencies]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("All roles")), *official_role_choices()]
