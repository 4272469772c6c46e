"""Forms of vendor sign-up and registration: the shape of the input only. The rules (valid
numbers, duplicates, blacklist, completeness, validity of documents) live in the services, so
the web pages and the API refuse the same things with the same sentences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openlpse.core.portal import active_lpses
from openlpse.organizations.forms import DateInput
from openlpse.vendors.enums import BusinessForm, BusinessScale


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "We send a confirmation link to this address. It becomes the address of your account."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    lpse = forms.ModelChoiceField(
        label=_("LPSE that verifies your company"),
        queryset=active_lpses().order_by("name"),
        to_field_name="slug",
        empty_label=_("Choose an LPSE"),
        help_text=_(
            "Choose the LPSE nearest to you. Once verified, your company can take part at "
            "every LPSE of this portal."
        ),
        error_messages={"required": _("Choose the LPSE where your company will be verified.")},
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class SignupConfirmForm(forms.Form):
    admin_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        help_text=_(
            "As written on your KTP. You become the administrator of the company's account."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    username = forms.CharField(
        label=_("User ID"),
        max_length=150,
        help_text=_("Letters, digits and . + - _ only. You sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same. Type them again."))
        return data


class RegistrationForm(forms.Form):
    """Company identity and the first administrator. Every field is optional here: a draft may
    be partial; "Continue" asks the service for completeness."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    registration_lpse = forms.ModelChoiceField(
        label=_("LPSE that verifies your company"),
        queryset=active_lpses().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=None,
    )
    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        help_text=_("As written in the deed, for example PT Maju Bersama."),
    )
    business_form = forms.ChoiceField(
        label=_("Business form"),
        choices=[("", _("Choose")), *BusinessForm.choices],
        required=False,
    )
    business_scale = forms.ChoiceField(
        label=_("Business qualification"), choices=BusinessScale.choices, required=False
    )
    npwp = forms.CharField(
        label=_("Company NPWP"),
        max_length=30,
        required=False,
        help_text=_("15 digits (01.234.567.8-901.000) or 16 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    nib = forms.CharField(
        label=_("NIB"),
        max_length=20,
        required=False,
        help_text=_("13 digits, from OSS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    city = forms.CharField(label=_("City or regency"), max_length=100, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Company e-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    admin_name = forms.CharField(label=_("Administrator's name"), max_length=200, required=False)
    admin_nik = forms.CharField(
        label=_("Administrator's NIK"),
        max_length=30,
        required=False,
        help_text=_("The 16 digits on the KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    admin_position = forms.CharField(
        label=_("Administrator's position"),
        max_length=120,
        required=False,
        help_text=_("For example Direktur, Pemilik or Kuasa Direktur."),
    )

    def values(self) -> dict[str, Any]:
        """What the service receives: every identity field, and the LPSE when one was chosen."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if data.get("registration_lpse") is None:
            data.pop("registration_lpse", None)
        return data


class ContactForm(forms.Form):
    """After verification: the contact details the vendor administrator keeps up to date."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    city = forms.CharField(label=_("City or regency"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class DocumentUploadForm(forms.Form):
    """One document of LT 25(1)a.2; which details are required is the service's rule."""

    kind = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        error_messages={"required": _("Choose the file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    number = forms.CharField(label=_("Document number"), max_length=120, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Date of issue"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
