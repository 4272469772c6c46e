"""File storage: a durable storage class (placeholder; the storage service fills this module)."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class DurableFileSystemStorage(FileSystemStorage):
    pass
