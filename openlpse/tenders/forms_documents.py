"""Forms of the committee's document and addendum pages and of the vendors' tender list.
Input shape only: every rule lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.plans.enums import ProcurementType
from openlpse.tenders.enums import DocumentKind, TenderMethod


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("As printed on the document, e.g. its number and date."),
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX or ZIP, at most 100 MB."))

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in DocumentKind.choices if c[0] in kinds]


class AddendumForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Public: every participant and visitor reads it."),
    )
    changes_hps = forms.BooleanField(label=_("Changes the HPS"), required=False)
    changes_specifications = forms.BooleanField(
        label=_("Changes the specifications (KAK)"), required=False
    )
    changes_contract = forms.BooleanField(label=_("Changes the draft contract"), required=False)
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices, required=False)
    title = forms.CharField(label=_("Title of the new version"), max_length=300, required=False)
    file = forms.FileField(
        label=_("New version of the document"),
        required=False,
        help_text=_("Optional now: you can attach it on the addendum's page."),
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in DocumentKind.choices if c[0] in kinds]


class AddendumDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject: say what must change."),
    )


class OpenTenderFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, code or agency"), max_length=100, required=False)
    lpse = forms.ChoiceField(label=_("LPSE"), required=False)
    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("Any method")), *TenderMethod.choices]
    )
    procurement_type = forms.ChoiceField(
        label=_("Procurement type"),
        required=False,
        choices=[("", _("Any type")), *ProcurementType.choices],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, lpses: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["lpse"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any LPSE")), *((x.slug, x.name) for x in lpses)]
