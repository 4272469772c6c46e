import pytest

from openlpse.accounts.tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory


@pytest.mark.django_db
def test_user_factory_sets_a_usable_password():
    user = UserFactory()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_role_assignment_factory_links_user_and_lpse():
    assignment = RoleAssignmentFactory()
    assert assignment.lpse is not None
    assert assignment.user.role_assignments.count() == 1
