"""Prakualifikasi, 1 file: the qualification stages 1-12 of the 2-file template, then one
opening and one evaluation (spse-reference §2.2 D; the names after stage 12 were not seen on a
live SPSE and are configurable with `StageLabel`)."""

from dataclasses import replace

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import common, pra_2_file, stage

STAGES = (
    *pra_2_file.QUALIFICATION,
    stage(
        "pembukaan",
        "Pembukaan Dokumen Penawaran",
        "Opening of bids",
        R.POKJA,
        A.OPEN_BIDS,
        starts_after_end_of=("upload_penawaran",),
        verified=False,
    ),
    stage(
        "evaluasi",
        "Evaluasi Penawaran",
        "Evaluation of bids",
        R.POKJA,
        A.EVALUATE,
        default_days=3,
        starts_after_end_of=("pembukaan",),
        verified=False,
    ),
    replace(common.PENETAPAN_PEMENANG, starts_after_end_of=("evaluasi",), verified=False),
    *(replace(s, verified=False) for s in common.CLOSING[1:]),
)
