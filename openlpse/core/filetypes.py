"""File types detected from content (never from the name) and the document kinds that accept them.

Detection reads the first bytes (magic numbers) and, for containers, looks inside: a ZIP is a
Word/Excel/PowerPoint file only if its `[Content_Types].xml` declares the main part and that
part exists; an OpenDocument file if its `mimetype` entry says so; an old Office file (OLE2
compound file) is told apart by its streams (`WordDocument`, `Workbook`, ...). The checks are
explicit and small, so the result is predictable; unknown content is "an unknown type of file".

Document kinds say which types and how many MB a purpose accepts. Later apps register theirs:

    filetypes.register_kind("bid_envelope", label=_("bid envelope"), accepted=("zip",), max_mb=200)
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_SIZE = 4096


@dataclass(frozen=True)
class FileType:
    code: str
    name: str | Promise  # short, for lists of accepted types: "PDF"
    description: str | Promise  # for "the file is ...": "a PDF document"
    mime: str = "application/octet-stream"
    extension: str = ""
    acceptable: bool = False  # may a document kind accept it at all


_TYPES = [
    FileType("pdf", "PDF", _("a PDF document"), "application/pdf", "pdf", True),
    FileType("png", "PNG", _("a PNG image"), "image/png", "png", True),
    FileType("jpeg", "JPEG", _("a JPEG image"), "image/jpeg", "jpg", True),
    FileType("gif", "GIF", _("a GIF image"), "image/gif", "gif", True),
    FileType("webp", "WebP", _("a WebP image"), "image/webp", "webp", True),
    FileType("zip", "ZIP", _("a ZIP archive"), "application/zip", "zip", True),
    FileType(
        "docx",
        "DOCX",
        _("a Word document (DOCX)"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        True,
    ),
    FileType(
        "xlsx",
        "XLSX",
        _("an Excel workbook (XLSX)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        True,
    ),
    FileType(
        "pptx",
        "PPTX",
        _("a PowerPoint presentation (PPTX)"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        True,
    ),
    FileType(
        "odt",
        "ODT",
        _("an OpenDocument text (ODT)"),
        "application/vnd.oasis.opendocument.text",
        "odt",
        True,
    ),
    FileType(
        "ods",
        "ODS",
        _("an OpenDocument spreadsheet (ODS)"),
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        True,
    ),
    FileType(
        "odp",
        "ODP",
        _("an OpenDocument presentation (ODP)"),
        "application/vnd.oasis.opendocument.presentation",
        "odp",
        True,
    ),
    FileType("doc", "DOC", _("an old Word document (DOC)"), "application/msword", "doc", True),
    FileType(
        "xls", "XLS", _("an old Excel workbook (XLS)"), "application/vnd.ms-excel", "xls", True
    ),
    FileType(
        "ppt",
        "PPT",
        _("an old PowerPoint presentation (PPT)"),
        "application/vnd.ms-powerpoint",
        "ppt",
        True,
    ),
    # Recognised so that the refusal says what was received; never accepted.
    FileType("office_macro", "DOCM/XLSM/PPTM", _("an Office document with macros")),
    FileType("office_encrypted", "", _("a password-protected Office document")),
    FileType("ole2", "", _("a Microsoft compound file that is not a document (e.g. an installer)")),
    FileType("zip_damaged", "", _("a damaged ZIP archive")),
    FileType("html", "HTML", _("an HTML document")),
    FileType("svg", "SVG", _("an SVG image")),
    FileType("xml", "XML", _("an XML document")),
    FileType("rtf", "RTF", _("an RTF document")),
    FileType("text", "TXT", _("a text file")),
    FileType("exe", "EXE", _("a Windows program (EXE)")),
    FileType("elf", "", _("a Linux program")),
    FileType("script", "", _("a script")),
    FileType("rar", "RAR", _("a RAR archive")),
    FileType("7z", "7Z", _("a 7-Zip archive")),
    FileType("gzip", "GZ", _("a GZIP archive")),
    FileType("bmp", "BMP", _("a BMP image")),
    FileType("tiff", "TIFF", _("a TIFF image")),
    FileType("heic", "HEIC", _("a HEIC photo")),
    FileType("video", "", _("a video")),
    FileType("postscript", "PS", _("a PostScript document")),
    FileType("empty", "", _("an empty file")),
    FileType("unknown", "", _("an unknown type of file")),
]
TYPES: dict[str, FileType] = {t.code: t for t in _TYPES}
# Types whose magic number only says "container": the answer needs a look inside.
ZIP_FAMILY = frozenset(
    {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "office_macro", "zip_damaged"}
)
OLE2_FAMILY = frozenset({"doc", "xls", "ppt", "office_encrypted", "ole2"})


# --- document kinds -----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str | Promise  # used in messages: "the limit for appointment letters"
    accepted: tuple[str, ...]  # file type codes; the first is the one suggested on refusal
    max_mb: int

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    def accepts(self, code: str) -> bool:
        return code in self.accepted

    def accepted_names(self) -> str:
        return ", ".join(str(TYPES[code].name) for code in self.accepted)


_KINDS: dict[str, DocumentKind] = {}


def register_kind(
    code: str, *, label: str | Promise, accepted: tuple[str, ...], max_mb: int
) -> DocumentKind:
    """Declare a document kind (at import time of the app that needs it). Registering the same
    code again with the same definition is harmless; with a different one it is an error."""
    unknown = [t for t in accepted if t not in TYPES or not TYPES[t].acceptable]
    if not accepted or unknown:
        raise ValueError(f"document kind {code!r}: not acceptable file types {unknown or accepted}")
    if max_mb <= 0:
        raise ValueError(f"document kind {code!r}: max_mb must be positive")
    kind = DocumentKind(code=code, label=label, accepted=tuple(accepted), max_mb=max_mb)
    existing = _KINDS.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"document kind {code!r} is already registered differently")
    _KINDS[code] = kind
    return kind


def get_kind(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(
            f"unknown document kind {code!r}; registered: {', '.join(sorted(_KINDS))}"
        ) from None


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


register_kind(
    "generic_document",
    label=_("documents"),
    accepted=(
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "odp",
        "doc",
        "xls",
        "ppt",
        "jpeg",
        "png",
        "zip",
    ),
    max_mb=50,
)
register_kind("logo", label=_("logos"), accepted=("png", "jpeg", "webp", "gif"), max_mb=2)
register_kind(
    "appointment_letter", label=_("appointment letters"), accepted=("pdf", "jpeg", "png"), max_mb=10
)
register_kind(
    "identity_document", label=_("identity documents"), accepted=("pdf", "jpeg", "png"), max_mb=5
)


# --- detection from the first bytes -------------------------------------------------------

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"#!", "script"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "rtf"),
    (b"%!PS", "postscript"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
]
_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|script|iframe|meta|title|div|p|a|"
    rb"style|form|table|img|span|h[1-6]|link|base|svg|\?xml)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def sniff(head: bytes) -> str:
    """The type code the first bytes show. "zip" and "ole2" still need `detect()` to look inside."""
    if not head:
        return "empty"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "heic" if head[8:12] in _HEIC_BRANDS else "video"
    for magic, code in _MAGIC:
        if head.startswith(magic):
            return code
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    match = _HTML_START.match(text[:1024])
    if match:
        tag = match.group(0).lower()
        if tag.startswith(b"<?xml"):
            return "svg" if b"<svg" in text[:HEAD_SIZE].lower() else "xml"
        return "svg" if b"<svg" in tag else "html"
    try:
        # final=False: a multi-byte character cut at the end of the head is not an error.
        decoded = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "unknown"
    if any(ch < " " and ch not in "\t\n\r\f" for ch in decoded):
        return "unknown"
    return "text"


# --- looking inside containers --------------------------------------------------------------

_CENTRAL_DIRECTORY_LIMIT = 8 * 1024 * 1024  # more is not an office document, and costs memory
_CONTENT_TYPES_LIMIT = 1024 * 1024
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "pptx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "office_macro",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "office_macro",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "office_macro",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "office_macro",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": "office_macro",
    "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml": "office_macro",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*["']([^"']*)["']""")


def _central_directory_size(file: IO[bytes]) -> int | None:
    """Size of the ZIP central directory from its end record; None when there is none."""
    file.seek(0, 2)
    end = file.tell()
    tail_start = max(0, end - (65535 + 22))
    file.seek(tail_start)
    tail = file.read()
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < 22:
        return None
    (size,) = struct.unpack_from("<I", tail, position + 12)
    return int(size)


def _inspect_zip(file: IO[bytes]) -> str:
    size = _central_directory_size(file)
    if size is None:
        return "zip_damaged"
    if size == 0xFFFFFFFF or size > _CENTRAL_DIRECTORY_LIMIT:
        return "zip"  # ZIP64 or huge: a plain archive, never an office document
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    declared = archive.read(info).strip()
                    if declared in _ODF_MIMETYPES:
                        return _ODF_MIMETYPES[declared]
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= _CONTENT_TYPES_LIMIT:
                    return _ooxml_type(archive.read(info), names) or "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return "zip_damaged"
    except RuntimeError:  # encrypted entry
        return "zip"
    return "zip"


def _ooxml_type(content_types: bytes, names: set[str]) -> str | None:
    for match in _OVERRIDE.finditer(content_types):
        attributes = {k.lower(): v for k, v in _ATTRIBUTE.findall(match.group(1))}
        code = _OOXML_MAIN.get(
            attributes.get(b"contenttype", b"").decode("ascii", "replace").lower()
        )
        part = attributes.get(b"partname", b"").decode("utf-8", "replace").lstrip("/")
        if code and part in names:
            return code
    return None


_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTORS_FOLLOWED = 100_000


def _inspect_ole2(file: IO[bytes]) -> str:
    """Tell old Office documents apart by the names in the compound file's directory
    ([MS-CFB] 2.2 header, 2.3 FAT, 2.6 directory entries)."""
    try:
        names = _ole2_directory_names(file)
    except (struct.error, ValueError, OSError):
        return "ole2"
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    if "EncryptedPackage" in names:
        return "office_encrypted"
    return "ole2"


def _ole2_directory_names(file: IO[bytes]) -> set[str]:
    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    (sector_shift,) = struct.unpack_from("<H", header, 30)
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    sector_size = 1 << sector_shift
    (first_directory_sector,) = struct.unpack_from("<I", header, 48)
    first_difat_sector, difat_count = struct.unpack_from("<II", header, 68)
    difat = list(struct.unpack_from("<109I", header, 76))

    def read_sector(number: int) -> bytes:
        file.seek((number + 1) * sector_size)
        data = file.read(sector_size)
        if len(data) != sector_size:
            raise ValueError("sector beyond the end of the file")
        return data

    per_sector = sector_size // 4
    next_difat, followed = first_difat_sector, 0
    fat_sectors: list[int] = [s for s in difat if s < _ENDOFCHAIN]

    def fat_sector(index: int) -> int:
        nonlocal next_difat, followed
        while index >= len(fat_sectors) and next_difat < _ENDOFCHAIN and followed < difat_count:
            entries = struct.unpack(f"<{per_sector}I", read_sector(next_difat))
            fat_sectors.extend(s for s in entries[:-1] if s < _ENDOFCHAIN)
            next_difat = entries[-1]
            followed += 1
        return fat_sectors[index]

    def next_sector(number: int) -> int:
        block = read_sector(fat_sector(number // per_sector))
        (value,) = struct.unpack_from("<I", block, (number % per_sector) * 4)
        return int(value)

    names: set[str] = set()
    sector, steps = first_directory_sector, 0
    while sector < _ENDOFCHAIN and steps < _MAX_SECTORS_FOLLOWED:
        data = read_sector(sector)
        for offset in range(0, sector_size, 128):
            length, object_type = struct.unpack_from("<HB", data, offset + 64)
            if object_type in (1, 2) and 2 <= length <= 64:
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        sector = next_sector(sector)
        steps += 1
    return names


def detect(file: IO[bytes]) -> str:
    """The type code of a seekable binary file, from its content. Leaves it at position 0."""
    file.seek(0)
    code = sniff(file.read(HEAD_SIZE))
    if code == "zip":
        code = _inspect_zip(file)
    elif code == "ole2":
        code = _inspect_ole2(file)
    file.seek(0)
    return code


def may_be_accepted(code: str, kind: DocumentKind) -> bool:
    """Whether a file whose first bytes show `code` can still turn out acceptable once its
    container is inspected (used to refuse a stream early, before it is all received)."""
    if code == "zip":
        return any(t in ZIP_FAMILY for t in kind.accepted)
    if code == "ole2":
        return any(t in OLE2_FAMILY for t in kind.accepted)
    return kind.accepts(code)
