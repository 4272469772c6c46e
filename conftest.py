"""Project-wide pytest fixtures (apps add their own in their tests/ folders)."""

import pytest


@pytest.fixture
def lpse_karangasem(db):
    """Kabupaten Karangasem, Bali: WITA (Asia/Makassar)."""
    from openlpse.organizations.tests.factories import LpseFactory

    return LpseFactory(
        slug="karangasem",
        name="LPSE Kabupaten Karangasem",
        region="Kabupaten Karangasem",
        province="Bali",
        time_zone="Asia/Makassar",
        address="Jl. Ngurah Rai No. 1, Amlapura",
        phone="(0363) 21001",
        email="lpse@karangasemkab.go.id",
        helpdesk_hours="Senin-Jumat 08:00-15:00 WITA",
    )


@pytest.fixture
def lpse_lampung_timur(db):
    """Kabupaten Lampung Timur, Lampung: WIB (Asia/Jakarta)."""
    from openlpse.organizations.tests.factories import LpseFactory

    return LpseFactory(
        slug="lampungtimurkab",
        name="LPSE Kabupaten Lampung Timur",
        region="Kabupaten Lampung Timur",
        province="Lampung",
        time_zone="Asia/Jakarta",
        address="Jl. Buay Beliuk No. 1, Sukadana",
        phone="(0725) 625001",
        email="lpse@lampungtimurkab.go.id",
    )


@pytest.fixture
def sign_in(client):
    """``sign_in(user)`` signs the test client in; ``sign_in(user, mfa=True)`` also gives the
    user a confirmed TOTP device and marks the session as having passed it (django-otp), as
    officials need to reach back-office pages."""

    def _sign_in(user, *, mfa=False):
        client.force_login(user)
        if mfa:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _sign_in


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Indonesian), whatever the previous one left."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
