import datetime as dt

import factory
from django.utils import timezone

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.organizations.tests.factories import LpseFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    full_name = factory.Sequence(lambda n: f"Pengguna Contoh {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    """Creates an assignment directly (no service, no audit): for test set-up only."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.LPSE_ADMIN
    scope_kind = ScopeKind.LPSE
    lpse = factory.SubFactory(LpseFactory)
    starts_on = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=30))
    letter_kind = LetterKind.SK
    letter_number = factory.Sequence(lambda n: f"800/{n}/SK/2026")
    letter_date = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=31))
    granted_at = factory.LazyFunction(timezone.now)
