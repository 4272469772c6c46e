"""Forms of the vendor data tabs, the staff pages and the directory: the shape of the input
only. Every rule (NIK, NPWP, shares, dates) is checked by the services."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.forms import DateInput
from openlpse.vendors.data_tabs import DataTab
from openlpse.vendors.models import Vendor
from openlpse.vendors.services.data import PROFILE_FIELDS

# Identity numbers may be typed with dots, dashes and spaces; the services keep the digits.
_NUMBER_FIELDS = {
    "nik": _("16 digits, as printed on the KTP."),
    "npwp": _("15 or 16 digits, with or without dots and dashes."),
    "id_number": _("NIK (16 digits) for a person, NPWP (15 or 16 digits) for a company."),
}
_NUMBER_INPUT_LENGTH = 30


def _form_field(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.DateField):
        kwargs["widget"] = DateInput()
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    if field.name in _NUMBER_FIELDS:
        return forms.CharField(
            label=capfirst(field.verbose_name),
            max_length=_NUMBER_INPUT_LENGTH,
            required=not field.blank,
            help_text=_NUMBER_FIELDS[field.name],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
    return field.formfield(**kwargs)


class RecordForm(forms.Form):
    """Base of the generated form of one tab (fields come from the tab's model)."""

    file = forms.FileField(
        label=_("Supporting document"),
        required=False,
        help_text=_("Optional. PDF, JPEG or PNG, at most 10 MB."),
    )
    remove_file = forms.BooleanField(label=_("Remove the current document"), required=False)

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_file"]

    def values(self) -> dict[str, Any]:
        """The record's fields as cleaned (without the file controls)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("file", "remove_file")}


@cache
def record_form_class(tab: DataTab) -> type[RecordForm]:
    assert tab.model is not None
    fields: dict[str, Any] = {}
    for name in tab.fields:
        form_field = _form_field(tab.model._meta.get_field(name))  # type: ignore[arg-type]
        if form_field is not None:
            fields[name] = form_field
    # The model fields first, then the supporting file.
    fields["field_order"] = list(tab.fields)
    return type(f"{tab.model.__name__}Form", (RecordForm,), fields)


def record_initial(record: Any, tab: DataTab) -> dict[str, Any]:
    return {name: getattr(record, name) for name in tab.fields}


class ProfileForm(forms.Form):
    """The identity fields that need no verification."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PROFILE_FIELDS:
            form_field = _form_field(Vendor._meta.get_field(name))  # type: ignore[arg-type]
            if form_field is not None:
                self.fields[name] = form_field


class IdentityChangeForm(forms.Form):
    """New verified identity data: the fields left as they are do not change."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    npwp = forms.CharField(
        label=_("NPWP"),
        max_length=_NUMBER_INPUT_LENGTH,
        help_text=_NUMBER_FIELDS["npwp"],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nib = forms.CharField(
        label=_("NIB"),
        max_length=_NUMBER_INPUT_LENGTH,
        required=False,
        help_text=_("13 digits, as printed on the NIB issued by OSS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Company e-mail"), max_length=254)


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation with the link to choose a password is sent here."),
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and . + - _ only. The person signs in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class StaffRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log."),
    )


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Company name, city, NPWP or NIB."),
    )
