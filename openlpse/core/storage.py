"""The file storage service: every uploaded file goes through `file_store()` (architecture §6).

- Streamed in chunks, never whole in memory; SHA-256 and size computed while streaming; refused
  as soon as the size passes the document kind's limit.
- Type detected from the content (`filetypes`), not from the name or the client's MIME type.
- Stored under a server-generated name (`<kind>/<yyyy>/<mm>/<uuid>.<ext>`), never the client's.
- Durable before the database commit (security-reference §4.1): `DurableFileSystemStorage`
  fsyncs the file, renames it into place and fsyncs the directory before `save()` returns, and
  `file_store()` saves inside the transaction that creates the `StoredFile` row and its audit
  event. A crash between save and commit leaves an unreferenced file (no row, no receipt) that
  a reconciliation job may remove; never a row without its file.
- On any refusal nothing is left on disk or in the database.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from openlpse.core import audit, clock, filetypes
from openlpse.core.errors import PayloadTooLarge, StorageFull, UnsupportedMediaType
from openlpse.core.models import StoredFile

if TYPE_CHECKING:
    from openlpse.accounts.models.user import User
    from openlpse.organizations.models import Lpse

CHUNK_SIZE = 1024 * 1024


def _fsync_directory(path: str) -> None:
    """Make a rename or a new entry in `path` durable (POSIX: fsync of the directory)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose `save()` returns only when the file is on stable storage.

    Django's FileSystemStorage never fsyncs. Here the bytes go to a temporary file in the
    target directory, which is fsynced, renamed into place with `os.replace` (atomic on one
    filesystem) and then the directory is fsynced, so the name survives a crash too. A source
    that is already a file (`temporary_file_path()`, e.g. Django's upload temp file under
    MEDIA_ROOT/.tmp) is fsynced and renamed instead of copied when it is on the same filesystem.
    """

    def staging_dir(self) -> str:
        """A directory on the storage's own filesystem for files still being received."""
        path = os.path.join(self.location, ".staging")
        self._make_directories(path)
        return path

    def _make_directories(self, directory: str) -> None:
        missing: list[str] = []
        current = directory
        while not os.path.isdir(current):
            missing.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):
                os.mkdir(path)
                if self.directory_permissions_mode is not None:
                    os.chmod(path, self.directory_permissions_mode)
            _fsync_directory(os.path.dirname(path))

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directories(directory)
        source = content.temporary_file_path() if hasattr(content, "temporary_file_path") else None
        if source is None or not self._move_into_place(source, full_path):
            self._write_into_place(content, full_path, directory)
        _fsync_directory(directory)
        return str(name).replace("\\", "/")

    def _move_into_place(self, source: str, full_path: str) -> bool:
        if self.file_permissions_mode is not None:
            os.chmod(source, self.file_permissions_mode)
        _fsync_file(source)
        try:
            os.replace(source, full_path)
        except OSError:  # another filesystem (EXDEV): copy instead
            return False
        return True

    def _write_into_place(self, content: Any, full_path: str, directory: str) -> None:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks(content):
                    out.write(chunk)
                out.flush()
                if self.file_permissions_mode is not None:
                    os.fchmod(out.fileno(), self.file_permissions_mode)
                os.fsync(out.fileno())
            os.replace(temporary, full_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


class HashedTemporaryUploadedFile(TemporaryUploadedFile):
    """A temporary upload whose SHA-256 was computed while it was received."""

    sha256: str = ""


class HashingFileUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file (like Django's handler) and computes its
    SHA-256 on the way in, in 1 MB chunks, so that `file_store()` need not read it again: the
    upload is then written once, fsynced and renamed into the storage.

    settings: FILE_UPLOAD_HANDLERS = ["openlpse.core.storage.HashingFileUploadHandler"]
    """

    chunk_size = CHUNK_SIZE

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.hashed = HashedTemporaryUploadedFile(
            self.file_name or "", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.file = self.hashed
        self.hasher = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.hasher.update(raw_data)
        self.hashed.write(raw_data)

    def file_complete(self, file_size: int) -> HashedTemporaryUploadedFile:
        self.hashed.seek(0)
        self.hashed.size = file_size
        self.hashed.sha256 = self.hasher.hexdigest()
        return self.hashed


class _StagedFile(File):  # type: ignore[type-arg]
    """A fully received upload in the staging directory, moved (not copied) by the storage."""

    def __init__(self, path: str) -> None:
        super().__init__(None, name=os.path.basename(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        with open(self._path, "rb") as stream:
            yield from iter(lambda: stream.read(chunk_size or CHUNK_SIZE), b"")


def _chunks(upload: Any) -> Iterator[bytes]:
    """Chunks of a Django File/UploadedFile or any binary file object, from its start."""
    if isinstance(upload, File):
        yield from upload.chunks(CHUNK_SIZE)
        return
    if _seekable(upload):
        upload.seek(0)
    yield from iter(lambda: upload.read(CHUNK_SIZE), b"")


def _seekable(upload: Any) -> bool:
    try:
        return bool(upload.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _storage() -> Storage:
    return storages["default"]


# --- names shown to people --------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str) -> str:
    """The client's file name, for display and downloads only (never a path): no directories,
    no control or bidirectional-override characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _UNSAFE_IN_NAME.sub("", name).strip().strip(".") or "file"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (
            (stem[: 254 - len(extension)] + dot + extension)
            if dot and len(extension) < 20
            else name[:255]
        )
    return name


def content_disposition(name: str, *, inline: bool = False) -> str:
    """RFC 6266 header value: an ASCII `filename` fallback plus the exact UTF-8 `filename*`."""
    name = display_name(name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()+-]", "_", ascii_name).strip() or "download"
    encoded = quote(name, safe="!#$&+-.^_`|~")
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


# --- refusals -------------------------------------------------------------------------------


def _too_large(name: str, kind: filetypes.DocumentKind) -> PayloadTooLarge:
    return PayloadTooLarge(
        _(
            "The file “%(name)s” is larger than %(limit)s MB, the limit for %(kind)s. "
            "Make it smaller (for example, scan at a lower resolution) and upload it again."
        )
        % {"name": name, "limit": kind.max_mb, "kind": kind.label}
    )


def _not_accepted(name: str, code: str, kind: filetypes.DocumentKind) -> UnsupportedMediaType:
    if code == "empty":
        return UnsupportedMediaType(
            _(
                "The file “%(name)s” is empty (0 bytes). Check that you chose the right file "
                "and upload it again."
            )
            % {"name": name},
            code="empty_file",
        )
    return UnsupportedMediaType(
        _(
            "The file “%(name)s” is %(received)s, not one of the accepted types (%(accepted)s). "
            "Save it as %(preferred)s and upload it again."
        )
        % {
            "name": name,
            "received": filetypes.TYPES[code].description,
            "accepted": kind.accepted_names(),
            "preferred": filetypes.TYPES[kind.accepted[0]].name,
        }
    )


# --- the service -----------------------------------------------------------------------------


class _Scan:
    """SHA-256, size and first bytes of a stream, refusing as soon as it passes the limit."""

    def __init__(self, name: str, kind: filetypes.DocumentKind) -> None:
        self.name, self.kind = name, kind
        self.hasher = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.head_checked = False
        self.digest = ""

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.kind.max_bytes:
            raise _too_large(self.name, self.kind)
        if len(self.head) < filetypes.HEAD_SIZE:
            self.head += chunk[: filetypes.HEAD_SIZE - len(self.head)]
        if not self.head_checked and len(self.head) >= filetypes.HEAD_SIZE:
            self.check_head()
        self.hasher.update(chunk)

    def adopt(self, upload: HashedTemporaryUploadedFile) -> None:
        """Take the size and SHA-256 that the upload handler computed on receipt."""
        if upload.size is None or upload.size > self.kind.max_bytes:
            raise _too_large(self.name, self.kind)
        self.size = upload.size
        self.digest = upload.sha256

    def hexdigest(self) -> str:
        return self.digest or self.hasher.hexdigest()

    def check_head(self) -> None:
        """Refuse a stream early when its first bytes already rule out every accepted type."""
        self.head_checked = True
        code = filetypes.sniff(self.head)
        if not filetypes.may_be_accepted(code, self.kind):
            raise _not_accepted(self.name, code, self.kind)


def _receive(upload: Any, scan: _Scan, path: str) -> None:
    with open(path, "xb") as sink:
        for chunk in _chunks(upload):
            scan.feed(chunk)
            sink.write(chunk)


def _new_key(kind: filetypes.DocumentKind, code: str) -> str:
    today = clock.now()
    extension = filetypes.TYPES[code].extension
    return f"{kind.code}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{extension}"


def _staging_path(storage: Storage) -> str:
    directory = (
        storage.staging_dir()
        if isinstance(storage, DurableFileSystemStorage)
        else str(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    )
    return os.path.join(directory, f"{uuid.uuid4().hex}.part")


def _save(storage: Storage, key: str, content: Any) -> str:
    try:
        return storage.save(key, content)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull from exc  # 507: the client keeps its file and retries later
        raise


def file_store(
    *,
    upload: Any,
    kind: str,
    owner: User | None,
    purpose: str = "",
    lpse: Lpse | None = None,
) -> StoredFile:
    """Store an uploaded file (a Django UploadedFile or any binary file object) as `kind`.

    Raises PayloadTooLarge or UnsupportedMediaType (nothing stored) when the kind refuses it,
    StorageFull when the disk is full (nothing stored either).
    The upload is consumed: a Django temporary upload is moved into the storage, not copied.
    Runs in the caller's transaction; the file is durable before that transaction commits.
    """
    spec = filetypes.get_kind(kind)
    name = display_name(str(getattr(upload, "name", "") or ""))
    declared_size = getattr(upload, "size", None)
    if isinstance(declared_size, int) and declared_size > spec.max_bytes:
        raise _too_large(name, spec)
    storage = _storage()
    scan = _Scan(name, spec)
    staged: str | None = None
    try:
        content: Any
        if _seekable(upload):
            # The whole file is at hand: look inside containers before reading it through.
            code = filetypes.detect(upload)
            if not spec.accepts(code):
                raise _not_accepted(name, code, spec)
            if isinstance(upload, HashedTemporaryUploadedFile) and upload.sha256:
                scan.adopt(upload)  # hashed while it was received (HashingFileUploadHandler)
                content = upload
            elif hasattr(upload, "temporary_file_path"):
                for chunk in _chunks(upload):  # hashed here, moved (not copied) by save()
                    scan.feed(chunk)
                content = upload
            else:
                staged = _staging_path(storage)
                _receive(upload, scan, staged)
                content = _StagedFile(staged)
        else:
            staged = _staging_path(storage)
            _receive(upload, scan, staged)
            with open(staged, "rb") as received:
                code = filetypes.detect(received)
            if not spec.accepts(code):
                raise _not_accepted(name, code, spec)
            content = _StagedFile(staged)
        if scan.size == 0:
            raise _not_accepted(name, "empty", spec)
        with transaction.atomic():
            key = _save(storage, _new_key(spec, code), content)
            try:
                stored = StoredFile.objects.create(
                    storage_key=key,
                    original_name=name,
                    kind=spec.code,
                    purpose=purpose[:200],
                    content_type=filetypes.TYPES[code].mime,
                    detected_type=code,
                    size=scan.size,
                    sha256=scan.hexdigest(),
                    owner=owner,
                    lpse=lpse,
                    created_at=clock.now(),
                )
                audit.record(
                    actor=owner,
                    action="file.store",
                    obj=stored,
                    changes={
                        "kind": spec.code,
                        "purpose": stored.purpose,
                        "name": name,
                        "type": code,
                        "size": scan.size,
                        "sha256": stored.sha256,
                    },
                    lpse_id=lpse.pk if lpse is not None else None,
                )
            except BaseException:
                storage.delete(key)
                raise
        return stored
    finally:
        if staged is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged)


def file_open(*, stored_file: StoredFile) -> File[bytes]:
    """A binary reader of the stored bytes, to be read in chunks (`.chunks()`) and closed."""
    return _storage().open(stored_file.storage_key, "rb")


def file_verify(*, stored_file: StoredFile) -> bool:
    """True when the stored bytes still have the recorded size and SHA-256 (reconciliation)."""
    hasher, size = hashlib.sha256(), 0
    with file_open(stored_file=stored_file) as stream:
        for chunk in stream.chunks(CHUNK_SIZE):
            hasher.update(chunk)
            size += len(chunk)
    return size == stored_file.size and hasher.hexdigest() == stored_file.sha256


def file_response(*, stored_file: StoredFile, inline: bool = False) -> FileResponse:
    """A streamed download of a stored file for a view that has already checked access.

    The Content-Type is the detected one, the name the sanitised original (RFC 6266
    `filename*`), and `nosniff` stops browsers from guessing another type.
    """
    response = FileResponse(
        file_open(stored_file=stored_file), content_type=stored_file.content_type
    )
    response.block_size = CHUNK_SIZE
    response["Content-Disposition"] = content_disposition(stored_file.original_name, inline=inline)
    response["Content-Length"] = str(stored_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
