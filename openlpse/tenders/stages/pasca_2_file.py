"""Tender, pascakualifikasi, 2 files (sistem nilai / umur ekonomis). The order follows the
rules (file I, administration and technical, is opened and evaluated before file II, price,
which is opened only for bids that passed file I); the names of the file I/II stages were not
found on a live SPSE (spse-reference §2.2 B) and are configurable (`StageLabel`)."""

from dataclasses import replace

from openlpse.tenders.stages import common, pasca_1_file

_first = {s.code: s for s in pasca_1_file.STAGES}

STAGES = (
    _first["pengumuman"],
    _first["download_dokumen"],
    _first["penjelasan"],
    common.UPLOAD_PENAWARAN,
    *common.two_file_stages(verified=False),
    replace(common.PEMBUKTIAN, starts_after_end_of=("pembukaan_file_2",)),
    replace(common.PENETAPAN_PEMENANG, starts_after_end_of=("pembuktian",)),
    *common.CLOSING[1:],
)
