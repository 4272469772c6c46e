"""Forms of pemberian penjelasan: field shapes only; the rules are in
tenders.services.questions and tenders.services.minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openlpse.tenders.services.questions import ANSWER_MAX, SUBJECT_MAX, TEXT_MAX


class QuestionForm(forms.Form):
    subject = forms.CharField(
        label=_("About (section or page of the document)"),
        max_length=SUBJECT_MAX,
        required=False,
        help_text=_("For example: BAB III, Lembar Data Pemilihan, page 12."),
    )
    text = forms.CharField(
        label=_("Your question"),
        max_length=TEXT_MAX,
        required=False,  # the service says what is missing, in one sentence
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MinutesForm(forms.Form):
    stage_code = forms.ChoiceField(label=_("Explanation stage"), choices=())

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = stages


class QuestionFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All questions")), ("unanswered", _("Unanswered only"))],
    )
