"""Forms of the package and Pokja pages: shape only. The rules (who, HPS within the pagu,
ceilings, Pokja composition) live in tenders.services.packages and tenders.services.pokja."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.models import User
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.tenders.enums import BusinessQualification, ContractType, PackageStatus

SORT_CHOICES = [
    ("", _("Newest first")),
    ("code", _("Code")),
    ("name", _("Name")),
    ("-hps", _("Highest HPS")),
    ("hps", _("Lowest HPS")),
    ("-sent", _("Latest sent")),
]


def _user_label(user: User) -> str:
    return f"{user.display_name} ({user.username})"


class PackageFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, name or RUP code"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PackageStatus.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)


class PackageForm(forms.Form):
    name = forms.CharField(label=_("Package name"), max_length=300)
    work_unit = forms.ChoiceField(label=_("Work unit"), required=False)
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=ContractType.choices)
    business_qualification = forms.ChoiceField(
        label=_("Business qualification"),
        choices=BusinessQualification.choices,
        help_text=_("The size of business that may bid (kecil / non-kecil)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, work_units: list[WorkUnit] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in work_units or []}
        field = self.fields["work_unit"]
        assert isinstance(field, forms.ChoiceField)
        if len(self.units) > 1:
            field.choices = [
                ("", _("The whole agency")),
                *[(k, u.name) for k, u in self.units.items()],
            ]
            field.help_text = _(
                "The work unit the package belongs to; it must be one where your PPK role is registered."
            )
        else:
            del self.fields["work_unit"]

    def clean_work_unit(self) -> WorkUnit | None:
        return self.units.get(self.cleaned_data.get("work_unit") or "")


class HpsRowForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    unit_price = forms.DecimalField(
        label=_("Unit price (Rp)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) not in (None, "") for k in self.fields)


def filled_rows(formset: Any) -> list[dict[str, Any]]:
    """The cleaned rows of a valid formset, without the rows left entirely empty (the spare
    rows of the page)."""
    return [form.cleaned_data for form in formset.forms if form.is_valid() and not form.is_blank()]


HpsFormSet = forms.formset_factory(HpsRowForm, extra=3, max_num=500, absolute_max=500)


class LocationRowForm(forms.Form):
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    city = forms.CharField(label=_("City or regency"), max_length=100, required=False)
    detail = forms.CharField(label=_("Detail"), max_length=300, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) for k in self.fields)


LocationFormSet = forms.formset_factory(LocationRowForm, extra=2, max_num=50, absolute_max=50)


class DocumentForm(forms.Form):
    which = forms.ChoiceField(
        label=_("Document"),
        choices=[
            ("kak", _("Terms of reference / specifications (KAK)")),
            ("draft_contract", _("Draft contract")),
        ],
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel or ZIP, at most 50 MB."), required=False
    )


class SendForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Send to"),
        widget=forms.RadioSelect,
        choices=[
            ("ulp", _("The procurement unit (ULP/UKPBJ), for a tender")),
            ("pp", _("A Pejabat Pengadaan, for a pengadaan langsung")),
        ],
    )
    ulp_agency = forms.ChoiceField(label=_("Procurement unit (ULP/UKPBJ)"), required=False)
    pejabat_pengadaan = forms.ChoiceField(label=_("Pejabat Pengadaan"), required=False)

    def __init__(
        self, *args: Any, agencies: list[Agency], officers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.officers = {str(u.pk): u for u in officers}
        self._choices("ulp_agency", [(k, a.name) for k, a in self.agencies.items()])
        self._choices("pejabat_pengadaan", [(k, _user_label(u)) for k, u in self.officers.items()])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose...")), *choices]

    def targets(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["target"] == "ulp":
            return {"ulp_agency": self.agencies.get(data.get("ulp_agency") or "")}
        return {"pejabat_pengadaan": self.officers.get(data.get("pejabat_pengadaan") or "")}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class PokjaAssignForm(forms.Form):
    members = forms.MultipleChoiceField(
        label=_("Members"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Three or more, odd in number. Only registered Pokja members are listed."),
    )
    chair = forms.ChoiceField(label=_("Chair (ketua)"))
    sk_number = forms.CharField(label=_("Assignment letter (SK) number"), max_length=120)

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(u.pk): u for u in candidates}
        choices = [(k, _user_label(u)) for k, u in self.candidates.items()]
        members = self.fields["members"]
        chair = self.fields["chair"]
        assert isinstance(members, forms.MultipleChoiceField)
        assert isinstance(chair, forms.ChoiceField)
        members.choices = choices
        chair.choices = [("", _("Choose...")), *choices]

    def chosen(self) -> tuple[list[User], User | None]:
        data = self.cleaned_data
        members = [self.candidates[k] for k in data["members"]]
        return members, self.candidates.get(data["chair"])


class PokjaReplaceForm(forms.Form):
    member = forms.ChoiceField(label=_("Member to replace"))
    replacement = forms.ChoiceField(label=_("Replaced by"))
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    sk_number = forms.CharField(
        label=_("New assignment letter (SK) number"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to keep the current SK number."),
    )

    def __init__(
        self, *args: Any, members: list[User], candidates: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(u.pk): u for u in members}
        self.candidates = {str(u.pk): u for u in candidates}
        member = self.fields["member"]
        replacement = self.fields["replacement"]
        assert isinstance(member, forms.ChoiceField)
        assert isinstance(replacement, forms.ChoiceField)
        member.choices = [("", _("Choose..."))] + [
            (k, _user_label(u)) for k, u in self.members.items()
        ]
        replacement.choices = [("", _("Choose..."))] + [
            (k, _user_label(u)) for k, u in self.candidates.items()
        ]
