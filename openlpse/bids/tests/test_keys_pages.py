"""The key pages: personal key (widget + JSON register + revoke), the LPSE admin's
confirmation, the chair's key ceremony (widget + JSON store), the re-split pages; who sees
what (404 for others, login for anonymous) and CSRF on the JSON endpoints."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import ceremony
from openlpse.bids.models import EnvelopeKeys, KeyResplit, PersonalKey
from openlpse.bids.sealedfile import b64, fingerprint, format_fingerprint, public_raw
from openlpse.bids.services import committee
from openlpse.bids.tests.factories import give_personal_keys, personal_key_row
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.world import sign_in
from openlpse.plans.tests.factories import grant, make_planning_officials
from openlpse.tenders.services import pokja
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.tests.setup_support import approve_all, draft, monday_morning, upload_document
from openlpse.vendors.tests.factories import grant_vendor_role, make_verified_vendor

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(monday_morning()), translation.override("en"):
        yield


def _pub() -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, b64(public_raw(key))


def _vendor_user(lpse):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant_vendor_role(user, make_verified_vendor(lpse=lpse))
    return user


def _admin(lpse):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, Role.LPSE_ADMIN, lpse=lpse)
    return user


def _post_json(client: Client, url: str, body: object, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json", **EN, **extra)


def _english(client: Client) -> Client:
    client.cookies["openlpse_language"] = "en"
    return client


def _csrf_client(user) -> tuple[Client, str]:  # type: ignore[no-untyped-def]
    client = sign_in(Client(enforce_csrf_checks=True), user)
    client.get(reverse("bids:key_personal"), **EN)
    return client, client.cookies["csrftoken"].value


# --- personal key -----------------------------------------------------------------------------


def test_personal_key_page_is_for_committee_roles_only():
    tender = draft()
    member = tender.committee.pokja[1]
    url = reverse("bids:key_personal")
    response = sign_in(Client(), member).get(url, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-sealing-widget="personal_key"' in html
    config = response.context["widget"]
    assert config["username"] == member.username
    assert config["lpse"] == tender.lpse.slug
    assert config["register_url"] == reverse("bids:key_register")
    assert config["csrf_token"]
    # The Pejabat Pengadaan too (a committee of one).
    pp = tender.committee.pejabat_pengadaan
    assert sign_in(Client(), pp).get(url, **EN).status_code == 200
    for other in (_vendor_user(tender.lpse), _admin(tender.lpse)):
        assert sign_in(Client(), other).get(url, **EN).status_code == 404
    anonymous = Client().get(url, **EN)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_register_through_the_json_endpoint_then_the_page_shows_the_fingerprint():
    tender = draft()
    member = tender.committee.pokja[1]
    client = sign_in(Client(), member)
    _key, public = _pub()
    answer = _post_json(client, reverse("bids:key_register"), {"public_key": public})
    assert answer.status_code == 201, answer.content
    fp = fingerprint(public_raw(_key))
    assert answer.json() == {"fingerprint": fp, "status": "pending"}
    row = PersonalKey.objects.get(user=member)
    assert (row.fingerprint, row.status, row.lpse_id) == (fp, "pending", tender.lpse.pk)
    html = client.get(reverse("bids:key_personal"), **EN).content.decode()
    assert format_fingerprint(fp) in html
    assert 'data-sealing-widget="personal_key"' not in html
    assert reverse("bids:key_revoke", kwargs={"key_id": row.pk}) in html
    # A second key while one is live, and a broken key, are refused with the error shape.
    _k2, public2 = _pub()
    again = _post_json(client, reverse("bids:key_register"), {"public_key": public2})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "personal_key_exists"
    assert again.json()["detail"] == again.json()["error"]["message"]
    assert PersonalKey.objects.filter(user=member).count() == 1


def test_register_refusals_answer_json_4xx_and_store_nothing():
    tender = draft()
    member = tender.committee.pokja[1]
    client = _english(sign_in(Client(), member))
    bad = _post_json(client, reverse("bids:key_register"), {"public_key": "AAAA"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_public_key"
    assert bad.json()["error"]["fields"]["public_key"] == [
        "The public key is not a valid P-256 key. Make the key again on this page."
    ]
    garbage = client.post(
        reverse("bids:key_register"), data=b"not json", content_type="application/json", **EN
    )
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "invalid_json"
    vendor = sign_in(Client(), _vendor_user(tender.lpse))
    refused = _post_json(vendor, reverse("bids:key_register"), {"public_key": _pub()[1]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_key_holder"
    assert not PersonalKey.objects.exists()
    assert client.get(reverse("bids:key_register"), **EN).status_code == 405


def test_register_needs_the_csrf_token():
    tender = draft()
    member = tender.committee.pokja[1]
    client, token = _csrf_client(member)
    _key, public = _pub()
    refused = _post_json(client, reverse("bids:key_register"), {"public_key": public})
    assert refused.status_code == 403
    assert not PersonalKey.objects.exists()
    answer = _post_json(
        client, reverse("bids:key_register"), {"public_key": public}, HTTP_X_CSRFTOKEN=token
    )
    assert answer.status_code == 201


def test_owner_revokes_a_lost_key_with_a_reason():
    tender = draft()
    member = tender.committee.pokja[1]
    row = personal_key_row(member, ec.generate_private_key(ec.SECP256R1()))
    client = sign_in(Client(), member)
    url = reverse("bids:key_revoke", kwargs={"key_id": row.pk})
    response = client.post(url, {"reason": ""}, **EN)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "confirmed"
    response = client.post(url, {"reason": "Flash disk hilang"}, **EN)
    assert response.status_code == 302 and response["Location"] == reverse("bids:key_personal")
    row.refresh_from_db()
    assert (row.status, row.revoke_reason) == ("revoked", "Flash disk hilang")
    # The page offers a new key again, and lists the revoked one.
    page = client.get(reverse("bids:key_personal"), **EN)
    assert page.context["widget"] is not None
    assert format_fingerprint(row.fingerprint) in page.content.decode()
    # Somebody else's key: 404.
    other = tender.committee.pokja[2]
    theirs = personal_key_row(other, ec.generate_private_key(ec.SECP256R1()))
    hidden = client.post(
        reverse("bids:key_revoke", kwargs={"key_id": theirs.pk}), {"reason": "x"}, **EN
    )
    assert hidden.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


# --- LPSE admin ---------------------------------------------------------------------------------


def test_admin_confirms_with_the_fingerprint_read_aloud():
    tender = draft()
    member = tender.committee.pokja[1]
    row = personal_key_row(member, ec.generate_private_key(ec.SECP256R1()), status="pending")
    admin = _admin(tender.lpse)
    client = _english(sign_in(Client(), admin))
    page = client.get(reverse("bids:key_admin"), **EN)
    assert page.status_code == 200
    assert [k.pk for k in page.context["pending"]] == [row.pk]
    confirm = reverse("bids:key_confirm", kwargs={"key_id": row.pk})
    wrong = client.post(confirm, {"fingerprint": "0" * 64}, **EN)
    assert wrong.status_code == 400
    assert "The fingerprint you entered does not match this key." in wrong.content.decode()
    row.refresh_from_db()
    assert row.status == "pending"
    spoken = format_fingerprint(row.fingerprint).lower()
    right = client.post(confirm, {"fingerprint": spoken}, **EN)
    assert right.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.confirmed_by) == ("confirmed", admin)
    page = client.get(reverse("bids:key_admin"), **EN)
    assert [k.pk for k in page.context["confirmed"]] == [row.pk]
    assert AuditEvent.objects.filter(action="bids.personal_key_confirm").count() == 1


def test_admin_page_and_confirm_are_hidden_from_others():
    tender = draft()
    member = tender.committee.pokja[1]
    row = personal_key_row(member, ec.generate_private_key(ec.SECP256R1()), status="pending")
    other_admin = _admin(make_planning_officials().lpse)
    client = sign_in(Client(), other_admin)
    page = client.get(reverse("bids:key_admin"), **EN)
    assert page.status_code == 200 and page.context["pending"] == []
    confirm = reverse("bids:key_confirm", kwargs={"key_id": row.pk})
    assert client.post(confirm, {"fingerprint": row.fingerprint}, **EN).status_code == 404
    revoke = reverse("bids:key_revoke", kwargs={"key_id": row.pk})
    assert client.post(revoke, {"reason": "x"}, **EN).status_code == 404
    for user in (member, _vendor_user(tender.lpse)):
        signed = sign_in(Client(), user)
        assert signed.get(reverse("bids:key_admin"), **EN).status_code == 404
        assert signed.post(confirm, {"fingerprint": row.fingerprint}, **EN).status_code == 404
    assert Client().get(reverse("bids:key_admin"), **EN).status_code == 302
    row.refresh_from_db()
    assert row.status == "pending"


# --- the chair's ceremony -------------------------------------------------------------------


def _ready_draft():  # type: ignore[no-untyped-def]
    tender = draft()
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    keys = give_personal_keys(tender.committee.pokja)
    tender.refresh_from_db()
    return tender, keys


def test_ceremony_page_lists_missing_keys_and_hides_the_widget():
    tender = draft()
    chair, second, third = tender.committee.pokja
    give_personal_keys([chair, second])
    personal_key_row(third, ec.generate_private_key(ec.SECP256R1()), status="pending")
    url = reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk})
    page = _english(sign_in(Client(), chair)).get(url, **EN)
    assert page.status_code == 200
    assert page.context["widget"] is None
    assert [m["user_id"] for m in page.context["missing"]] == [third.pk]
    html = page.content.decode()
    assert "Waiting for the LPSE admin" in html
    assert 'data-sealing-widget="key_ceremony"' not in html
    assert "no committee key for the envelope" in html


def test_chair_runs_the_ceremony_through_the_json_endpoint():
    tender, _keys = _ready_draft()
    chair, second, _third = tender.committee.pokja
    url = reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk})
    client = sign_in(Client(), chair)
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert 'data-sealing-widget="key_ceremony"' in page.content.decode()
    config = page.context["widget"]
    assert config["store_url"] == reverse("bids:key_store", kwargs={"tender_id": tender.pk})
    material = config["material"]
    assert (material["threshold"], len(material["members"])) == (2, 3)
    assert material["contexts"]["single"][str(second.pk)] == f"{tender.code}/single/g1/u{second.pk}"
    # The browser's ceremony, in Python, posted like the widget does.
    result = ceremony.run_key_ceremony(material)
    store = reverse("bids:key_store", kwargs={"tender_id": tender.pk})
    # Another member may see the page, but not store keys.
    other = sign_in(Client(), second)
    assert other.get(url, **EN).context["widget"] is None
    refused = _post_json(other, store, result.payload)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_committee_chair"
    bad = {"envelopes": {"single": dict(result.payload["envelopes"]["single"], threshold=3)}}
    assert _post_json(client, store, bad).json()["error"]["code"] == "invalid_committee_keys"
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()
    answer = _post_json(client, store, result.payload)
    assert answer.status_code == 201, answer.content
    row = EnvelopeKeys.objects.get(tender=tender)
    assert answer.json()["envelopes"]["single"]["committee_fingerprint"] == (
        row.committee_fingerprint
    )
    assert (row.threshold, row.share_count, row.shares.count()) == (2, 3, 3)
    page = client.get(url, **EN)
    assert format_fingerprint(row.committee_fingerprint) in page.content.decode()
    assert page.context["problems"] == []
    # Then the announcement succeeds, and the page turns read-only with the system key.
    setup_services.tender_announce(actor=chair, tender=tender)
    page = client.get(url, **EN)
    row.refresh_from_db()
    assert page.context["widget"] is None and page.context["announced"]
    assert format_fingerprint(row.system_fingerprint) in page.content.decode()
    late = _post_json(client, store, result.payload)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "ceremony_after_announcement"


def test_ceremony_page_and_store_are_hidden_from_outsiders_and_need_csrf():
    tender, _keys = _ready_draft()
    chair = tender.committee.pokja[0]
    url = reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk})
    store = reverse("bids:key_store", kwargs={"tender_id": tender.pk})
    for user in (_vendor_user(tender.lpse), _admin(tender.lpse), UserFactory()):
        client = sign_in(Client(), user)
        assert client.get(url, **EN).status_code == 404
        assert _post_json(client, store, {"envelopes": {}}).status_code == 404
    anonymous = Client().get(url, **EN)
    assert anonymous.status_code == 302
    material = committee.committee_material(actor=chair, tender=tender)
    payload = ceremony.run_key_ceremony(material).payload
    client, token = _csrf_client(chair)
    assert _post_json(client, store, payload).status_code == 403
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()
    assert _post_json(client, store, payload, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_setup_page_links_the_ceremony_and_shows_the_announce_refusal():
    tender = draft()
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    chair = tender.committee.pokja[0]
    client = _english(sign_in(Client(), chair))
    detail = reverse("tenders:setup_detail", kwargs={"tender_id": tender.pk})
    html = client.get(detail, **EN).content.decode()
    assert reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk}) in html
    response = client.post(
        reverse("tenders:setup_announce", kwargs={"tender_id": tender.pk}), follow=True, **EN
    )
    assert "The tender cannot be announced before the committee keys are made" in (
        response.content.decode()
    )


# --- re-split -----------------------------------------------------------------------------------


def test_resplit_handover_and_completion_pages():
    tender, member_keys = _ready_draft()
    chair, second, third = tender.committee.pokja
    result = ceremony.run_key_ceremony(committee.committee_material(actor=chair, tender=tender))
    committee.committee_keys_store(
        actor=chair, tender=tender, envelopes=result.payload["envelopes"]
    )
    setup_services.tender_announce(actor=chair, tender=tender)
    tender.refresh_from_db()
    newcomer = UserFactory()
    grant(newcomer, Role.POKJA_MEMBER, agency=tender.committee.ulp_agency)
    member_keys.update(give_personal_keys([newcomer]))
    pokja.pokja_replace_member(
        actor=tender.committee.ulp_head,
        package=tender.package,
        member=third,
        replacement=newcomer,
        reason="Mutasi jabatan",
    )
    job = KeyResplit.objects.get()
    ids = {"tender_id": tender.pk, "resplit_id": job.pk}
    ceremony_url = reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk})

    # The second member hands over through the page's endpoint.
    member = sign_in(Client(), second)
    listing = member.get(ceremony_url, **EN).content.decode()
    assert reverse("bids:key_resplit_handover", kwargs=ids) in listing
    page = member.get(reverse("bids:key_resplit_handover", kwargs=ids), **EN)
    assert page.status_code == 200
    assert 'data-sealing-widget="resplit_handover"' in page.content.decode()
    config = page.context["widget"]
    assert config["handover_context"] == f"{tender.code}/single/resplit{job.pk}/u{second.pk}"
    sealed = ceremony.handover(
        config["sealed"],
        member_key=member_keys[second.pk],
        context=config["context"],
        chair_public=config["chair_public"],
        handover_context=config["handover_context"],
    )
    post = reverse("bids:key_resplit_handover_post", kwargs=ids)
    answer = _post_json(member, post, {"sealed_to_chair": sealed})
    assert answer.status_code == 200, answer.content
    assert (
        member.get(reverse("bids:key_resplit_handover", kwargs=ids), **EN).context["widget"] is None
    )
    # The newcomer holds no share; the removed member sees nothing; the chair's page is
    # not the member's.
    newbie = sign_in(Client(), newcomer)
    assert (
        newbie.get(reverse("bids:key_resplit_handover", kwargs=ids), **EN).context["widget"] is None
    )
    assert _post_json(newbie, post, {"sealed_to_chair": sealed}).status_code == 403
    gone = sign_in(Client(), third)
    assert gone.get(reverse("bids:key_resplit_handover", kwargs=ids), **EN).status_code == 404
    complete = reverse("bids:key_resplit_complete", kwargs=ids)
    assert member.get(complete, **EN).status_code == 404

    # The chair completes: the widget gets the handovers with the chair's own share.
    client = sign_in(Client(), chair)
    page = client.get(complete, **EN)
    assert page.status_code == 200
    assert 'data-sealing-widget="resplit_complete"' in page.content.decode()
    config = page.context["widget"]
    assert set(config["handovers"]) == {str(second.pk), str(chair.pk)}
    assert config["generation"] == 2
    # The Python twin of the widget: open every handover with the chair's key, combine.
    shares = [
        ceremony.open_share(sealed_share, member_keys[chair.pk], config["handover_contexts"][uid])
        for uid, sealed_share in config["handovers"].items()
    ]
    key = ceremony.combine(shares)
    assert b64(public_raw(key)) == config["committee_public"]
    new_shares, _plain = ceremony.split_key(
        key, config["members"], config["contexts"], config["threshold"]
    )
    payload = {
        "public_key": config["committee_public"],
        "threshold": config["threshold"],
        "generation": config["generation"],
        "shares": new_shares,
    }
    answer = _post_json(client, reverse("bids:key_resplit_complete_post", kwargs=ids), payload)
    assert answer.status_code == 200, answer.content
    assert answer.json()["generation"] == 2
    job.refresh_from_db()
    assert job.status == "done" and job.minutes is not None
    listing = client.get(ceremony_url, **EN)
    minutes = reverse("bids:key_resplit_minutes", kwargs=ids)
    assert minutes in listing.content.decode()
    download = client.get(minutes, **EN)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert sign_in(Client(), _vendor_user(tender.lpse)).get(minutes, **EN).status_code == 404
    again = _post_json(client, reverse("bids:key_resplit_complete_post", kwargs=ids), payload)
    assert again.status_code == 409 and again.json()["error"]["code"] == "resplit_done"


def test_menu_entries_by_role():
    tender = draft()
    member = tender.committee.pokja[1]
    admin = _admin(tender.lpse)
    vendor = _vendor_user(tender.lpse)
    home = reverse("core:dashboard")
    personal = f'href="{reverse("bids:key_personal")}"'
    confirm = f'href="{reverse("bids:key_admin")}"'
    html = sign_in(Client(), member).get(home, **EN).content.decode()
    assert personal in html and confirm not in html
    html = sign_in(Client(), admin).get(home, **EN).content.decode()
    assert confirm in html and personal not in html
    html = sign_in(Client(), vendor).get(home, **EN).content.decode()
    assert personal not in html and confirm not in html


def test_pejabat_pengadaan_runs_the_ceremony_of_a_committee_of_one():
    from openlpse.tenders.enums import TenderMethod

    tender = draft(method=TenderMethod.PENGADAAN_LANGSUNG)
    pp = tender.committee.pejabat_pengadaan
    give_personal_keys([pp])
    client = sign_in(Client(), pp)
    page = client.get(reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk}), **EN)
    assert page.status_code == 200
    material = page.context["widget"]["material"]
    assert (material["threshold"], [m["user_id"] for m in material["members"]]) == (1, [pp.pk])
    store = reverse("bids:key_store", kwargs={"tender_id": tender.pk})
    answer = _post_json(client, store, ceremony.run_key_ceremony(material).payload)
    assert answer.status_code == 201, answer.content
    assert EnvelopeKeys.objects.get(tender=tender).share_count == 1
