"""The file storage service: streaming, hashing, limits, type refusals, durability, downloads."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import audit, filetypes, storage
from openlpse.core.errors import DomainError, PayloadTooLarge, StorageFull, UnsupportedMediaType
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.core.tests.test_filetypes import EXE, HTML, PDF, PNG, SAMPLES, ooxml, zip_bytes
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
filetypes.register_kind(
    "test_office_only", label="office documents", accepted=("docx", "xlsx"), max_mb=1
)
filetypes.register_kind("test_pdf_or_png", label="test files", accepted=("pdf", "png"), max_mb=1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.FILE_UPLOAD_TEMP_DIR = str(root / ".tmp")
    (root / ".tmp").mkdir()
    return root


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def assert_nothing_stored(root: Path) -> None:
    assert files_under(root) == []
    assert StoredFile.objects.count() == 0
    assert AuditEvent.objects.count() == 0


class Stream(io.RawIOBase):
    """A non-seekable stream of `size` bytes starting with `head`, counting what is read."""

    def __init__(self, head: bytes, size: int) -> None:
        self.head, self.total, self.position = head, size, 0
        self.name = "stream.pdf"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = min(len(buffer), self.total - self.position)
        chunk = (self.head[self.position :] + b"\x00" * count)[:count]
        buffer[:count] = chunk
        self.position += count
        return count


_open_uploads: list[TemporaryUploadedFile] = []


def temporary_upload(name: str, content: bytes, media_root: Path) -> TemporaryUploadedFile:
    """What Django's TemporaryFileUploadHandler gives a view (in FILE_UPLOAD_TEMP_DIR)."""
    upload = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    _open_uploads.append(upload)
    return upload


@pytest.fixture(autouse=True)
def close_uploads():
    """Django closes a request's uploads when the response ends; tests do it here."""
    yield
    while _open_uploads:
        _open_uploads.pop().close()


# --- storing ---------------------------------------------------------------------------------


def test_a_stored_file_records_hash_size_type_owner_and_an_audit_event(media_root):
    owner = UserFactory(username="pokja1")
    lpse = LpseFactory()
    content = PDF + os.urandom(300_000)
    upload = SimpleUploadedFile("Surat Tugas.pdf", content, content_type="text/html")
    stored = storage.file_store(
        upload=upload, kind="appointment_letter", owner=owner, purpose="surat tugas", lpse=lpse
    )
    stored.refresh_from_db()
    assert (stored.sha256, stored.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert (stored.detected_type, stored.content_type) == ("pdf", "application/pdf")
    assert (stored.original_name, stored.kind, stored.purpose) == (
        "Surat Tugas.pdf",
        "appointment_letter",
        "surat tugas",
    )
    assert (stored.owner, stored.lpse) == (owner, lpse)
    assert stored.storage_key.startswith("appointment_letter/")
    assert stored.storage_key.endswith(".pdf")
    assert "Surat" not in stored.storage_key
    assert (media_root / stored.storage_key).read_bytes() == content
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.lpse_id) == ("file.store", owner.pk, lpse.pk)
    assert (event.object_type, event.object_id) == ("core.storedfile", str(stored.pk))
    assert event.changes == {
        "kind": "appointment_letter",
        "purpose": "surat tugas",
        "name": "Surat Tugas.pdf",
        "type": "pdf",
        "size": len(content),
        "sha256": stored.sha256,
    }
    assert audit.verify_chain().ok


def test_a_django_temporary_upload_is_moved_into_storage_not_copied(media_root):
    content = PDF + os.urandom(100_000)
    upload = temporary_upload("a.pdf", content, media_root)
    temporary_path = upload.temporary_file_path()
    stored = storage.file_store(upload=upload, kind="appointment_letter", owner=None)
    assert not os.path.exists(temporary_path)
    assert (media_root / stored.storage_key).read_bytes() == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    upload.close()  # Django's cleanup copes with the moved file
    assert files_under(media_root) == [stored.storage_key]


def test_a_non_seekable_stream_is_stored_with_its_hash(media_root):
    stream = Stream(PDF, 3 * MB + 17)
    stored = storage.file_store(upload=stream, kind="appointment_letter", owner=None)
    expected = hashlib.sha256(PDF + b"\x00" * (3 * MB + 17 - len(PDF))).hexdigest()
    assert (stored.size, stored.sha256, stored.original_name) == (
        3 * MB + 17,
        expected,
        "stream.pdf",
    )
    assert files_under(media_root) == [stored.storage_key]


def test_an_open_binary_file_is_stored(media_root, tmp_path):
    source = tmp_path / "logo.png"
    source.write_bytes(PNG)
    with source.open("rb") as handle:
        stored = storage.file_store(upload=handle, kind="logo", owner=None)
    assert (stored.detected_type, stored.original_name, stored.size) == (
        "png",
        "logo.png",
        len(PNG),
    )


@pytest.mark.parametrize("code", ["docx", "xlsx", "odt", "doc", "xls", "zip", "jpeg", "png"])
def test_office_files_archives_and_images_are_accepted_as_generic_documents(code):
    stored = storage.file_store(
        upload=SimpleUploadedFile(f"x.{code}", SAMPLES[code]), kind="generic_document", owner=None
    )
    assert stored.detected_type == code


def test_the_file_name_is_only_kept_for_display(media_root):
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF)
    stored = storage.file_store(upload=upload, kind="appointment_letter", owner=None)
    assert stored.original_name == "passwd.pdf"
    assert files_under(media_root) == [stored.storage_key]


# --- size limits -----------------------------------------------------------------------------


def test_a_file_exactly_at_the_limit_is_accepted():
    content = PDF + b"\x00" * (5 * MB - len(PDF))
    stored = storage.file_store(
        upload=SimpleUploadedFile("ktp.pdf", content), kind="identity_document", owner=None
    )
    assert stored.size == 5 * MB


@pytest.mark.parametrize("how", ["uploaded", "temporary", "stream"])
def test_a_file_over_the_kinds_limit_is_refused_with_the_limit_in_mb(media_root, how):
    size = 5 * MB + 1
    content = PDF + b"\x00" * (size - len(PDF))
    upload: object = {
        "uploaded": lambda: SimpleUploadedFile("ktp.pdf", content),
        "temporary": lambda: temporary_upload("ktp.pdf", content, media_root),
        "stream": lambda: Stream(PDF, size),
    }[how]()
    if how == "stream":
        upload.name = "ktp.pdf"  # type: ignore[attr-defined]
    with pytest.raises(PayloadTooLarge) as refused:
        storage.file_store(upload=upload, kind="identity_document", owner=None)
    assert str(refused.value) == (
        "The file “ktp.pdf” is larger than 5 MB, the limit for identity documents. "
        "Make it smaller (for example, scan at a lower resolution) and upload it again."
    )
    assert (refused.value.code, refused.value.http_status) == ("too_large", 413)
    if how == "temporary":
        upload.close()  # type: ignore[attr-defined]
    assert_nothing_stored(media_root)


def test_a_stream_is_refused_as_soon_as_it_passes_the_limit(media_root):
    stream = Stream(PDF, 10_000 * MB)  # 10 GB announced, never read through
    with pytest.raises(PayloadTooLarge):
        storage.file_store(upload=stream, kind="identity_document", owner=None)
    assert stream.position <= 5 * MB + storage.CHUNK_SIZE
    assert_nothing_stored(media_root)


# --- type refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        (
            "x.pdf",
            HTML,
            "appointment_letter",
            "The file “x.pdf” is an HTML document, not one of the accepted types (PDF, JPEG, PNG). "
            "Save it as PDF and upload it again.",
        ),
        (
            "surat.pdf",
            EXE,
            "appointment_letter",
            "The file “surat.pdf” is a Windows program (EXE), not one of the accepted types "
            "(PDF, JPEG, PNG). Save it as PDF and upload it again.",
        ),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "logo",
            "The file “logo.png” is an SVG image, not one of the accepted types "
            "(PNG, JPEG, WebP, GIF). Save it as PNG and upload it again.",
        ),
        (
            "ktp.pdf",
            SAMPLES["docx"],
            "identity_document",
            "The file “ktp.pdf” is a Word document (DOCX), not one of the accepted types "
            "(PDF, JPEG, PNG). Save it as PDF and upload it again.",
        ),
        (
            "laporan.docx",
            zip_bytes({"word.txt": b"not really"}),
            "appointment_letter",
            "The file “laporan.docx” is a ZIP archive, not one of the accepted types "
            "(PDF, JPEG, PNG). Save it as PDF and upload it again.",
        ),
        (
            "makro.docx",
            ooxml("docx", content_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
            "generic_document",
            "The file “makro.docx” is an Office document with macros, not one of the accepted "
            "types (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, JPEG, PNG, ZIP). "
            "Save it as PDF and upload it again.",
        ),
        (
            "kosong.pdf",
            b"",
            "appointment_letter",
            "The file “kosong.pdf” is empty (0 bytes). Check that you chose the right file and "
            "upload it again.",
        ),
    ],
    ids=["html_as_pdf", "exe_as_pdf", "svg_logo", "docx_as_id", "zip_as_docx", "docm", "empty"],
)
def test_a_file_whose_content_is_not_accepted_is_refused_naming_what_it_is(
    media_root, name, content, kind, message
):
    with pytest.raises(UnsupportedMediaType) as refused:
        storage.file_store(upload=SimpleUploadedFile(name, content), kind=kind, owner=None)
    assert str(refused.value) == message
    assert refused.value.http_status == 415
    assert_nothing_stored(media_root)


def test_a_stream_whose_first_bytes_rule_out_the_kind_is_refused_before_it_is_read_through(
    media_root,
):
    stream = Stream(HTML, 1000 * MB)
    with pytest.raises(UnsupportedMediaType, match="is an HTML document"):
        storage.file_store(upload=stream, kind="appointment_letter", owner=None)
    assert stream.position <= storage.CHUNK_SIZE
    assert_nothing_stored(media_root)


def test_a_lying_office_stream_is_refused_after_looking_inside(media_root):
    content = zip_bytes({"a.txt": b"x"})
    stream = Stream(content, len(content))
    stream.name = "a.docx"
    with pytest.raises(UnsupportedMediaType, match="is a ZIP archive"):
        storage.file_store(upload=stream, kind="test_office_only", owner=None)
    assert_nothing_stored(media_root)


def test_when_the_database_write_fails_the_stored_file_is_removed(media_root, monkeypatch):
    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="database went away"):
        storage.file_store(
            upload=SimpleUploadedFile("a.pdf", PDF), kind="test_pdf_or_png", owner=None
        )
    assert_nothing_stored(media_root)


def test_a_full_disk_is_answered_with_storage_full_and_leaves_nothing(media_root, monkeypatch):
    real_fsync = os.fsync

    def full(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageFull) as refused:
        storage.file_store(upload=Stream(PDF, 2 * MB), kind="appointment_letter", owner=None)
    assert refused.value.http_status == 507
    assert_nothing_stored(media_root)


def test_an_unknown_kind_is_a_programming_error(media_root):
    with pytest.raises(LookupError, match="unknown document kind 'nope'"):
        storage.file_store(upload=SimpleUploadedFile("a.pdf", PDF), kind="nope", owner=None)
    assert_nothing_stored(media_root)


# --- durability ---------------------------------------------------------------------------------


@pytest.fixture
def fs_log(monkeypatch) -> list[tuple[str, str]]:
    """Every fsync (with the kind of file descriptor and its path) and rename, in order."""
    log: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        log.append((f"fsync {kind}", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        log.append(("replace", str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return log


@pytest.mark.parametrize("how", ["uploaded", "temporary", "stream"])
def test_the_file_then_the_directory_are_fsynced_around_the_rename(media_root, fs_log, how):
    content = PDF + b"\x01" * 1000
    upload: object = {
        "uploaded": lambda: SimpleUploadedFile("a.pdf", content),
        "temporary": lambda: temporary_upload("a.pdf", content, media_root),
        "stream": lambda: Stream(content, len(content)),
    }[how]()
    stored = storage.file_store(upload=upload, kind="appointment_letter", owner=None)
    final = str(media_root / stored.storage_key)
    assert fs_log[-3:] == [
        ("fsync file", fs_log[-3][1]),
        ("replace", final),
        ("fsync dir", os.path.dirname(final)),
    ]
    assert fs_log[-3][1] != final  # the temporary file was fsynced before it took the name
    directories = {p for k, p in fs_log if k == "fsync dir"}
    # New directories (kind/yyyy/mm) are made durable in their parents too.
    assert str(media_root / stored.storage_key.split("/")[0]) in directories
    assert str(media_root) in directories


def test_saving_plain_content_writes_a_temporary_file_fsyncs_and_renames(media_root, fs_log):
    durable = storages["default"]
    assert isinstance(durable, storage.DurableFileSystemStorage)
    name = durable.save("notes/readme.txt", ContentFile(b"hello"))
    assert (media_root / name).read_bytes() == b"hello"
    (kind1, path1), (kind2, path2), (kind3, path3) = fs_log[-3:]
    assert (kind1, kind2, path2, kind3, path3) == (
        "fsync file",
        "replace",
        str(media_root / name),
        "fsync dir",
        str(media_root / "notes"),
    )
    assert os.path.basename(path1).startswith(".part-")
    assert oct(os.stat(media_root / name).st_mode & 0o777) == "0o640"


def test_across_filesystems_the_upload_is_copied_durably(media_root, fs_log, monkeypatch):
    real_replace = os.replace
    calls = {"n": 0}

    def replace_failing_once(source: str, target: str) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_failing_once)
    content = PDF + b"\x02" * 5000
    stored = storage.file_store(
        upload=temporary_upload("a.pdf", content, media_root), kind="appointment_letter", owner=None
    )
    assert (media_root / stored.storage_key).read_bytes() == content
    file_syncs = [p for k, p in fs_log if k == "fsync file"]
    assert os.path.basename(file_syncs[-1]).startswith(".part-")
    assert fs_log[-1] == ("fsync dir", str((media_root / stored.storage_key).parent))


# --- reading back ---------------------------------------------------------------------------------


def test_file_open_streams_the_stored_bytes_and_file_verify_checks_them(media_root):
    content = PDF + os.urandom(3 * MB)
    stored = storage.file_store(
        upload=SimpleUploadedFile("a.pdf", content), kind="appointment_letter", owner=None
    )
    with storage.file_open(stored_file=stored) as handle:
        assert b"".join(handle.chunks(64 * 1024)) == content
    assert storage.file_verify(stored_file=stored) is True
    (media_root / stored.storage_key).write_bytes(content[:-1] + b"!")
    assert storage.file_verify(stored_file=stored) is False


def test_file_response_is_an_attachment_with_a_safe_rfc6266_name():
    stored = storage.file_store(
        upload=SimpleUploadedFile('Laporan "Akhir" é\r\n€.pdf', PDF),
        kind="appointment_letter",
        owner=None,
    )
    response = storage.file_response(stored_file=stored)
    assert response["Content-Disposition"] == (
        'attachment; filename="Laporan _Akhir_ e.pdf"; '
        "filename*=UTF-8''Laporan%20%22Akhir%22%20%C3%A9%E2%82%AC.pdf"
    )
    assert (response["Content-Type"], response["Content-Length"]) == (
        "application/pdf",
        str(len(PDF)),
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    response.close()


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\budi\\Dokumen\\penawaran.pdf", "penawaran.pdf"),
        ("../../etc/passwd", "passwd"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_display_names_lose_paths_and_control_characters(given, shown):
    assert storage.display_name(given) == shown


# --- through Django's request handling --------------------------------------------------------


def upload_view(request: HttpRequest) -> JsonResponse:
    try:
        stored = storage.file_store(
            upload=request.FILES["file"], kind="generic_document", owner=None, purpose="test"
        )
    except DomainError as error:
        return JsonResponse({"error": error.as_dict()}, status=error.http_status)
    return JsonResponse({"id": stored.pk, "sha256": stored.sha256, "size": stored.size})


urlpatterns = [path("test-upload/", upload_view)]


@pytest.mark.urls(__name__)
def test_a_20_mb_upload_through_the_test_client_is_stored_intact(client, media_root, tmp_path):
    content = PDF + os.urandom(20 * MB - len(PDF))
    source = tmp_path / "besar.pdf"
    source.write_bytes(content)
    with source.open("rb") as handle:
        response = client.post("/test-upload/", {"file": handle})
    assert response.status_code == 200
    body = response.json()
    assert (body["sha256"], body["size"]) == (hashlib.sha256(content).hexdigest(), 20 * MB)
    stored = StoredFile.objects.get(pk=body["id"])
    assert (stored.original_name, stored.detected_type) == ("besar.pdf", "pdf")
    assert (media_root / stored.storage_key).read_bytes() == content
    # Django's temporary upload was moved into storage, nothing is left behind.
    assert files_under(media_root) == [stored.storage_key]


@pytest.mark.urls(__name__)
def test_a_refused_upload_through_the_test_client_answers_415_and_leaves_nothing(
    client, media_root, tmp_path
):
    source = tmp_path / "x.pdf"
    source.write_bytes(EXE + b"\x00" * 1000)
    with source.open("rb") as handle:
        response = client.post("/test-upload/", {"file": handle})
    assert response.status_code == 415
    assert json.loads(response.content)["error"]["code"] == "unsupported_type"
    assert_nothing_stored(media_root)


@pytest.mark.urls(__name__)
def test_with_the_hashing_upload_handler_the_upload_is_hashed_once_on_receipt(
    client, media_root, tmp_path, settings, monkeypatch
):
    settings.FILE_UPLOAD_HANDLERS = ["openlpse.core.storage.HashingFileUploadHandler"]
    fed: list[int] = []
    real_feed = storage._Scan.feed

    def counting_feed(self: storage._Scan, chunk: bytes) -> None:
        fed.append(len(chunk))
        real_feed(self, chunk)

    monkeypatch.setattr(storage._Scan, "feed", counting_feed)
    content = PDF + os.urandom(3 * MB)
    source = tmp_path / "hashed.pdf"
    source.write_bytes(content)
    with source.open("rb") as handle:
        response = client.post("/test-upload/", {"file": handle})
    assert response.status_code == 200
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert fed == []  # file_store did not read the file again
    stored = StoredFile.objects.get()
    assert (media_root / stored.storage_key).read_bytes() == content
    assert files_under(media_root) == [stored.storage_key]


def test_a_pre_hashed_upload_over_the_limit_is_refused(media_root):
    upload = storage.HashedTemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    _open_uploads.append(upload)
    upload.write(PDF + b"\x00" * (5 * MB))
    upload.seek(0)
    upload.size = len(PDF) + 5 * MB
    upload.sha256 = "0" * 64
    with pytest.raises(PayloadTooLarge, match="larger than 5 MB"):
        storage.file_store(upload=upload, kind="identity_document", owner=None)
    upload.close()
    assert_nothing_stored(media_root)
