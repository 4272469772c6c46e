"""Forms of the role pages: grant, revoke, filter. Shape only; the rules live in
accounts.services.roles and accounts.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.organizations.forms import DateInput, UserLookupField
from openlpse.organizations.models import Agency, LpseUnit, WorkUnit

if TYPE_CHECKING:
    from openlpse.organizations.models import Lpse


def _work_unit_label(unit: WorkUnit) -> str:
    return f"{unit.agency.name} · {unit.name}"


class RoleGrantForm(forms.Form):
    user = UserLookupField()
    role = forms.ChoiceField(label=_("Role"))
    scope_kind = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        help_text=_(
            "Leave on automatic: a work unit, else an agency, else the whole LPSE. Choose “Set of packages” for an auditor of named packages."
        ),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("(none)")
    )
    work_unit = forms.ModelChoiceField(
        label=_("Work unit"),
        queryset=WorkUnit.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    lpse_unit = forms.ModelChoiceField(
        label=_("LPSE unit"),
        queryset=LpseUnit.objects.none(),
        required=False,
        empty_label=_("(none)"),
        help_text=_(
            "For LPSE staff only. Placing a person on the LPSE units page grants this role too."
        ),
    )
    scope_ref = forms.CharField(
        label=_("Packages or tender"),
        required=False,
        max_length=200,
        help_text=_(
            "For an auditor: the package codes named in the surat tugas, separated by commas. For a Pokja of one tender: the tender code."
        ),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Required for auditors."),
    )
    letter_kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    letter_number = forms.CharField(label=_("Letter number"), max_length=120)
    letter_date = forms.DateField(label=_("Letter date"), widget=DateInput())

    def __init__(
        self, *args: Any, lpse: Lpse, roles: list[str], agencies: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self._set_choices("role", [(r, labels[r]) for r in roles])
        self._set_choices(
            "scope_kind",
            [
                ("", _("Automatic")),
                (ScopeKind.PACKAGES, ScopeKind.PACKAGES.label),
                (ScopeKind.TENDER, ScopeKind.TENDER.label),
            ],
        )
        self._set_queryset("agency", agencies)
        self._set_queryset(
            "work_unit",
            WorkUnit.objects.filter(agency__in=agencies, is_active=True)
            .select_related("agency")
            .order_by("agency__name", "name"),
        )
        self._set_queryset("lpse_unit", LpseUnit.objects.filter(lpse=lpse).order_by("pk"))
        work_unit_field = self.fields["work_unit"]
        assert isinstance(work_unit_field, forms.ModelChoiceField)
        work_unit_field.label_from_instance = _work_unit_label  # type: ignore[method-assign,assignment]

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoleFilterForm(forms.Form):
    lpse = forms.CharField(required=False, widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("active", _("Current and upcoming")),
            ("ended", _("Ended or revoked")),
            ("all", _("All")),
        ],
    )
    q = forms.CharField(label=_("Name or letter number contains"), required=False, max_length=100)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All agencies")), *[(str(a.pk), a.name) for a in agencies]]
