import datetime as dt

import factory

from openlpse.organizations.enums import AgencyKind, LpseUnitKind, TimeZone
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit


class LpseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lpse
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"lpse-{n}")
    name = factory.Sequence(lambda n: f"LPSE Kabupaten Contoh {n}")
    region = factory.Sequence(lambda n: f"Kabupaten Contoh {n}")
    province = "Lampung"
    time_zone = TimeZone.WIB


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    lpse = factory.SubFactory(LpseFactory)
    kind = AgencyKind.SKPD
    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")


class WorkUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"SK{n:03d}")
    name = factory.Sequence(lambda n: f"Satker Contoh {n}")


class LpseUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LpseUnit

    lpse = factory.SubFactory(LpseFactory)
    kind = LpseUnitKind.REGISTRASI_VERIFIKASI


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    lpse = factory.SubFactory(LpseFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    name = factory.Sequence(lambda n: f"Hari Libur Contoh {n}")


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    """A placement straight into the table (no role, no audit): for test set-up only. Use
    organizations.services.staff_assign to get the matching lpse_staff role too."""

    class Meta:
        model = StaffAssignment

    unit = factory.SubFactory(LpseUnitFactory)
    user = factory.SubFactory("openlpse.accounts.tests.factories.UserFactory")
    position = "Verifikator"
    starts_on = dt.date(2026, 1, 5)
    sk_number = factory.Sequence(lambda n: f"800/{n}/SK/LPSE/2026")
    sk_date = dt.date(2026, 1, 2)
