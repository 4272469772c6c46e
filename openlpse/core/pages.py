"""Small helpers shared by the server-rendered page views of every app: the back-office view
decorator, the signed-in user, the submitted form data and a query string without some
parameters. One implementation here instead of a copy in each views module."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from openlpse.accounts.models.user import User
from openlpse.core import errors

View = Callable[..., HttpResponseBase]


def backoffice(view: View) -> View:
    """Signed-in only (login_required); NotFound from a selector or service becomes the
    ordinary 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(str(exc)) from exc

    return wrapper


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind login_required (`backoffice`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so an empty form shows its errors), else
    None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string without the named parameters (for paging and sorting links
    that add their own)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
