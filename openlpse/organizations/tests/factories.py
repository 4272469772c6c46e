import factory

from openlpse.organizations.enums import AgencyKind, LpseUnitKind, TimeZone
from openlpse.organizations.models import Agency, Lpse, LpseUnit, WorkUnit


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
