"""Forms of the RUP and adoption-plan pages: shape only. The rules (who, which values, which
state) live in plans.services; a refusal comes back onto the form with core.forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.models import Agency, Lpse
from openlpse.plans.enums import FundingSource, PlannedMethod, ProcurementType
from openlpse.plans.selectors import PlannerScope
from openlpse.plans.services.rup import RupFields, parse_pagu

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
ANY = [("", _("Any"))]


class AmountField(forms.CharField):
    """Rupiah typed as people type it (1.500.000.000 or 1500000000,50); cleans to Decimal."""

    default_error_messages = {
        "invalid": _("Enter an amount in rupiah, for example 1.500.000.000."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        amount = parse_pagu(text)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


def _month_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=MONTHS, coerce=int)


class RupForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Agency and work unit"),
        help_text=_("The agency (all of it) or one of its work units the item belongs to."),
    )
    code = forms.CharField(label=_("RUP code"), max_length=40)
    name = forms.CharField(label=_("Package name"), max_length=300)
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    pagu = AmountField(
        label=_("Budget ceiling (pagu), Rp"),
        help_text=_("The budget of the item, for example 1.500.000.000."),
    )
    funding_source = forms.ChoiceField(label=_("Source of funds"), choices=FundingSource.choices)
    procurement_type = forms.ChoiceField(
        label=_("Procurement type"), choices=ProcurementType.choices
    )
    planned_method = forms.ChoiceField(label=_("Planned method"), choices=PlannedMethod.choices)
    selection_start_month = _month_field(_("Selection starts"))
    selection_end_month = _month_field(_("Selection ends"))
    contract_start_month = _month_field(_("Contract starts"))
    contract_end_month = _month_field(_("Contract ends"))
    location = forms.CharField(label=_("Location"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        scopes: list[PlannerScope],
        fixed_code: bool = False,
        fixed_scope: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {scope.key: scope for scope in scopes}
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(scope.key, scope.label) for scope in scopes]
        if fixed_scope:
            del self.fields["scope"]
        if fixed_code:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code of an announced item cannot change.")

    def clean_scope(self) -> PlannerScope:
        return self.scopes[self.cleaned_data["scope"]]

    def rup_fields(self) -> RupFields:
        data = self.cleaned_data
        return RupFields(
            code=data["code"],
            name=data["name"],
            fiscal_year=data["fiscal_year"],
            pagu=data["pagu"],
            funding_source=data["funding_source"],
            procurement_type=data["procurement_type"],
            planned_method=data["planned_method"],
            selection_start_month=data["selection_start_month"],
            selection_end_month=data["selection_end_month"],
            contract_start_month=data["contract_start_month"],
            contract_end_month=data["contract_end_month"],
            location=data["location"],
            description=data["description"],
        )


class AnnounceForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when an announced item changes; published in its history."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the item."),
    )


class PlannerFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            ("draft", _("Draft")),
            ("announced", _("Announced")),
            ("withdrawn", _("Withdrawn")),
        ],
    )
    year = forms.IntegerField(label=_("Fiscal year"), required=False, min_value=2000)
    q = forms.CharField(label=_("Code or name contains"), required=False, max_length=100)


class ImportForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "The first row names the columns (download the template). At most 5 MB and 5000 rows."
        ),
    )
    check_only = forms.BooleanField(
        label=_("Only check the file, save nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), a.name) for a in agencies]

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


SORTS = [
    ("-announced", _("Newest announcement first")),
    ("code", _("RUP code")),
    ("name", _("Name")),
    ("-pagu", _("Largest pagu first")),
    ("pagu", _("Smallest pagu first")),
    ("agency", _("Agency")),
]


class PublicRupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    lpse = forms.ChoiceField(label=_("LPSE"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int)
    procurement_type = forms.ChoiceField(
        label=_("Procurement type"), required=False, choices=ANY + ProcurementType.choices
    )
    planned_method = forms.ChoiceField(
        label=_("Method"), required=False, choices=ANY + PlannedMethod.choices
    )
    funding_source = forms.ChoiceField(
        label=_("Source of funds"), required=False, choices=ANY + FundingSource.choices
    )
    pagu_min = AmountField(label=_("Pagu from (Rp)"), required=False)
    pagu_max = AmountField(label=_("Pagu up to (Rp)"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("announced", _("Announced")),
            ("withdrawn", _("Withdrawn")),
            ("all", _("All")),
        ],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(
        self, *args: Any, lpses: list[Lpse], agencies: list[Agency], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lpses = {lpse.slug: lpse for lpse in lpses}
        self.agencies = {str(a.pk): a for a in agencies}
        lpse_field = self.fields["lpse"]
        agency_field = self.fields["agency"]
        year_field = self.fields["year"]
        assert isinstance(lpse_field, forms.ChoiceField)
        assert isinstance(agency_field, forms.ChoiceField)
        assert isinstance(year_field, forms.TypedChoiceField)
        lpse_field.choices = ANY + [(lpse.slug, lpse.name) for lpse in lpses]
        agency_field.choices = ANY + [(str(a.pk), a.name) for a in agencies]
        year_field.choices = ANY + [(y, str(y)) for y in years]

    def clean_lpse(self) -> Lpse | None:
        return self.lpses.get(self.cleaned_data["lpse"])

    def clean_agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data["agency"])


class AdoptionPlanForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    value_threshold = AmountField(
        label=_("Every package with a pagu of at least (Rp)"),
        required=False,
        help_text=_("Leave empty when the plan sets no threshold."),
    )
    target_count = forms.IntegerField(
        label=_("Target number of packages"), required=False, min_value=0
    )
    target_value = AmountField(label=_("Target value of packages (Rp)"), required=False)
    notes = forms.CharField(
        label=_("Notes (phases, exceptions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], fixed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), a.name) for a in agencies]
        if fixed:
            del self.fields["agency"]
            self.fields["fiscal_year"].disabled = True

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class AdoptionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("agree", _("Agree to the plan")), ("return", _("Return it to the agency"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what to change."),
    )
