"""The auditor pages: the public request with the surat tugas, the decision pages."""

import pytest
from django.test import Client
from django.urls import reverse

from openlpse.accounts.models import AuditorRegistration, AuditorRegistrationStatus
from openlpse.accounts.services.auditors import auditor_request_submit
from openlpse.accounts.tests.registrations_support import PDF, counts, days, english, exe, pdf
from openlpse.organizations.tests.world import build_world, sign_in

pytestmark = pytest.mark.django_db

REQUEST = reverse("accounts:auditor_request_create")
LIST = reverse("accounts:auditor_requests_list")


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(client, world):
    def _as(who):
        return english(sign_in(client, world.users[who]))

    return _as


def form_data(**overrides):
    data = {
        "lpse": "lampung-timur",
        "full_name": "Agus Pemeriksa",
        "nip": "",
        "email": "agus@bpkp.go.id",
        "phone": "0812 1234 5678",
        "institution": "bpkp",
        "institution_name": "BPKP Perwakilan Provinsi Lampung",
        "letter_number": "ST-123/PW08/2026",
        "letter_date": days(-1).isoformat(),
        "letter_file": pdf("st.pdf"),
        "package_codes": "10234567",
        "starts_on": days(0).isoformat(),
        "ends_on": days(30).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pending(world, **overrides):
    data = {
        "actor": None,
        "lpse": world.lpse,
        "full_name": "Agus Pemeriksa",
        "email": "agus@bpkp.go.id",
        "institution": "bpkp",
        "institution_name": "BPKP Perwakilan Provinsi Lampung",
        "letter_number": "ST-123/PW08/2026",
        "letter_date": days(-1),
        "letter_upload": pdf("st.pdf"),
        "starts_on": days(0),
        "ends_on": days(30),
        "package_codes": "10234567",
    }
    data.update(overrides)
    return auditor_request_submit(**data)


def test_the_public_sends_a_request_with_the_surat_tugas(world):
    client = english(Client())
    page = client.get(REQUEST + "?lpse=lampung-timur")
    assert page.status_code == 200
    assert "LPSE Kabupaten Karangasem" in page.content.decode()  # the LPSE chooser
    response = client.post(REQUEST, form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:auditor_request_sent")
    assert "Your request and surat tugas have reached the LPSE" in response.content.decode()
    registration = AuditorRegistration.objects.get()
    assert (registration.lpse, registration.email, registration.language) == (
        world.lpse,
        "agus@bpkp.go.id",
        "en",
    )


def test_a_request_without_the_letter_or_with_a_wrong_file_is_explained(world):
    client = english(Client())
    data = form_data()
    del data["letter_file"]
    response = client.post(REQUEST, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Upload the letter of assignment (surat tugas) as a PDF, JPEG or PNG file." in html
    assert 'value="Agus Pemeriksa"' in html
    response = client.post(REQUEST, form_data(letter_file=exe("st.pdf")))
    assert response.status_code == 415
    assert "Windows program" in response.content.decode()
    assert AuditorRegistration.objects.count() == 0


def test_deciders_list_and_open_requests_of_their_lpse(as_user, world):
    registration = pending(world)
    pending(world, lpse=world.other_lpse, email="lain@bpk.go.id")
    for who in ("lpse_staff", "lpse_admin"):
        client = as_user(who)
        html = client.get(LIST).content.decode()
        assert "Agus Pemeriksa" in html and "lain@bpk.go.id" not in html
        detail = client.get(reverse("accounts:auditor_request_detail", args=[registration.pk]))
        assert detail.status_code == 200
        assert "ST-123/PW08/2026" in detail.content.decode()
        letter = client.get(reverse("accounts:auditor_request_letter", args=[registration.pk]))
        assert b"".join(letter.streaming_content) == PDF


@pytest.mark.parametrize(
    "who", ["other_lpse_admin", "agency_admin", "ppk", "auditor", "vendor_admin", "nobody"]
)
def test_others_get_404_on_every_decision_page(as_user, world, who):
    registration = pending(world)
    client = as_user(who)
    before = counts()
    for name in ("auditor_request_detail", "auditor_request_letter"):
        assert client.get(reverse(f"accounts:{name}", args=[registration.pk])).status_code == 404
    approve = reverse("accounts:auditor_request_approve", args=[registration.pk])
    reject = reverse("accounts:auditor_request_reject", args=[registration.pk])
    assert client.post(approve, {"note": ""}).status_code == 404
    assert client.post(reject, {"reason": "x"}).status_code == 404
    assert counts() == before
    if who != "other_lpse_admin":
        assert client.get(LIST).status_code == 404


def test_verifikator_approves_through_the_page(as_user, world):
    registration = pending(world)
    client = as_user("lpse_staff")
    url = reverse("accounts:auditor_request_approve", args=[registration.pk])
    response = client.post(url, {"note": "Surat tugas sah"}, follow=True)
    assert response.status_code == 200
    assert "was approved" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == AuditorRegistrationStatus.APPROVED
    assert registration.user.username == "agus"


def test_verifikator_rejects_through_the_page_with_a_reason(as_user, world):
    registration = pending(world)
    client = as_user("lpse_staff")
    url = reverse("accounts:auditor_request_reject", args=[registration.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    registration.refresh_from_db()
    assert registration.status == AuditorRegistrationStatus.PENDING
    response = client.post(url, {"reason": "Tanggal surat tidak terbaca"}, follow=True)
    assert "was rejected" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.decision_note) == (
        AuditorRegistrationStatus.REJECTED,
        "Tanggal surat tidak terbaca",
    )


def test_a_refused_approval_is_shown_on_the_page(as_user, world):
    registration = pending(world, email=world.users["vendor_admin"].email)
    url = reverse("accounts:auditor_request_approve", args=[registration.pk])
    response = as_user("lpse_staff").post(url, {"note": ""})
    assert response.status_code == 403
    assert "officials may not act for a vendor" in response.content.decode()


def test_deciding_twice_is_a_conflict(as_user, world):
    registration = pending(world)
    client = as_user("lpse_staff")
    client.post(reverse("accounts:auditor_request_reject", args=[registration.pk]), {"reason": "x"})
    response = client.post(reverse("accounts:auditor_request_approve", args=[registration.pk]), {})
    assert response.status_code == 409
