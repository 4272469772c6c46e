"""Stages shared by several methods (same code, name and rules wherever they appear)."""

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import StageDef, stage

# The closing stages of every tender (spse-reference §2.2 A, rows 8-12; C, rows 16-20).
PENETAPAN_PEMENANG = stage(
    "penetapan_pemenang",
    "Penetapan Pemenang",
    "Determination of the winner",
    R.POKJA,
    A.DECIDE_WINNER,
    default_days=1,
)
PENGUMUMAN_PEMENANG = stage(
    "pengumuman_pemenang",
    "Pengumuman Pemenang",
    "Announcement of the winner",
    R.POKJA,
    A.ANNOUNCE_WINNER,
    default_days=1,
    starts_after_end_of=("penetapan_pemenang",),
)
# Masa sanggah: 5 calendar days after the announcement, ending on a working day within working
# hours (spse-reference §2.4; SDP IKP 34.4-34.5).
MASA_SANGGAH = stage(
    "masa_sanggah",
    "Masa Sanggah",
    "Objection period (sanggah)",
    R.POKJA_AND_VENDOR,
    A.OBJECT,
    default_days=5,
    min_days=5,
    starts_after_end_of=("pengumuman_pemenang",),
)
SPPBJ = stage(
    "sppbj",
    "Surat Penunjukan Penyedia Barang/Jasa",
    "Letter of appointment (SPPBJ)",
    R.PPK,
    A.APPOINT,
    default_days=2,
    starts_after_end_of=("masa_sanggah",),
)
KONTRAK = stage(
    "kontrak",
    "Penandatanganan Kontrak",
    "Contract signing",
    R.PPK_AND_VENDOR,
    A.SIGN_CONTRACT,
    default_days=3,
    starts_after_end_of=("sppbj",),
)
CLOSING = (PENETAPAN_PEMENANG, PENGUMUMAN_PEMENANG, MASA_SANGGAH, SPPBJ, KONTRAK)

# Pemberian penjelasan and bid upload, the same in every tender method.
PEMBERIAN_PENJELASAN = stage(
    "penjelasan",
    "Pemberian Penjelasan",
    "Explanation (aanwijzing)",
    R.POKJA_AND_VENDOR,
    A.ASK,
    A.DOWNLOAD,
    default_days=1,
)
UPLOAD_PENAWARAN = stage(
    "upload_penawaran",
    "Upload Dokumen Penawaran",
    "Bid upload",
    R.VENDOR,
    A.SUBMIT_BID,
    A.DOWNLOAD,
    default_days=7,
    starts_after_end_of=("penjelasan",),
)
PEMBUKTIAN = stage(
    "pembuktian",
    "Pembuktian Kualifikasi",
    "Verification of qualification",
    R.POKJA_AND_VENDOR,
    A.PROVE_QUALIFICATION,
    default_days=2,
)


# Two-file tenders: file I (administration and technical) is opened and evaluated, its result
# announced, and only then file II (price) is opened for the bids that passed (spse-reference
# §2.2 B and C). `two_file_stages(verified=...)`: pascakualifikasi's names are unverified.
def two_file_stages(*, verified: bool) -> tuple[StageDef, ...]:
    return (
        stage(
            "pembukaan_file_1",
            "Pembukaan dan Evaluasi Penawaran File I: Administrasi dan Teknis",
            "Opening and evaluation of file I: administration and technical",
            R.POKJA,
            A.OPEN_FILE_1,
            A.EVALUATE,
            default_days=3,
            starts_after_end_of=("upload_penawaran",),
            verified=verified,
        ),
        stage(
            "pengumuman_file_1",
            "Pengumuman Hasil Evaluasi Administrasi dan Teknis",
            "Announcement of the administration and technical result",
            R.POKJA,
            A.ANNOUNCE_FILE_1,
            starts_after_end_of=("pembukaan_file_1",),
            verified=verified,
        ),
        stage(
            "pembukaan_file_2",
            "Pembukaan dan Evaluasi Penawaran File II: Harga",
            "Opening and evaluation of file II: price",
            R.POKJA,
            A.OPEN_FILE_2,
            A.EVALUATE,
            default_days=2,
            starts_after_end_of=("pengumuman_file_1",),
            verified=verified,
        ),
    )
