"""The navigation registry: entries shown by role, never a link to a page that does not exist."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import navigation
from openlpse.core.navigation import NavEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def temporary_entries():
    """Entries registered by a test are removed afterwards."""
    keys = []

    def add(entry):
        keys.append(entry.key)
        navigation.register(entry)

    yield add
    for key in keys:
        navigation.unregister(key)


def menu(rf, user, path="/dasbor/", **kwargs):
    request = rf.get(path)
    request.user = user
    return navigation.menu_for(request, **kwargs)


def labels(sections):
    """Labels in English, the source language (the Indonesian catalogue may change)."""
    with translation.override("en"):
        return {s.key: [str(i.label) for i in s.items] for s in sections}


def test_anonymous_visitors_get_no_back_office_entries(rf):
    assert menu(rf, AnonymousUser(), exclude=(navigation.PORTAL,)) == []


def test_signed_in_user_without_roles_sees_dashboard_and_profile_only(rf):
    sections = menu(rf, UserFactory(), exclude=(navigation.PORTAL,))

    assert labels(sections) == {"overview": ["Dashboard"], "account": ["Profile & security"]}
    assert [s.key for s in sections] == ["overview", "account"]


def test_lpse_admin_also_sees_the_access_log(rf, lpse_karangasem):
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.LPSE_ADMIN, lpse=lpse_karangasem)

    sections = menu(rf, admin, exclude=(navigation.PORTAL,))

    assert labels(sections)["account"] == ["Profile & security", "Access log"]


def test_entries_whose_url_does_not_exist_are_left_out(rf, temporary_entries):
    temporary_entries(
        NavEntry("test.missing", "Missing", "tenders:nothing", navigation.everyone, navigation.WORK)
    )

    assert "work" not in labels(menu(rf, UserFactory()))


def test_entries_whose_predicate_refuses_are_left_out(rf, temporary_entries):
    temporary_entries(
        NavEntry("test.never", "Never", "core:home", lambda user: False, navigation.WORK)
    )
    temporary_entries(
        NavEntry("test.always", "Always", "core:home", navigation.everyone, navigation.WORK)
    )

    assert labels(menu(rf, UserFactory()))["work"] == ["Always"]


def test_entries_are_ordered_by_their_order_within_a_section(rf, temporary_entries):
    temporary_entries(
        NavEntry("test.b", "Second", "core:home", navigation.everyone, navigation.WORK, order=20)
    )
    temporary_entries(
        NavEntry("test.a", "First", "core:home", navigation.everyone, navigation.WORK, order=10)
    )

    assert labels(menu(rf, UserFactory()))["work"] == ["First", "Second"]


def test_registering_the_same_key_again_replaces_the_entry(rf, temporary_entries):
    temporary_entries(NavEntry("test.x", "Old", "core:home", navigation.everyone, navigation.WORK))
    temporary_entries(NavEntry("test.x", "New", "core:home", navigation.everyone, navigation.WORK))

    assert labels(menu(rf, UserFactory()))["work"] == ["New"]


def test_a_lazy_predicate_that_cannot_be_imported_hides_the_entry(rf, temporary_entries):
    hidden = navigation.lazy_predicate("openlpse.nothing_here.can_see")
    missing_name = navigation.lazy_predicate("openlpse.accounts.permissions.no_such_rule")
    temporary_entries(NavEntry("test.lazy1", "Lazy 1", "core:home", hidden, navigation.WORK))
    temporary_entries(NavEntry("test.lazy2", "Lazy 2", "core:home", missing_name, navigation.WORK))

    assert "work" not in labels(menu(rf, UserFactory()))


def test_the_current_entry_is_the_longest_matching_url(rf, temporary_entries):
    temporary_entries(
        NavEntry("test.root", "Root", "core:home", navigation.everyone, navigation.WORK)
    )

    sections = menu(rf, UserFactory(), path="/dasbor/")

    current = [(i.key, i.current) for s in sections for i in s.items if i.current]
    assert current == [("core.dashboard", True)]


def test_unknown_sections_come_last_under_their_key(rf, temporary_entries):
    temporary_entries(NavEntry("test.odd", "Odd", "core:home", navigation.everyone, "zzz-section"))

    sections = menu(rf, UserFactory())

    assert sections[-1].key == "zzz-section"
    assert sections[-1].label == "zzz-section"


def test_holds_any_role_predicate(lpse_karangasem):
    admin, vendor = UserFactory(), UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.LPSE_ADMIN, lpse=lpse_karangasem)
    predicate = navigation.holds_any_role(Role.LPSE_ADMIN, Role.LPSE_STAFF)

    assert predicate(admin) is True
    assert predicate(vendor) is False
    assert predicate(AnonymousUser()) is False


def test_portal_entries_appear_in_the_public_header(client, temporary_entries, lpse_karangasem):
    temporary_entries(
        NavEntry(
            "test.public", "Announcements", "core:home", navigation.everyone, navigation.PORTAL
        )
    )

    html = client.get("/lpse/karangasem/").content.decode()

    assert '<li><a href="/">Announcements</a></li>' in html
