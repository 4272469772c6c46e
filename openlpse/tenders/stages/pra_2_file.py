"""Prakualifikasi, 2 files: the 20 stages SPSE shows (spse-reference §2.2 C, verified by two
independent scrapers). Qualification first, with its own objection period (no sanggah banding
in prakualifikasi); then only shortlisted vendors download the selection document and bid."""

from dataclasses import replace

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import common, stage

QUALIFICATION = (
    stage(
        "pengumuman_prakualifikasi",
        "Pengumuman Prakualifikasi",
        "Announcement (pre-qualification)",
        R.POKJA,
        A.ANNOUNCE,
        A.JOIN,
        default_days=7,
    ),
    stage(
        "download_dokumen_kualifikasi",
        "Download Dokumen Kualifikasi",
        "Download of the qualification document",
        R.VENDOR,
        A.JOIN,
        A.DOWNLOAD,
        starts_with=("pengumuman_prakualifikasi",),
        ends_with="kirim_kualifikasi",
    ),
    stage(
        "penjelasan_kualifikasi",
        "Penjelasan Dokumen Prakualifikasi",
        "Explanation of the pre-qualification document",
        R.POKJA_AND_VENDOR,
        A.ASK_QUALIFICATION,
        A.DOWNLOAD,
        starts_with=("pengumuman_prakualifikasi",),
        offset_days=2,
    ),
    stage(
        "kirim_kualifikasi",
        "Kirim Persyaratan Kualifikasi",
        "Submission of qualification data",
        R.VENDOR,
        A.SUBMIT_QUALIFICATION,
        A.DOWNLOAD,
        default_days=7,
        starts_with=("pengumuman_prakualifikasi",),
        offset_days=1,
    ),
    stage(
        "evaluasi_kualifikasi",
        "Evaluasi Dokumen Kualifikasi",
        "Evaluation of qualification",
        R.POKJA,
        A.EVALUATE_QUALIFICATION,
        default_days=3,
        starts_after_end_of=("kirim_kualifikasi",),
    ),
    replace(common.PEMBUKTIAN, starts_after_end_of=("evaluasi_kualifikasi",)),
    stage(
        "penetapan_kualifikasi",
        "Penetapan Hasil Kualifikasi",
        "Determination of the shortlist",
        R.POKJA,
        A.DECIDE_QUALIFICATION,
        starts_after_end_of=("pembuktian",),
    ),
    stage(
        "pengumuman_kualifikasi",
        "Pengumuman Hasil Prakualifikasi",
        "Announcement of the pre-qualification result",
        R.POKJA,
        A.ANNOUNCE_QUALIFICATION,
        starts_after_end_of=("penetapan_kualifikasi",),
    ),
    stage(
        "sanggah_kualifikasi",
        "Masa Sanggah Prakualifikasi",
        "Pre-qualification objection period",
        R.POKJA_AND_VENDOR,
        A.OBJECT_QUALIFICATION,
        default_days=5,
        starts_after_end_of=("pengumuman_kualifikasi",),
    ),
    stage(
        "download_dokumen",
        "Download Dokumen Pemilihan",
        "Download of the selection document",
        R.VENDOR,
        A.DOWNLOAD,
        starts_after_end_of=("sanggah_kualifikasi",),
        ends_with="upload_penawaran",
    ),
    replace(
        common.PEMBERIAN_PENJELASAN,
        starts_with=("download_dokumen",),
        offset_days=2,
    ),
    common.UPLOAD_PENAWARAN,
)

STAGES = (
    *QUALIFICATION,
    *common.two_file_stages(verified=True),
    replace(common.PENETAPAN_PEMENANG, starts_after_end_of=("pembukaan_file_2",)),
    *common.CLOSING[1:],
)
