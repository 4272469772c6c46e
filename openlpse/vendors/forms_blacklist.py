"""Forms of the blacklist pages: shape only. The rules (who, which period, evidence) live in
vendors.services.blacklist and vendors.services.deactivation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.forms import DateInput
from openlpse.organizations.models import Lpse
from openlpse.vendors import selectors_blacklist
from openlpse.vendors.enums import BlacklistRequestStatus


class VendorLookupField(forms.CharField):
    """A registered company, by its NPWP or NIB (with or without dots and dashes) or its exact
    name; cleans to a Vendor."""

    default_error_messages = {
        "required": _("Enter the NPWP, the NIB or the exact name of the company."),
        "unknown": _(
            "No registered company has this NPWP, NIB or name. Check the number on the company's "
            "documents, or search by name above."
        ),
        "ambiguous": _(
            "Several registered companies have this name. Enter the company's NPWP or NIB instead."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Company (NPWP, NIB or exact name)"))
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        matches = selectors_blacklist.registered_vendors_matching(text)
        if not matches:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        if len(matches) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return matches[0]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty: the service says when at
    least one is needed)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BlacklistRequestForm(forms.Form):
    lpse = forms.ChoiceField(label=_("LPSE"))
    vendor = VendorLookupField()
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the company did, in which tender or contract, and when. It is published on "
            "the blacklist when approved."
        ),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_("The rule and article, for example Peraturan LKPP 17/2018."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    evidence = MultipleFileField(
        label=_("Evidence"),
        help_text=_(
            "One or more files: PDF, image, Word, Excel or ZIP, at most 25 MB each (for example "
            "the evaluation report, the contract termination letter, the inspection result)."
        ),
    )

    def __init__(self, *args: Any, lpses: list[Lpse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lpses = {lpse.slug: lpse for lpse in lpses}
        field = self.fields["lpse"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(lpse.slug, lpse.name) for lpse in lpses]
        if len(lpses) == 1:
            field.initial = lpses[0].slug
            field.widget = forms.HiddenInput()

    def clean_lpse(self) -> Lpse:
        return self.lpses[self.cleaned_data["lpse"]]


DECISION_CHOICES = [
    ("approve", _("Approve: put the company on the blacklist")),
    ("reject", _("Reject")),
]


class BlacklistDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: the requester reads it."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


ACCOUNT_ACTIONS = [
    ("deactivate", _("Deactivate the company's accounts")),
    ("reactivate", _("Reactivate the company's accounts")),
]


class VendorAccountForm(forms.Form):
    vendor = VendorLookupField()
    action = forms.ChoiceField(label=_("Action"), choices=ACCOUNT_ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The company's people read it, and it is kept in the audit log."),
    )


PUBLIC_STATUS_CHOICES = [
    (selectors_blacklist.STATUS_IN_FORCE, _("In force")),
    (selectors_blacklist.STATUS_UPCOMING, _("Not started yet")),
    (selectors_blacklist.STATUS_ENDED, _("Ended")),
    (selectors_blacklist.STATUS_ALL, _("All")),
]


class BlacklistPublicFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Company name, or a whole NPWP or NIB"), required=False, max_length=100
    )
    lpse = forms.ChoiceField(label=_("Decided at"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=PUBLIC_STATUS_CHOICES)
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(k, k) for k in selectors_blacklist.PUBLIC_SORTS],
    )

    def __init__(self, *args: Any, lpses: list[Lpse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lpse"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All LPSEs")), *((lpse.slug, lpse.name) for lpse in lpses)]


REQUEST_STATUS_CHOICES = [("", _("All")), *BlacklistRequestStatus.choices]


class BlacklistRequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=REQUEST_STATUS_CHOICES)


ENTRY_STATUS_CHOICES = PUBLIC_STATUS_CHOICES


class BlacklistEntryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ENTRY_STATUS_CHOICES)
