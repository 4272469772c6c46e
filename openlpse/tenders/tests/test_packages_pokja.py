"""The Pokja: assigned by the head of the ULP the package was sent to, three or more members,
odd in number, each a registered Pokja member of that ULP, never the PPK nor LPSE staff; one
member replaced with a reason, before or after the announcement."""

import pytest
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.plans.tests.factories import grant
from openlpse.tenders import permissions
from openlpse.tenders.enums import PackageStatus, TenderStatus
from openlpse.tenders.models import PokjaMember
from openlpse.tenders.services import pokja as services
from openlpse.tenders.tests.factories import TenderFactory
from openlpse.tenders.tests.packages_support import (
    build_scene,
    ready_package,
    sent_package,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene(members=5)


@pytest.fixture
def package(scene):
    return sent_package(scene)


def _assign(scene, package, members=None, chair=None, actor=None, sk="027/SK-POKJA/2026"):
    members = members if members is not None else scene.committee.pokja[:3]
    return services.pokja_assign(
        actor=actor or scene.head,
        package=package,
        members=members,
        chair=chair or members[0],
        sk_number=sk,
    )


def test_head_assigns_a_pokja_of_three(scene, package):
    members = scene.committee.pokja[:3]
    created = _assign(scene, package, chair=members[1])
    package.refresh_from_db()
    assert package.status == PackageStatus.ASSIGNED
    assert [(m.user, m.is_chair, m.sk_number) for m in created] == [
        (members[0], False, "027/SK-POKJA/2026"),
        (members[1], True, "027/SK-POKJA/2026"),
        (members[2], False, "027/SK-POKJA/2026"),
    ]
    assert set(
        Notification.objects.filter(topic="pokja.assigned").values_list("user_id", flat=True)
    ) == {u.pk for u in members}
    event = AuditEvent.objects.get(action="pokja.assign")
    assert event.changes["members"] == [u.pk for u in members]
    assert event.changes["chair"] == members[1].pk
    # The predicates the set-up pages rely on now hold.
    assert permissions.is_committee_chair(members[1], package)
    assert permissions.is_committee_member(members[0], package)


def test_five_members_are_accepted(scene, package):
    assert len(_assign(scene, package, members=scene.committee.pokja)) == 5


def test_even_number_is_refused(scene, package):
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        _assign(scene, package, members=scene.committee.pokja[:4])
    assert caught.value.code == "pokja_even"
    assert str(caught.value) == (
        "A Pokja has an odd number of members (3, 5, 7...) so that a vote is never tied; 4 were "
        "chosen. Add or remove one member."
    )
    assert snapshot() == before


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_is_refused(scene, package, count):
    before = snapshot()
    members = scene.committee.pokja[:count]
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.pokja_assign(
            actor=scene.head,
            package=package,
            members=members,
            chair=scene.committee.pokja[0],
            sk_number="1",
        )
    assert caught.value.code == "pokja_too_small"
    noun = "was" if count == 1 else "were"
    assert str(caught.value) == (
        f"A Pokja has at least 3 members; {count} {noun} chosen. Add members."
    )
    assert snapshot() == before


def test_the_ppk_is_refused_even_with_the_pokja_role(scene, package):
    grant(scene.ppk, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    before = snapshot()
    members = [scene.ppk, *scene.committee.pokja[:2]]
    with translation.override("en"), pytest.raises(errors.SeparationOfDuties) as caught:
        _assign(scene, package, members=members)
    assert caught.value.code == "pokja_member_is_ppk"
    assert caught.value.http_status == 403
    assert str(caught.value) == (
        f"{scene.ppk.display_name} is the PPK of this package and may never sit on its Pokja "
        "(separation of duties). Choose another member."
    )
    assert snapshot() == before


@pytest.mark.parametrize("who", ["lpse_staff", "lpse_admin"])
def test_lpse_people_are_refused_even_with_the_pokja_role(scene, package, who):
    person = getattr(scene, who)
    grant(person, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.SeparationOfDuties) as caught:
        _assign(scene, package, members=[*scene.committee.pokja[:2], person])
    assert caught.value.code == "pokja_member_is_lpse_staff"
    assert str(caught.value) == (
        f"{person.display_name} runs the system (LPSE administrator or staff, or platform "
        "operator) and may never sit on a Pokja (LT 16(3), KA 14(3)). Choose another member."
    )
    assert snapshot() == before


def test_someone_without_the_pokja_role_is_refused(scene, package):
    outsider = UserFactory()
    elsewhere = UserFactory()
    grant(elsewhere, Role.POKJA_MEMBER, agency=scene.officials.agency)  # another unit
    before = snapshot()
    for person in (outsider, elsewhere):
        with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
            _assign(scene, package, members=[*scene.committee.pokja[:2], person])
        assert caught.value.code == "pokja_role_missing"
        assert str(caught.value) == (
            f"{person.display_name} does not hold the Pokja member role in force in "
            f"{scene.committee.ulp_agency.name}. Choose a registered Pokja member, or ask the "
            "agency admin to register this person."
        )
    assert snapshot() == before


def test_every_problem_is_reported_at_once(scene, package):
    grant(scene.ppk, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    with translation.override("en"), pytest.raises(errors.SeparationOfDuties) as caught:
        _assign(scene, package, members=[scene.ppk, scene.committee.pokja[0]])
    assert [str(m)[:30] for m in caught.value.fields["members"]] == [
        f"{scene.ppk.display_name} is the PPK of this package"[:30],
        "A Pokja has at least 3 members",
    ]


def test_duplicate_member_is_refused(scene, package):
    a, b, _c = scene.committee.pokja[:3]
    with pytest.raises(errors.ValidationError) as caught:
        _assign(scene, package, members=[a, b, a])
    assert caught.value.code == "pokja_member_twice"
    assert not PokjaMember.objects.exists()


def test_chair_must_be_a_member(scene, package):
    with pytest.raises(errors.ValidationError) as caught:
        _assign(scene, package, chair=scene.committee.pokja[4])
    assert caught.value.code == "pokja_chair_not_member"
    assert not PokjaMember.objects.exists()


def test_sk_number_is_required(scene, package):
    with pytest.raises(errors.ValidationError) as caught:
        _assign(scene, package, sk="  ")
    assert list(caught.value.fields) == ["sk_number"]


@pytest.mark.parametrize("who", ["ppk", "pokja", "lpse_admin", "stranger", "other_head"])
def test_only_the_head_of_the_receiving_ulp_assigns(scene, package, who):
    other_head = build_scene().head
    actor = {
        "ppk": scene.ppk,
        "pokja": scene.committee.pokja[0],
        "lpse_admin": scene.lpse_admin,
        "stranger": scene.stranger,
        "other_head": other_head,
    }[who]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _assign(scene, package, actor=actor)
    assert snapshot() == before


def test_a_draft_package_gets_no_pokja(scene):
    package = ready_package(scene)
    package.ulp_agency = scene.committee.ulp_agency
    package.save()
    with pytest.raises(errors.Conflict) as caught:
        _assign(scene, package)
    assert caught.value.code == "package_not_waiting_for_pokja"


def test_assigning_twice_is_refused(scene, package):
    _assign(scene, package)
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        _assign(scene, package, members=scene.committee.pokja[2:5])
    assert caught.value.code == "package_not_waiting_for_pokja"
    assert snapshot() == before


# --- replacing a member --------------------------------------------------------------------------


def test_replacing_the_chair_hands_over_the_chair(scene, package):
    a, b, c, d, _e = scene.committee.pokja
    _assign(scene, package, members=[a, b, c], chair=a)
    new = services.pokja_replace_member(
        actor=scene.head, package=package, member=a, replacement=d, reason="Mutasi jabatan"
    )
    assert new.user == d and new.is_chair and new.sk_number == "027/SK-POKJA/2026"
    old = PokjaMember.objects.get(package=package, user=a)
    assert old.removed_at is not None
    assert old.removed_by == scene.head
    assert old.removal_reason == "Mutasi jabatan"
    assert set(
        PokjaMember.objects.filter(package=package, removed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    ) == {b.pk, c.pk, d.pk}
    assert not permissions.is_committee_member(a, package)
    assert permissions.is_committee_chair(d, package)
    assert Notification.objects.filter(topic="pokja.removed", user=a).count() == 1
    event = AuditEvent.objects.get(action="pokja.replace_member")
    assert event.changes["tender_announced"] is None


def test_replacement_after_announcement_is_logged_and_calls_the_hooks(scene, package):
    a, b, c, d, _e = scene.committee.pokja
    _assign(scene, package, members=[a, b, c], chair=a)
    tender = TenderFactory(
        package=package, status=TenderStatus.ANNOUNCED, announced_at=package.sent_at, created_by=a
    )
    calls = []

    def hook(**kwargs):
        calls.append(kwargs)
        return {"keys_resplit": True}

    services.register_member_change(hook)
    try:
        services.pokja_replace_member(
            actor=scene.head,
            package=package,
            member=b,
            replacement=d,
            reason="Sakit",
            sk_number="027/SK-POKJA-2/2026",
        )
    finally:
        services._member_change_hooks.remove(hook)
    assert [(c["tender"], c["removed"], c["added"]) for c in calls] == [(tender, b, d)]
    event = AuditEvent.objects.get(action="pokja.replace_member")
    assert event.changes["tender_announced"] == tender.code
    assert event.changes["keys_resplit"] is True
    assert event.changes["sk_number"] == "027/SK-POKJA-2/2026"


def test_replacement_must_keep_the_rules(scene, package):
    a, b, c, d, _e = scene.committee.pokja
    _assign(scene, package, members=[a, b, c])
    grant(scene.ppk, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    before = snapshot()
    with pytest.raises(errors.SeparationOfDuties) as caught:
        services.pokja_replace_member(
            actor=scene.head, package=package, member=b, replacement=scene.ppk, reason="x"
        )
    assert caught.value.code == "pokja_member_is_ppk"
    assert list(caught.value.fields) == ["replacement"]
    with pytest.raises(errors.ValidationError) as caught:
        services.pokja_replace_member(
            actor=scene.head, package=package, member=b, replacement=c, reason="x"
        )
    assert caught.value.code == "already_a_member"
    with pytest.raises(errors.ValidationError) as caught:
        services.pokja_replace_member(
            actor=scene.head, package=package, member=d, replacement=b, reason="x"
        )
    assert caught.value.code == "not_a_member"
    with pytest.raises(errors.ValidationError) as caught:
        services.pokja_replace_member(
            actor=scene.head, package=package, member=b, replacement=d, reason=" "
        )
    assert list(caught.value.fields) == ["reason"]
    with pytest.raises(errors.PermissionDenied):
        services.pokja_replace_member(actor=a, package=package, member=b, replacement=d, reason="x")
    assert snapshot() == before


def test_replacing_before_any_pokja_is_refused(scene, package):
    a, b = scene.committee.pokja[:2]
    with pytest.raises(errors.Conflict) as caught:
        services.pokja_replace_member(
            actor=scene.head, package=package, member=a, replacement=b, reason="x"
        )
    assert caught.value.code == "package_without_pokja"
