import datetime as dt

import pytest
from django.urls import reverse

from openlpse.accounts.enums import MFA_REQUIRED_ROLES, Role
from openlpse.accounts.models import AccessEvent, AccessLogEntry
from openlpse.accounts.selectors import (
    AccessLogFilter,
    access_log_entries,
    can_read_access_log,
    can_read_own_access_log,
)
from openlpse.accounts.services.access_log import access_log_record
from openlpse.accounts.tests.auth_support import (
    IP,
    NOW,
    OTHER_IP,
    english_client,
    official,
    sign_in_verified,
    vendor,
    with_role,
)
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock, errors, request_context
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:access_log")
READERS = (Role.AUDITOR, Role.LPSE_ADMIN)
NON_READER_OFFICIALS = sorted(MFA_REQUIRED_ROLES - set(READERS))


def _log(user, event=AccessEvent.LOGIN, ip=IP, at=NOW, name=""):
    with (
        clock.frozen(at),
        request_context.bound(request_context.RequestMeta(ip=ip, user_agent="Firefox")),
    ):
        return access_log_record(event=event, user=user, username_attempted=name)


@pytest.fixture
def world():
    lpse, other_lpse = LpseFactory(name="LPSE Lampung Timur"), LpseFactory(name="LPSE Karangasem")
    people = {
        "ppk": official(Role.PPK, lpse, username="ppk_lamtim"),
        "ppk_elsewhere": official(Role.PPK, other_lpse, username="ppk_karangasem"),
        "vendor": vendor(username="cv_maju"),
        "vendor2": vendor(username="pt_jaya"),
    }
    for person in people.values():
        _log(person)
    _log(None, AccessEvent.LOGIN_FAILED, name="ghost")
    return lpse, other_lpse, people


def _names(response) -> set[str]:
    return {
        row.entry.user.username if row.entry.user else row.entry.username_attempted
        for row in response.context["rows"]
    }


@pytest.mark.parametrize("role", READERS)
def test_auditor_and_lpse_admin_read_the_log_of_their_lpse_and_the_platform_wide_entries(
    world, role
):
    lpse, _other, _people = world
    reader = official(role, lpse, username="pembaca")
    client = english_client()
    sign_in_verified(client, reader)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert _names(response) == {"ppk_lamtim", "cv_maju", "pt_jaya", "ghost"}
    html = response.content.decode()
    assert "ppk_karangasem" not in html
    assert "Firefox" in html and IP in html


@pytest.mark.parametrize("role", NON_READER_OFFICIALS)
def test_officials_without_a_reader_role_are_refused(world, role):
    lpse, _other, _people = world
    user = official(role, lpse, username="pejabat")
    client = english_client()
    sign_in_verified(client, user)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert not can_read_access_log(user)


def test_an_expired_or_revoked_reader_role_does_not_count(world):
    lpse, _other, _people = world
    user = official(Role.PPK, lpse, username="pejabat")
    RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, lpse=lpse, ends_on=NOW.date() - dt.timedelta(days=1)
    )
    RoleAssignmentFactory(
        user=user, role=Role.LPSE_ADMIN, lpse=lpse, revoked_at=NOW, revoke_reason="SK dicabut"
    )
    RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, lpse=lpse, starts_on=NOW.date() + dt.timedelta(days=3)
    )
    client = english_client()
    sign_in_verified(client, user)
    assert client.get(PAGE).status_code == 403


def test_a_vendor_sees_only_their_own_entries(world):
    _lpse, _other, people = world
    client = english_client()
    client.force_login(people["vendor"])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert _names(response) == {"cv_maju"}
    assert 'name="user"' not in response.content.decode()
    assert client.get(PAGE, {"user": "cv_maju"}).status_code == 200


@pytest.mark.parametrize("other", ["pt_jaya", "ppk_lamtim", "ghost", "does-not-exist"])
def test_a_vendor_asking_for_someone_elses_entries_gets_not_found(world, other):
    _lpse, _other, people = world
    client = english_client()
    client.force_login(people["vendor"])
    assert client.get(PAGE, {"user": other}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in():
    response = english_client().get(PAGE)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_superuser_sees_everything(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = english_client()
    sign_in_verified(client, admin)
    names = _names(client.get(PAGE))
    assert {"ppk_lamtim", "ppk_karangasem", "cv_maju", "pt_jaya", "ghost"} <= names


def test_filters_by_user_event_ip_and_dates(world):
    lpse, _other, people = world
    _log(people["vendor"], AccessEvent.LOGOUT, ip=OTHER_IP, at=NOW + dt.timedelta(days=2))
    reader = official(Role.AUDITOR, lpse, username="auditor")
    client = english_client()
    sign_in_verified(client, reader)
    by_user = client.get(PAGE, {"user": "CV_MAJU"})
    assert [row.entry.event for row in by_user.context["rows"]] == [
        AccessEvent.LOGOUT,
        AccessEvent.LOGIN,
    ]
    by_event = client.get(PAGE, {"event": AccessEvent.LOGIN_FAILED})
    assert _names(by_event) == {"ghost"}
    by_ip = client.get(PAGE, {"ip": OTHER_IP})
    assert [row.entry.event for row in by_ip.context["rows"]] == [AccessEvent.LOGOUT]
    later = (NOW + dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    by_date = client.get(PAGE, {"date_from": later.isoformat(), "date_to": later.isoformat()})
    assert [row.entry.event for row in by_date.context["rows"]] == [AccessEvent.LOGOUT]


def test_bad_filter_values_are_explained_and_do_not_break_the_page(world):
    lpse, _other, _people = world
    reader = official(Role.AUDITOR, lpse, username="auditor")
    client = english_client()
    sign_in_verified(client, reader)
    response = client.get(PAGE, {"ip": "999.1.1", "date_from": "2026-02-30", "event": "hacked"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a full IPv4 or IPv6 address, such as 203.0.113.5." in html
    assert "Enter a date as YYYY-MM-DD." in html
    assert 'role="alert"' in html


def test_the_log_is_paged_with_filters_kept(world):
    lpse, _other, people = world
    for minute in range(60):
        _log(people["vendor"], at=NOW + dt.timedelta(minutes=minute + 1))
    reader = official(Role.AUDITOR, lpse, username="auditor")
    client = english_client()
    sign_in_verified(client, reader)
    first = client.get(PAGE, {"user": "cv_maju"})
    assert len(first.context["rows"]) == 50
    assert "user=cv_maju&amp;page=2" in first.content.decode()
    second = client.get(PAGE, {"user": "cv_maju", "page": 2})
    assert len(second.context["rows"]) == 11


def test_selector_raises_permission_denied_for_officials_and_not_found_for_vendors(world):
    _lpse, _other, people = world
    with pytest.raises(errors.PermissionDenied):
        access_log_entries(user=people["ppk"])
    with pytest.raises(errors.NotFound):
        access_log_entries(user=people["vendor"], filters=AccessLogFilter(username="pt_jaya"))
    assert can_read_own_access_log(people["vendor"])
    assert not can_read_own_access_log(people["ppk"])


def test_profile_lists_the_users_own_recent_entries(world):
    _lpse, _other, people = world
    client = english_client()
    client.force_login(people["vendor2"])
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Signed in" in html
    assert "Firefox" in html
    assert AccessLogEntry.objects.filter(user=people["vendor2"]).count() == 1


def test_a_role_in_another_lpse_keeps_the_official_hidden_even_with_a_vendor_role(world):
    lpse, _other_lpse, people = world
    with_role(people["ppk_elsewhere"], Role.VENDOR_STAFF)
    reader = official(Role.LPSE_ADMIN, lpse, username="admin")
    assert "ppk_karangasem" not in {
        e.user.username for e in access_log_entries(user=reader) if e.user
    }
