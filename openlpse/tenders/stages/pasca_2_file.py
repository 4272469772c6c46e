"""Tender, pascakualifikasi, 2 files (sistem nilai / umur ekonomis). The order follows the
rules (file I, administration and technical, is opened and evaluated before file II, price,
which is opened only for bids that passed file I); the names of the file I/II stages were not
found on a live SPSE (spse-reference §2.2 B) and are configurable (`StageLabel`)."""

from dataclasses import replace

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import common, pasca_1_file, stage

_first = {s.code: s for s in pasca_1_file.STAGES}

STAGES = (
    _first["pengumuman"],
    _first["download_dokumen"],
    _first["penjelasan"],
    common.UPLOAD_PENAWARAN,
    stage(
        "pembukaan_file_1",
        "Pembukaan dan Evaluasi Penawaran File I: Administrasi dan Teknis",
        "Opening and evaluation of file I: administration and technical",
        R.POKJA,
        A.OPEN_FILE_1,
        A.EVALUATE,
        default_days=3,
        starts_after_end_of=("upload_penawaran",),
        verified=False,
    ),
    stage(
        "pengumuman_file_1",
        "Pengumuman Hasil Evaluasi Administrasi dan Teknis",
        "Announcement of the administration and technical result",
        R.POKJA,
        A.ANNOUNCE_FILE_1,
        starts_after_end_of=("pembukaan_file_1",),
        verified=False,
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
        verified=False,
    ),
    replace(common.PEMBUKTIAN, starts_after_end_of=("pembukaan_file_2",)),
    replace(common.PENETAPAN_PEMENANG, starts_after_end_of=("pembuktian",)),
    *common.CLOSING[1:],
)
