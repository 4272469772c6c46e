"""Forms of the set-up pages: shape only. The rules (methods, weights, envelopes, guarantees,
schedule) live in tenders.services.setup, tenders.services.schedule_changes and
tenders.schedule. Date-times are entered in the LPSE's zone: the views validate and render
these forms inside `timezone.override(lpse.time_zone)`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.tenders.enums import (
    Envelope,
    EvaluationMethod,
    GuaranteeKind,
    RequirementKind,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.stages import StageDef
from openlpse.vendors.enums import LicenceKind
from openlpse.vendors.models import Vendor

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        **kwargs,
    )


class TenderCreateForm(forms.Form):
    method = forms.ChoiceField(label=_("Selection method"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, methods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [(m, label) for m, label in TenderMethod.choices if m in methods]


class SetupForm(forms.Form):
    evaluation_method = forms.ChoiceField(
        label=_("Evaluation method"), choices=EvaluationMethod.choices
    )
    technical_weight = forms.DecimalField(
        label=_("Technical weight (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Sistem nilai only: technical and price weights add up to 100."),
    )
    price_weight = forms.DecimalField(
        label=_("Price weight (%)"), required=False, min_value=0, max_value=100
    )
    technical_passing_grade = forms.DecimalField(
        label=_("Technical passing grade"), required=False, min_value=0, max_value=100
    )
    economic_life_years = forms.IntegerField(
        label=_("Economic life (years)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Biaya selama umur ekonomis only."),
    )
    bid_validity_days = forms.IntegerField(
        label=_("Bid validity (days)"), min_value=1, max_value=365
    )
    invited_vendor = forms.ModelChoiceField(
        label=_("Invited vendor"),
        queryset=Vendor.objects.none(),
        required=False,
        help_text=_("Pengadaan langsung only: the verified vendor asked to quote."),
    )

    def __init__(self, *args: Any, vendors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if vendors is None:
            del self.fields["invited_vendor"]
        else:
            invited = self.fields["invited_vendor"]
            assert isinstance(invited, forms.ModelChoiceField)
            invited.queryset = vendors


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "---------"), *RequirementKind.choices], required=False
    )
    licence_kind = forms.ChoiceField(
        label=_("Licence"), choices=[("", "---------"), *LicenceKind.choices], required=False
    )
    classification = forms.CharField(
        label=_("Classification / KBLI"), max_length=120, required=False
    )
    text = forms.CharField(
        label=_("Requirement"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredDocumentForm(forms.Form):
    envelope = forms.ChoiceField(label=_("Envelope"), required=False)
    name = forms.CharField(label=_("Document"), max_length=300, required=False)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)

    def __init__(self, *args: Any, envelopes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = envelopes or [e.value for e in Envelope]
        envelope = self.fields["envelope"]
        assert isinstance(envelope, forms.ChoiceField)
        envelope.choices = [(e, label) for e, label in Envelope.choices if e in allowed]


class GuaranteeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Guarantee"), choices=[("", "---------"), *GuaranteeKind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount (Rp)"), required=False, min_value=0, max_digits=20, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


RequirementFormSet = forms.formset_factory(RequirementForm, extra=3, max_num=100)
RequiredDocumentFormSet = forms.formset_factory(RequiredDocumentForm, extra=3, max_num=100)
GuaranteeFormSet = forms.formset_factory(GuaranteeForm, extra=2, max_num=4)


def stage_field(code: str, field: str) -> str:
    return f"{code}__{field}"


class ScheduleForm(forms.Form):
    """One start and one end per stage of the template; after the announcement also the
    reason of the change. Fields of stages that can no longer move are disabled."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown publicly next to the schedule and sent to every participant."),
    )

    def __init__(
        self,
        *args: Any,
        stages: tuple[StageDef, ...],
        names: dict[str, str],
        status: str,
        fixed: set[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stages = stages
        fixed = fixed or set()
        if status != TenderStatus.ANNOUNCED:
            del self.fields["reason"]
        for definition in stages:
            name = names.get(definition.code, definition.code)
            for field, label in (("starts_at", _("Start")), ("ends_at", _("End"))):
                key = stage_field(definition.code, field)
                self.fields[key] = datetime_field(f"{name}: {label}")
                if (definition.code, field) in fixed:
                    self.fields[key].disabled = True

    def rows(self) -> dict[str, tuple[Any, Any]]:
        data = self.cleaned_data
        return {
            d.code: (
                data.get(stage_field(d.code, "starts_at")),
                data.get(stage_field(d.code, "ends_at")),
            )
            for d in self.stages
        }


class LayoutForm(forms.Form):
    """Fill the editor with the method's default layout from a chosen start."""

    start = datetime_field(_("First stage starts"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("Published with the tender."),
    )


class ExtendForm(forms.Form):
    new_end = datetime_field(_("New end"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown publicly next to the schedule and sent to every participant."),
    )
