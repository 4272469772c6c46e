"""Unverified stage names are configurable: a deployment label, an LPSE's own label; verified
names are fixed in the templates."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.tenders.admin import StageLabelAdmin
from openlpse.tenders.labels import stage_name, stage_names
from openlpse.tenders.models import StageLabel

pytestmark = pytest.mark.django_db

METHOD = "pasca_2_file"
CODE = "pembukaan_file_1"


def test_defaults_come_from_the_template():
    assert stage_name(METHOD, CODE, language="id") == (
        "Pembukaan dan Evaluasi Penawaran File I: Administrasi dan Teknis"
    )
    assert stage_name(METHOD, CODE, language="en") == (
        "Opening and evaluation of file I: administration and technical"
    )


def test_the_lpse_label_wins_over_the_deployment_label():
    lpse, other = LpseFactory(), LpseFactory()
    StageLabel.objects.create(method=METHOD, code=CODE, name_id="Buka File I", name_en="Open I")
    StageLabel.objects.create(
        lpse=lpse, method=METHOD, code=CODE, name_id="Evaluasi Sampul I", name_en="Envelope I"
    )
    assert stage_name(METHOD, CODE, lpse=lpse, language="id") == "Evaluasi Sampul I"
    assert stage_names(METHOD, lpse=lpse, language="en")[CODE] == "Envelope I"
    assert stage_name(METHOD, CODE, lpse=other, language="id") == "Buka File I"
    assert stage_names(METHOD, lpse=other, language="id")[CODE] == "Buka File I"


def test_a_verified_name_cannot_be_overridden():
    StageLabel.objects.create(
        method="pasca_1_file", code="penjelasan", name_id="Aanwijzing", name_en="Aanwijzing"
    )
    assert stage_name("pasca_1_file", "penjelasan", language="id") == "Pemberian Penjelasan"


def test_saving_a_label_in_the_admin_is_audited():
    operator = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/")
    request.user = operator
    label = StageLabel(method=METHOD, code=CODE, name_id="Buka File I", name_en="Open I")
    StageLabelAdmin(StageLabel, AdminSite()).save_model(request, label, form=None, change=False)
    event = AuditEvent.objects.get(action="tender.stage_label_set")
    assert event.changes["name_id"] == "Buka File I"


def test_only_operators_rename_and_verified_names_are_refused():
    from openlpse.core import errors
    from openlpse.tenders.services.labels import stage_label_save

    official = UserFactory()
    label = StageLabel(method=METHOD, code=CODE, name_id="Buka File I", name_en="Open I")
    with pytest.raises(errors.PermissionDenied):
        stage_label_save(actor=official, label=label)
    operator = UserFactory(is_staff=True, is_superuser=True)
    verified = StageLabel(
        method="pasca_1_file", code="penjelasan", name_id="Aanwijzing", name_en="Aanwijzing"
    )
    with pytest.raises(errors.ValidationError) as refused:
        stage_label_save(actor=operator, label=verified)
    assert refused.value.code == "stage_name_verified"
    assert StageLabel.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="tender.stage_label").exists()
