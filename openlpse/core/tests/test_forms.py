from django import forms

from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status, form_refused


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_go_next_to_known_fields_and_above_the_form_otherwise():
    form = _Form(data={"name": "x"})
    form.is_valid()
    apply_domain_error(
        form, errors.ValidationError(fields={"name": ["Too short."], "hidden": ["Not shown."]})
    )
    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Not shown."]


def test_a_refusal_without_fields_is_shown_above_the_form_with_its_own_status():
    form = _Form(data={})
    form.is_valid()
    assert form_refused(form, errors.Conflict("Already decided.")) == 409
    assert form.non_field_errors() == ["Already decided."]


def test_a_page_never_answers_a_refused_form_with_a_server_error_status():
    assert error_status(errors.StorageFull()) == 400
    assert error_status(errors.NotFound()) == 404
