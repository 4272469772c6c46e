"""Helpers for the officials, auditors, sign-in refusal and inbox tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from openlpse.accounts.models import AuditorRegistration, OfficialProfile, RoleAssignment, User
from openlpse.accounts.permissions import today
from openlpse.core.models import AuditEvent, Notification, StoredFile

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
NIP = "198001012005011001"
NIK = "1807014101900001"


def pdf(name: str = "sk.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def exe(name: str = "sk.pdf") -> SimpleUploadedFile:
    """A program dressed up as a PDF: refused by content, whatever the name says."""
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def in_english(_default_language):
    """Service messages in English (the source language), whatever the catalogue says."""
    with translation.override("en"):
        yield


def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


def files_on_disk() -> int:
    """Stored files under MEDIA_ROOT (not the upload scratch folder): a refused upload leaves
    none behind."""
    root = settings.MEDIA_ROOT
    return sum(1 for path in root.rglob("*") if path.is_file() and ".tmp" not in path.parts)


def counts() -> dict[str, int]:
    """Row counts of what registration services write, and the stored files on disk."""
    return {
        "files_on_disk": files_on_disk(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "revoked": RoleAssignment.objects.filter(revoked_at__isnull=False).count(),
        "profiles": OfficialProfile.objects.count(),
        "files": StoredFile.objects.count(),
        "auditor_requests": AuditorRegistration.objects.count(),
        "decided": AuditorRegistration.objects.exclude(status="pending").count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
