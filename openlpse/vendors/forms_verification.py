"""Forms of the verification pages: the shape of the input only; the rules live in
services/verification.py and services/slots.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.forms import DateInput, TimeInput
from openlpse.organizations.models import Lpse
from openlpse.vendors.enums import AppointmentMode, VerificationKind, VerificationStatus
from openlpse.vendors.selectors_verification import QUEUE_SORTS, ChecklistItem
from openlpse.vendors.services.slots import MAX_CAPACITY

ACCEPT, REJECT = "accept", "reject"
APPROVE, RETURN = "approve", "reject"


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Company, NPWP or NIB"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*VerificationStatus.choices, ("all", _("All"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *VerificationKind.choices]
    )
    lpse = forms.TypedChoiceField(label=_("LPSE"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        required=False, widget=forms.HiddenInput, choices=[(k, k) for k in QUEUE_SORTS]
    )

    def __init__(self, *args: Any, lpses: list[Lpse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lpse_field = self.fields["lpse"]
        assert isinstance(lpse_field, forms.TypedChoiceField)
        lpse_field.choices = [("", _("All my LPSEs")), *((str(x.pk), x.name) for x in lpses)]
        if len(lpses) <= 1:
            lpse_field.widget = forms.HiddenInput()


class DecisionForm(forms.Form):
    """The checklist: accepted or rejected with a reason, per item, and the decision."""

    note = forms.CharField(
        label=_("Note to the vendor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; sent with the decision."),
    )
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return for correction"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose to approve or to return the request.")},
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.key}"] = forms.ChoiceField(
                label=str(item.label),
                required=False,
                choices=[(ACCEPT, _("Accepted")), (REJECT, _("Rejected"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{item.key}"] = forms.CharField(
                label=_("Reason (when rejected)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[ChecklistItem, Any, Any]]:
        return [(i, self[f"result_{i.key}"], self[f"reason_{i.key}"]) for i in self.items]

    def reviews(self) -> dict[str, tuple[bool, str]]:
        """item -> (accepted, reason) for the items the verifikator marked."""
        result: dict[str, tuple[bool, str]] = {}
        for item in self.items:
            marked = self.cleaned_data.get(f"result_{item.key}")
            if marked in (ACCEPT, REJECT):
                result[item.key] = (
                    marked == ACCEPT,
                    self.cleaned_data.get(f"reason_{item.key}", ""),
                )
        return result

    def field_for(self, key: str) -> str | None:
        """The form field that shows a service error about checklist item `key`: its result
        when approving (every item must be accepted), its reason when returning."""
        prefix = "result" if self.cleaned_data.get("decision") == APPROVE else "reason"
        if f"{prefix}_{key}" in self.fields:
            return f"{prefix}_{key}"
        return None


class SlotForm(forms.Form):
    lpse = forms.ModelChoiceField(label=_("LPSE"), queryset=Lpse.objects.none(), empty_label=None)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    mode = forms.ChoiceField(label=_("Kind"), choices=AppointmentMode.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_CAPACITY, initial=1)
    place = forms.CharField(
        label=_("Room or video link"),
        max_length=300,
        help_text=_("The room for a visit, or the https:// link of the video call."),
    )

    def __init__(self, *args: Any, lpses: list[Lpse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lpse_field = self.fields["lpse"]
        assert isinstance(lpse_field, forms.ModelChoiceField)
        lpse_field.queryset = Lpse.objects.filter(pk__in=[x.pk for x in lpses]).order_by("name")
        if len(lpses) == 1:
            lpse_field.initial = lpses[0].pk
            lpse_field.widget = forms.HiddenInput()


class BookingForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
