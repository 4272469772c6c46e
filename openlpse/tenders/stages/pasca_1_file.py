"""Tender, pascakualifikasi, 1 file (harga terendah, sistem gugur): the 12 stages SPSE shows
(spse-reference §2.2 A, verified against three independent scrapers)."""

from dataclasses import replace

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import common, stage

STAGES = (
    stage(
        "pengumuman",
        "Pengumuman Pascakualifikasi",
        "Announcement (post-qualification)",
        R.POKJA,
        A.ANNOUNCE,
        A.JOIN,
        default_days=7,
    ),
    stage(
        "download_dokumen",
        "Download Dokumen Pemilihan",
        "Download of the selection document",
        R.VENDOR,
        A.JOIN,
        A.DOWNLOAD,
        starts_with=("pengumuman",),
        ends_with="upload_penawaran",
    ),
    replace(common.PEMBERIAN_PENJELASAN, starts_with=("pengumuman",), offset_days=2),
    common.UPLOAD_PENAWARAN,
    stage(
        "pembukaan",
        "Pembukaan Dokumen Penawaran",
        "Opening of bids",
        R.POKJA,
        A.OPEN_BIDS,
        starts_after_end_of=("upload_penawaran",),
    ),
    stage(
        "evaluasi",
        "Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga",
        "Evaluation of administration, qualification, technical and price",
        R.POKJA,
        A.EVALUATE,
        default_days=3,
        starts_after_end_of=("pembukaan",),
    ),
    replace(common.PEMBUKTIAN, starts_after_end_of=("evaluasi",)),
    replace(common.PENETAPAN_PEMENANG, starts_after_end_of=("pembuktian",)),
    *common.CLOSING[1:],
)
