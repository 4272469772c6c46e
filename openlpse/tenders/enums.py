"""Choices of packages and tenders (LT 8(2)b-c, KA 15(2)b-c; spse-reference §2-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    """Jenis kontrak (Perpres 16/2018 Pasal 27)."""

    LUMP_SUM = "lump_sum", _("Lump sum")
    HARGA_SATUAN = "harga_satuan", _("Unit price (harga satuan)")
    GABUNGAN = "gabungan", _("Lump sum and unit price (gabungan)")
    TERIMA_JADI = "terima_jadi", _("Turnkey (terima jadi)")
    KONTRAK_PAYUNG = "kontrak_payung", _("Framework contract (kontrak payung)")
    WAKTU_PENUGASAN = "waktu_penugasan", _("Time-based (waktu penugasan)")
    PERSENTASE = "persentase", _("Percentage (persentase)")


class BusinessQualification(models.TextChoices):
    """Kualifikasi usaha a package asks of its bidders."""

    KECIL = "kecil", _("Small business (kecil)")
    NON_KECIL = "non_kecil", _("Non-small business (non-kecil)")
    SEMUA = "semua", _("Any business size")
    PERORANGAN = "perorangan", _("Individual (perorangan)")


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (PPK)")
    SENT = "sent", _("Sent to the procurement unit")
    ASSIGNED = "assigned", _("Committee assigned")
    RETURNED = "returned", _("Returned to the PPK")
    CANCELLED = "cancelled", _("Cancelled")


class SelectionUnit(models.TextChoices):
    """Who selects the provider: a Pokja of the ULP/UKPBJ (tenders) or one Pejabat Pengadaan
    (pengadaan langsung)."""

    ULP = "ulp", _("Selection committee (Pokja) of the ULP/UKPBJ")
    PEJABAT_PENGADAAN = "pejabat_pengadaan", _("Procurement officer (Pejabat Pengadaan)")


class TenderMethod(models.TextChoices):
    """The selection method (KA 15(2)c; the values are those of the public API)."""

    PASCA_1_FILE = "pasca_1_file", _("Post-qualification, one file")
    PASCA_2_FILE = "pasca_2_file", _("Post-qualification, two files")
    PRA_1_FILE = "pra_1_file", _("Pre-qualification, one file")
    PRA_2_FILE = "pra_2_file", _("Pre-qualification, two files")
    PENGADAAN_LANGSUNG = "pengadaan_langsung", _("Direct procurement (pengadaan langsung)")


TENDER_METHODS = frozenset(
    {
        TenderMethod.PASCA_1_FILE,
        TenderMethod.PASCA_2_FILE,
        TenderMethod.PRA_1_FILE,
        TenderMethod.PRA_2_FILE,
    }
)
PREQUALIFICATION_METHODS = frozenset({TenderMethod.PRA_1_FILE, TenderMethod.PRA_2_FILE})
TWO_FILE_METHODS = frozenset({TenderMethod.PASCA_2_FILE, TenderMethod.PRA_2_FILE})


class EvaluationMethod(models.TextChoices):
    """Metode evaluasi (Perpres 16/2018 Pasal 39)."""

    HARGA_TERENDAH = "harga_terendah", _("Lowest price (harga terendah)")
    SISTEM_NILAI = "sistem_nilai", _("Merit point system (sistem nilai)")
    UMUR_EKONOMIS = "umur_ekonomis", _("Life-cycle cost (biaya selama umur ekonomis)")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    ANNOUNCED = "announced", _("Tender in progress")
    CANCELLED = "cancelled", _("Tender cancelled (batal)")
    FAILED = "failed", _("Tender failed (gagal)")
    COMPLETED = "completed", _("Tender completed")


PUBLIC_TENDER_STATUSES = frozenset(
    {TenderStatus.ANNOUNCED, TenderStatus.CANCELLED, TenderStatus.FAILED, TenderStatus.COMPLETED}
)


class Envelope(models.TextChoices):
    """Where a required document is submitted."""

    QUALIFICATION = "qualification", _("Qualification data")
    SINGLE = "single", _("Bid (one file)")
    FILE_1 = "file_1", _("File I: administration and technical")
    FILE_2 = "file_2", _("File II: price")


class RequirementKind(models.TextChoices):
    """Kinds of qualification requirement (syarat kualifikasi)."""

    LICENCE = "licence", _("Business licence")
    EXPERIENCE = "experience", _("Experience")
    PERSONNEL = "personnel", _("Key personnel")
    EQUIPMENT = "equipment", _("Equipment")
    FINANCIAL = "financial", _("Financial capability")
    TAX = "tax", _("Tax compliance")
    OTHER = "other", _("Other")


class StageAction(models.TextChoices):
    """What may be done inside a stage. Code asks "is a stage with action X open for this
    tender now?" and never hard-codes a method's order (conventions: stage templates are data)."""

    ANNOUNCE = "announce", _("Announcement")
    JOIN = "join", _("Join the tender")
    DOWNLOAD = "download", _("Download the documents")
    ASK = "ask", _("Ask questions (explanation)")
    ASK_QUALIFICATION = "ask_qualification", _("Ask questions about the qualification document")
    SUBMIT_QUALIFICATION = "submit_qualification", _("Submit qualification data")
    EVALUATE_QUALIFICATION = "evaluate_qualification", _("Evaluate qualification")
    PROVE_QUALIFICATION = "prove_qualification", _("Prove qualification")
    DECIDE_QUALIFICATION = "decide_qualification", _("Decide the qualification result")
    ANNOUNCE_QUALIFICATION = "announce_qualification", _("Announce the qualification result")
    OBJECT_QUALIFICATION = "object_qualification", _("Objections to the qualification")
    SUBMIT_BID = "submit_bid", _("Upload bids")
    OPEN_BIDS = "open_bids", _("Open bids")
    OPEN_FILE_1 = "open_file_1", _("Open file I")
    ANNOUNCE_FILE_1 = "announce_file_1", _("Announce the file I result")
    OPEN_FILE_2 = "open_file_2", _("Open file II")
    EVALUATE = "evaluate", _("Evaluate bids")
    NEGOTIATE = "negotiate", _("Clarify and negotiate")
    DECIDE_WINNER = "decide_winner", _("Decide the winner")
    ANNOUNCE_WINNER = "announce_winner", _("Announce the winner")
    OBJECT = "object", _("Objections (sanggah)")
    APPOINT = "appoint", _("Appointment letter (SPPBJ)")
    SIGN_CONTRACT = "sign_contract", _("Contract signing")


class StageActor(models.TextChoices):
    POKJA = "pokja", _("Pokja")
    VENDOR = "vendor", _("Vendor")
    POKJA_AND_VENDOR = "pokja_vendor", _("Pokja and vendors")
    PEJABAT_PENGADAAN = "pejabat_pengadaan", _("Pejabat Pengadaan")
    PPK = "ppk", _("PPK")
    PPK_AND_VENDOR = "ppk_vendor", _("PPK and vendor")


class DocumentKind(models.TextChoices):
    DOKUMEN_PEMILIHAN = "dokumen_pemilihan", _("Selection document (dokumen pemilihan)")
    DOKUMEN_KUALIFIKASI = "dokumen_kualifikasi", _("Qualification document (dokumen kualifikasi)")


class AddendumStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PPK = "awaiting_ppk", _("Waiting for the PPK's approval")
    REJECTED = "rejected", _("Rejected by the PPK")
    PUBLISHED = "published", _("Published")


class GuaranteeKind(models.TextChoices):
    BID = "bid", _("Bid guarantee (jaminan penawaran)")
    PERFORMANCE = "performance", _("Performance guarantee (jaminan pelaksanaan)")
    ADVANCE = "advance", _("Advance payment guarantee (jaminan uang muka)")
    MAINTENANCE = "maintenance", _("Maintenance guarantee (jaminan pemeliharaan)")
