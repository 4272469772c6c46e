"""The navigation registry: apps declare their menu entries once; layouts show them by role.

An app registers entries from its ``AppConfig.ready()``::

    from openlpse.core import navigation

    navigation.register(navigation.NavEntry(
        key="tenders.list", label=_("Tenders"), url_name="tenders:list",
        predicate=navigation.signed_in, section=navigation.WORK, order=10,
    ))

Each entry names a URL (no arguments) and a predicate over the user that decides whether it is
shown. An entry whose URL does not reverse (its app is not installed yet) is left out instead of
breaking the page, so a menu never links to a page that does not exist. Showing an entry is a
convenience only: every view still checks permission itself.

The registry is filled at start-up and only read afterwards, like ``admin.site``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Predicate = Callable[[Any], bool]

# Sections: PORTAL is the public header menu; the others form the back-office menu.
PORTAL = "portal"
OVERVIEW = "overview"
WORK = "work"
ORGANIZATION = "organization"
ACCOUNT = "account"


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    order: int


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    predicate: Predicate
    section: str = OVERVIEW
    order: int = 100


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url: str
    current: bool = False


@dataclass(frozen=True)
class MenuSection:
    key: str
    label: str | Promise
    items: list[MenuItem] = field(default_factory=list)


_sections: dict[str, NavSection] = {}
_entries: dict[str, NavEntry] = {}


def register_section(section: NavSection) -> None:
    _sections[section.key] = section


def register(entry: NavEntry) -> None:
    """Add or replace (same key) an entry; registering twice is harmless."""
    _entries[entry.key] = entry


def unregister(key: str) -> None:
    _entries.pop(key, None)


def registered_entries() -> list[NavEntry]:
    return sorted(_entries.values(), key=lambda e: (e.section, e.order, e.key))


# --- predicates ---------------------------------------------------------------------------


def everyone(user: Any) -> bool:
    return True


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def lazy_predicate(dotted: str) -> Predicate:
    """A predicate imported when first used; if the module or name does not exist (yet), the
    entry is hidden: a missing permission rule must never show a page to everyone."""

    def check(user: Any) -> bool:
        if not signed_in(user):
            return False
        module_name, _dot, attr = dotted.rpartition(".")
        try:
            predicate = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            return False
        return bool(predicate(user))

    check.__name__ = f"lazy({dotted})"
    return check


def holds_any_role(*roles: str) -> Predicate:
    """True for a signed-in user with an active (not revoked, in period) assignment of a role."""

    def check(user: Any) -> bool:
        if not signed_in(user):
            return False
        from openlpse.core.portal import active_role_assignments

        return active_role_assignments(user).filter(role__in=roles).exists()

    check.__name__ = f"holds_any_role{roles}"
    return check


# --- building menus -----------------------------------------------------------------------


def _url_for(entry: NavEntry) -> str | None:
    try:
        return reverse(entry.url_name)
    except NoReverseMatch:
        return None


def _current_key(items: list[tuple[NavEntry, str]], path: str) -> str | None:
    """The entry whose URL is the longest prefix of the path ("/" only matches itself)."""
    best: tuple[int, str] | None = None
    for entry, url in items:
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and (best is None or len(url) > best[0]):
            best = (len(url), entry.key)
    return best[1] if best else None


def menu_for(
    request: HttpRequest, *, sections: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()
) -> list[MenuSection]:
    """The sections (in order) with the entries this request's user may see, current one marked."""
    user = getattr(request, "user", None)
    visible: list[tuple[NavEntry, str]] = []
    for entry in registered_entries():
        if (sections is not None and entry.section not in sections) or entry.section in exclude:
            continue
        url = _url_for(entry)
        if url is None or not entry.predicate(user):
            continue
        visible.append((entry, url))
    current = _current_key(visible, request.path)

    grouped: dict[str, MenuSection] = {}
    for entry, url in visible:
        section = _sections.get(entry.section) or NavSection(entry.section, entry.section, 1000)
        menu = grouped.setdefault(section.key, MenuSection(section.key, section.label))
        menu.items.append(MenuItem(entry.key, entry.label, url, current=entry.key == current))
    order = {key: (_sections[key].order if key in _sections else 1000) for key in grouped}
    return sorted(grouped.values(), key=lambda s: (order[s.key], s.key))


# --- the entries of the foundation ----------------------------------------------------------

register_section(NavSection(PORTAL, _("Portal"), 0))
register_section(NavSection(OVERVIEW, _("Overview"), 10))
register_section(NavSection(WORK, _("Procurement"), 20))
register_section(NavSection(ORGANIZATION, _("Organisation"), 50))
register_section(NavSection(ACCOUNT, _("Your account"), 90))

register(NavEntry("core.dashboard", _("Dashboard"), "core:dashboard", signed_in, OVERVIEW, 10))
register(
    NavEntry(
        "accounts.profile", _("Profile & security"), "accounts:profile", signed_in, ACCOUNT, 10
    )
)
register(
    NavEntry(
        "accounts.access_log",
        _("Access log"),
        "accounts:access_log",
        lazy_predicate("openlpse.accounts.permissions.can_read_access_log"),
        ACCOUNT,
        20,
    )
)
