"""The public tender list's filter form: shape only. What the filters mean (which tenders
are public, what "current stage" is) lives in tenders.selectors_public."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.models import Agency, Lpse
from openlpse.plans.enums import ProcurementType
from openlpse.tenders import selectors_public
from openlpse.tenders.enums import PUBLIC_TENDER_STATUSES, TenderMethod, TenderStatus
from openlpse.tenders.selectors_public import PublicFilters, StageNames

STATUS_CHOICES = [("", _("Any status"))] + [
    (value, label) for value, label in TenderStatus.choices if value in PUBLIC_TENDER_STATUSES
]


class PublicTenderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Words of the tender's name, the agency or work unit, or a whole tender, "
            "package or RUP code."
        ),
    )
    lpse = forms.ChoiceField(label=_("LPSE"), required=False)
    agency = forms.TypedChoiceField(
        label=_("Agency (K/L/PD)"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Any category")), *ProcurementType.choices],
    )
    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("Any method")), *TenderMethod.choices]
    )
    stage = forms.ChoiceField(label=_("Current stage"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    year = forms.IntegerField(
        label=_("Fiscal year"), required=False, min_value=2000, max_value=2100
    )
    hps_min = forms.DecimalField(
        label=_("HPS from (Rp)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=20,
        decimal_places=2,
    )
    hps_max = forms.DecimalField(
        label=_("HPS up to (Rp)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=20,
        decimal_places=2,
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(key, key) for key in selectors_public.SORTS],
    )

    def __init__(
        self,
        *args: Any,
        lpses: list[Lpse],
        agencies: list[Agency],
        fixed_lpse: Lpse | None = None,
        names: StageNames | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lpses = lpses
        self.fixed_lpse = fixed_lpse
        lpse_field = self.fields["lpse"]
        assert isinstance(lpse_field, forms.ChoiceField)
        lpse_field.choices = [("", _("All LPSEs")), *((x.slug, x.name) for x in lpses)]
        if fixed_lpse is not None:
            del self.fields["lpse"]  # the page is the LPSE's own list
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [("", _("All agencies")), *((a.pk, a.name) for a in agencies)]
        names = names or StageNames()
        stage_field = self.fields["stage"]
        assert isinstance(stage_field, forms.ChoiceField)
        stage_field.choices = [("", _("Any stage")), *_stage_choices(names)]
        for name in ("hps_min", "hps_max", "year"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")

    def filters(self) -> PublicFilters:
        """The filters of the fields that are valid (an invalid one is shown with its error
        and filters nothing)."""
        data = getattr(self, "cleaned_data", {}) or {}
        lpse = self.fixed_lpse
        if lpse is None and data.get("lpse"):
            lpse = next((x for x in self.lpses if x.slug == data["lpse"]), None)
        return PublicFilters(
            lpse=lpse,
            agency_id=data.get("agency"),
            category=data.get("category") or "",
            method=data.get("method") or "",
            stage=data.get("stage") or "",
            status=data.get("status") or "",
            year=data.get("year"),
            hps_min=data.get("hps_min"),
            hps_max=data.get("hps_max"),
            text=data.get("q") or "",
            sort=data.get("sort") or selectors_public.DEFAULT_SORT,
        )


def _stage_choices(names: StageNames) -> list[tuple[str, str]]:
    """One choice per stage code, named as in the first method that has it."""
    from openlpse.tenders.stages import templates

    choices: dict[str, str] = {}
    for method, stages in templates().items():
        for definition in stages:
            choices.setdefault(definition.code, names.name(method, definition.code))
    return list(choices.items())
