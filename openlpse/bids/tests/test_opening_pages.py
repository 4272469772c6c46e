"""The opening pages, the share endpoint, the plain-file access matrix and the API."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import OpenedBid, OpeningSession, ShareOffer, UnopenableCase
from openlpse.bids.services import opening
from openlpse.bids.tests.opening_support import make_world
from openlpse.bids.tests.test_opening_tamper import _damaged
from openlpse.organizations.tests.world import sign_in
from openlpse.plans.tests.factories import grant
from openlpse.tenders.tests.factories import announced_tender
from openlpse.vendors.tests.blacklist_support import issue_token
from openlpse.vendors.tests.factories import make_verifikator

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post_share(client, session, share):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("bids:opening_offer", kwargs={"session_id": session.pk}),
        data={"share": base64.b64encode(share).decode()},
        content_type="application/json",
        **EN,
    )


def _opened_world():  # type: ignore[no-untyped-def]
    world = make_world(bidders=1)
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        for member in world.pokja[:2]:
            session = opening.opening_offer_share(
                actor=member,
                session=session,
                share=world.unlocked_share("single", member),
                mfa_verified=True,
                ip=None,
            )
    return world, session


def test_the_page_shows_the_widget_and_the_json_endpoint_opens_with_k_shares():
    world = make_world(bidders=1)
    page = reverse(
        "bids:opening_envelope", kwargs={"tender_id": world.tender.pk, "envelope": "single"}
    )
    a, b = world.pokja[0], world.pokja[1]
    with world.after("single"):
        client = sign_in(Client(), a)
        assert client.get(page, **EN).status_code == 200
        response = client.post(
            reverse(
                "bids:opening_start", kwargs={"tender_id": world.tender.pk, "envelope": "single"}
            ),
            **EN,
        )
        assert response.status_code == 302
        session = OpeningSession.objects.get()
        html = client.get(page, **EN).content.decode()
        assert 'data-sealing-widget="share_unlock"' in html
        assert "share_unlock-config" in html
        answer = _post_share(client, session, world.unlocked_share("single", a))
        assert answer.status_code == 200, answer.content
        assert answer.json()["offered"] == 1 and answer.json()["status"] == "collecting"
        # Without the second factor the share never reaches the service (the MFA middleware
        # sends officials to the second step); the service refuses it too (mfa_required).
        plain = Client()
        plain.force_login(b)
        refused = _post_share(plain, session, world.unlocked_share("single", b))
        assert refused.status_code == 302 and "dua-faktor" in refused["Location"]
        assert ShareOffer.objects.count() == 1
        wrong = _post_share(sign_in(Client(), b), session, b"\x00" * 33)
        assert wrong.status_code == 400 and wrong.json()["code"] == "share_mismatch"
        done = _post_share(sign_in(Client(), b), session, world.unlocked_share("single", b))
    assert done.status_code == 200 and done.json()["status"] == "opened"
    session.refresh_from_db()
    assert session.status == SessionStatus.OPENED
    html = client.get(page, **EN).content.decode()
    opened = OpenedBid.objects.get()
    assert reverse("bids:opening_plain", kwargs={"opened_id": opened.pk}) in html
    minutes = client.get(reverse("bids:opening_minutes", kwargs={"session_id": session.pk}))
    assert minutes.status_code == 200 and minutes["Content-Type"] == "application/pdf"


def test_plain_file_access_matrix():
    world, _session = _opened_world()
    opened = OpenedBid.objects.get()
    url = reverse("bids:opening_plain", kwargs={"opened_id": opened.pk})
    missing = reverse("bids:opening_plain", kwargs={"opened_id": opened.pk + 1000})
    pokja = sign_in(Client(), world.pokja[2])  # a member who did not offer still reads
    response = pokja.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == world.plaintexts[opened.submission_id]
    other = announced_tender()
    others = [
        world.vendors[0].created_by,  # the bidder itself
        other.committee.pokja[0],  # another tender's Pokja
        make_verifikator(world.tender.lpse),  # LPSE staff
    ]
    admin = UserFactory()
    grant(admin, Role.LPSE_ADMIN, lpse=world.tender.lpse)
    others.append(admin)
    for user in others:
        client = sign_in(Client(), user)
        assert client.get(url).status_code == 404
        assert client.get(missing).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("accounts:login")
    )
    # An auditor by surat tugas for the whole LPSE reads it.
    auditor = UserFactory()
    grant(auditor, Role.AUDITOR, lpse=world.tender.lpse)
    assert sign_in(Client(), auditor).get(url).status_code == 200


def test_cases_pages_for_staff_and_the_declaration_form():
    world = make_world(bidders=1)
    _vendor, damaged = _damaged(world, "bit_flip")
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        for member in world.pokja[:2]:
            session = opening.opening_offer_share(
                actor=member,
                session=session,
                share=world.unlocked_share("single", member),
                mfa_verified=True,
                ip=None,
            )
    case = UnopenableCase.objects.get()
    staff = sign_in(Client(), make_verifikator(world.tender.lpse))
    listing = staff.get(reverse("bids:case_list"), **EN)
    assert listing.status_code == 200 and damaged.receipt_number in listing.content.decode()
    detail = reverse("bids:case_detail", kwargs={"case_id": case.pk})
    assert staff.get(detail, **EN).status_code == 200
    evidence = staff.get(reverse("bids:case_evidence", kwargs={"case_id": case.pk}))
    assert evidence.status_code == 200 and evidence["Content-Type"] == "application/zip"
    chair = sign_in(Client(), world.pokja[0])
    chair.cookies["openlpse_language"] = "en"
    declare = reverse("bids:case_declare", kwargs={"case_id": case.pk})
    refused = chair.post(declare, {"reason": "Per BA."}, **EN)
    assert refused.status_code == 409
    assert "only after the LPSE" in refused.content.decode()
    assert (
        staff.post(
            reverse("bids:case_review", kwargs={"case_id": case.pk}), {"finding": "Damaged."}
        ).status_code
        == 302
    )
    assert (
        staff.post(reverse("bids:case_witness_report", kwargs={"case_id": case.pk})).status_code
        == 302
    )
    assert chair.post(declare, {"reason": "Per BA."}, **EN).status_code == 302
    case.refresh_from_db()
    assert case.status == "declared"
    # Outsiders: the same 404 as a missing case.
    stranger = sign_in(Client(), UserFactory())
    assert stranger.get(detail).status_code == 404
    assert (
        stranger.get(reverse("bids:case_detail", kwargs={"case_id": case.pk + 99})).status_code
        == 404
    )
    assert stranger.get(reverse("bids:case_list")).status_code == 404


def test_api_start_offer_with_otp_results_and_minutes():
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world = make_world(bidders=1)
    headers = {}
    devices = {}
    for member in world.pokja:
        headers[member.pk] = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(member)}", **EN}
        devices[member.pk] = TOTPDevice.objects.create(user=member, name="t", confirmed=True)
    client = Client()
    base = "/api/v1/opening"
    a, b = world.pokja[0], world.pokja[1]
    with world.after("single"):
        started = client.post(f"{base}/tenders/{world.tender.pk}/single/start", **headers[a.pk])
        assert started.status_code == 200, started.content
        sid = started.json()["id"]

        def offer(user, share, otp):  # type: ignore[no-untyped-def]
            return client.post(
                f"{base}/sessions/{sid}/shares",
                data={"share": base64.b64encode(share).decode(), "otp": otp},
                content_type="application/json",
                **headers[user.pk],
            )

        c = world.pokja[2]
        no_otp = offer(c, world.unlocked_share("single", c), "000000")
        assert no_otp.status_code == 403
        assert ShareOffer.objects.count() == 0
        for user in (a, b):
            device = devices[user.pk]
            code = (
                f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
            )
            answer = offer(user, world.unlocked_share("single", user), code)
            assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "opened"
    results = client.get(f"{base}/sessions/{sid}/results", **headers[a.pk])
    assert results.status_code == 200
    assert [r["status"] for r in results.json()] == ["opened"]
    minutes = client.get(f"{base}/sessions/{sid}/minutes", **headers[a.pk])
    assert minutes.status_code == 200
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(UserFactory())}", **EN}
    assert client.get(f"{base}/sessions/{sid}/results", **outsider).status_code == 404
