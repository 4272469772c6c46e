"""How pages show a service's refusal: next to the fields it names (or above the form), with
the error's own 4xx status. One place for every app's views."""

from __future__ import annotations

from django import forms

from openlpse.core import errors


def apply_domain_error(form: forms.Form, error: errors.DomainError) -> None:
    """Show a service's error next to the fields it names, or above the form when it names
    none (or names a field the form does not have)."""
    if not error.fields:
        form.add_error(None, str(error.message))
        return
    for field, messages in error.fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


def error_status(error: errors.DomainError) -> int:
    """The page's status for a refusal: the error's own 4xx, else 400 (a page never answers a
    refused form with a 5xx)."""
    return error.http_status if 400 <= error.http_status < 500 else 400


def form_refused(form: forms.Form, error: errors.DomainError) -> int:
    """Put the error on the form and return the status to render it with."""
    apply_domain_error(form, error)
    return error_status(error)
