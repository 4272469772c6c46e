"""Pengadaan langsung (SPSE "Non Tender"): the five stages SPSE shows (spse-reference §2.2 F,
live LPSE Kota Padang data), run by the Pejabat Pengadaan with one invited vendor."""

from openlpse.tenders.enums import StageAction as A
from openlpse.tenders.enums import StageActor as R
from openlpse.tenders.stages import stage

STAGES = (
    stage(
        "upload_penawaran",
        "Upload Dokumen Penawaran",
        "Bid upload",
        R.VENDOR,
        A.ANNOUNCE,
        A.JOIN,
        A.DOWNLOAD,
        A.SUBMIT_BID,
        default_days=3,
    ),
    stage(
        "pembukaan",
        "Pembukaan Dokumen Penawaran",
        "Opening of bids",
        R.PEJABAT_PENGADAAN,
        A.OPEN_BIDS,
        starts_after_end_of=("upload_penawaran",),
    ),
    stage(
        "evaluasi",
        "Evaluasi Penawaran",
        "Evaluation of bids",
        R.PEJABAT_PENGADAAN,
        A.EVALUATE,
        starts_after_end_of=("pembukaan",),
    ),
    stage(
        "negosiasi",
        "Klarifikasi Teknis dan Negosiasi",
        "Technical clarification and negotiation",
        R.PEJABAT_PENGADAAN,
        A.NEGOTIATE,
        default_days=2,
        starts_after_end_of=("evaluasi",),
    ),
    stage(
        "kontrak",
        "Penandatanganan Kontrak",
        "Contract signing",
        R.PPK_AND_VENDOR,
        A.SIGN_CONTRACT,
        default_days=3,
        starts_after_end_of=("negosiasi",),
    ),
)
