"""Forms of the auditor pages: the public request with the surat tugas, and the decision.
Shape only; the rules live in accounts.services.auditors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.forms_officials import LETTER_ACCEPT
from openlpse.accounts.models.registrations import AuditorInstitution
from openlpse.organizations.forms import DateInput
from openlpse.organizations.models import Lpse


class AuditorRequestForm(forms.Form):
    lpse = forms.ModelChoiceField(
        label=_("LPSE"),
        queryset=Lpse.objects.none(),
        empty_label=_("Choose the LPSE"),
        to_field_name="slug",
        help_text=_("The LPSE whose packages the surat tugas names."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        required=False,
        help_text=_("18 digits, for civil servants; spaces are allowed."),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(),
        help_text=_("Your work address: the decision and, once approved, your access come here."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    institution = forms.ChoiceField(label=_("Institution"), choices=AuditorInstitution.choices)
    institution_name = forms.CharField(
        label=_("Name of the institution"),
        max_length=200,
        help_text=_("e.g. Inspektorat Kabupaten Lampung Timur, BPK Perwakilan Provinsi Bali."),
    )
    letter_number = forms.CharField(label=_("Surat tugas number"), max_length=120)
    letter_date = forms.DateField(label=_("Surat tugas date"), widget=DateInput())
    letter_file = forms.FileField(
        label=_("Surat tugas file"),
        required=False,
        help_text=_("The signed letter of assignment: PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": LETTER_ACCEPT}),
    )
    package_codes = forms.CharField(
        label=_("Package codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The codes of the packages the surat tugas names, separated by commas. Leave empty "
            "when the letter covers every package of the LPSE for its period."
        ),
    )
    starts_on = forms.DateField(label=_("Assignment starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Assignment ends on"),
        widget=DateInput(),
        help_text=_("Your access ends with this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lpse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Lpse.objects.filter(is_active=True).order_by("name")


class AuditorApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditorRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester receives it by e-mail: say what to correct."),
    )


class AuditorFilterForm(forms.Form):
    lpse = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("pending", _("Waiting")), ("decided", _("Decided")), ("all", _("All"))],
    )
