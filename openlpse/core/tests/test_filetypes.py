"""Type detection from content, table-driven over real-shaped samples and lying files, and the
document kinds registry. Sample builders here are reused by test_storage.py."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from openlpse.core import filetypes

# --- sample builders ----------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x000\x01\x00\x9d\x01\x2a\x01\x00\x01\x00"
HTML = b"\xef\xbb\xbf  <!DOCTYPE html>\n<html><head><title>x</title></head><body>hi</body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override ContentType="{content_type}" PartName="/{part}"/>'
    "</Types>"
)
OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def zip_bytes(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(
                zipfile.ZipInfo(stored_first), entries.pop(stored_first), zipfile.ZIP_STORED
            )
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(code: str, *, content_type: str | None = None, with_part: bool = True) -> bytes:
    part, suffix = OOXML[code]
    declared = content_type or f"application/vnd.openxmlformats-officedocument.{suffix}"
    entries = {
        "[Content_Types].xml": _CONTENT_TYPES.format(content_type=declared, part=part).encode(),
        "_rels/.rels": b"<Relationships/>",
    }
    if with_part:
        entries[part] = b"<document/>"
    return zip_bytes(entries)


def odf(kind: str) -> bytes:
    return zip_bytes(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
        },
        stored_first="mimetype",
    )


FREE, END, FATSECT, DIFSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC


def _directory_entry(name: str, object_type: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), object_type, 1)
        + struct.pack("<III", FREE, FREE, FREE)
        + b"\x00" * 16
        + b"\x00" * 4
        + b"\x00" * 16
        + struct.pack("<IQ", END, 0)
    )


def ole2(*streams: str, via_difat_sector: bool = False) -> bytes:
    """A minimal compound file ([MS-CFB]) with 512-byte sectors: sector 0 is the FAT, sectors
    1-2 the directory (a chain of two, so the FAT is followed), optionally sector 3 a DIFAT
    sector that holds the FAT's location instead of the header."""
    entries = [_directory_entry("Root Entry", 5)] + [_directory_entry(s, 2) for s in streams]
    entries += [b"\x00" * 128] * (8 - len(entries))  # two directory sectors of 4 entries
    fat = [FATSECT, 2, END] + ([DIFSECT] if via_difat_sector else [])
    fat_sector = struct.pack(f"<{128}I", *(fat + [FREE] * (128 - len(fat))))
    header_difat = [FREE] * 109 if via_difat_sector else [0] + [FREE] * 108
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            1,
            1,
            0,
            4096,
            END,
            0,
            3 if via_difat_sector else END,
            1 if via_difat_sector else 0,
        )
        + struct.pack("<109I", *header_difat)
    )
    assert len(header) == 512
    sectors = [fat_sector, b"".join(entries[:4]), b"".join(entries[4:])]
    if via_difat_sector:
        sectors.append(struct.pack("<128I", 0, *([FREE] * 126), END))
    return header + b"".join(sectors)


SAMPLES: dict[str, bytes] = {
    "pdf": PDF,
    "png": PNG,
    "jpeg": JPEG,
    "gif": GIF,
    "webp": WEBP,
    "zip": zip_bytes({"a.txt": b"hello", "b/c.csv": b"1,2"}),
    "docx": ooxml("docx"),
    "xlsx": ooxml("xlsx"),
    "pptx": ooxml("pptx"),
    "odt": odf("text"),
    "ods": odf("spreadsheet"),
    "odp": odf("presentation"),
    "doc": ole2("WordDocument", "1Table", "\x05SummaryInformation"),
    "xls": ole2("\x05SummaryInformation", "Workbook"),
    "ppt": ole2("PowerPoint Document", "Current User"),
}

# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("expected", "content"), SAMPLES.items(), ids=list(SAMPLES))
def test_accepted_types_are_detected_from_their_content(expected, content):
    assert filetypes.detect(io.BytesIO(content)) == expected


LYING = [
    ("html_named_pdf", HTML, "html"),
    ("html_fragment", b"\n<script>alert(1)</script>", "html"),
    ("html_after_comment", b"<!-- saved -->\n<HTML lang=en>", "html"),
    ("exe_named_pdf", EXE, "exe"),
    ("elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "elf"),
    ("shell_script", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "svg"),
    ("bare_svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "svg"),
    ("xml", b'<?xml version="1.0"?><root/>', "xml"),
    ("text", b"Surat penawaran harga: Rp 1.000.000,00\n", "text"),
    ("rtf", b"{\\rtf1\\ansi hello}", "rtf"),
    ("rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 20, "rar"),
    ("7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 20, "7z"),
    ("gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip"),
    ("bmp", b"BM" + b"\x00" * 60, "bmp"),
    ("tiff", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20, "tiff"),
    ("heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
    ("mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "video"),
    ("postscript", b"%!PS-Adobe-3.0\n", "postscript"),
    ("random_binary", bytes(range(256)) * 4, "unknown"),
    ("empty", b"", "empty"),
    ("pdf_after_junk", b"hello\n%PDF-1.4\n", "text"),
    ("zip_named_docx", zip_bytes({"word.txt": b"not really"}), "zip"),
    ("docx_without_main_part", ooxml("docx", with_part=False), "zip"),
    (
        "docm",
        ooxml("docx", content_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
        "office_macro",
    ),
    ("odf_unknown_mimetype", zip_bytes({"mimetype": b"application/x-foo"}), "zip"),
    ("truncated_zip", SAMPLES["docx"][:200], "zip_damaged"),
    ("zip_header_only", b"PK\x03\x04" + b"\x00" * 100, "zip_damaged"),
    ("encrypted_office", ole2("EncryptedPackage", "EncryptionInfo"), "office_encrypted"),
    ("msi_like_ole2", ole2("\x05DigitalSignature", "Other"), "ole2"),
    ("ole2_truncated", ole2("WordDocument")[:600], "ole2"),
]


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in LYING], ids=[c[0] for c in LYING])
def test_lying_and_unaccepted_files_are_recognised_for_what_they_are(content, expected):
    assert filetypes.detect(io.BytesIO(content)) == expected


def test_the_fat_location_is_found_through_a_difat_sector():
    assert filetypes.detect(io.BytesIO(ole2("Workbook", via_difat_sector=True))) == "xls"


def test_detect_leaves_the_file_at_its_start():
    stream = io.BytesIO(SAMPLES["docx"])
    filetypes.detect(stream)
    assert stream.tell() == 0


def test_a_text_head_cut_inside_a_multibyte_character_is_still_text():
    head = ("€" * filetypes.HEAD_SIZE).encode()[: filetypes.HEAD_SIZE]
    assert head.endswith(b"\xe2")
    assert filetypes.sniff(head) == "text"


def test_every_type_has_a_description_and_acceptable_types_a_mime_type_and_extension():
    for file_type in filetypes.TYPES.values():
        assert str(file_type.description)
        if file_type.acceptable:
            assert (file_type.mime != "application/octet-stream", bool(file_type.extension)) == (
                True,
                True,
            )


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("zip", "appointment_letter", False),
        ("zip", "generic_document", True),
        ("ole2", "generic_document", True),
        ("ole2", "logo", False),
        ("pdf", "logo", False),
        ("png", "logo", True),
    ],
)
def test_may_be_accepted_keeps_containers_open_only_for_kinds_that_take_their_contents(
    code, kind, expected
):
    assert filetypes.may_be_accepted(code, filetypes.get_kind(kind)) is expected


# --- kinds --------------------------------------------------------------------------------------


def test_the_foundation_kinds_are_registered():
    assert {k.code: (k.accepted, k.max_mb) for k in filetypes.kinds()}.items() >= {
        "appointment_letter": (("pdf", "jpeg", "png"), 10),
        "identity_document": (("pdf", "jpeg", "png"), 5),
        "logo": (("png", "jpeg", "webp", "gif"), 2),
    }.items()
    assert filetypes.get_kind("generic_document").accepted[0] == "pdf"


def test_registering_a_kind_again_identically_is_harmless_and_differently_is_an_error():
    kind = filetypes.get_kind("logo")
    assert (
        filetypes.register_kind("logo", label=kind.label, accepted=kind.accepted, max_mb=2) == kind
    )
    with pytest.raises(ValueError, match="already registered differently"):
        filetypes.register_kind("logo", label=kind.label, accepted=kind.accepted, max_mb=3)
    assert filetypes.get_kind("logo").max_mb == 2


@pytest.mark.parametrize(
    ("accepted", "max_mb"), [(("html",), 1), (("nope",), 1), ((), 1), (("pdf",), 0)]
)
def test_a_kind_may_accept_only_known_document_types_and_a_positive_limit(accepted, max_mb):
    with pytest.raises(ValueError, match="document kind 'test_bad'"):
        filetypes.register_kind("test_bad", label="x", accepted=accepted, max_mb=max_mb)
    with pytest.raises(LookupError, match="unknown document kind 'test_bad'"):
        filetypes.get_kind("test_bad")


def test_accepted_names_are_listed_in_the_kinds_order():
    assert filetypes.get_kind("appointment_letter").accepted_names() == "PDF, JPEG, PNG"
